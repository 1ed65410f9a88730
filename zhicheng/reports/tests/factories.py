"""Test set-up for reports: dossiers made directly in a state, with a state-change history (fast, no services)."""

from __future__ import annotations

import datetime as dt

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import OrganisationFactory, member
from zhicheng.catalog.models import Level, Series
from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import Dossier, DossierStateChange
from zhicheng.dossiers.tests.factories import people

T0 = dt.datetime(2024, 10, 1, 10, 0, tzinfo=dt.UTC)


def reports_people() -> dict:
    """people() plus a second department with its own unit and clerk, and the department's leader."""
    tree = people()
    tree["department2"] = OrganisationFactory(name="卫健局", kind="department", parent=tree["office"],
                                              credit_code=None, unit_type="")
    tree["unit2"] = OrganisationFactory(name="人民医院", kind="unit", parent=tree["department2"])
    tree["department2_clerk"] = member(tree["department2"], Role.REVIEW_CLERK)
    tree["department_leader"] = member(tree["department"], Role.REVIEW_LEADER)
    tree["unit2_applicant"] = member(tree["unit2"], Role.APPLICANT)
    return tree


def series_level(series: str = "工程", level: str = "副高级"):
    return Series.objects.get(name=series), Level.objects.get(name=level)


def make_dossier(campaign, organisation, state: str, *, applicant=None, series="工程", level="副高级",
                 route="self", history=(), submitted_at=T0) -> Dossier:
    """A dossier in `state`; `history` is [(to_state, days after T0)] written as DossierStateChange rows."""
    s, lv = series_level(series, level)
    applicant = applicant or member(organisation, Role.APPLICANT)
    dossier = Dossier(applicant=applicant, campaign=campaign, organisation=organisation, series=s, level=lv,
                      route=route, state=state, submitted_at=submitted_at, state_changed_at=submitted_at,
                      held_since=submitted_at)
    dossier.held_by = holder_organisation(dossier)  # as dossier_transition keeps it: the queues read it
    dossier.save()
    before = "draft"
    for to_state, days in history:
        DossierStateChange.objects.create(dossier=dossier, from_state=before, to_state=to_state, transition="t",
                                          at=T0 + dt.timedelta(days=days))
        before = to_state
    return dossier
