"""Bad input: each incoherent value gets a Chinese and an English message on its field; nothing is saved."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhicheng.audit.models import AuditEvent
from zhicheng.campaigns.models import Campaign
from zhicheng.campaigns.rules import shift_years
from zhicheng.campaigns.services import campaign_create, campaign_load_from_file, campaign_update
from zhicheng.catalog.tests.helpers import office_user
from zhicheng.core.errors import ApplicationError

from .factories import campaign_2024_values

BAD_INPUTS = [
    # (changes, field, Chinese message, English fragment)
    ({"policy_publicity_end": "2024-08-31"}, "policy_publicity_end", "政策宣传结束日不能早于政策宣传开始日",
     "cannot be before"),
    ({"submission_closes_at": "2024-09-09T00:00:00+08:00"}, "submission_closes_at",
     "个人申报截止时间不能早于个人申报开始时间", "cannot be before"),
    ({"unit_review_end": "2024-10-01"}, "unit_review_end", "审核推荐结束日不能早于审核推荐开始日", "cannot be before"),
    ({"submission_closes_at": "2024-10-22T00:00:00+08:00"}, "submission_closes_at",
     "个人申报截止时间不能晚于单位推荐截止时间", "cannot be after the unit recommendation deadline"),
    ({"unit_recommendation_deadline": "2024-10-27T00:00:00+08:00"}, "unit_recommendation_deadline",
     "单位推荐截止时间须在审核推荐期内（10-10—10-25）", "inside the unit review window"),
    ({"entrusted_recommendation_deadline": "2024-11-02T00:00:00+08:00"}, "entrusted_recommendation_deadline",
     "委托评审系列审核推荐截止时间不能晚于报送审核部门截止时间", "cannot be after"),
    ({"supplement_cutoff": "2024-12-22T00:00:00+08:00"}, "supplement_cutoff",
     "补充资料截止时间不能晚于答辩评审会议日期", "cannot be after the meetings date"),
    ({"achievement_cutoff": "2024-10-11"}, "achievement_cutoff", "业绩截止日不能晚于个人申报截止时间",
     "cannot be after the submission close"),
    ({"issue_by": "2024-12-24"}, "issue_by", "印发文件、发放证书截止日不能早于评审工作完成日", "cannot be before"),
    ({"similarity_core_max": "100.01"}, "similarity_core_max", "核心期刊论文复制比上限须在 0 至 100（%）之间",
     "between 0 and 100"),
    ({"similarity_provincial_max": "-1"}, "similarity_provincial_max",
     "省级期刊论文复制比上限须在 0 至 100（%）之间", "between 0 and 100"),
    ({"grassroots_senior_cap": "101"}, "grassroots_senior_cap", "基层有效高级岗位比例上限须在 0 至 100（%）之间",
     "between 0 and 100"),
    ({"social_security_months": 0}, "social_security_months", "社保缴纳月数须为正整数", "positive"),
    ({"max_returns": 0}, "max_returns", "最多退回次数须为正整数", "positive"),
    ({"unit_publicity_days": 0}, "unit_publicity_days", "单位公示天数须为正整数", "positive"),
    ({"ce_specialty_share_numerator": 4}, "ce_specialty_share_numerator",
     "专业科目占比不能超过 1（分子不能大于分母）", "cannot exceed 1"),
    ({"evidence_file_max_mb": 600}, "evidence_file_max_mb", "单个文件上限不能大于整份材料上限", "cannot exceed"),
    ({"submission_opens_at": "2023-09-10T00:00:00+08:00", "policy_publicity_start": "2023-09-01"},
     "submission_opens_at", "个人申报开始时间须在 2024 年内", "open in 2024"),
    ({"year": 1999}, "year", "年度须在 2000 至 2100 之间", "between 2000 and 2100"),
    ({"name": ""}, "name", "请填写名称", "required"),
    ({"meetings_by": "not a date"}, "meetings_by", "答辩评审会议完成日格式不正确：not a date", "not valid"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field", "zh", "en"), BAD_INPUTS)
def test_create_refuses_with_field_message(changes, field, zh, en):
    with pytest.raises(ApplicationError) as exc:
        campaign_create(actor=office_user(), data=campaign_2024_values(**changes))
    assert zh in exc.value.details["fields"][field]
    assert any(en in m for m in exc.value.details["fields_en"][field])
    assert Campaign.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type__startswith="campaign.").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "field", "zh", "en"), BAD_INPUTS[:9])
def test_update_refuses_and_keeps_the_old_values(changes, field, zh, en):
    campaign = campaign_load_from_file()
    before = Campaign.objects.filter(pk=campaign.pk).values().get()
    with pytest.raises(ApplicationError) as exc:
        campaign_update(campaign=campaign, actor=office_user(), data={**changes, "max_returns": 2})
    assert zh in exc.value.details["fields"][field]
    assert Campaign.objects.filter(pk=campaign.pk).values().get() == before


@pytest.mark.django_db
def test_all_problems_are_reported_at_once():
    data = campaign_2024_values(max_returns=0, similarity_core_max="200", issue_by="2024-12-01")
    with pytest.raises(ApplicationError) as exc:
        campaign_create(actor=office_user(), data=data)
    assert {"max_returns", "similarity_core_max", "issue_by"} <= set(exc.value.details["fields"])


@pytest.mark.django_db
def test_second_active_campaign_refused():
    campaign_load_from_file()
    data = campaign_2024_values(year=2025, status="active")
    for name in ("policy_publicity_start", "policy_publicity_end", "unit_review_start", "unit_review_end",
                 "meetings_by", "evaluation_complete_by", "issue_by", "achievement_cutoff", "seniority_date",
                 "submission_opens_at", "submission_closes_at", "unit_recommendation_deadline",
                 "entrusted_recommendation_deadline", "department_deadline", "supplement_cutoff"):
        data[name] = data[name].replace("2024", "2025")
    with pytest.raises(ApplicationError) as exc:
        campaign_create(actor=office_user(), data=data)
    assert exc.value.details["fields"]["status"] == ["已有进行中的年度评审（2024），请先将其结束"]
    data["status"] = "draft"
    assert campaign_create(actor=office_user(), data=data).year == 2025


@pytest.mark.django_db
def test_duplicate_year_refused():
    campaign_load_from_file()
    with pytest.raises(ApplicationError) as exc:
        campaign_create(actor=office_user(), data=campaign_2024_values(status="draft"))
    assert exc.value.details["fields"]["year"] == ["2024 年度评审已存在"]


@pytest.mark.django_db
def test_unknown_field_refused():
    with pytest.raises(ApplicationError, match="不能修改的字段"):
        campaign_create(actor=office_user(), data=campaign_2024_values(color="red"))


@given(st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2098, 12, 31)))
def test_shift_keeps_month_and_day_except_leap_day(day):
    shifted = shift_years(day, 1)
    assert (shifted.year, shifted.month) == (day.year + 1, day.month)
    if (day.month, day.day) == (2, 29):
        assert shifted.day == 28
    else:
        assert shifted.day == day.day


@given(st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2098, 12, 31)))
def test_shift_keeps_the_local_wall_time(naive):
    from django.utils import timezone

    instant = timezone.make_aware(naive)
    shifted = timezone.localtime(shift_years(instant, 1))
    assert shifted.time() == timezone.localtime(instant).time()
    assert shifted.date() == shift_years(timezone.localtime(instant).date(), 1)
