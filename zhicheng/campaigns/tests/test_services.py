"""Campaign services: clone to next year, routes, quotas, publicity ends, permissions and audit."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zhicheng.accounts.models import OrganisationKind
from zhicheng.accounts.tests.factories import OrganisationFactory
from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns import services
from zhicheng.campaigns.models import Campaign, CampaignStatus, Route
from zhicheng.campaigns.selectors import campaign_publicity_end, campaign_route_for
from zhicheng.catalog.models import Level, Series
from zhicheng.catalog.tests.helpers import applicant_user, clerk_user, office_user
from zhicheng.core.errors import ApplicationError, PermissionDenied

from .factories import campaign_2024_values

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def _lv(name):
    return Level.objects.get(name=name)


def _se(name):
    return Series.objects.get(name=name)


@pytest.fixture
def c2024():
    return services.campaign_load_from_file()


class TestRouting:
    @pytest.mark.parametrize(("series", "level", "route"), [
        ("工程", "副高级", Route.SELF_RUN),
        ("工程", "中级", Route.SELF_RUN),
        ("中小学教师", "中级", Route.SELF_RUN),
        ("中小学教师", "副高级", Route.SELF_RUN),
        ("工程", "正高级", Route.ENTRUSTED),
        ("中小学教师", "正高级", Route.ENTRUSTED),
        ("工程", "助理级", Route.ENTRUSTED),
        ("会计", "中级", Route.ENTRUSTED),
    ])
    def test_2024_routes(self, c2024, series, level, route):
        assert campaign_route_for(c2024, _se(series), _lv(level)).route == route

    def test_route_set_with_committee_then_delete(self, c2024):
        committee = OrganisationFactory(kind=OrganisationKind.COMMITTEE, unit_type="", name="新区会计评委会")
        row = services.campaign_route_set(
            campaign=c2024, actor=office_user(), series="会计", level="中级", route="self", committee=committee
        )
        choice = campaign_route_for(c2024, _se("会计"), _lv("中级"))
        assert choice.is_self_run and choice.committee == committee
        services.campaign_route_delete(route=row, actor=office_user())
        assert not campaign_route_for(c2024, _se("会计"), _lv("中级")).is_self_run
        assert AuditEvent.objects.filter(event_type="campaign.route_deleted").exists()

    def test_committee_must_be_a_committee(self, c2024):
        unit = OrganisationFactory()
        with pytest.raises(ApplicationError):
            services.campaign_route_set(
                campaign=c2024, actor=office_user(), series="会计", level="中级", route="self", committee=unit
            )

    @pytest.mark.parametrize(("series", "level", "code"), [("炼丹", "中级", "unknown_series"),
                                                          ("会计", "特级", "unknown_level")])
    def test_unknown_series_or_level(self, c2024, series, level, code):
        with pytest.raises(ApplicationError) as exc:
            services.campaign_route_set(campaign=c2024, actor=office_user(), series=series, level=level, route="self")
        assert exc.value.code == code and "未知的" in exc.value.message_zh
        assert c2024.routes.count() == 4

    def test_bad_route_value(self, c2024):
        with pytest.raises(ApplicationError, match="评审方式须为"):
            services.campaign_route_set(campaign=c2024, actor=office_user(), series="会计", level="中级", route="x")

    def test_clerk_refused(self, c2024):
        with pytest.raises(PermissionDenied):
            services.campaign_route_set(campaign=c2024, actor=clerk_user(), series="会计", level="中级", route="self")


class TestQuotas:
    def test_set_update_delete(self, c2024):
        actor = office_user()
        row = services.campaign_quota_set(campaign=c2024, actor=actor, series="工程", level="副高级", count=40)
        services.campaign_quota_set(campaign=c2024, actor=actor, series="05", level="02", count=45, note="追加")
        row.refresh_from_db()
        assert (row.count, row.note, c2024.quotas.count()) == (45, "追加", 1)
        services.campaign_quota_delete(quota=row, actor=actor)
        assert c2024.quotas.count() == 0
        assert AuditEvent.objects.filter(event_type__startswith="campaign.quota_").count() == 3

    @pytest.mark.parametrize("count", [0, -3, "many"])
    def test_count_must_be_positive(self, c2024, count):
        with pytest.raises(ApplicationError) as exc:
            services.campaign_quota_set(campaign=c2024, actor=office_user(), series="工程", level="副高级", count=count)
        assert exc.value.details["fields"]["count"] == ["计划数须为正整数"]

    def test_unknown_series(self, c2024):
        with pytest.raises(ApplicationError, match="未知的系列"):
            services.campaign_quota_set(campaign=c2024, actor=office_user(), series="", level="副高级", count=1)

    def test_applicant_refused(self, c2024):
        with pytest.raises(PermissionDenied):
            services.campaign_quota_set(campaign=c2024, actor=applicant_user(), series="工程", level="中级", count=1)


class TestClone:
    def test_next_year_shifted_routes_copied_draft(self, c2024):
        services.campaign_quota_set(campaign=c2024, actor=office_user(), series="工程", level="副高级", count=40)
        clone = services.campaign_clone(source=c2024, actor=office_user())
        assert (clone.year, clone.status, clone.name) == (2025, CampaignStatus.DRAFT, "2025 年度职称评审")
        assert clone.submission_closes_at == dt.datetime(2025, 10, 11, tzinfo=BJ)
        assert clone.unit_recommendation_deadline == dt.datetime(2025, 10, 21, tzinfo=BJ)
        assert (clone.achievement_cutoff, clone.seniority_date) == (dt.date(2025, 9, 30), dt.date(2025, 12, 31))
        assert clone.pledge_text == c2024.pledge_text and clone.max_returns == 3
        assert campaign_route_for(clone, _se("工程"), _lv("副高级")).is_self_run
        assert clone.routes.count() == 4 and clone.quotas.get().count == 40
        assert AuditEvent.objects.filter(event_type="campaign.cloned", object_id=str(clone.pk)).exists()
        assert Campaign.objects.get(pk=c2024.pk).status == CampaignStatus.ACTIVE

    def test_leap_day_becomes_28th(self):
        source = services.campaign_create(
            actor=office_user(), data=campaign_2024_values(policy_publicity_start="2024-02-29", status="draft")
        )
        clone = services.campaign_clone(source=source, actor=office_user())
        assert clone.policy_publicity_start == dt.date(2025, 2, 28)

    def test_refuses_an_existing_year(self, c2024):
        services.campaign_clone(source=c2024, actor=office_user())
        with pytest.raises(ApplicationError) as exc:
            services.campaign_clone(source=c2024, actor=office_user())
        assert exc.value.message_zh == "2025 年度评审已存在，不能再复制"
        assert Campaign.objects.count() == 2

    def test_to_a_given_year(self, c2024):
        clone = services.campaign_clone(source=c2024, actor=office_user(), year=2027)
        assert clone.submission_opens_at == dt.datetime(2027, 9, 10, tzinfo=BJ)

    def test_clerk_refused(self, c2024):
        with pytest.raises(PermissionDenied):
            services.campaign_clone(source=c2024, actor=clerk_user())
        assert Campaign.objects.count() == 1


class TestUpdate:
    def test_update_is_audited_with_before_and_after(self, c2024):
        services.campaign_update(campaign=c2024, actor=office_user(), data={"max_returns": 2}, ip="10.1.1.1")
        event = AuditEvent.objects.get(event_type="campaign.updated")
        assert event.data == {"max_returns": {"from": 3, "to": 2}} and event.ip == "10.1.1.1"

    def test_close_then_activate_another(self, c2024):
        clone = services.campaign_clone(source=c2024, actor=office_user())
        services.campaign_update(campaign=c2024, actor=office_user(), data={"status": "closed"})
        services.campaign_update(campaign=clone, actor=office_user(), data={"status": "active"})
        assert Campaign.objects.get(status="active") == clone

    def test_applicant_refused(self, c2024):
        with pytest.raises(PermissionDenied):
            services.campaign_update(campaign=c2024, actor=applicant_user(), data={"max_returns": 2})

    def test_create_refused_for_clerk(self):
        with pytest.raises(PermissionDenied):
            services.campaign_create(actor=clerk_user(), data=campaign_2024_values())

    def test_load_with_a_non_office_actor_refused(self):
        with pytest.raises(PermissionDenied):
            services.campaign_load_from_file(actor=clerk_user())


class TestPublicityEnd:
    def test_unit_publicity_in_working_days_over_make_up_day(self, c2024):
        assert campaign_publicity_end(c2024, dt.date(2024, 10, 8), "unit") == dt.date(2024, 10, 12)

    def test_result_publicity_five_working_days(self, c2024):
        assert campaign_publicity_end(c2024, dt.date(2024, 12, 23), "result") == dt.date(2024, 12, 27)

    def test_calendar_days_count_the_start_day(self, c2024):
        services.campaign_update(campaign=c2024, actor=office_user(), data={"unit_publicity_unit": "calendar"})
        c2024.refresh_from_db()
        assert campaign_publicity_end(c2024, dt.date(2024, 10, 8), "unit") == dt.date(2024, 10, 12)
        assert campaign_publicity_end(c2024, dt.date(2024, 10, 1), "unit") == dt.date(2024, 10, 5)
        assert campaign_publicity_end(c2024, dt.date(2024, 10, 1), "extended") == dt.date(2024, 10, 7)

    def test_extended_publicity_is_longer(self, c2024):
        assert campaign_publicity_end(c2024, dt.date(2024, 10, 8), "extended") == dt.date(2024, 10, 15)

    def test_unknown_kind(self, c2024):
        with pytest.raises(ApplicationError):
            campaign_publicity_end(c2024, dt.date(2024, 10, 8), "secret")


class TestLostRace:
    def test_second_activation_that_slips_past_validation_is_a_409_not_a_500(self, c2024, monkeypatch):
        # two clerks activating at the same instant both pass _validate; the constraint decides
        clone = services.campaign_clone(source=c2024, actor=office_user())
        monkeypatch.setattr(services, "_validate", lambda campaign: None)
        with pytest.raises(ApplicationError) as exc:
            services.campaign_update(campaign=clone, actor=office_user(), data={"status": "active"})
        assert exc.value.status == 409
        assert "刷新" in exc.value.message_zh
        assert Campaign.objects.get(pk=clone.pk).status == CampaignStatus.DRAFT
