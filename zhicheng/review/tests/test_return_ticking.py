"""Returns composed by ticking rows or sections (each with a note); a row the dossier lacks is refused beside the
editor; the applicant sees each ticked row marked in place and the answer deadline."""

from __future__ import annotations

import pytest
from django.test import Client

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.models import EducationRecord
from zhicheng.review.models import ReturnItem, ReviewDecision
from zhicheng.review.services.decisions import decision_propose

from .factories import at, decided, submitted_dossier

pytestmark = pytest.mark.django_db
WHEN = "2024-10-12T10:00:00+08:00"


@pytest.fixture
def dossier(tree, campaign):
    return submitted_dossier(tree["applicant"], campaign)


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    login_verified(client, user)
    return client


def _csrf(client, dossier) -> str:
    client.get(f"/dossiers/{dossier.pk}/")
    return client.cookies["csrftoken"].value


def test_the_editor_lists_the_dossiers_rows_to_tick_and_no_id_box(client, tree, dossier):
    row = EducationRecord.objects.get(dossier=dossier)
    with at(WHEN):
        login_verified(client, tree["unit_clerk"])
        page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert f'value="education:{row.pk}"' in page and "兰州大学" in page  # the row named by its fields
    assert 'name="item_id"' not in page and "条目编号" not in page


def test_ticked_rows_and_a_section_become_the_returns_items(tree, dossier):
    row = EducationRecord.objects.get(dossier=dossier)
    client = _client(tree["unit_clerk"])
    with at(WHEN):
        token = _csrf(client, dossier)
        response = client.post(f"/review/dossiers/{dossier.pk}/decisions/", {
            "csrfmiddlewaretoken": token, "action": "return", "reason": "材料不全",
            "return_pick": [f"education:{row.pk}", "achievement:"],
            f"return_note:education:{row.pk}": "请上传清晰的毕业证书", "return_note:achievement:": "补充论文检索证明",
            "return_note:social_security:": "not ticked: ignored",
        })
    assert response.status_code == 302
    items = ReviewDecision.objects.get().data["items"]
    assert items == [{"section": "education", "item_id": row.pk, "message": "请上传清晰的毕业证书"},
                     {"section": "achievement", "item_id": None, "message": "补充论文检索证明"}]


def test_a_ticked_row_without_a_note_is_refused_beside_the_editor(tree, dossier):
    row = EducationRecord.objects.get(dossier=dossier)
    client = _client(tree["unit_clerk"])
    with at(WHEN):
        token = _csrf(client, dossier)
        client.post(f"/review/dossiers/{dossier.pk}/decisions/", {
            "csrfmiddlewaretoken": token, "action": "return", "reason": "材料不全",
            "return_pick": [f"education:{row.pk}"], f"return_note:education:{row.pk}": " "})
        page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert not ReviewDecision.objects.exists()
    assert 'id="return-items-error"' in page and "每个勾选的条目都须写明修改要求" in page
    assert f'value="education:{row.pk}" id=' in page and "checked" in page.split(f'value="education:{row.pk}"')[1][:40]
    assert "材料不全" in page  # the reason is kept


@pytest.mark.parametrize("item_id", [99999, "other"])
def test_items_naming_no_row_of_the_dossier_are_refused(tree, campaign, dossier, item_id):
    if item_id == "other":  # a row of another applicant's dossier
        item_id = EducationRecord.objects.get(dossier=submitted_dossier(tree["other_applicant"], campaign)).pk
    client = _client(tree["unit_clerk"])
    with at(WHEN):
        token = _csrf(client, dossier)
        client.post(f"/review/dossiers/{dossier.pk}/decisions/", {
            "csrfmiddlewaretoken": token, "action": "return", "reason": "材料不全",
            "item_section": ["education"], "item_id": [str(item_id)], "item_message": ["看这里"]})
        page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
    assert not ReviewDecision.objects.exists()
    assert "中没有此条目" in page and 'id="return-items-error"' in page


def test_the_api_shape_is_unchanged_and_checks_the_row(tree, dossier):
    from zhicheng.core.errors import ApplicationError

    row = EducationRecord.objects.get(dossier=dossier)
    with at(WHEN):
        with pytest.raises(ApplicationError) as refused:
            decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="x",
                             data={"items": [{"section": "education", "item_id": 99999, "message": "m"}]})
        assert refused.value.status == 400 and "items" in refused.value.details["fields"]
        decision = decision_propose(dossier=dossier, action="return", actor=tree["unit_clerk"], reason="x",
                                    data={"items": [{"section": "education", "item_id": row.pk, "message": "m"}]})
    assert decision.data["items"][0]["item_id"] == row.pk


def test_the_applicant_sees_the_ticked_row_marked_in_place_and_the_deadline(client, tree, campaign):
    with at(WHEN):
        dossier = submitted_dossier(tree["applicant"], campaign)
        row = EducationRecord.objects.get(dossier=dossier)
    with at(WHEN):
        decided(dossier, "return", clerk=tree["unit_clerk"], leader=tree["unit_leader"], reason="材料不全",
                data={"items": [{"section": "education", "item_id": row.pk, "message": "毕业证书看不清"}]})
        login_verified(client, tree["applicant"])
        page = client.get(f"/dossiers/{dossier.pk}/").content.decode()
        returns = client.get(f"/review/dossiers/{dossier.pk}/returns/").content.decode()
    section = page.split('id="section-education"')[1].split("</section>")[0]
    assert "此条需修改" in section and "毕业证书看不清" in section
    guidance = page.split('id="guidance"')[1].split("</section>")[0]
    assert "答复截止" in guidance and "单位审核第 1 次退回" in guidance  # the return and its deadline up top
    assert "兰州大学" in returns and "条目 " not in returns  # the row named by its fields, not an id
    assert ReturnItem.objects.get().item_id == row.pk
