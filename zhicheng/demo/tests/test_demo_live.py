"""The live campaign: open now, with a dossier at each step a newcomer can act on; the output grouped by kind."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhicheng.accounts.models import User
from zhicheng.campaigns.models import Campaign, CampaignStatus
from zhicheng.campaigns.selectors import campaign_current, campaign_submission_is_open
from zhicheng.demo.live import LIVE_PLAN
from zhicheng.demo.people import DEMO_PASSWORD, demo_people
from zhicheng.dossiers.models import Dossier
from zhicheng.review.models import ReturnRequest

pytestmark = pytest.mark.django_db


def test_the_current_campaign_is_this_years_and_open_now(seeded):
    campaign = campaign_current()
    assert campaign is not None and campaign.year == timezone.localdate().year
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign_submission_is_open(campaign, timezone.now())
    assert campaign.unit_recommendation_deadline > timezone.now()  # later phases ahead
    assert campaign.supplement_cutoff > campaign.submission_closes_at > timezone.now()
    assert Campaign.objects.get(year=2024).status == CampaignStatus.CLOSED


def test_every_planned_step_is_reached(seeded):
    codes = {p.username: p.case.code for p in demo_people() if p.case is not None}
    live = Dossier.objects.filter(campaign=campaign_current()).select_related("applicant")
    reached = {codes[d.applicant.username]: d.state for d in live}
    assert reached == LIVE_PLAN


def test_the_live_return_has_a_deadline_ahead(seeded):
    answer = ReturnRequest.objects.get(dossier__campaign=campaign_current(), answered_at__isnull=True)
    assert answer.answer_deadline > timezone.now()


def test_every_demo_account_shares_the_one_hash(seeded):
    hashes = set(User.objects.filter(username__in=[p.username for p in demo_people()]).values_list(
        "password", flat=True))
    assert len(hashes) == 1
    assert User.objects.get(username="yizhong_clerk").check_password(DEMO_PASSWORD)


def test_output_has_a_line_per_stage_and_log_ins_by_kind(seeded):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for stage in ("机构", "工作人员账号", "申报人账号", "2024 申报材料", "年度（当前）评审"):
        assert stage in text
    order = [text.index(title) for title in (
        "— 用人单位 / units", "— 审核部门 / review departments", "— 职改办 / the title office",
        "— 评审委员会与专家", "— 平台管理员 / platform", "— 申报人 / applicants")]
    assert order == sorted(order)
    units = text[order[0]:order[1]]
    assert "yizhong_clerk" in units and "zgb_staff" not in units
    assert "zgb_staff" in text[order[2]:order[3]] and "secadmin" not in text[order[2]:order[3]]
    assert "secadmin" in text[order[4]:order[5]] and "锁定解锁账号" in text[order[4]:order[5]]
