"""Social-security check pages and the streamed upload (mounted at /socialsecurity/)."""

from django.urls import path

from . import views

app_name = "socialsecurity"
urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/upload/", views.import_upload, name="upload"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("checks/", views.check_list, name="checks"),
]
