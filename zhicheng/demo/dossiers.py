"""The demo applicants' 2024 dossiers, made through the dossier services with the server clock replayed.

The 2024 submission window (2024-09-10 00:00 → 2024-10-11 00:00 +08:00) is in the past, so each applicant's
dossier is built while `django.utils.timezone.now` reads an instant of the window's last fortnight (drawn from
the case code, ticking 7 s per call, and never before the case's latest date: ACHIEVEMENT-AFTER-CUTOFF fills
in on 10-09). The patch is process-wide: run seed_demo from the command line, not inside a serving process.
Everything else goes through the same services the applicant's pages call: dossier_create, identity_update,
section_item_create, evidence_attach (real PDF/JPEG/PNG files from evidence_files.py), pledge_sign (with the
demo password) and dossier_submit; the change notice (dossiers.hooks.dossier_changed, which re-runs the
eligibility check) is sent once per dossier after it is filled in, see changes_batched. An applicant who
already has a dossier in the campaign is left alone.

Which dossiers are submitted and which stay drafts:
- submitted: every case whose `expected` is empty, i.e. the named cases NOT-RETIRE-MAN-1965-01,
  NOT-RETIRE-WOMAN-CADRE-1970, SANCTION-ENDED, SOCSEC-6-MONTHS, UNIT-CHANGE-CONTINUOUS, SERIES-TRANSFER,
  SKILLED-WORKER-ENGINEERING, FLEXIBLE-GANSU-HUKOU, AGENCY-CLIENT-PARK, RURAL-TEACHER-30-YEARS,
  RURAL-TEACHER-20-YEARS, EXCEPTIONAL-PROMOTION, GRASSROOTS-SENIOR, PAPER-CORE-15.00, CE-90-60,
  SENIOR-ENTRUSTED, DOCTOR-PRIVATE-HOSPITAL, NURSE-TOWNSHIP, and the ordinary cases not listed below;
- complete drafts: every case with expected findings (the eligibility check shows them before submitting);
- partly filled drafts: the ordinary cases in PARTIAL_DRAFTS (the first few sections only).
A submit refused with `eligibility_blocked` leaves the dossier a draft and is logged with the rules that fired.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import random
from dataclasses import dataclass, field
from unittest import mock

from zhicheng.accounts.models import Organisation, User
from zhicheng.campaigns.models import Campaign
from zhicheng.catalog.models import Specialty, TitleName
from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.evidence import evidence_attach
from zhicheng.dossiers.hooks import dossier_changed
from zhicheng.dossiers.models import Category, Dossier, EvidencePurpose, ValidityScope
from zhicheng.dossiers.services import (
    dossier_create,
    dossier_submit,
    identity_update,
    pledge_sign,
    section_item_create,
    section_items_create,
)
from zhicheng.similarity.services import similarity_store

from . import dossier_facts as facts
from . import evidence_files as ef
from .cases import DemoCase
from .organisations import OFFICE
from .people import DEMO_PASSWORD, Person, demo_people

logger = logging.getLogger(__name__)

CAMPAIGN_YEAR = 2024
PARTIAL_DRAFTS = frozenset({
    "ENGINEER-03", "ENGINEER-08", "ENGINEER-12", "ENGINEER-MID-02", "ENGINEER-MID-07",
    "TEACHER-03", "TEACHER-06", "TEACHER-09", "TEACHER-10",
})
_LAST_FORTNIGHT = dt.datetime(2024, 9, 27, tzinfo=dt.timezone(dt.timedelta(hours=8)))
_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0"
_CATEGORY = {"skill": Category.SKILLED}


@dataclass
class DossierSeedReport:
    submitted: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    blocked: list[tuple[str, object]] = field(default_factory=list)  # (case code, the refusal's details)
    skipped: int = 0


@dataclass
class _Ctx:
    """One applicant's dossier being built: who acts, from where, and a random stream of their own."""

    case: DemoCase
    person: Person
    user: User
    campaign: Campaign
    rng: random.Random
    ip: str
    dossier: Dossier | None = None
    files: int = 0

    def file_seed(self) -> int:
        self.files += 1
        return self.rng.randrange(1 << 30) + self.files


