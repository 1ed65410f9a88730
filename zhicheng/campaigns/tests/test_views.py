"""Campaign office pages: list, detail timeline in Chinese dates, edit with fieldsets, clone, routes."""

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.forms import CampaignForm
from zhicheng.campaigns.models import Campaign
from zhicheng.campaigns.services import campaign_load_from_file
from zhicheng.catalog.models import Level, Series
from zhicheng.catalog.tests.helpers import clerk_user, logged_in_client, office_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def c2024():
    return campaign_load_from_file()


def _form_data(campaign, **changes) -> dict:
    """What the edit page posts back unchanged, plus changes."""
    form = CampaignForm(instance=campaign)
    data = {name: form[name].value() for name in form.fields}
    for name, value in data.items():
        if hasattr(value, "strftime"):  # instants come back as naive Beijing wall time, as the widget shows them
            data[name] = value.strftime(form.fields[name].widget.format)
    return {**data, **changes}


def test_anonymous_is_sent_to_login(c2024):
    response = Client().get(reverse("campaigns:detail", args=[c2024.pk]))
    assert response.status_code == 302


def test_list_and_detail_show_deadlines_as_24_00(c2024):
    client = logged_in_client(clerk_user())
    assert "2024 年度职称评审" in client.get(reverse("campaigns:list")).content.decode()
    content = client.get(reverse("campaigns:detail", args=[c2024.pk])).content.decode()
    assert "2024年9月10日 00:00 — 2024年10月10日 24:00" in content
    assert "2024年10月20日 24:00" in content  # unit recommendation deadline, §二
    assert "2024年9月30日" in content and "§六(二)" in content
    assert "复制到下一年度" not in content  # a clerk only reads


def test_edit_page_has_fieldsets(c2024):
    content = logged_in_client(office_user()).get(reverse("campaigns:edit", args=[c2024.pk])).content.decode()
    for legend in ("时间安排", "公示", "审核阈值", "材料限额", "诚信承诺书"):
        assert f"<legend>{legend}</legend>" in content
    assert 'value="2024-10-11T00:00"' in content


def test_office_edits_and_it_is_audited(c2024):
    client = logged_in_client(office_user())
    response = client.post(reverse("campaigns:edit", args=[c2024.pk]), _form_data(c2024, max_returns=2))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Campaign.objects.get(pk=c2024.pk).max_returns == 2
    assert AuditEvent.objects.get(event_type="campaign.updated").data == {"max_returns": {"from": 3, "to": 2}}


def test_bad_edit_shows_message_by_the_field_and_saves_nothing(c2024):
    client = logged_in_client(office_user())
    data = _form_data(c2024, supplement_cutoff="2024-12-22T00:00", max_returns=2)
    response = client.post(reverse("campaigns:edit", args=[c2024.pk]), data)
    assert response.status_code == 200
    assert "补充资料截止时间不能晚于答辩评审会议日期" in response.content.decode()
    assert Campaign.objects.get(pk=c2024.pk).max_returns == 3


def test_clone_button(c2024):
    client = logged_in_client(office_user())
    response = client.post(reverse("campaigns:clone", args=[c2024.pk]))
    clone = Campaign.objects.get(year=2025)
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:edit", args=[clone.pk])
    again = client.post(reverse("campaigns:clone", args=[c2024.pk]), follow=True)
    assert "2025 年度评审已存在" in again.content.decode()


def test_routes_page_sets_route_and_quota(c2024):
    client = logged_in_client(office_user())
    url = reverse("campaigns:routes", args=[c2024.pk])
    accounting, middle = Series.objects.get(name="会计"), Level.objects.get(name="中级")
    assert client.post(url, {"action": "route", "route-series": accounting.pk, "route-level": middle.pk,
                             "route-route": "self"}).status_code == 302
    assert client.post(url, {"action": "quota", "quota-series": accounting.pk, "quota-level": middle.pk,
                             "quota-count": 12}).status_code == 302
    assert c2024.routes.count() == 5 and c2024.quotas.get().count == 12
    quota = c2024.quotas.get()
    assert client.post(reverse("campaigns:quota_delete", args=[c2024.pk, quota.pk])).status_code == 302
    assert c2024.quotas.count() == 0


def test_clerk_cannot_write_through_pages(c2024):
    client = logged_in_client(clerk_user())
    route = c2024.routes.first()
    assert client.get(reverse("campaigns:edit", args=[c2024.pk])).status_code == 403
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert client.post(reverse("campaigns:clone", args=[c2024.pk])).status_code == 403
    assert client.post(reverse("campaigns:routes", args=[c2024.pk]), {"action": "route"}).status_code == 403
    assert client.post(reverse("campaigns:route_delete", args=[c2024.pk, route.pk])).status_code == 403
    assert client.get(reverse("campaigns:routes", args=[c2024.pk])).status_code == 200
    assert Campaign.objects.count() == 1 and c2024.routes.count() == 4


def test_create_page_for_office():
    client = logged_in_client(office_user())
    response = client.get(reverse("campaigns:create"))
    assert response.status_code == 200 and "新建年度评审" in response.content.decode()
