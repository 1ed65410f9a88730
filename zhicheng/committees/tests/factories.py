"""Set-up for evaluation tests: an office with an engineering senior committee, its pool, a meeting, candidates."""

from __future__ import annotations

import datetime as dt

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, member
from zhicheng.catalog.models import Level, Series
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.review.tests.factories import dossier_in_state

from .. import services
from ..models import Expert, MeetingMember, SeatStatus

S = DossierState
HELD_ON = dt.date(2024, 12, 10)


def engineering(level: str = "副高级"):
    return Series.objects.get(name="工程"), Level.objects.get(name=level)


def evaluation_people(tree: dict) -> dict:
    """A committee organisation under the office with its secretary; office staff already in the tree."""
    office = tree["office"]
    tree["committee_org"] = OrganisationFactory(name="新区工程系列高级评审委员会", kind=OrganisationKind.COMMITTEE,
                                                parent=office, credit_code=None, unit_type="")
    tree["secretary"] = member(tree["committee_org"], Role.COMMITTEE_SECRETARY)
    return tree


def expert_make(tree: dict, *, level: str = "副高级", unit=None, active: bool = True, **fields) -> Expert:
    user = member(tree["committee_org"], Role.EXPERT, **fields)
    series, lvl = engineering(level)
    return services.expert_save(actor=tree["office_staff"], office=tree["office"], user=user, series=series,
                                level=lvl, title=f"{'正高级' if level == '正高级' else ''}工程师", unit=unit,
                                term_start=dt.date(2023, 1, 1), term_end=dt.date(2025, 12, 31), is_active=active)


def committee_make(tree: dict, *, size_min: int | None = None, level: str = "副高级"):
    series, lvl = engineering(level)
    return services.committee_save(actor=tree["office_staff"], organisation=tree["committee_org"],
                                   name="新区工程系列高级职称评审委员会", series=series, level=lvl,
                                   approval_number="甘人社〔2023〕1号", valid_from=dt.date(2023, 1, 1),
                                   valid_until=dt.date(2025, 12, 31), min_size=size_min)


def candidate(tree: dict, campaign, *, unit=None, route: str = "self", level: str = "副高级") -> Dossier:
    applicant = member(unit or tree["unit"], Role.APPLICANT)
    series, lvl = engineering(level)
    dossier = dossier_in_state(applicant, campaign, S.OFFICE_ACCEPTED, filled=False, series=series, level=lvl)
    Dossier.objects.filter(pk=dossier.pk).update(route=route)
    dossier.refresh_from_db()
    return dossier


def meeting_ready(tree: dict, campaign, *, members: int = 25, present: int | None = None, candidates: int = 1,
                  expert_units=None, size: int | None = None, candidate_units=None):
    """A committee, a pool of `members` experts, a meeting of all of them with `candidates` on the agenda, drawn,
    everyone confirmed, `present` checked in (default all), the first expert chair. Returns (meeting, experts,
    dossiers)."""
    committee = committee_make(tree, size_min=min(25, members) if members < 25 else None)
    for i in range(members):
        expert_make(tree, unit=(expert_units or {}).get(i))
    meeting = services.meeting_create(actor=tree["secretary"], committee=committee, campaign=campaign,
                                      name="2024年度工程系列高级职称评审会", held_on=HELD_ON, size=size or members,
                                      alternates_per_member=0)
    units = candidate_units or [None] * candidates
    dossiers = [candidate(tree, campaign, unit=unit) for unit in units]
    for dossier in dossiers:
        services.agenda_add(actor=tree["secretary"], meeting=meeting, dossier=dossier)
    services.meeting_draw(actor=tree["secretary"], meeting=meeting)
    MeetingMember.objects.filter(meeting=meeting).update(status=SeatStatus.CONFIRMED)
    order = list(meeting.members.order_by("position").values_list("expert_id", flat=True))
    chair = Expert.objects.get(pk=order[0])
    services.meeting_chair_set(actor=tree["secretary"], meeting=meeting, expert=chair)
    for pk in order[: present if present is not None else members]:
        services.attendance_check_in(actor=tree["secretary"], meeting=meeting, expert=Expert.objects.get(pk=pk))
    meeting.refresh_from_db()
    return meeting, [Expert.objects.get(pk=pk) for pk in order], dossiers