def submits(case: DemoCase) -> bool:
    """Whether the demo submits this case's dossier (otherwise it stays a draft)."""
    return not case.expected and case.code not in PARTIAL_DRAFTS


def clock_start(case: DemoCase) -> dt.datetime:
    """When the applicant sits down to fill in: one of the window's last days, never before the case's facts."""
    rng = random.Random(f"clock:{case.code}")  # noqa: S311 - a reproducible demo, not security
    start = _LAST_FORTNIGHT + dt.timedelta(days=rng.randrange(14), hours=8 + rng.randrange(13),
                                           minutes=rng.randrange(60))
    latest = max(facts.case_dates(case), default=dt.date(2024, 1, 1))
    floor = dt.datetime.combine(latest + dt.timedelta(days=1), dt.time(9), tzinfo=start.tzinfo)
    return max(start, floor)


@contextlib.contextmanager
def replayed_clock(start: dt.datetime):
    """The server clock reads `start`, then 7 s later on each call (as a person clicking through the pages)."""
    ticks = itertools.count()

    def now() -> dt.datetime:
        return (start + dt.timedelta(seconds=7 * next(ticks))).astimezone(dt.UTC)

    with mock.patch("django.utils.timezone.now", new=now):
        yield


def demo_dossiers_seed() -> DossierSeedReport:
    """Give every demo applicant their 2024 dossier (see the module docstring); running it again adds nothing."""
    campaign = Campaign.objects.get(year=CAMPAIGN_YEAR)
    applicants = [p for p in demo_people() if p.case is not None]
    users = User.objects.in_bulk([p.username for p in applicants], field_name="username")
    have = set(Dossier.objects.filter(campaign=campaign).values_list("applicant_id", flat=True))
    report = DossierSeedReport()
    for n, person in enumerate(applicants, start=1):
        user = users[person.username]
        if user.pk in have:
            report.skipped += 1
            continue
        ctx = _Ctx(person.case, person, user, campaign, random.Random(f"dossier:{person.case.code}"),  # noqa: S311
                   ip=f"10.62.{n // 50}.{10 + n % 50 * 4}")
        with replayed_clock(clock_start(person.case)):
            with changes_batched(ctx):
                _fill(ctx)
            _finish(ctx, report)
    for code, details in report.blocked:
        logger.warning("demo dossier %s: submit refused by the eligibility check: %s", code, details)
    return report


@contextlib.contextmanager
def changes_batched(ctx: _Ctx):
    """One dossier_changed after the dossier is filled in, instead of one per row and file.

    Its receivers (the eligibility check) re-read the whole dossier, so one notice after the last change leaves
    what one per change would; per change they cost two thirds of the seeding time. dossier_submit's own
    checks (the guards of the submit row, eligibility_clear among them) still run in full.
    """
    with mock.patch.object(dossier_changed, "send", return_value=[]):
        yield
    dossier_changed.send(sender=Dossier, dossier=ctx.dossier, actor=ctx.user)


def _fill(ctx: _Ctx) -> None:
    ctx.dossier = dossier_create(actor=ctx.user, campaign=ctx.campaign, ip=ctx.ip, **_target(ctx.case))
    steps = [_identity, _education, _work_history, _titles, _transfer, _social_security, _achievements,
             _continuing_education, _assessments, _rural_service]
    if ctx.case.code in PARTIAL_DRAFTS:
        steps = steps[: 2 + ctx.rng.randrange(5)]
    for step in steps:
        step(ctx)


def _finish(ctx: _Ctx, report: DossierSeedReport) -> None:
    """Sign and submit the cases that submit; the others stay drafts."""
    case = ctx.case
    if not submits(case):
        report.drafts.append(case.code)
        return
    pledge_sign(dossier=ctx.dossier, actor=ctx.user, password=DEMO_PASSWORD, ip=ctx.ip, user_agent=_USER_AGENT)
    try:
        dossier_submit(dossier=ctx.dossier, actor=ctx.user, ip=ctx.ip)
    except ApplicationError as exc:
        if exc.code != "eligibility_blocked":
            raise
        report.blocked.append((case.code, exc.details))
        report.drafts.append(case.code)
        return
    report.submitted.append(case.code)


