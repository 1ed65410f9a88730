from django.urls import path

from . import views

app_name = "publicity"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("publish/", views.publish, name="publish"),
    path("results/", views.results_publish, name="results"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/close/", views.batch_close, name="close"),
    path("objections/", views.objection_list, name="objections"),
    path("objections/<int:pk>/", views.objection_detail, name="objection"),
    path("objections/<int:pk>/file/", views.objection_file_download, name="objection_file"),
]
