"""Issue 15, defect 6: the office's bulk-action menu offers only what its level may do; a department's return
shows its real answer deadline wherever the return is shown."""

import pytest
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.core.errors import ApplicationError
from zhicheng.review.services.bulk import bulk_action_get, bulk_actions_for

from .factories import at
from .factories_chain import department_return, recommended_dossier

pytestmark = pytest.mark.django_db
NOV = "2024-11-05T10:00:00+08:00"


def _offered(client, organisation) -> set[str]:
    response = client.get(reverse("review:queue"), {"organisation": organisation.pk})
    assert response.status_code == 200
    return {action.key for action in response.context["bulk_actions"]}  # the menu's options


class TestBulkMenu:
    def test_the_office_is_offered_neither_recommending_nor_the_units_publicity(self, client, tree):
        login_verified(client, tree["office_staff"])
        assert _offered(client, tree["office"]) == {"propose_pass", "confirm"}

    def test_a_department_likewise(self, client, tree):
        login_verified(client, tree["department_clerk"])
        assert _offered(client, tree["department"]) == {"propose_pass", "confirm"}

    def test_a_unit_is_offered_all_four(self, client, tree):
        login_verified(client, tree["unit_clerk"])
        assert _offered(client, tree["unit"]) == {"propose_pass", "confirm", "recommend", "publish"}

    def test_an_agency_reviews_as_unit_and_department(self, tree):
        assert {a.key for a in bulk_actions_for(tree["agency"])} == {"propose_pass", "confirm", "recommend", "publish"}

    @pytest.mark.parametrize("key", ["recommend", "publish"])
    def test_a_unit_only_action_posted_for_the_office_is_refused(self, client, tree, key):
        with pytest.raises(ApplicationError) as exc:
            bulk_action_get(key, tree["office"])
        assert exc.value.code == "bulk_action_unknown"
        login_verified(client, tree["office_staff"])
        response = client.post("/api/v1/review/bulk/preview", {"organisation": tree["office"].pk, "action": key,
                                                               "ids": [1]}, content_type="application/json")
        assert response.status_code == 400 and response.json()["code"] == "bulk_action_unknown"


class TestDepartmentReturnDeadline:
    def test_the_unit_and_the_department_see_the_deadline(self, client, tree, campaign):
        dossier = recommended_dossier(tree, campaign)
        with at(NOV):
            department_return(tree, dossier, answer_deadline="2024-11-10T00:00:00+08:00")
        url = reverse("dossiers:detail", args=[dossier.pk])
        for who, organisation in (("unit_clerk", "unit"), ("department_clerk", "department")):
            login_verified(client, tree[who])
            with at(NOV):
                page = client.get(url).content.decode()
                queue = client.get(reverse("review:queue"), {"organisation": tree[organisation].pk}).content.decode()
            assert "请于 2024年11月9日 24:00 前答复" in page or who == "department_clerk", who
            assert "2024年11月9日 24:00" in page, who
            if who == "unit_clerk":
                assert "答复截止 2024年11月9日 24:00" in queue

    def test_a_proposed_department_return_shows_its_deadline_to_the_leader(self, client, tree, campaign):
        from zhicheng.review.services.decisions import decision_propose

        from .factories import return_items

        dossier = recommended_dossier(tree, campaign)
        with at(NOV):
            decision_propose(dossier=dossier, action="return", actor=tree["department_clerk"], reason="请补正",
                             data={"items": return_items(1)})  # no deadline given: the default one
        login_verified(client, tree["department_leader"])
        with at(NOV):
            page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
        start = page.index("答复截止时间")
        shown = page[start:start + 60]
        assert "2024年" in shown, shown
