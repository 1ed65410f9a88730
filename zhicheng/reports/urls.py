from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/<slug:key>.<str:fmt>", views.statistics_download, name="statistics_download"),
    path("exports/", views.exports, name="exports"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("archive/dossier/<int:pk>/", views.archive_create, name="archive_create"),
    path("archive/campaign/", views.archive_batch_create, name="archive_batch_create"),
]
