"""Fixtures: the 2024 campaign, the organisation tree with a second department, submitted dossiers, CSV files."""

from __future__ import annotations

import datetime as dt

import pytest

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, member
from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.dossiers.models import Dossier, DossierState, SocialSecurityMonth, WorkHistoryEntry
from zhicheng.dossiers.tests.factories import at, campaign_2024, dossier_for, people

SUBMITTED_AT = dt.datetime.fromisoformat("2024-10-01T10:00:00+08:00")


@pytest.fixture
def campaign(db):
    return campaign_2024()


@pytest.fixture
def tree(db):
    tree = people()
    far = OrganisationFactory(name="卫健局", kind=OrganisationKind.DEPARTMENT, parent=tree["office"],
                              credit_code=None, unit_type="")
    tree["far_department"] = far
    tree["far_unit"] = OrganisationFactory(name="人民医院", kind=OrganisationKind.UNIT, parent=far)
    tree["far_clerk"] = member(far, Role.REVIEW_CLERK)
    tree["far_applicant"] = member(tree["far_unit"], Role.APPLICANT)
    return tree


def submitted_dossier(applicant, campaign, *, declared_months=(), unit_name=None):
    """A dossier put in `submitted` directly (set-up only), with its work history and declared months."""
    with at("2024-10-01T10:00:00+08:00"):
        dossier = dossier_for(applicant, campaign)
    org = dossier.organisation
    WorkHistoryEntry.objects.create(dossier=dossier, unit_name=unit_name or org.name, post="工程师",
                                    start=dt.date(2010, 1, 1))
    for month in declared_months:
        SocialSecurityMonth.objects.create(dossier=dossier, month=month, paying_unit=org.name,
                                           credit_code=org.credit_code)
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.SUBMITTED, submitted_at=SUBMITTED_AT,
                                                 state_changed_at=SUBMITTED_AT)
    dossier.refresh_from_db()
    return dossier


def months(first: str, count: int) -> list[dt.date]:
    """`count` consecutive first-of-month dates from 'YYYY-MM'."""
    year, month = (int(x) for x in first.split("-"))
    out = []
    for _ in range(count):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def csv_text(rows, header="身份证号,缴费月份,统一社会信用代码,单位名称") -> str:
    return "\n".join([header, *(",".join(r) for r in rows)]) + "\n"


def bureau_rows(person, org, month_list) -> list[tuple[str, str, str, str]]:
    return [(person.id_number, m.strftime("%Y-%m"), org.credit_code, org.name) for m in month_list]
