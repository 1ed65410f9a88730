"""Each role's dashboard, and dates in the office's Chinese form."""

from __future__ import annotations

import datetime as dt
import types
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, UserFactory
from zhicheng.campaigns.services import campaign_load_from_file
from zhicheng.web import dates, views

from .helpers import login, member

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def frozen(monkeypatch):
    """Let a test choose the dashboard's 'now'."""

    def freeze(moment: dt.datetime) -> None:
        monkeypatch.setattr(views, "timezone", types.SimpleNamespace(now=lambda: moment))

    return freeze


class TestDates:
    def test_chinese_date(self):
        assert dates.format_date(dt.date(2024, 10, 10)) == "2024年10月10日"

    def test_midnight_deadline_reads_as_24_00_of_the_day_before(self):
        assert dates.format_datetime(at(2024, 10, 11), deadline=True) == "2024年10月10日 24:00"
        assert dates.format_datetime(at(2024, 10, 11)) == "2024年10月11日 00:00"

    def test_utc_instants_are_shown_in_shanghai_time(self):
        utc = dt.datetime(2024, 10, 10, 16, 0, tzinfo=dt.UTC)
        assert dates.format_datetime(utc, deadline=True) == "2024年10月10日 24:00"

    @pytest.mark.parametrize(
        ("now", "text"),
        [
            (at(2024, 10, 8, 9, 0), "距截止还有 2 天"),
            (at(2024, 10, 9, 23, 59), "距截止还有 1 天"),
            (at(2024, 10, 10, 8, 0), "今天 24:00 截止"),
            (at(2024, 10, 11, 0, 0), "已截止"),
        ],
    )
    def test_countdown_to_the_submission_deadline(self, now, text):
        assert dates.countdown_text(at(2024, 10, 11), now) == text


@pytest.mark.django_db
class TestApplicantDashboard:
    def test_shows_organisation_window_countdown_and_next_step(self, client, frozen):
        campaign_load_from_file()
        frozen(at(2024, 10, 8, 9, 0))
        m = member(Role.APPLICANT)
        login(client, m.user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert m.organisation.name in html and m.organisation.parent.name in html
        assert "2024年9月10日 00:00" in html and "2024年10月10日 24:00" in html
        assert "距截止还有 2 天" in html
        assert "签署诚信承诺书" in html
        assert m.user.username in html and m.user.real_name in html
        assert m.user.id_number not in html and m.user.id_number[-4:] in html
        assert "next release" not in html and "下一版本" not in html

    def test_before_the_window_says_when_it_opens(self, client, frozen):
        campaign_load_from_file()
        frozen(at(2024, 9, 1, 9, 0))
        login(client, member(Role.APPLICANT).user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "尚未开始" in html and "个人申报将于 2024年9月10日 00:00 开始" in html

    def test_after_the_window_says_it_closed(self, client, frozen):
        campaign_load_from_file()
        frozen(at(2024, 10, 12, 9, 0))
        login(client, member(Role.APPLICANT).user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "个人申报已于 2024年10月10日 24:00 截止" in html

    def test_without_a_campaign_says_so(self, client):
        login(client, member(Role.APPLICANT).user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "尚未发布" in html


@pytest.mark.django_db
class TestStaffDashboards:
    def test_org_admin_sees_missing_roles(self, client):
        admin = member(Role.ORG_ADMIN)
        login(client, admin.user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "尚未配齐" in html and "审查经办、审查领导" in html

    def test_org_admin_with_all_three_roles_may_open_applicants(self, client):
        admin = member(Role.ORG_ADMIN)
        member(Role.REVIEW_CLERK, organisation=admin.organisation)
        member(Role.REVIEW_LEADER, organisation=admin.organisation)
        login(client, admin.user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "已配齐" in html and "尚未配齐" not in html

    def test_reviewer_sees_the_recommendation_deadline(self, client, frozen):
        campaign_load_from_file()
        frozen(at(2024, 10, 15, 9, 0))
        login(client, member(Role.REVIEW_LEADER).user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "2024年10月20日 24:00" in html and "距截止还有 5 天" in html

    @pytest.mark.parametrize(("when", "closed", "countdown"), [
        ((2024, 10, 31, 23, 59, 59), False, "今天 24:00 截止"), ((2024, 11, 1, 0, 0, 0), True, "已截止"),
    ])
    def test_every_unit_instant_with_its_countdown(self, client, frozen, when, closed, countdown):
        campaign_load_from_file()
        frozen(at(*when))
        login(client, member(Role.REVIEW_CLERK).user)
        html = client.get(reverse("web:dashboard")).content.decode()
        for label, instant in (("系统单位推荐截止", "2024年10月20日 24:00"),
                               ("委托评审系列完成审核推荐", "2024年10月30日 24:00"),
                               ("报送审核部门截止", "2024年10月31日 24:00")):
            assert label in html and instant in html
        assert html.count("已截止") >= (3 if closed else 2)
        assert countdown in html

    def test_office_sees_counts_per_kind_and_the_timeline(self, client, frozen):
        campaign_load_from_file()
        frozen(at(2024, 10, 15, 9, 0))
        office = member(Role.OFFICE_STAFF)
        for _ in range(3):
            OrganisationFactory(kind=OrganisationKind.UNIT, parent=OrganisationFactory(
                kind=OrganisationKind.DEPARTMENT, parent=office.organisation, credit_code=None))
        login(client, office.user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "用人单位</td><td class=\"num\">3<" in html
        assert "审核部门（主管部门）</td><td class=\"num\">3<" in html
        assert "单位审核推荐" in html and "进行中" in html

    def test_office_sees_which_organisations_lack_their_three_roles(self, client):
        office = member(Role.OFFICE_STAFF)
        lacking = member(Role.ORG_ADMIN)
        complete = member(Role.ORG_ADMIN)
        for role in (Role.REVIEW_CLERK, Role.REVIEW_LEADER):
            member(role, organisation=complete.organisation)
        login(client, office.user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert f">{lacking.organisation.name}</a>" in html
        assert f">{complete.organisation.name}</a>" not in html

    @pytest.mark.parametrize(
        ("role", "text"),
        [
            (Role.SYSTEM_ADMIN, "平台系统管理员管理用户账号"),
            (Role.SECURITY_ADMIN, "锁定和解锁账号"),
            (Role.AUDIT_ADMIN, "只查看审计日志"),
            (Role.DISCIPLINE_OBSERVER, "不能修改任何数据"),
        ],
    )
    def test_platform_admins_and_observer_see_their_duties(self, client, role, text):
        login(client, member(role).user)
        assert text in client.get(reverse("web:dashboard")).content.decode()

    def test_user_without_a_role_is_told_whom_to_ask(self, client):
        user = UserFactory()
        login(client, user)
        assert "尚未分配角色" in client.get(reverse("web:dashboard")).content.decode()