def _target(case: DemoCase) -> dict:
    title = TitleName.objects.select_related("series", "level").get(series__name=case.series, name=case.level)
    specialty = Specialty.objects.filter(series=title.series, name=case.specialty, is_active=True).first()
    category = _CATEGORY.get(case.category, case.category)
    scope = ValidityScope.GRASSROOTS if category == Category.GRASSROOTS else ValidityScope.PROVINCE
    return {"series": title.series, "level": title.level, "specialty": specialty, "scope": scope,
            "category": category}


def _attach(ctx: _Ctx, section: str, item_id, file: ef.DemoFile, purpose: str = "") -> None:
    evidence_attach(dossier=ctx.dossier, section=section, item_id=item_id, upload=file.upload(), actor=ctx.user,
                    ip=ctx.ip, purpose=purpose)


def _row(ctx: _Ctx, section: str, data: dict, *files: tuple[ef.DemoFile, str]):
    item = section_item_create(dossier=ctx.dossier, actor=ctx.user, section=section, data=data, ip=ctx.ip)
    for file, purpose in files:
        _attach(ctx, section, item.pk, file, purpose)
    return item


def _holder(ctx: _Ctx) -> list[str]:
    number = ctx.person.id_number
    return [f"Holder: {ctx.person.username}", f"ID: {number[:6]}********{number[-4:]}"]


def _identity(ctx: _Ctx) -> None:
    identity_update(dossier=ctx.dossier, actor=ctx.user, data=facts.identity(ctx.case, ctx.person, ctx.rng),
                    ip=ctx.ip)
    lines = [*_holder(ctx), f"Born: {ctx.case.birth:%Y-%m-%d}"]
    _attach(ctx, "identity", None, ef.photo_jpeg("身份证正反面.jpg", "Resident Identity Card", lines, ctx.file_seed()))
    if ctx.case.flexible_worker:
        _attach(ctx, "identity", None, ef.scan_png("户口簿.png", "Household Register",
                                                   [*_holder(ctx), f"Province: {ctx.case.hukou_province}"],
                                                   ctx.file_seed()))


def _education(ctx: _Ctx) -> None:
    data = facts.education(ctx.case)
    lines = [*_holder(ctx), f"Degree: {data['degree']}", f"Graduated: {data['end']:%Y-%m}"]
    _row(ctx, "education", data, (ef.scan_pdf("毕业证书.pdf", "Diploma", lines, ctx.file_seed()), ""))


def _work_history(ctx: _Ctx) -> None:
    rows = facts.work_history(ctx.case)
    for n, data in enumerate(rows):
        files = ()
        if n == len(rows) - 1:
            lines = [*_holder(ctx), f"Employed since {data['start']:%Y-%m-%d}"]
            files = ((ef.scan_pdf("在职证明.pdf", "Certificate of Employment", lines, ctx.file_seed()), ""),)
        _row(ctx, "work_history", data, *files)


def _titles(ctx: _Ctx) -> None:
    data = facts.title_held(ctx.case)
    if data is None:
        return
    lines = [*_holder(ctx), f"Obtained: {data['obtained_on']:%Y-%m-%d}", "Doc no. on file"]
    make = ef.photo_jpeg if ctx.rng.random() < 0.5 else ef.scan_png
    name = "职称证书" + (".jpg" if make is ef.photo_jpeg else ".png")
    _row(ctx, "title_held", data, (make(name, "Professional Title Certificate", lines, ctx.file_seed()), ""))


def _transfer(ctx: _Ctx) -> None:
    if ctx.case.category != "transfer":
        return
    on = ctx.case.transferred_on
    lines = [*_holder(ctx), f"Transfer approved on {on:%Y-%m-%d}", "Assessment: qualified"]
    file = ef.scan_pdf("单位考核合格证明.pdf", "Unit Assessment for Series Transfer", lines, ctx.file_seed())
    note = f"岗位变动，经单位考核合格，同意转入{ctx.case.series}系列"
    _row(ctx, "series_transfer", {"transferred_on": on, "note": note}, (file, EvidencePurpose.UNIT_ASSESSMENT))


