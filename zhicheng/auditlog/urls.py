from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("verify/", views.verify, name="verify"),
]
