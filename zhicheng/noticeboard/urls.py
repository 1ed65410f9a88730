from django.urls import path

from . import views

app_name = "noticeboard"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_detail, name="detail"),
    path("<int:pk>/files/<int:attachment_id>/", views.public_file, name="file"),
    path("manage/", views.manage, name="manage"),
    path("manage/publish/", views.publish, name="publish"),
    path("manage/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
