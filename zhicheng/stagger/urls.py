from django.urls import path

from . import views

app_name = "stagger"
urlpatterns = [
    path("units/<int:org_id>/", views.unit_slots, name="unit_slots"),
    path("load/", views.office_load, name="office_load"),
]
