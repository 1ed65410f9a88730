"""The dossier's history, to its reviewers and in the audit log, names each step in words, never by its code."""

import pytest
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import MembershipFactory, login_verified
from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.audit.testing import shown_event_codes, visible_text

from .factories import at
from .factories_chain import department_return, recommended_dossier

pytestmark = pytest.mark.django_db

LATER_CODE = "dossier.from_a_later_release"  # stored by a newer version, unknown to this vocabulary


@pytest.fixture
def dossier(tree, campaign):
    dossier = recommended_dossier(tree, campaign, through_decision=True, when="2024-11-01T10:00:00+08:00")
    with at("2024-11-02T10:00:00+08:00"):
        audit_event_record(event_type=EventType.DOSSIER_SECTION_CHANGED, actor=tree["applicant"], obj=dossier,
                           organisation=dossier.organisation, data={"section": "identity"})
        audit_event_record(event_type=EventType.ELIGIBILITY_FINDING_OVERRIDDEN, actor=tree["unit_leader"],
                           obj=dossier, organisation=dossier.organisation, data={"reason": "不适用"})
        audit_event_record(event_type=LATER_CODE, obj=dossier, data={})
    with at("2024-11-03T10:00:00+08:00"):
        department_return(tree, dossier)
    return dossier


def _assert_labels_not_codes(text: str) -> None:
    assert "修改申报材料内容" in text and "审核人员认定资格条件不适用" in text and "审核部门退回单位" in text
    assert "申报材料：其他操作" in text
    assert shown_event_codes(text) == [] and LATER_CODE not in text


def _assert_timeline_labels_not_codes(text: str) -> None:
    """The timeline reads DossierStateChange (decision 37): steps, decisions and returns, each in words."""
    assert "单位推荐" in text and "审核部门退回单位" in text
    assert shown_event_codes(text) == [] and LATER_CODE not in text
    assert "review.department_returned" not in text and "department_return" not in text


def test_reviewer_reads_labels_on_the_dossier_page(client, tree, dossier):
    """The dossier page's history tab, as its htmx request loads it."""
    login_verified(client, tree["department_clerk"])
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    _assert_timeline_labels_not_codes(visible_text(client.get(
        reverse("review:timeline", args=[dossier.pk]), HTTP_HX_REQUEST="true").content.decode()))


def test_unit_reads_labels_on_the_timeline_page_and_api(client, tree, dossier):
    login_verified(client, tree["unit_clerk"])
    _assert_timeline_labels_not_codes(
        visible_text(client.get(reverse("review:timeline", args=[dossier.pk])).content.decode()))
    whats = " ".join(e["what"] for e in client.get(f"/api/v1/review/dossiers/{dossier.pk}/timeline").json()["entries"])
    _assert_timeline_labels_not_codes(whats)


def test_audit_admin_reads_the_dossier_by_its_applicant(client, tree, dossier):
    auditor = MembershipFactory(role=Role.AUDIT_ADMIN, organisation=tree["office"]).user
    login_verified(client, auditor)
    page = client.get(reverse("audit:events"), {"object_type": "dossiers.dossier", "object_id": str(dossier.pk)})
    text = visible_text(page.content.decode())
    _assert_labels_not_codes(text)
    assert f"申报材料（{tree['applicant'].real_name}，编号 {dossier.pk}）" in text
    assert "dossiers.dossier" not in text
