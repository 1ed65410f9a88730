from django.urls import path

from . import views

app_name = "similarity"
urlpatterns = [
    path("dossiers/<int:pk>/", views.dossier_papers_page, name="dossier"),
    path("dossiers/<int:pk>/papers/<int:paper_id>/", views.paper_result, name="paper_result"),
    path("import/", views.office_import, name="import"),
]
