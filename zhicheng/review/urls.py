from django.urls import path

from . import views_decisions, views_queue

app_name = "review"
urlpatterns = [
    # -- unit review: decisions, returns, recommendation ---------------------------------------------------------
    path("dossiers/<int:pk>/decisions/", views_decisions.decision_propose_view, name="decision_propose"),
    path("decisions/<int:decision_id>/confirm/", views_decisions.decision_confirm_view, name="decision_confirm"),
    path("decisions/<int:decision_id>/cancel/", views_decisions.decision_cancel_view, name="decision_cancel"),
    path("dossiers/<int:pk>/returns/", views_decisions.returns_view, name="returns"),
    path("dossiers/<int:pk>/returns/answer/", views_decisions.return_answer_view, name="return_answer"),
    path("dossiers/<int:pk>/recommendation/", views_decisions.recommendation_view, name="recommendation"),
    path("dossiers/<int:pk>/recommendation/file/", views_decisions.recommendation_file_view,
         name="recommendation_file"),
    path("dossiers/<int:pk>/staff-meeting/", views_decisions.staff_meeting_view, name="staff_meeting"),
    path("dossiers/<int:pk>/staff-meeting/file/", views_decisions.staff_meeting_file_view, name="staff_meeting_file"),
    # -- end of unit review
    # -- department and office review, queues, bulk actions, timeline --------------------------------------------
    path("queue/", views_queue.queue, name="queue"),
    path("queue/<int:organisation_id>/", views_queue.queue, name="queue_for"),
    path("queue/<int:organisation_id>/units/", views_queue.queue_unit_options, name="queue_unit_options"),
    path("bulk/", views_queue.bulk, name="bulk"),
    path("dossiers/<int:pk>/timeline/", views_queue.timeline, name="timeline"),
    # -- end of department and office review
]
