"""section_items_create: several rows of one section at once (the demo's statements), checked as one row is."""

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.dossiers import services
from zhicheng.dossiers.models import AnnualAssessment, Dossier, SocialSecurityMonth

from .factories import valid_row

pytestmark = pytest.mark.django_db


def _months(*months: str) -> list[dict]:
    return [valid_row("social_security", month=month) for month in months]


def test_all_rows_saved_with_one_revision_and_one_event_naming_them(dossier, applicant):
    revision = Dossier.objects.get(pk=dossier.pk).revision
    items = services.section_items_create(dossier=dossier, actor=applicant, section="social_security",
                                          rows=_months("2024-7", "2024-8", "2024-9"))
    assert [i.month.isoformat() for i in items] == ["2024-07-01", "2024-08-01", "2024-09-01"]
    assert all(i.pk and i.created_at for i in items)
    assert Dossier.objects.get(pk=dossier.pk).revision == revision + 1
    event = AuditEvent.objects.filter(event_type="dossier.section_changed").get()
    assert event.data["items"] == [i.pk for i in items] and event.data["section"] == "social_security"


def test_one_bad_row_saves_none_and_names_the_field(dossier, applicant):
    with pytest.raises(ApplicationError) as exc:
        services.section_items_create(dossier=dossier, actor=applicant, section="social_security",
                                      rows=_months("2024-7", "not a month"))
    assert exc.value.status == 400 and "month" in exc.value.details["fields"]
    assert not SocialSecurityMonth.objects.exists()


def test_a_duplicate_year_saves_none(dossier, applicant):
    rows = [valid_row("annual_assessment"), valid_row("annual_assessment", grade="competent")]
    with pytest.raises(ApplicationError) as exc:
        services.section_items_create(dossier=dossier, actor=applicant, section="annual_assessment", rows=rows)
    assert exc.value.status == 409 and not AnnualAssessment.objects.exists()


def test_no_rows_changes_nothing(dossier, applicant):
    assert services.section_items_create(dossier=dossier, actor=applicant, section="social_security", rows=[]) == []
    assert not AuditEvent.objects.filter(event_type="dossier.section_changed").exists()


def test_a_single_row_section_is_not_a_list(dossier, applicant):
    with pytest.raises(NotFound):
        services.section_items_create(dossier=dossier, actor=applicant, section="identity", rows=[{}])


@pytest.mark.parametrize("who", ["other_applicant", "unit_clerk", "observer"])
def test_only_the_owner_adds_rows(dossier, tree, who):
    with pytest.raises(PermissionDenied):
        services.section_items_create(dossier=dossier, actor=tree[who], section="social_security",
                                      rows=_months("2024-9"))
    assert not SocialSecurityMonth.objects.exists()
