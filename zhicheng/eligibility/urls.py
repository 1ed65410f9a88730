from django.urls import path

from . import views

app_name = "eligibility"
urlpatterns = [
    path("dossiers/<int:pk>/", views.checklist, name="checklist"),
    path("dossiers/<int:pk>/exemptions/", views.exemption_declare, name="exemption_declare"),
    path("dossiers/<int:pk>/exemptions/<int:declaration_id>/<slug:decision>/", views.exemption_decide,
         name="exemption_decide"),
    path("dossiers/<int:pk>/overrides/", views.finding_override, name="override"),
    path("dossiers/<int:pk>/overrides/<int:override_id>/revoke/", views.override_revoke, name="override_revoke"),
]
