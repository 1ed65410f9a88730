"""Review queues: what each organisation holds, filters, sort, pagination, query counts, and who may see them."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import login_verified, member
from zhicheng.core.errors import NotFound, PermissionDenied
from zhicheng.dossiers.holders import holder_organisation
from zhicheng.dossiers.models import Dossier, DossierState
from zhicheng.eligibility.facts import BLOCK, Finding
from zhicheng.eligibility.selectors import eligibility_latest
from zhicheng.eligibility.services import eligibility_before_review_step
from zhicheng.review.selectors import (
    QueueFilters,
    queue_count,
    queue_for,
    queue_organisation_get,
    queue_rows,
    queue_state_counts,
)
from zhicheng.review.services.decisions import decision_propose

from .factories import at, dossier_in_state
from .factories_chain import department_return, recommended_dossier

pytestmark = pytest.mark.django_db

S = DossierState


def make(tree, campaign, state, org_key="unit", *, filled=False, when="2024-10-12T10:00:00+08:00", **target):
    applicant = member(tree[org_key], Role.APPLICANT)
    return dossier_in_state(applicant, campaign, state, filled=filled, submitted_at=when, **target)


def ids(qs) -> set[int]:
    return {d.pk for d in qs}


@pytest.fixture
def chain(tree, campaign):
    """A dossier at each holder: the unit's, the other unit's, the department's (two units), the office's."""
    return {
        "submitted": make(tree, campaign, S.SUBMITTED), "publicity_done": make(tree, campaign, S.PUBLICITY_DONE),
        "other_submitted": make(tree, campaign, S.SUBMITTED, "other_unit"),
        "recommended": make(tree, campaign, S.RECOMMENDED),
        "other_recommended": make(tree, campaign, S.RECOMMENDED, "other_unit"),
        "dept_passed": make(tree, campaign, S.DEPARTMENT_PASSED), "draft": make(tree, campaign, S.DRAFT),
        "agency_submitted": make(tree, campaign, S.SUBMITTED, "agency"),
        "agency_recommended": make(tree, campaign, S.RECOMMENDED, "agency"),
        "accepted": make(tree, campaign, S.OFFICE_ACCEPTED),
    }


def test_each_organisation_sees_what_it_holds(tree, chain):
    c = chain
    assert ids(queue_for(tree["unit"])) == {c["submitted"].pk, c["publicity_done"].pk}
    assert ids(queue_for(tree["other_unit"])) == {c["other_submitted"].pk}
    assert ids(queue_for(tree["department"])) == {c["recommended"].pk, c["other_recommended"].pk}
    # the agency is its clients' unit and their review department
    assert ids(queue_for(tree["agency"])) == {c["agency_submitted"].pk, c["agency_recommended"].pk}
    assert ids(queue_for(tree["office"])) == {c["dept_passed"].pk}


def test_queue_agrees_with_holder_organisation(tree, chain):
    for key in ("unit", "other_unit", "department", "agency", "office"):
        for dossier in queue_for(tree[key]):
            assert holder_organisation(dossier) == tree[key], (key, dossier.state)


def test_counts_per_state(tree, chain):
    assert queue_state_counts(tree["unit"]) == [("submitted", "已提交", 1), ("publicity_done", "公示期满", 1)]


def test_filters(tree, campaign, chain):
    dept = tree["department"]
    assert ids(queue_for(dept, QueueFilters(unit=tree["other_unit"].pk))) == {chain["other_recommended"].pk}
    assert ids(queue_for(tree["unit"], QueueFilters(state=S.SUBMITTED))) == {chain["submitted"].pk}
    from zhicheng.catalog.models import Level

    assert not queue_for(dept, QueueFilters(level=Level.objects.get(name="正高级").pk)).exists()
    assert queue_for(dept, QueueFilters(series=chain["recommended"].series_id)).count() == 2


class _BlockingRules:
    """A stand-in rule set: `n` blocking findings (the queues only read how many the latest check has)."""

    RULES_VERSION = "queue-test"
    n = 0

    @classmethod
    def evaluate(cls, facts, params):
        return tuple(Finding("R-SOCSEC", BLOCK, False, "不符合", "Not met", "§一", subject=str(k))
                     for k in range(cls.n))


@pytest.fixture
def blocking_rules(monkeypatch):
    from zhicheng.eligibility import services

    rules = type("Rules", (_BlockingRules,), {"n": 0})
    monkeypatch.setattr(services, "_rules", lambda: rules)
    return rules


def _checked(dossier, rules, n: int) -> None:
    """A check with `n` blocking findings, stored as a review step stores it (the eligibility service)."""
    rules.n = n
    eligibility_before_review_step(dossier)


def test_blocking_filter_and_count_read_the_latest_check(tree, campaign, chain, blocking_rules):
    dossier, other, dept = chain["recommended"], chain["other_recommended"], tree["department"]
    _checked(dossier, blocking_rules, 2)  # an older blocked check, then a clean one
    _checked(dossier, blocking_rules, 0)
    _checked(other, blocking_rules, 1)

    def agrees(blocked: set[int]) -> None:
        assert ids(queue_for(dept, QueueFilters(blocking=True))) == blocked
        assert ids(queue_for(dept, QueueFilters(blocking=False))) == {dossier.pk, other.pk} - blocked
        assert queue_count(dept, QueueFilters(blocking=True)) == len(blocked)
        assert queue_count(dept, QueueFilters(blocking=False)) == 2 - len(blocked)
        for row in queue_for(dept):  # the row's count (the page's badge, the API's blocking_count) is the check's
            assert row.blocking_count == eligibility_latest(row).blocking_count

    agrees({other.pk})
    _checked(dossier, blocking_rules, 1)  # a re-check adds a finding: 0 -> 1
    agrees({other.pk, dossier.pk})
    _checked(other, blocking_rules, 0)  # and one clears it: 1 -> 0
    agrees({dossier.pk})


@pytest.mark.parametrize("n", [1, 6])
def test_the_dashboard_blocking_count_is_one_query_on_the_row(tree, campaign, blocking_rules, n,
                                                              django_assert_num_queries):
    """The office's "有不符合项" count: one COUNT on the dossier table however many rows it counts (it read the
    latest check of every held row before)."""
    from zhicheng.web.worktodo import _queue_count

    for _ in range(n):
        _checked(make(tree, campaign, S.DEPARTMENT_PASSED), blocking_rules, 1)
    _checked(make(tree, campaign, S.DEPARTMENT_PASSED), blocking_rules, 0)
    with django_assert_num_queries(1) as captured:
        assert _queue_count(tree["office"], dt.datetime.now(dt.UTC), blocking=True) == n
    assert "eligibility" not in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize(("now", "overdue"), [("2024-10-20T23:59:59+08:00", False),
                                              ("2024-10-21T00:00:00+08:00", True)])
def test_overdue_at_the_recommendation_deadline(tree, chain, now, overdue):
    with at(now):
        found = ids(queue_for(tree["unit"], QueueFilters(overdue=True), at=dt.datetime.fromisoformat(now)))
    assert (chain["submitted"].pk in found) is overdue


def test_overdue_return_past_its_answer_deadline(tree, campaign):
    dossier = recommended_dossier(tree, campaign)
    with at("2024-11-05T10:00:00+08:00"):
        department_return(tree, dossier, answer_deadline="2024-11-08T00:00:00+08:00")
    before, after = (dt.datetime.fromisoformat(t) for t in ("2024-11-07T23:59:59+08:00", "2024-11-08T00:00:00+08:00"))
    assert not queue_for(tree["unit"], QueueFilters(overdue=True), at=before).exists()
    assert ids(queue_for(tree["unit"], QueueFilters(overdue=True), at=after)) == {dossier.pk}
    row = queue_for(tree["unit"], at=after).get()
    assert row.open_return_deadline == dt.datetime.fromisoformat("2024-11-08T00:00:00+08:00")


def test_sort_by_name_and_by_waiting(tree, campaign):
    late = make(tree, campaign, S.SUBMITTED, when="2024-10-05T10:00:00+08:00")
    early = make(tree, campaign, S.SUBMITTED, when="2024-10-01T10:00:00+08:00")
    Dossier.objects.filter(pk=late.pk).update(state_changed_at=dt.datetime(2024, 10, 5, tzinfo=dt.UTC))
    late.applicant.real_name, early.applicant.real_name = "阿", "赵"
    late.applicant.save(), early.applicant.save()
    unit = tree["unit"]
    assert [d.pk for d in queue_for(unit, QueueFilters(sort="state_changed_at"))] == [early.pk, late.pk]
    assert [d.pk for d in queue_for(unit, QueueFilters(sort="-submitted_at"))] == [late.pk, early.pk]
    assert [d.applicant.real_name for d in queue_for(unit, QueueFilters(sort="name"))] == sorted(["阿", "赵"])


def test_rows_say_who_holds_since_when_and_the_pending_decision(tree, campaign):
    dossier = make(tree, campaign, S.RECOMMENDED, when="2024-10-20T10:00:00+08:00")
    with at("2024-10-25T09:00:00+08:00"):
        decision_propose(dossier=dossier, action="pass", actor=tree["department_clerk"])
    [row] = queue_rows(queue_for(tree["department"]), tree["department"],
                       at=dt.datetime.fromisoformat("2024-10-27T11:00:00+08:00"))
    assert row.holder == "审核部门 教体局" and row.waiting_days == 7
    assert row.pending.action == "pass" and row.pending.proposed_by == tree["department_clerk"]


def test_queue_organisation_access(tree):
    assert queue_organisation_get(tree["unit_clerk"], None) == tree["unit"]
    with pytest.raises(NotFound):
        queue_organisation_get(tree["other_clerk"], tree["unit"].pk)
    with pytest.raises(PermissionDenied):
        queue_organisation_get(tree["applicant"], None)


# -- the page and the API --------------------------------------------------------------------------------------


def test_queue_page_lists_rows_counts_and_waiting(client, tree, chain):
    login_verified(client, tree["unit_clerk"])
    with at("2024-10-15T10:00:00+08:00"):
        response = client.get(reverse("review:queue_for", args=[tree["unit"].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert chain["submitted"].applicant.real_name in page and chain["other_submitted"].applicant.real_name not in page
    assert "已等待 3 天" in page and "公示期满" in page


def test_every_queue_filter_offers_all_in_words(client, tree, chain):
    """The series and level filters said "---------" where the others say 全部 (issue 15's try-out)."""
    login_verified(client, tree["unit_clerk"])
    page = client.get(reverse("review:queue_for", args=[tree["unit"].pk])).content.decode()
    for name in ("state", "series", "level", "unit"):
        select = page[page.index(f'name="{name}"'):]
        assert re.search(r'<option value=""( selected)?>全部</option>', select[:select.index("</select>")]), name
    assert "---------" not in page


def test_queue_page_filters_and_paginates(client, tree, campaign):
    for _n in range(31):
        make(tree, campaign, S.SUBMITTED)
    login_verified(client, tree["unit_clerk"])
    url = reverse("review:queue_for", args=[tree["unit"].pk])
    first = client.get(url, {"state": "submitted"})
    assert first.content.decode().count('name="ids"') == 30 and "第 1 / 2 页" in first.content.decode()
    second = client.get(url, {"state": "submitted", "page": 2})
    assert second.content.decode().count('name="ids"') == 1
    assert client.get(url, {"state": "recommended"}).content.decode().count('name="ids"') == 0


@pytest.mark.parametrize("n", [5, 30])
def test_queue_page_query_count_does_not_grow(client, tree, campaign, django_assert_max_num_queries, n):
    for i in range(n):
        dossier = make(tree, campaign, S.SUBMITTED if i % 2 else S.RECOMMENDED)
        if i % 3 == 0:
            with at("2024-10-18T09:00:00+08:00"):
                decision_propose(dossier=dossier, action="pass", actor=tree["department_clerk"] if i % 2 == 0
                                 else tree["unit_clerk"])
    login_verified(client, tree["department_clerk"])
    client.get(reverse("review:queue_for", args=[tree["department"].pk]))  # the session's renewal after log-in
    # issue 11: was 19 + the bell, then 13, then 10; now the session with its user and device (one query),
    # memberships (one read shared by the role checks, the switcher and the queue's organisations), counts and units
    # (one grouped query), the page, its open decisions, the campaign; + 2 for the department's hand-over lists
    # (missing and late, each one query with its count as a window); the bell's count is stored on the user row.
    # Issue 11's target, 8, is met (docs/performance.md)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("review:queue_for", args=[tree["department"].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize(("who", "org"), [("unit_clerk", "unit"), ("office_staff", "office")])
def test_unit_and_office_queue_pages_within_eight_queries(client, tree, campaign, django_assert_max_num_queries,
                                                          who, org):
    """Issue 11's target, 8, is met: was 10, then 8; the queue's organisations come from the memberships the request
    already read, the bell's count from the user row, the user and device from the session's query. Left: the
    session (with user and device), memberships, counts and units, the page, its open decisions, the campaign
    (docs/performance.md)."""
    for i in range(6):
        make(tree, campaign, S.SUBMITTED if i % 2 else S.RECOMMENDED)
    login_verified(client, tree[who])
    client.get(reverse("review:queue_for", args=[tree[org].pk]))  # the session's renewal after log-in
    with django_assert_max_num_queries(6):
        response = client.get(reverse("review:queue_for", args=[tree[org].pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [5, 30])
def test_queue_api_query_count_does_not_grow(client, tree, campaign, django_assert_max_num_queries, n):
    for _i in range(n):
        make(tree, campaign, S.SUBMITTED)
    login_verified(client, tree["unit_clerk"])
    client.get("/api/v1/review/queue", {"organisation": tree["unit"].pk})  # the session's renewal after log-in
    with django_assert_max_num_queries(5):  # issue 11's budget for a queue, 8, is met: was 11, then 7
        response = client.get("/api/v1/review/queue", {"organisation": tree["unit"].pk})
    assert response.status_code == 200 and response.json()["count"] == n


def test_queue_api_keyset_pages_cover_the_queue_once(client, tree, campaign):
    from zhicheng.review import api_queues

    for day in range(1, 8):
        make(tree, campaign, S.SUBMITTED, when=f"2024-10-{day:02d}T10:00:00+08:00")
    login_verified(client, tree["unit_clerk"])
    api_queues.PAGE_SIZE, size = 3, api_queues.PAGE_SIZE
    try:
        seen, after = [], ""
        for _page in range(5):
            body = client.get("/api/v1/review/queue", {"sort": "-submitted_at", "after": after}).json()
            seen += [(row["submitted_at"], row["id"]) for row in body["items"]]
            after = body["next_after"]
            if after is None:
                break
    finally:
        api_queues.PAGE_SIZE = size
    assert len(seen) == 7 == len(set(seen)) and seen == sorted(seen, reverse=True)
    assert body["count"] == 7
    bad = client.get("/api/v1/review/queue", {"sort": "name", "after": "x|1"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"


def test_a_unit_queue_reads_only_its_holder_rows(tree, campaign):
    """held_by decides: a dossier the department holds is not in a unit's queue, whatever its unit."""
    dossier = make(tree, campaign, S.RECOMMENDED)
    assert dossier.held_by_id == tree["department"].pk
    assert not queue_for(tree["unit"]).filter(pk=dossier.pk).exists()
    assert queue_for(tree["department"]).filter(pk=dossier.pk).exists()


def test_queue_api_filters_and_rows(client, tree, chain):
    login_verified(client, tree["department_clerk"])
    body = client.get("/api/v1/review/queue", {"unit": tree["other_unit"].pk, "sort": "unit"}).json()
    assert [r["id"] for r in body["items"]] == [chain["other_recommended"].pk]
    assert body["items"][0]["holder"] == "审核部门 教体局"
    counts = client.get("/api/v1/review/queue/counts").json()
    assert counts == [{"state": "recommended", "label": "已推荐", "count": 2}]


def test_other_units_clerk_gets_404_page_and_api(client, tree, chain):
    login_verified(client, tree["other_clerk"])
    assert client.get(reverse("review:queue_for", args=[tree["unit"].pk])).status_code == 404
    assert client.get("/api/v1/review/queue", {"organisation": tree["unit"].pk}).status_code == 404
    own = client.get(reverse("review:queue")).content.decode()
    assert chain["submitted"].applicant.real_name not in own
    assert client.get(reverse("dossiers:detail", args=[chain["submitted"].pk])).status_code == 404


def test_other_departments_clerk_gets_404(client, tree, campaign, chain):
    from zhicheng.accounts.models import Organisation, OrganisationKind

    other_dept = Organisation.objects.create(name="卫健委", kind=OrganisationKind.DEPARTMENT, parent=tree["office"])
    clerk = member(other_dept, Role.REVIEW_CLERK)
    login_verified(client, clerk)
    assert client.get(reverse("review:queue_for", args=[tree["department"].pk])).status_code == 404
    assert client.get("/api/v1/review/queue", {"organisation": tree["department"].pk}).status_code == 404
    assert client.get(f"/api/v1/review/dossiers/{chain['recommended'].pk}/timeline").status_code == 404
    assert client.get(reverse("review:timeline", args=[chain["recommended"].pk])).status_code == 404
    assert client.get("/api/v1/review/queue").json()["count"] == 0


def test_applicant_and_anonymous_cannot_see_queues(client, tree, chain):
    url = reverse("review:queue")
    assert client.get(url).status_code == 302  # to the log-in page
    assert client.get("/api/v1/review/queue").status_code == 401
    client.force_login(tree["applicant"])
    assert client.get(url).status_code == 403
    assert client.get("/api/v1/review/queue").status_code == 403


def test_menu_offers_the_queue_to_reviewers(tree):
    from zhicheng.web.menu import menu_links_for

    links = {link.url_name for link in menu_links_for(Role.REVIEW_CLERK, tree["unit"])}
    assert "review:queue_for" in links
    assert "review:queue_for" not in {link.url_name for link in menu_links_for(Role.APPLICANT, tree["unit"])}


def unit_select(html: str) -> str:
    return html.split('name="unit"', 1)[1].split("</select>", 1)[0]


def test_a_queue_of_many_units_loads_the_unit_options_when_the_select_is_opened(client, tree, campaign, monkeypatch):
    from zhicheng.review import views_queue

    monkeypatch.setattr(views_queue, "UNIT_CHOICES_MAX", 1)
    mine, other = make(tree, campaign, S.RECOMMENDED), make(tree, campaign, S.RECOMMENDED, "other_unit")
    dept = tree["department"]
    login_verified(client, tree["department_clerk"])
    page = client.get(reverse("review:queue_for", args=[dept.pk])).content.decode()
    names = (tree["unit"].name, tree["other_unit"].name)
    assert f'hx-get="/review/queue/{dept.pk}/units/?unit=' in unit_select(page)
    assert not any(n in unit_select(page) for n in names)
    options = client.get(reverse("review:queue_unit_options", args=[dept.pk]), {"unit": tree["other_unit"].pk})
    html = options.content.decode()
    assert all(n in html for n in names) and f'value="{tree["other_unit"].pk}" selected' in html
    # filtering by a unit that is not in the page's short list still works, and the select shows it
    filtered = client.get(reverse("review:queue_for", args=[dept.pk]), {"unit": tree["other_unit"].pk})
    body = filtered.content.decode()
    assert f"/dossiers/{other.pk}/" in body and f"/dossiers/{mine.pk}/" not in body
    assert tree["other_unit"].name in unit_select(body) and tree["unit"].name not in unit_select(body)


def test_the_unit_options_of_a_queue_the_clerk_does_not_work_are_not_found(client, tree, campaign):
    make(tree, campaign, S.RECOMMENDED)
    login_verified(client, tree["unit_clerk"])
    response = client.get(reverse("review:queue_unit_options", args=[tree["department"].pk]))
    assert response.status_code == 404


def test_the_office_queue_counts_states_without_reading_its_units(client, tree, campaign):
    mine = make(tree, campaign, S.DEPARTMENT_PASSED)
    other = make(tree, campaign, S.DEPARTMENT_PASSED, "other_unit")
    office = tree["office"]
    login_verified(client, tree["office_staff"])
    page = client.get(reverse("review:queue_for", args=[office.pk])).content.decode()
    assert f"/dossiers/{mine.pk}/" in page and f"/dossiers/{other.pk}/" in page
    assert f'hx-get="/review/queue/{office.pk}/units/?unit=' in unit_select(page)
    assert tree["unit"].name not in unit_select(page)
    html = client.get(reverse("review:queue_unit_options", args=[office.pk])).content.decode()
    assert tree["unit"].name in html and tree["other_unit"].name in html
    filtered = client.get(reverse("review:queue_for", args=[office.pk]), {"unit": tree["other_unit"].pk})
    body = filtered.content.decode()
    assert f"/dossiers/{other.pk}/" in body and f"/dossiers/{mine.pk}/" not in body
    assert tree["other_unit"].name in unit_select(body)
