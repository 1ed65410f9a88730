from django.urls import path

from . import views

app_name = "committees"
urlpatterns = [
    path("", views.secretary_home, name="home"),
    path("pool/", views.pool, name="pool"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/<str:action>/", views.meeting_act, name="meeting_act"),
    path("meetings/<int:meeting_id>/files/<str:which>/", views.meeting_file, name="meeting_file"),
    path("entrusted/", views.entrusted, name="entrusted"),
    path("entrusted/<int:dossier_id>/<str:action>/", views.entrusted_act, name="entrusted_act"),
    path("entrusted/<int:dossier_id>/files/<str:which>/", views.entrusted_file, name="entrusted_file"),
    path("my/", views.my_home, name="my_home"),
    path("my/<int:meeting_id>/", views.my_meeting, name="my_meeting"),
    path("my/<int:meeting_id>/candidates/<int:dossier_id>/", views.my_candidate, name="my_candidate"),
    path("my/<int:meeting_id>/<str:action>/", views.my_act, name="my_act"),
]
