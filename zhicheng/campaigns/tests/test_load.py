"""The 2024 campaign file loads through the validating service, to the exact instants of the notice."""

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Campaign, CampaignStatus
from zhicheng.campaigns.selectors import campaign_current, campaign_submission_is_open
from zhicheng.campaigns.services import campaign_load_from_file
from zhicheng.core.errors import ApplicationError

from .factories import campaign_2024_values

pytestmark = pytest.mark.django_db
BJ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BJ)


class TestLoad2024:
    def test_windows_are_the_notice_instants(self):
        c = campaign_load_from_file()
        assert (c.year, c.notice_number, c.status) == (2024, "新组通〔2024〕23号", CampaignStatus.ACTIVE)
        assert c.submission_opens_at == at(2024, 9, 10)
        assert c.submission_closes_at == at(2024, 10, 11)
        assert c.unit_recommendation_deadline == at(2024, 10, 21)
        assert c.entrusted_recommendation_deadline == at(2024, 10, 31)
        assert c.department_deadline == at(2024, 11, 1)
        assert c.supplement_cutoff == at(2024, 12, 1)
        assert (c.policy_publicity_start, c.policy_publicity_end) == (dt.date(2024, 9, 1), dt.date(2024, 9, 10))
        assert (c.unit_review_start, c.unit_review_end) == (dt.date(2024, 10, 10), dt.date(2024, 10, 25))
        assert (c.meetings_by, c.evaluation_complete_by, c.issue_by) == (
            dt.date(2024, 12, 20), dt.date(2024, 12, 25), dt.date(2024, 12, 31))
        assert (c.achievement_cutoff, c.seniority_date) == (dt.date(2024, 9, 30), dt.date(2024, 12, 31))

    def test_thresholds(self):
        c = campaign_load_from_file()
        assert (c.similarity_core_max, c.similarity_provincial_max) == (Decimal("15.00"), Decimal("25.00"))
        assert (c.social_security_months, c.max_returns, c.grassroots_senior_cap) == (6, 3, Decimal("10.00"))
        assert (c.ce_hours_per_year, c.ce_specialty_share_numerator, c.ce_specialty_share_denominator) == (90, 2, 3)
        assert (c.unit_publicity_days, c.unit_publicity_unit, c.result_publicity_days) == (5, "working", 5)
        assert (c.evidence_file_max_mb, c.dossier_max_mb) == (20, 500)
        assert "诚信承诺书" in c.pledge_text

    def test_submission_boundary_at_24_00(self):
        c = campaign_load_from_file()
        assert campaign_submission_is_open(c, at(2024, 10, 10, 23, 59, 59))
        assert not campaign_submission_is_open(c, at(2024, 10, 11, 0, 0, 0))
        assert campaign_submission_is_open(c, at(2024, 9, 10, 0, 0, 0))
        assert not campaign_submission_is_open(c, at(2024, 9, 9, 23, 59, 59))

    def test_becomes_the_current_campaign_with_four_routes(self):
        c = campaign_load_from_file()
        assert campaign_current() == c
        assert c.routes.count() == 4

    def test_loading_twice_changes_nothing(self):
        first = campaign_load_from_file()
        events = AuditEvent.objects.count()
        second = campaign_load_from_file()
        assert first.pk == second.pk and Campaign.objects.count() == 1
        assert AuditEvent.objects.count() == events
        assert second.routes.count() == 4

    def test_reload_restores_edited_values_but_not_status(self):
        c = campaign_load_from_file()
        Campaign.objects.filter(pk=c.pk).update(max_returns=2, status=CampaignStatus.CLOSED)
        c = campaign_load_from_file()
        assert (c.max_returns, c.status) == (3, CampaignStatus.CLOSED)

    def test_command_loads_and_is_idempotent(self):
        call_command("campaign_load")
        call_command("campaign_load")
        assert Campaign.objects.get().year == 2024


class TestBadFile:
    def _write(self, tmp_path, **overrides):
        path = tmp_path / "c.json"
        path.write_text(json.dumps({"campaign": campaign_2024_values(**overrides), "routes": []}), encoding="utf-8")
        return path

    def test_window_out_of_order_saves_nothing(self, tmp_path):
        path = self._write(tmp_path, submission_closes_at="2024-09-01T00:00:00+08:00")
        with pytest.raises(ApplicationError) as exc:
            campaign_load_from_file(path=path)
        assert "个人申报截止时间" in exc.value.message_zh
        assert Campaign.objects.count() == 0

    def test_command_reports_the_field(self, tmp_path):
        path = self._write(tmp_path, similarity_core_max="150")
        with pytest.raises(CommandError, match="similarity_core_max"):
            call_command("campaign_load", file=str(path))
        assert Campaign.objects.count() == 0

    def test_unknown_series_in_routes_rolls_back_the_campaign(self, tmp_path):
        path = tmp_path / "c.json"
        content = {"campaign": campaign_2024_values(), "routes": [{"series": "炼丹", "level": "中级"}]}
        path.write_text(json.dumps(content), encoding="utf-8")
        with pytest.raises(ApplicationError, match="未知的系列"):
            campaign_load_from_file(path=path)
        assert Campaign.objects.count() == 0

    def test_unreadable_file(self, tmp_path):
        with pytest.raises(ApplicationError) as exc:
            campaign_load_from_file(path=tmp_path / "missing.json")
        assert exc.value.code == "campaign_file_unreadable"

    def test_garbled_date(self, tmp_path):
        with pytest.raises(ApplicationError) as exc:
            campaign_load_from_file(path=self._write(tmp_path, meetings_by="12月20日"))
        assert exc.value.details["fields"]["meetings_by"] == ["答辩评审会议完成日格式不正确：12月20日"]
