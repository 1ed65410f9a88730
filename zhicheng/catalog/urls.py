from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.series_list, name="series_list"),
    path("conditions/", views.conditions, name="conditions"),
    path("conditions/<int:pk>/edit/", views.condition_edit, name="condition_edit"),
    path("conditions/<int:pk>/delete/", views.condition_delete, name="condition_delete"),
    path("specialties/", views.specialties, name="specialties"),
    path("waivers/", views.waivers, name="waivers"),
]
