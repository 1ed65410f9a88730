"""A demo case's facts as the dossier sections take them: one dict of section input per row.

Consistent on purpose: the work history, the social-security months and the titles held tell the same story,
so an eligibility check finds only what the case was built for (cases.py `expected`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from zhicheng.accounts.models import OrganisationKind
from zhicheng.catalog.models import Education, TitleName, WaiverAchievement
from zhicheng.dossiers.models import AnnualAssessment, IdentitySection, ValidityScope

from .cases import WOMAN_WORKER, DemoCase
from .identifiers import credit_code
from .organisations import BY_KEY
from .people import Person

LAST_PAID_MONTH = dt.date(2024, 9, 1)  # the month before the submission
STATEMENT_MONTHS = 12  # the social-security statement applicants print covers the last 12 months
PREVIOUS_EMPLOYER = ("兰州恒信软件技术有限公司", credit_code("91", "620100", 71090017))
_DEGREES = {"博士": Education.DOCTOR, "硕士": Education.MASTER, "本科": Education.BACHELOR, "大专": Education.COLLEGE,
            "中师": Education.SECONDARY_NORMAL, "中专": Education.SECONDARY_VOCATIONAL}
_STUDY = {Education.DOCTOR: (28, 3), Education.MASTER: (25, 3), Education.BACHELOR: (22, 4),
          Education.COLLEGE: (21, 3)}  # age at graduation, years of study
_SCHOOLS = {"工程": ("兰州交通大学", "兰州理工大学", "甘肃农业大学", "西北民族大学"),
            "中小学教师": ("西北师范大学", "天水师范学院", "陇东学院", "河西学院"),
            "卫生技术（医）": ("兰州大学", "甘肃中医药大学"), "卫生技术（护）": ("甘肃卫生职业学院", "兰州大学")}
_MAJORS = {"建设": "土木工程", "水利": "水利水电工程", "质量监督": "机械设计制造及其自动化", "电子信息": "电子信息工程",
           "化工": "化学工程与工艺", "生态环境": "环境工程", "交通运输": "交通工程", "语文": "汉语言文学",
           "数学": "数学与应用数学", "英语": "英语", "物理": "物理学", "化学": "化学", "体育": "体育教育",
           "内科": "临床医学", "护理": "护理学", "人力资源": "人力资源管理"}
_DOC_PREFIX = {"工程": "甘人社职评", "中小学教师": "兰新教人", "农业": "甘农职改", "卫生技术（医）": "甘卫职改",
               "卫生技术（护）": "甘卫职改"}
_SCOPES = {"全省有效": ValidityScope.PROVINCE, "基层有效": ValidityScope.GRASSROOTS,
           "企业有效": ValidityScope.ENTERPRISE, "本单位有效": ValidityScope.UNIT}
_JOURNALS = {"core": ("土木工程学报", "水利学报", "环境科学", "化工学报", "中国给水排水", "课程·教材·教法"),
             "provincial": ("甘肃科技", "甘肃教育", "甘肃水利水电技术", "发展", "甘肃科技纵横")}
_PAPER_TOPICS = ("关键技术研究", "质量控制方法探讨", "应用实践与思考", "现状分析及对策", "设计优化研究")
_ETHNICITIES = ("汉族",) * 8 + ("回族", "东乡族", "藏族", "土族")
_POLITICAL = ("中共党员", "中共党员", "群众", "群众", "共青团员", "九三学社社员")


def _code_index(case: DemoCase, n: int) -> int:
    return sum(map(ord, case.code)) % n


def _month_shift(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def case_dates(case: DemoCase) -> Iterator[dt.date]:
    """The case's dates that the dossier checks refuse in the future: the clock must be past all of them."""
    yield from (p.published for p in case.papers)
    yield from (when for when, _ in case.achievements)
    yield from (d for d in (case.transferred_on, case.current_title_since, case.unit_changed) if d)


def employment(case: DemoCase) -> str:
    if case.flexible_worker:
        return IdentitySection.Employment.FLEXIBLE
    if BY_KEY[case.unit].kind == OrganisationKind.AGENCY:
        return IdentitySection.Employment.AGENCY_CLIENT
    return IdentitySection.Employment.UNIT_STAFF


def identity(case: DemoCase, person: Person, rng: random.Random) -> dict:
    data = {
        "ethnicity": rng.choice(_ETHNICITIES), "political_status": rng.choice(_POLITICAL), "phone": person.phone,
        "household_province": case.hukou_province, "employment": employment(case),
        # men retire at 60 either way; the category only changes a woman's age (rules-facts.md)
        "retirement_category": "worker50" if case.retirement_group == WOMAN_WORKER else "cadre55",
        "is_civil_servant": bool(case.civil_servant),
    }
    if case.sanction_until:
        sanction = IdentitySection.Sanction
        kind = sanction.PARTY if case.sanction_until.year > 2024 else sanction.GOVERNMENT
        data.update(sanction_kind=kind, sanction_to=case.sanction_until,
                    sanction_from=case.sanction_until.replace(year=case.sanction_until.year - 2) + dt.timedelta(1))
    return data


