"""Evidence files: upload to a dossier's section, download and preview (mounted at /evidence/)."""

from django.urls import path

from . import views_files

app_name = "evidence"
urlpatterns = [
    path("dossiers/<int:dossier_id>/<slug:section>/", views_files.evidence_upload, name="upload"),
    path("<int:file_id>/download/", views_files.evidence_download, name="download"),
    path("<int:file_id>/preview/", views_files.evidence_preview, name="preview"),
    path("<int:file_id>/preview/frame/", views_files.evidence_preview_frame, name="preview_frame"),
]
