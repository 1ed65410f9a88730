"""Test set-up for dossiers: the campaign, people in their organisations, a server clock, filled dossiers."""

from __future__ import annotations

import contextlib
import datetime as dt
from unittest import mock

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import make_credit_code, member, org_tree
from zhicheng.campaigns.services import campaign_load_from_file
from zhicheng.catalog.models import Level, Series

PASSWORD = "Zc-test-pass-2024"


def campaign_2024():
    """The 2024 campaign with its routes, loaded from the packaged file."""
    return campaign_load_from_file()


@contextlib.contextmanager
def at(iso: str):
    """Set the server clock (django.utils.timezone.now) to an instant; services read no other clock."""
    instant = dt.datetime.fromisoformat(iso)
    with mock.patch("django.utils.timezone.now", return_value=instant):
        yield instant


def people() -> dict:
    """office → department → unit / other unit; office → agency; an applicant in each, reviewers, an observer."""
    tree = org_tree()
    tree["applicant"] = member(tree["unit"], Role.APPLICANT)
    tree["other_applicant"] = member(tree["unit"], Role.APPLICANT)
    tree["agency_applicant"] = member(tree["agency"], Role.APPLICANT)
    tree["unit_clerk"] = member(tree["unit"], Role.REVIEW_CLERK)
    tree["unit_leader"] = member(tree["unit"], Role.REVIEW_LEADER)
    tree["unit_admin"] = member(tree["unit"], Role.ORG_ADMIN)
    tree["other_clerk"] = member(tree["other_unit"], Role.REVIEW_CLERK)
    tree["agency_clerk"] = member(tree["agency"], Role.REVIEW_CLERK)
    tree["department_clerk"] = member(tree["department"], Role.REVIEW_CLERK)
    tree["office_staff"] = member(tree["office"], Role.OFFICE_STAFF)
    tree["observer"] = member(tree["office"], Role.DISCIPLINE_OBSERVER)
    return tree


def engineering(level: str = "副高级"):
    return Series.objects.get(name="工程"), Level.objects.get(name=level)


def dossier_for(applicant, campaign, **target):
    """A draft dossier through the service (call inside a submission-window clock)."""
    from zhicheng.dossiers.services import dossier_create

    series, level = engineering()
    return dossier_create(actor=applicant, campaign=campaign, **{"series": series, "level": level, **target})


VALID_ROWS = {
    "education": {"degree": "bachelor", "school": "兰州大学", "major": "土木工程", "start": "2000-09-01",
                  "end": "2004-07-01"},
    "work_history": {"unit_name": "第一中学", "post": "工程师", "start": "2004-08-01", "end": ""},
    "title_held": {"series": "__series__", "level": "__level__", "scope": "province", "obtained_on": "2015-12-01",
                   "document_number": "甘职改〔2015〕12号", "appointed_on": "2016-01-01"},
    "series_transfer": {"transferred_on": "2018-03-01", "note": "单位考核合格"},
    "social_security": {"month": "2024-03", "paying_unit": "第一中学", "credit_code": "__credit_code__"},
    "achievement": {"kind": "paper", "title": "桥梁检测方法研究", "achieved_on": "2024-05-01", "journal": "公路",
                    "tier": "core", "cnki_indexed": "true"},
    "continuing_education": {"year": "2023", "general_hours": "30", "specialty_hours": "60"},
    "annual_assessment": {"year": "2023", "grade": "excellent"},
    "labour_exemption": {"kind": "legal_rep", "note": "公司法定代表人"},
    "rural_service": {"years": "21", "remote_area": "true"},
}
VALID_IDENTITY = {
    "ethnicity": "汉族", "political_status": "群众", "phone": "13800000000", "household_province": "甘肃省",
    "retirement_category": "cadre55", "is_civil_servant": "false",
}


def valid_row(section: str, **overrides) -> dict:
    """A valid row of a section, with catalog ids and a credit code filled in."""
    row = {**VALID_ROWS[section], **overrides}
    series, level = engineering("中级")
    fill = {"__series__": series.pk, "__level__": level.pk, "__credit_code__": make_credit_code()}
    return {k: fill.get(v, v) if isinstance(v, str) else v for k, v in row.items()}


def fill(dossier, actor) -> None:
    """Identity and one valid row in every section."""
    from zhicheng.dossiers.sections import ROW_SECTIONS
    from zhicheng.dossiers.services import identity_update, section_item_create

    identity_update(dossier=dossier, actor=actor, data=VALID_IDENTITY)
    for section in ROW_SECTIONS:
        section_item_create(dossier=dossier, actor=actor, section=section, data=valid_row(section))


def signed(dossier, actor):
    from zhicheng.dossiers.services import pledge_sign

    return pledge_sign(dossier=dossier, actor=actor, password=PASSWORD, ip="10.0.0.1", user_agent="pytest")
