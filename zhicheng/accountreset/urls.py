from django.urls import path

from . import views

app_name = "accountreset"
urlpatterns = [
    path("", views.reset_page, name="page"),
    path("reconfirm/", views.reconfirm, name="reconfirm"),
]
