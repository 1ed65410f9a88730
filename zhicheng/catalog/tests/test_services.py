"""Editing conditions, specialties and the 破格 list: office only, checked, audited."""

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.catalog import services
from zhicheng.catalog.models import Condition, Level, Series, TitleName, WaiverAchievement
from zhicheng.core.errors import ApplicationError, PermissionDenied

from .helpers import applicant_user, clerk_user, office_user

pytestmark = pytest.mark.django_db


def _engineer_data(**overrides):
    data = {"series": "工程", "level": "中级", "education": "college", "min_years": 6,
            "below_title": TitleName.objects.get(code="0504"), "scope": "", "note": "测试"}
    return {**data, **overrides}


class TestConditionCreate:
    def test_office_adds_a_row_and_it_is_audited(self):
        actor = office_user()
        condition = services.condition_create(actor=actor, data=_engineer_data())
        assert condition.series.code == "05" and condition.min_years == 6
        event = AuditEvent.objects.get(event_type="catalog.condition_created")
        assert event.actor_id == actor.pk and event.object_id == str(condition.pk)

    @pytest.mark.parametrize("make_user", [clerk_user, applicant_user])
    def test_others_are_refused(self, make_user):
        before = Condition.objects.count()
        with pytest.raises(PermissionDenied) as exc:
            services.condition_create(actor=make_user(), data=_engineer_data())
        assert "职改办" in exc.value.message_zh
        assert Condition.objects.count() == before

    def test_unknown_series_is_named(self):
        with pytest.raises(ApplicationError) as exc:
            services.condition_create(actor=office_user(), data=_engineer_data(series="炼丹"))
        assert exc.value.code == "unknown_series"
        assert "未知的系列" in exc.value.message_zh and "炼丹" in exc.value.message_zh
        assert exc.value.details["fields"]["series"]

    def test_level_the_series_lacks_is_refused(self):
        with pytest.raises(ApplicationError) as exc:
            services.condition_create(
                actor=office_user(), data=_engineer_data(series="经济", level="员级", min_years=0, below_title=None)
            )
        assert "没有“员级”职称" in exc.value.details["fields"]["level"][0]
        assert "no title" in exc.value.details["fields_en"]["level"][0]

    def test_below_title_from_another_series_is_refused(self):
        with pytest.raises(ApplicationError) as exc:
            services.condition_create(
                actor=office_user(), data=_engineer_data(below_title=TitleName.objects.get(code="1104"))
            )
        assert "下一级职称须为“工程”系列低一级的职称" in exc.value.details["fields"]["below_title"]

    def test_years_need_a_below_title(self):
        with pytest.raises(ApplicationError) as exc:
            services.condition_create(actor=office_user(), data=_engineer_data(below_title=None))
        assert exc.value.details["fields"]["below_title"] == ["要求任职年限时须选择下一级职称"]


class TestConditionUpdateDelete:
    def test_update_audits_before_and_after(self):
        condition = Condition.objects.get(series__name="工程", level__name="副高级", education="bachelor")
        services.condition_update(condition=condition, actor=office_user(), data={"min_years": 6}, ip="10.0.0.1")
        condition.refresh_from_db()
        assert condition.min_years == 6
        event = AuditEvent.objects.get(event_type="catalog.condition_updated")
        assert event.data == {"min_years": {"from": 5, "to": 6}} and event.ip == "10.0.0.1"

    def test_bad_update_saves_nothing(self):
        condition = Condition.objects.get(series__name="工程", level__name="副高级", education="bachelor")
        with pytest.raises(ApplicationError):
            services.condition_update(condition=condition, actor=office_user(), data={"min_years": 99})
        condition.refresh_from_db()
        assert condition.min_years == 5
        assert not AuditEvent.objects.filter(event_type="catalog.condition_updated").exists()

    def test_update_refused_for_clerk(self):
        condition = Condition.objects.first()
        with pytest.raises(PermissionDenied):
            services.condition_update(condition=condition, actor=clerk_user(), data={"min_years": 1})

    def test_delete_is_audited(self):
        condition = Condition.objects.get(series__name="工程", level__name="中级", education="doctor")
        services.condition_delete(condition=condition, actor=office_user())
        assert not Condition.objects.filter(pk=condition.pk).exists()
        assert AuditEvent.objects.get(event_type="catalog.condition_deleted").data["education"] == "doctor"


class TestSpecialtyAndWaiver:
    def test_specialty_added_and_renamed(self):
        actor = office_user()
        specialty = services.specialty_create(actor=actor, series="05", name="电子信息")
        services.specialty_update(specialty=specialty, actor=actor, is_active=False)
        specialty.refresh_from_db()
        assert specialty.series == Series.objects.get(name="工程") and not specialty.is_active
        assert AuditEvent.objects.filter(event_type__startswith="catalog.specialty_").count() == 2

    def test_duplicate_specialty_refused(self):
        with pytest.raises(ApplicationError):
            services.specialty_create(actor=office_user(), series="工程", name="水利")

    def test_waiver_list_is_editable(self):
        actor = office_user()
        waiver = services.waiver_create(actor=actor, name="获国家级技能大赛一等奖", series="工程")
        services.waiver_set_active(waiver=waiver, actor=actor, is_active=False)
        assert not WaiverAchievement.objects.get(pk=waiver.pk).is_active

    def test_waiver_refused_for_applicant(self):
        with pytest.raises(PermissionDenied):
            services.waiver_create(actor=applicant_user(), name="x")

    def test_level_resolves_by_code_and_name(self):
        from zhicheng.catalog.selectors import level_resolve

        assert level_resolve("02") == level_resolve("副高级") == Level.objects.get(rank=4)
