"""A return tells the applicant once per chosen channel; e-mail reaches a real SMTP server; failures are retried,
then shown to the platform admin, and never undo the return."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import member
from zhicheng.audit.events import EventType
from zhicheng.audit.models import AuditEvent
from zhicheng.dossiers.models import DossierState
from zhicheng.notifications.channels import DeliveryError, SmsGateway
from zhicheng.notifications.delivery import delivery_send
from zhicheng.notifications.models import Channel, ChannelPreference, Delivery, DeliveryStatus, Notification
from zhicheng.notifications.services import delivery_retry
from zhicheng.notifications.tasks import delivery_send_task
from zhicheng.review.tests.factories import at, returned_dossier
from zhicheng.web.tests.helpers import login

pytestmark = pytest.mark.django_db
RETURNED_AT = "2024-10-12T10:00:00+08:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


class RecordingGateway(SmsGateway):
    sent: list = []

    def send(self, *, phone, text, key):
        RecordingGateway.sent.append((phone, text, key))


class DownGateway(SmsGateway):
    def send(self, *, phone, text, key):
        raise DeliveryError("短信网关无响应")


@pytest.fixture
def reachable(tree, settings):
    applicant = tree["applicant"]
    applicant.email, applicant.phone = "applicant@example.cn", "13800138000"
    applicant.save(update_fields=["email", "phone"])
    RecordingGateway.sent = []
    settings.ZHICHENG_SMS_GATEWAY = "zhicheng.notifications.tests.test_delivery.RecordingGateway"
    return applicant


def _return(tree, campaign, capture):
    with capture(execute=True):
        return returned_dossier(tree, campaign, when=RETURNED_AT)


def test_a_return_creates_one_notification_per_chosen_channel_delivered_once(
        tree, campaign, reachable, django_capture_on_commit_callbacks):
    ChannelPreference.objects.create(user=reachable, email=True, sms=False)
    dossier = _return(tree, campaign, django_capture_on_commit_callbacks)

    notification = Notification.objects.get(recipient=reachable)
    assert notification.event_type == EventType.REVIEW_UNIT_RETURNED
    deliveries = {d.channel: d for d in notification.deliveries.all()}
    assert set(deliveries) == {Channel.IN_APP, Channel.EMAIL}  # no SMS: the applicant switched it off
    assert all(d.status == DeliveryStatus.SENT for d in deliveries.values())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["applicant@example.cn"]
    assert RecordingGateway.sent == []

    # the worker runs the same task again (a retry after a lost acknowledgement): nothing goes out twice
    delivery_send_task.enqueue(deliveries[Channel.EMAIL].pk)
    assert delivery_send(delivery_id=deliveries[Channel.EMAIL].pk) is None
    assert len(mail.outbox) == 1
    dossier.refresh_from_db()
    assert dossier.state == DossierState.RETURNED


def test_without_a_preference_every_channel_goes_out_and_sms_uses_the_gateway(
        tree, campaign, reachable, django_capture_on_commit_callbacks):
    _return(tree, campaign, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient=reachable)
    assert sorted(notification.deliveries.values_list("channel", flat=True)) == ["email", "in_app", "sms"]
    [(phone, text, key)] = RecordingGateway.sent
    assert phone == "13800138000" and "退回修改" in text and key == f"n{notification.pk}:sms"


def test_nobody_else_is_told_about_the_return(tree, campaign, reachable, django_capture_on_commit_callbacks):
    _return(tree, campaign, django_capture_on_commit_callbacks)
    assert list(Notification.objects.filter(event_type=EventType.REVIEW_UNIT_RETURNED)
                .values_list("recipient", flat=True)) == [reachable.pk]


def test_email_reaches_a_real_smtp_server_in_chinese(tree, campaign, reachable, smtp_server,
                                                     django_capture_on_commit_callbacks):
    ChannelPreference.objects.create(user=reachable, email=True, sms=False)
    _return(tree, campaign, django_capture_on_commit_callbacks)

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["applicant@example.cn"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "您的申报材料被退回修改"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "已被单位退回修改" in body and tree["applicant"].real_name in body and "前按要求修改并重新提交" in body
    assert Delivery.objects.get(channel=Channel.EMAIL, notification__recipient=reachable).status == DeliveryStatus.SENT


def test_the_deadline_in_the_message_is_the_last_day(tree, campaign, reachable, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        returned_dossier(tree, campaign, when="2024-09-27T10:00:00+08:00",
                         answer_deadline="2024-10-09T00:00:00+08:00")
    assert "2024-10-08 前" in mail.outbox[0].body


class TestUnreachable:
    @pytest.fixture
    def smtp_down(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
        settings.ZHICHENG_NOTIFICATION_MAX_ATTEMPTS = 3
        settings.ZHICHENG_NOTIFICATION_BACKOFF_SECONDS = 60

    def test_retried_with_backoff_then_failed_visible_to_the_admin_and_the_return_stands(
            self, tree, campaign, reachable, smtp_down, client, django_capture_on_commit_callbacks):
        ChannelPreference.objects.create(user=reachable, email=True, sms=False)
        dossier = _return(tree, campaign, django_capture_on_commit_callbacks)
        dossier.refresh_from_db()
        assert dossier.state == DossierState.RETURNED  # the return itself succeeded

        delivery = Delivery.objects.get(channel=Channel.EMAIL, notification__recipient=reachable)
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error
        first_wait = delivery.next_attempt_at - delivery.claimed_at
        assert first_wait == dt.timedelta(seconds=60)
        assert delivery_send(delivery_id=delivery.pk) is None  # not due yet: nothing is tried

        with at((delivery.next_attempt_at + dt.timedelta(seconds=1)).isoformat()):
            delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 2)
        assert delivery.next_attempt_at - delivery.claimed_at == dt.timedelta(seconds=120)  # exponential

        with at((delivery.next_attempt_at + dt.timedelta(seconds=1)).isoformat()):
            delivery_send(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 3, None)
        assert Notification.objects.get(recipient=reachable).read_at is None  # the bell still has it

        admin = member(tree["office"], Role.SYSTEM_ADMIN)
        login(client, admin)
        page = client.get("/notifications/failed/").content.decode()
        assert "发送失败的通知" in page and reachable.real_name in page and "电子邮件" in page

    def test_sms_gateway_down_fails_the_same_way(self, tree, campaign, reachable, settings,
                                                 django_capture_on_commit_callbacks):
        settings.ZHICHENG_SMS_GATEWAY = "zhicheng.notifications.tests.test_delivery.DownGateway"
        settings.ZHICHENG_NOTIFICATION_MAX_ATTEMPTS = 1
        ChannelPreference.objects.create(user=reachable, email=False, sms=True)
        dossier = _return(tree, campaign, django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get(channel=Channel.SMS, notification__recipient=reachable)
        assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "DeliveryError: 短信网关无响应")
        dossier.refresh_from_db()
        assert dossier.state == DossierState.RETURNED

    def test_the_admin_retries_a_failed_delivery_and_it_goes_out_once(
            self, tree, campaign, reachable, settings, django_capture_on_commit_callbacks):
        settings.ZHICHENG_SMS_GATEWAY = "zhicheng.notifications.tests.test_delivery.DownGateway"
        settings.ZHICHENG_NOTIFICATION_MAX_ATTEMPTS = 1
        ChannelPreference.objects.create(user=reachable, email=False, sms=True)
        _return(tree, campaign, django_capture_on_commit_callbacks)
        delivery = Delivery.objects.get(channel=Channel.SMS, notification__recipient=reachable)

        settings.ZHICHENG_SMS_GATEWAY = "zhicheng.notifications.tests.test_delivery.RecordingGateway"
        admin = member(tree["office"], Role.SYSTEM_ADMIN)
        with django_capture_on_commit_callbacks(execute=True):
            delivery_retry(delivery_id=delivery.pk, actor=admin)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT and len(RecordingGateway.sent) == 1
        assert AuditEvent.objects.filter(event_type=EventType.NOTIFICATION_DELIVERY_RETRIED, actor=admin).exists()
        with pytest.raises(Exception, match="没有这条发送失败的通知"):  # a sent one cannot be sent again
            delivery_retry(delivery_id=delivery.pk, actor=admin)
