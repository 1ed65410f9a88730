"""The bell, the list and marking read: each person sees only their own; the admin alone sees failures."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import Client, RequestFactory

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import member
from zhicheng.audit.events import EventType
from zhicheng.notifications.context_processors import bell
from zhicheng.notifications.models import ChannelPreference, Delivery, DeliveryStatus, Notification
from zhicheng.notifications.services import notification_enqueue
from zhicheng.web.tests.helpers import login

pytestmark = pytest.mark.django_db
E = EventType


@pytest.fixture
def notes(tree):
    mine = notification_enqueue(recipients=[tree["applicant"]], event_type=E.REVIEW_OFFICE_ACCEPTED,
                                context={"dossier": "张三 · 工程 副高级"}, link="/dossiers/1/")[0]
    theirs = notification_enqueue(recipients=[tree["other_applicant"]], event_type=E.REVIEW_OFFICE_REJECTED,
                                  context={"dossier": "李四 · 工程 中级", "reason": "资格不符"})[0]
    return mine, theirs


def test_the_list_shows_only_my_notifications_in_chinese(client, tree, notes):
    login(client, tree["applicant"])
    html = client.get("/notifications/").content.decode()
    assert "职改办已受理您的申报" in html and "张三 · 工程 副高级" in html
    assert "李四" not in html and "未通过资格审查" not in html


def test_the_list_in_english(client, tree, notes):
    login(client, tree["applicant"])
    client.cookies["django_language"] = "en"
    html = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The title office accepted your application" in html


def test_marking_my_own_read_empties_the_bell(client, tree, notes):
    mine, _ = notes
    login(client, tree["applicant"])
    assert 'class="bell-count">1<' in client.get("/notifications/").content.decode()
    response = client.post(f"/notifications/{mine.pk}/read/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "bell-count" not in client.get("/notifications/").content.decode()


def test_marking_someone_elses_is_404_and_changes_nothing(client, tree, notes):
    _, theirs = notes
    login(client, tree["applicant"])
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_the_csrf_token(tree, notes):
    mine, _ = notes
    client = Client(enforce_csrf_checks=True)
    login(client, tree["applicant"])
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_open_follows_only_a_local_link(client, tree):
    note = notification_enqueue(recipients=[tree["applicant"]], event_type=E.REVIEW_OFFICE_ACCEPTED,
                                context={}, link="https://evil.example/")[0]
    login(client, tree["applicant"])
    response = client.post(f"/notifications/{note.pk}/read/", {"open": "1"})
    assert response["Location"] == "/notifications/"


def test_the_api_lists_mine_with_the_unread_count(client, tree, notes):
    login(client, tree["applicant"])
    body = client.get("/api/v1/notifications/").json()
    assert [item["subject"] for item in body["items"]] == ["职改办已受理您的申报"]
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}


def test_preferences_page_and_api(client, tree):
    applicant = tree["applicant"]
    login(client, applicant)
    assert client.get("/api/v1/notifications/preferences").json() == {"email": True, "sms": True}
    client.post("/notifications/preferences/", {"email": "1"})
    assert client.get("/api/v1/notifications/preferences").json() == {"email": True, "sms": False}
    response = client.put("/api/v1/notifications/preferences", {"email": False, "sms": True},
                          content_type="application/json")
    assert response.json() == {"email": False, "sms": True}
    assert ChannelPreference.objects.get(user=applicant).email is False
    assert client.put("/api/v1/notifications/preferences", {"email": "maybe"},
                      content_type="application/json").status_code in (400, 422)


class TestFailedDeliveries:
    @pytest.fixture
    def failed(self, tree):
        tree["applicant"].email = "a@example.cn"
        tree["applicant"].save(update_fields=["email"])
        notification_enqueue(recipients=[tree["applicant"]], event_type=E.REVIEW_OFFICE_ACCEPTED, context={})
        delivery = Delivery.objects.get(channel="email")
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, last_error="SMTP 不可达")
        return delivery

    @pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.OFFICE_STAFF])
    def test_other_roles_are_refused(self, client, tree, failed, role):
        login(client, member(tree["office"], role))
        assert client.get("/notifications/failed/").status_code == 403
        assert client.get("/api/v1/notifications/deliveries/failed").status_code == 403
        assert client.post(f"/notifications/failed/{failed.pk}/retry/").status_code == 403

    def test_the_system_admin_sees_them_by_page_and_api(self, client, tree, failed):
        login(client, member(tree["office"], Role.SYSTEM_ADMIN))
        html = client.get("/notifications/failed/").content.decode()
        assert "SMTP 不可达" in html and "<td>职改办受理</td>" in html and "review.office_accepted" not in html
        english = client.get("/notifications/failed/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "<td>Accepted by title office</td>" in english and "职改办受理" not in english
        [row] = client.get("/api/v1/notifications/deliveries/failed").json()["items"]
        assert row["event_type"] == "review.office_accepted" and row["event_label"] == "职改办受理"
        assert row["id"] == failed.pk and row["channel"] == "email" and row["recipient_id"] == tree["applicant"].pk
        assert client.post("/api/v1/notifications/deliveries/999999/retry").status_code == 404


class TestBellQueries:
    def test_the_bell_costs_no_query(self, tree, notes, django_assert_num_queries):
        """The count is stored on the user row, which the request has already read (issue 11's budgets)."""
        request = RequestFactory().get("/")
        request.user = type(tree["applicant"]).objects.get(pk=tree["applicant"].pk)  # as the request reads it
        template = engines["django"].from_string("{{ zc_bell.unread }}/{{ zc_bell.unread }}")
        with django_assert_num_queries(0):
            assert template.render(bell(request)) == "1/1"

    def test_no_query_when_the_page_does_not_show_it(self, tree, django_assert_num_queries):
        request = RequestFactory().get("/")
        request.user = tree["applicant"]
        with django_assert_num_queries(0):
            bell(request)

    def test_a_whole_page_shows_the_count_without_counting(self, client, tree, notes):
        login(client, tree["applicant"])
        client.get("/notifications/preferences/")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            html = client.get("/notifications/preferences/").content.decode()
        assert 'class="bell-count">1<' in html
        assert not any('"notifications_notification"' in q["sql"] for q in queries.captured_queries)


def test_nothing_is_written_for_nobody(tree):
    assert notification_enqueue(recipients=[], event_type=E.REVIEW_OFFICE_ACCEPTED) == []
    assert not Notification.objects.exists()


def _stored(user) -> int:
    user.refresh_from_db(fields=["notifications_unread"])
    return user.notifications_unread


def test_the_stored_unread_count_follows_every_create_and_read(tree, notes):
    """The bell reads the count stored on the user row (no COUNT per page): it must equal the unread rows after
    each kind of write — a new one, one read (twice: counted down once), all read, one arriving after that."""
    from zhicheng.notifications.services import notification_mark_read, notifications_mark_all_read

    me, mine = tree["applicant"], notes[0]

    def unread_rows() -> int:
        return Notification.objects.filter(recipient=me, read_at__isnull=True).count()

    assert _stored(me) == unread_rows() == 1
    second = notification_enqueue(recipients=[me], event_type=E.REVIEW_OFFICE_ACCEPTED, context={"dossier": "x"})[0]
    assert _stored(me) == unread_rows() == 2
    notification_mark_read(user=me, pk=mine.pk)
    notification_mark_read(user=me, pk=mine.pk)  # already read: not counted down again
    assert _stored(me) == unread_rows() == 1
    assert notifications_mark_all_read(user=me) == 1
    assert _stored(me) == unread_rows() == 0
    notifications_mark_all_read(user=me)  # nothing to mark: never below zero
    assert _stored(me) == 0
    notification_enqueue(recipients=[me], event_type=E.REVIEW_OFFICE_ACCEPTED, context={"dossier": "y"})
    assert _stored(me) == unread_rows() == 1
    assert _stored(tree["other_applicant"]) == 1  # another person's count is theirs alone
    notification_mark_read(user=me, pk=second.pk)  # read by "all" already: no second count-down
    assert _stored(me) == unread_rows() == 1


def test_a_rolled_back_notification_is_not_counted(tree):
    from django.db import transaction

    me = tree["applicant"]
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_enqueue(recipients=[me], event_type=E.REVIEW_OFFICE_ACCEPTED, context={"dossier": "x"})
        raise RuntimeError("the change that notified failed")
    assert _stored(me) == 0


def test_a_repeated_reminder_is_counted_once(tree):
    me = tree["applicant"]
    for _ in range(2):
        notification_enqueue(recipients=[me], event_type=E.REVIEW_OFFICE_ACCEPTED, context={"dossier": "x"},
                             dedupe_key="reminder:day")
    assert _stored(me) == Notification.objects.filter(recipient=me).count() == 1


def test_the_api_unread_count_is_the_stored_one(client, tree, notes):
    login(client, tree["applicant"])
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}
    client.post("/notifications/read-all/")
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 0}
