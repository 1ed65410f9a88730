from django.urls import path

from . import views

app_name = "calendar"
urlpatterns = [
    path("", views.overrides, name="overrides"),
    path("overrides/<int:pk>/delete/", views.override_delete, name="override_delete"),
    path("years/confirm/", views.year_confirm, name="year_confirm"),
    path("years/<int:year>/", views.year_view, name="year"),
]