def _rows(ctx: _Ctx, section: str, rows: list[dict]) -> list:
    """Many rows of one section entered at once (the months of a statement): one change of the dossier, not one
    per row — per row they cost a fifth of the seeding time and only repeat section_item_create's tested checks."""
    return section_items_create(dossier=ctx.dossier, actor=ctx.user, section=section, rows=rows, ip=ctx.ip)


def _social_security(ctx: _Ctx) -> None:
    rows = facts.social_security(ctx.case)
    items = _rows(ctx, "social_security", rows)
    if items:  # the social-security office's statement lists every month: attached to the last one
        lines = [*_holder(ctx), f"Months: {len(rows)}", f"Last: {rows[-1]['month']}"]
        _attach(ctx, "social_security", items[-1].pk,
                ef.scan_pdf("社保缴费明细.pdf", "Social Insurance Payment Record", lines, ctx.file_seed()))


def _achievements(ctx: _Ctx) -> None:
    for data, spec in zip(facts.papers(ctx.case, ctx.rng), ctx.case.papers, strict=True):
        paper = ef.scan_pdf("论文.pdf", "Journal Article", [*_holder(ctx), f"Published {data['achieved_on']}"],
                            ctx.file_seed(), pages=2)
        item = _row(ctx, "achievement", data, (paper, ""))
        _office_similarity(ctx, item, spec.similarity)
    for data in facts.other_achievements(ctx.case):
        lines = [*_holder(ctx), f"Kind: {data['kind']}", f"Date: {data['achieved_on']:%Y-%m-%d}"]
        if data["kind"] == "award":
            file = ef.photo_jpeg("获奖证书.jpg", "Award Certificate", lines, ctx.file_seed())
        elif data["kind"] == "patent":
            file = ef.scan_png("专利证书.png", "Patent Certificate", lines, ctx.file_seed())
        else:
            file = ef.scan_pdf("项目验收证书.pdf", "Project Acceptance", lines, ctx.file_seed())
        _row(ctx, "achievement", data, (file, ""))


_OFFICE_STAFF = "zgb_staff"


def _office_similarity(ctx: _Ctx, paper, percent) -> None:
    """The office's CNKI check of a demo paper (§六(七)), entered as the office's staff: the result R-PLAGIARISM
    reads. Written directly because a draft is not yet visible to the office; the real path is the office page."""
    office = Organisation.objects.get(name=OFFICE.name)
    staff = User.objects.get(username=_OFFICE_STAFF)
    similarity_store(dossier=ctx.dossier, paper=paper, actor=staff, organisation=office, percent=percent,
                     reference_no=f"CNKI-2024-{paper.pk:06d}", ip=ctx.ip)


def _continuing_education(ctx: _Ctx) -> None:
    for data in facts.continuing_education(ctx.case, ctx.campaign):
        lines = [*_holder(ctx), f"Year {data['year']}", f"General {data['general_hours']} h",
                 f"Specialty {data['specialty_hours']} h"]
        if ctx.rng.random() < 0.5:
            file = ef.photo_jpeg("继续教育证书.jpg", "Continuing Education Certificate", lines, ctx.file_seed())
        else:
            file = ef.scan_pdf("继续教育证书.pdf", "Continuing Education Certificate", lines, ctx.file_seed())
        _row(ctx, "continuing_education", data, (file, EvidencePurpose.CE_CERTIFICATE))


def _assessments(ctx: _Ctx) -> None:
    rows = facts.assessments(ctx.rng)
    for data, item in zip(rows, _rows(ctx, "annual_assessment", rows), strict=True):
        if data["year"] == CAMPAIGN_YEAR - 1:
            lines = [*_holder(ctx), f"Year {data['year']}: {data['grade']}"]
            _attach(ctx, "annual_assessment", item.pk,
                    ef.scan_pdf("年度考核登记表.pdf", "Annual Assessment", lines, ctx.file_seed()))


def _rural_service(ctx: _Ctx) -> None:
    years = ctx.case.rural_service_years
    if not years:
        return
    lines = [*_holder(ctx), f"Rural service: {years} years"]
    file = ef.scan_pdf("乡村任教证明.pdf", "Rural Service Certificate", lines, ctx.file_seed())
    _row(ctx, "rural_service", {"years": years, "remote_area": True}, (file, ""))

