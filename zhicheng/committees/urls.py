from django.urls import path

from . import views

app_name = "committees"
urlpatterns = [
    path("", views.secretary_home, name="home"),
    path("pool/", views.pool, name="pool"),
    path("pool/new/", views.expert_edit, name="expert_new"),
    path("pool/<int:expert_id>/", views.expert_edit, name="expert_edit"),
    path("pool/<int:expert_id>/relations/", views.expert_relation_add, name="expert_relation_add"),
    path("pool/<int:expert_id>/relations/people/", views.relation_people, name="relation_people"),
    path("committees/new/", views.committee_new, name="committee_new"),
    path("committees/<int:committee_id>/", views.committee_edit, name="committee_edit"),
    path("meetings/<int:meeting_id>/items/<int:item_id>/", views.meeting_item, name="meeting_item"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/<str:action>/", views.meeting_act, name="meeting_act"),
    path("meetings/<int:meeting_id>/files/<str:which>/", views.meeting_file, name="meeting_file"),
    path("entrusted/", views.entrusted, name="entrusted"),
    path("entrusted/<int:dossier_id>/<str:action>/", views.entrusted_act, name="entrusted_act"),
    path("entrusted/<int:dossier_id>/files/<str:which>/", views.entrusted_file, name="entrusted_file"),
    path("campaigns/<int:campaign_id>/rubric/", views.campaign_rubric, name="campaign_rubric"),
    path("my/", views.my_home, name="my_home"),
    path("my/<int:meeting_id>/", views.my_meeting, name="my_meeting"),
    path("my/<int:meeting_id>/candidates/<int:dossier_id>/", views.my_candidate, name="my_candidate"),
    path("my/<int:meeting_id>/<str:action>/", views.my_act, name="my_act"),
]
