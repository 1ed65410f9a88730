"""Withdrawal: a draft again while the window is open; after the close the year's application ends, asked with
the password and a typed confirmation, and the withdrawn dossier stays visible read-only in 我的申报."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers import services
from zhicheng.dossiers.models import Dossier, DossierStateChange

from .factories import PASSWORD, at, signed

pytestmark = pytest.mark.django_db
AFTER_CLOSE = "2024-10-11T09:00:00+08:00"
LAST_MINUTE = "2024-10-10T23:59:00+08:00"
CONFIRM = "放弃本年度申报"


@pytest.fixture
def submitted(dossier, applicant):
    signed(dossier, applicant)
    return services.dossier_submit(dossier=dossier, actor=applicant)


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _post(client, url, data):
    page = client.get(url)
    assert page.status_code == 200, (page.status_code, page.get("Location"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def _state(dossier) -> str:
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


def test_before_the_close_withdrawal_makes_an_editable_draft_submitted_again(submitted, applicant):
    url = reverse("dossiers:withdraw", args=[submitted.pk])
    with at(LAST_MINUTE):  # logged in at that time (an idle session expires)
        client = _csrf_client(applicant)
        page = client.get(url).content.decode()
        assert 'id="withdraw-draft"' in page and 'name="password"' not in page
        assert _post(client, url, {"reason": "补充论文"}).status_code == 302
        assert _state(submitted) == "draft"
        Dossier.objects.filter(pk=submitted.pk).update(eligibility_status="eligible")  # the rules are set aside here
        mine = client.get(reverse("dossiers:mine")).content.decode()
        assert reverse("dossiers:submit", args=[submitted.pk]) in mine  # editable and submittable again
        signed(submitted, applicant)
        assert services.dossier_submit(dossier=submitted, actor=applicant).state == "submitted"
    assert list(DossierStateChange.objects.filter(dossier=submitted).values_list("transition", flat=True)) == [
        "submit", "withdraw_to_draft", "submit"]


def test_after_the_close_the_page_says_the_year_ends_and_asks_password_and_confirmation(submitted, applicant):
    url = reverse("dossiers:withdraw", args=[submitted.pk])
    with at(AFTER_CLOSE):
        client = _csrf_client(applicant)
        page = client.get(url).content.decode()
        assert 'id="withdraw-final"' in page and "本年度的申报即告结束" in page
        assert 'name="password"' in page and 'name="confirmation"' in page
        assert _post(client, url, {"reason": "不再参评", "password": PASSWORD, "confirmation": CONFIRM}).status_code \
            == 302
        assert _state(submitted) == "withdrawn"
        mine = client.get(reverse("dossiers:mine")).content.decode()
    assert 'id="withdrawn-final"' in mine and "本年度申报已结束" in mine  # still visible, read-only
    assert reverse("dossiers:submit", args=[submitted.pk]) not in mine


@pytest.mark.parametrize(("password", "confirmation", "field"), [
    ("wrong-password", CONFIRM, "password"), (PASSWORD, "放弃", "confirmation"), (PASSWORD, "", "confirmation"),
])
def test_after_the_close_a_wrong_password_or_confirmation_changes_nothing(submitted, applicant, password,
                                                                           confirmation, field):
    url = reverse("dossiers:withdraw", args=[submitted.pk])
    with at(AFTER_CLOSE):
        client = _csrf_client(applicant)
        response = _post(client, url, {"reason": "不再参评", "password": password, "confirmation": confirmation})
    page = response.content.decode()
    assert response.status_code == 400 and _state(submitted) == "submitted"
    error_at = page.index('class="errorlist')
    assert page.rfind(f'name="{field}"', 0, error_at + 600) != -1  # the message sits beside its field
    assert "不再参评" in page  # the reason typed is kept


def test_after_the_close_the_api_needs_the_password_and_confirmation(submitted, applicant):
    with at(AFTER_CLOSE):
        with pytest.raises(ApplicationError) as refused:
            services.dossier_withdraw(dossier=submitted, actor=applicant, reason="x", password=PASSWORD)
        assert refused.value.code == "confirmation_required"
        with pytest.raises(ApplicationError) as refused:
            services.dossier_withdraw(dossier=submitted, actor=applicant, reason="x", password="bad",
                                      confirmation=CONFIRM)
        assert refused.value.code == "wrong_password"
        assert _state(submitted) == "submitted"
        done = services.dossier_withdraw(dossier=submitted, actor=applicant, reason="x", password=PASSWORD,
                                         confirmation=CONFIRM)
    assert done.state == "withdrawn" and done.withdrawn_at is not None


def test_next_step_and_the_submit_button_agree_when_a_condition_blocks(dossier, applicant):
    Dossier.objects.filter(pk=dossier.pk).update(eligibility_status="blocked")
    signed(dossier, applicant)
    Dossier.objects.filter(pk=dossier.pk).update(eligibility_status="blocked")
    client = Client()
    client.force_login(applicant)
    page = client.get(reverse("dossiers:mine")).content.decode()
    assert "诚信承诺书已签署：请提交" not in page and "按“资格条件检查”中每项的说明修改材料" in page
    assert reverse("dossiers:submit", args=[dossier.pk]) not in page and 'id="submit-blocked"' in page
    Dossier.objects.filter(pk=dossier.pk).update(eligibility_status="eligible")
    page = client.get(reverse("dossiers:mine")).content.decode()
    assert "申报条件符合，诚信承诺书已签署：请提交本单位审核" in page and "2024年10月10日 24:00" in page
    assert reverse("dossiers:submit", args=[dossier.pk]) in page
