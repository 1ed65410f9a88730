from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/clone/", views.campaign_clone, name="clone"),
    path("<int:pk>/routes/", views.campaign_routes, name="routes"),
    path("<int:pk>/routes/<int:route_pk>/delete/", views.route_delete, name="route_delete"),
    path("<int:pk>/quotas/<int:quota_pk>/delete/", views.quota_delete, name="quota_delete"),
]
