from django.urls import path

from . import views

app_name = "dossiers"
urlpatterns = [
    path("", views.dossier_list, name="list"),
    path("mine/", views.dossier_mine, name="mine"),
    path("<int:pk>/", views.dossier_detail, name="detail"),
    path("<int:pk>/versions/<int:a>/<int:b>/", views.dossier_diff, name="diff"),
    path("<int:pk>/sections/<slug:section>/", views.dossier_section, name="section"),
    path("<int:pk>/sections/<slug:section>/<int:item_id>/", views.dossier_item_save, name="item_save"),
    path("<int:pk>/sections/<slug:section>/<int:item_id>/delete/", views.dossier_item_delete, name="item_delete"),
    path("<int:pk>/pledge/", views.dossier_pledge, name="pledge"),
    path("<int:pk>/submit/", views.dossier_submit, name="submit"),
    path("<int:pk>/withdraw/", views.dossier_withdraw, name="withdraw"),
]
