"""The dossier's timeline: every audited step with who and when, the returns with their items and answers."""

import pytest
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.review.selectors import dossier_timeline

from .factories import at, decided, return_items
from .factories_chain import department_return, recommended_dossier, unit_resend

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(tree, campaign):
    dossier = recommended_dossier(tree, campaign, through_decision=True, when="2024-11-01T10:00:00+08:00")
    with at("2024-11-02T10:00:00+08:00"):
        department_return(tree, dossier, items=return_items(2))
    with at("2024-11-05T10:00:00+08:00"):
        unit_resend(tree, dossier)
    with at("2024-11-06T10:00:00+08:00"):
        decided(dossier, "pass", clerk=tree["department_clerk"], leader=tree["department_leader"])
    return dossier


def test_timeline_lists_every_step_in_order(tree, dossier):
    entries = dossier_timeline(dossier)
    whats = [e.what for e in entries]
    assert whats.index("单位推荐") < whats.index("审核部门退回单位") < whats.index("单位重新报送审核部门")
    assert whats[-1] == "审核部门审核通过"
    returned = next(e for e in entries if e.what == "退回修改")
    assert returned.who == tree["department_leader"].real_name
    assert [i.message for i in returned.return_request.items.all()] == [i["message"] for i in return_items(2)]
    proposed = [e for e in entries if e.what.startswith("提出审核意见")]
    assert proposed[0].what == "提出审核意见：退回修改" and proposed[0].who == tree["department_clerk"].real_name
    assert [e.when for e in entries] == sorted(e.when for e in entries)


def test_reviewer_sees_the_timeline_on_the_dossier_page(client, tree, dossier):
    """The history tab loads its section when opened (htmx), from the timeline's page; without JavaScript the
    placeholder links there."""
    login_verified(client, tree["department_clerk"])
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    url = reverse("review:timeline", args=[dossier.pk])
    assert "办理记录" in page and f'hx-get="{url}"' in page and f'<a href="{url}">' in page
    section = client.get(url, HTTP_HX_REQUEST="true")
    assert "HX-Request" in section["Vary"]
    section = section.content.decode()
    assert section.startswith('<section class="card" id="timeline">') and "<html" not in section
    assert "审核部门退回单位" in section and "请补充学历证书扫描件" in section
    assert "扣除单位及申报人答复时间）：2 天" in section


def test_the_timeline_section_query_budget(client, tree, dossier, django_assert_max_num_queries):
    """The history tab's own request (issue 11), for a dossier with a department return behind it: the request's
    authentication and roles (4), the dossier (1; its visibility checked on the row), the timeline's reads (returns
    and their items, decisions, state changes, audit events; the department's review time: its start, its end and
    the returns' answering times: 8) and the read's audit row (3)."""
    login_verified(client, tree["department_clerk"])
    url = reverse("review:timeline", args=[dossier.pk])
    client.get(url, HTTP_HX_REQUEST="true")  # the session's renewal
    with django_assert_max_num_queries(16):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200


def test_timeline_page_and_api(client, tree, dossier):
    login_verified(client, tree["unit_clerk"])
    assert "单位重新报送审核部门" in client.get(reverse("review:timeline", args=[dossier.pk])).content.decode()
    body = client.get(f"/api/v1/review/dossiers/{dossier.pk}/timeline").json()
    assert body["review_time"]["net_seconds"] == 2 * 86400 and body["review_time"]["answering_seconds"] == 3 * 86400
    assert any(e["what"] == "审核部门退回单位" for e in body["entries"])


def test_timeline_query_count_does_not_grow_with_history(tree, dossier, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        entries = dossier_timeline(dossier)
        for entry in entries:
            if entry.return_request:
                list(entry.return_request.items.all())
            if entry.decision:
                str(entry.decision.proposed_by)


def test_others_get_404(client, tree, dossier):
    login_verified(client, tree["other_clerk"])
    assert client.get(reverse("review:timeline", args=[dossier.pk])).status_code == 404
    assert client.get(f"/api/v1/review/dossiers/{dossier.pk}/timeline").status_code == 404
    client.logout()
    assert client.get(f"/api/v1/review/dossiers/{dossier.pk}/timeline").status_code == 401