def education(case: DemoCase) -> dict:
    degree = _DEGREES[case.education]
    age, years = _STUDY.get(degree, (20, 3))
    end_year = case.birth.year + age
    if case.current_title_since:
        end_year = min(end_year, case.current_title_since.year - 1)
    schools = _SCHOOLS.get(case.series, ("兰州大学", "兰州财经大学"))
    return {"degree": degree, "school": schools[_code_index(case, len(schools))],
            "major": _MAJORS.get(case.specialty, case.specialty or "工学"),
            "start": dt.date(end_year - years, 9, 1), "end": dt.date(end_year, 7, 1)}


def _unit_name(case: DemoCase) -> str:
    org = BY_KEY[case.unit]
    if case.flexible_worker:
        return f"灵活就业（档案托管于{org.name}）"
    return org.name  # an agency client's employer of record is the agency that pays their contributions


def _post(case: DemoCase, series: str = "") -> str:
    series = series or case.series
    if employment(case) == IdentitySection.Employment.AGENCY_CLIENT:
        return f"人事代理，派驻化工园区企业从事{case.specialty}技术工作"
    if series == "中小学教师":
        return f"{case.specialty}教师"
    return f"{case.specialty or series}专业技术岗位" if series == case.series else f"{series}专业技术岗位"


def _joined(case: DemoCase) -> dt.date | None:
    """When the applicant joined the applying unit, if later than their first job."""
    if case.unit_changed:
        return case.unit_changed
    if case.social_security_months < STATEMENT_MONTHS:
        return _month_shift(LAST_PAID_MONTH, 1 - case.social_security_months)
    return None


def work_history(case: DemoCase) -> list[dict]:
    start = dt.date(education(case)["end"].year, 8, 1)
    joined = _joined(case) or start
    rows = []
    if joined > start:
        gap = 0 if case.social_security_continuous else 2
        left = _month_shift(joined, -gap) - dt.timedelta(days=1)
        rows.append({"unit_name": PREVIOUS_EMPLOYER[0], "post": _post(case), "start": start, "end": left})
    unit, moved = _unit_name(case), case.transferred_on
    if moved and moved > joined:
        old_post = _post(case, case.transfer_from_series)
        rows.append({"unit_name": unit, "post": old_post, "start": joined, "end": moved - dt.timedelta(days=1)})
        joined = moved
    rows.append({"unit_name": unit, "post": _post(case), "start": joined, "end": None})
    return rows


def title_held(case: DemoCase) -> dict | None:
    if not case.current_title:
        return None
    series = case.transfer_from_series or case.series
    title = TitleName.objects.select_related("series", "level").get(series__name=series, name=case.current_title)
    since = case.current_title_since
    number = f"{_DOC_PREFIX.get(series, '甘职改')}〔{since.year}〕{10 + _code_index(case, 90)}号"
    return {"series": title.series, "level": title.level, "scope": _SCOPES[case.current_title_scope],
            "obtained_on": since, "document_number": number, "appointed_on": _month_shift(since, 1)}


def social_security(case: DemoCase) -> list[dict]:
    """The months paid by the applying unit or agency up to 2024-09; for a change of unit, the 6 before."""
    org = BY_KEY[case.unit]
    months = [_month_shift(LAST_PAID_MONTH, -n) for n in range(case.social_security_months - 1, -1, -1)]
    rows = [{"month": m, "paying_unit": org.name, "credit_code": org.credit_code} for m in months]
    if case.unit_changed:
        last_before = _month_shift(months[0], -1 if case.social_security_continuous else -3)
        before = [_month_shift(last_before, -n) for n in range(5, -1, -1)]
        name, code = PREVIOUS_EMPLOYER
        rows = [{"month": m, "paying_unit": name, "credit_code": code} for m in before] + rows
    return rows


def papers(case: DemoCase, rng: random.Random) -> list[dict]:
    topic = case.specialty or case.series
    return [
        {"kind": "paper", "title": f"{topic}{rng.choice(_PAPER_TOPICS)}", "achieved_on": paper.published,
         "journal": rng.choice(_JOURNALS[paper.journal]), "tier": paper.journal, "cnki_indexed": True}
        for paper in case.papers
    ]


def _kind(title: str) -> str:
    if "奖" in title:
        return "award"
    return "patent" if "专利" in title else "project"


def other_achievements(case: DemoCase) -> list[dict]:
    """Awards, patents and projects; for 破格 each names the catalog's waiver it meets (when the catalog has it)."""
    waivers = {"award": "科学技术奖二等奖", "project": "主持完成省级"}
    rows = []
    for when, title in case.achievements:
        kind, waiver = _kind(title), None
        if case.category == "exceptional" and kind in waivers:
            waiver = WaiverAchievement.objects.filter(is_active=True, name__contains=waivers[kind]).first()
        rows.append({"kind": kind, "title": title, "achieved_on": when, "waiver": waiver})
    return rows


def continuing_education(case: DemoCase, campaign) -> list[dict]:
    years = range(campaign.year - campaign.ce_years_required, campaign.year)
    general = case.ce_hours - case.ce_specialty_hours
    return [{"year": year, "general_hours": general, "specialty_hours": case.ce_specialty_hours} for year in years]


def assessments(rng: random.Random, last_year: int = 2023) -> list[dict]:
    grades = AnnualAssessment.Grade
    return [
        {"year": year, "grade": grades.EXCELLENT if rng.random() < 0.2 else grades.COMPETENT}
        for year in range(last_year - 4, last_year + 1)
    ]
