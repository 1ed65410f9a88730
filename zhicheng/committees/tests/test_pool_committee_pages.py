"""The secretary edits the pool (experts, declared relations) and committees on pages, with the API's checks."""

from __future__ import annotations

import pytest
from django.test import Client

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, login_verified, member
from zhicheng.catalog.models import Level, Series

from ..models import Committee, Expert, ExpertRelation
from .factories import committee_make, expert_make


def client_for(user, csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    login_verified(client, user)
    return client


def _post(client, url: str, data: dict, **kw):
    client.get("/committees/pool/")
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, **kw)


@pytest.fixture
def expert_form(tree):
    account = member(tree["committee_org"], Role.EXPERT, username="zhuanjia01")
    series, level = Series.objects.get(name="工程"), Level.objects.get(name="正高级")
    return account, {"username": "zhuanjia01", "series": series.pk, "level": level.pk, "title": "正高级工程师",
                     "specialties": "道路与桥梁", "unit_name": "新区城建集团", "term_start": "2024-01-01",
                     "term_end": "2026-12-31", "is_active": "1"}


def test_the_secretary_adds_an_expert_on_the_page(tree, expert_form, django_assert_max_num_queries):
    account, form = expert_form
    page = client_for(tree["secretary"])
    assert page.post("/committees/pool/new/", form).status_code == 403  # no CSRF token
    # a term one day longer than 3 years: the form comes back with the message and what was typed
    too_long = _post(page, "/committees/pool/new/", {**form, "term_end": "2027-01-02"})
    body = too_long.content.decode()
    assert too_long.status_code == 400 and "专家聘期不得超过 3 年" in body and "新区城建集团" in body
    assert not Expert.objects.exists()
    not_expert = _post(page, "/committees/pool/new/", {**form, "username": tree["applicant"].username})
    assert not_expert.status_code == 400 and "评审专家" in not_expert.content.decode()
    bad_date = _post(page, "/committees/pool/new/", {**form, "term_start": "明年"})
    assert bad_date.status_code == 400 and "请填写聘期开始" in bad_date.content.decode()
    saved = _post(page, "/committees/pool/new/", {**form, "term_end": "2027-01-01"})  # exactly 3 years
    expert = Expert.objects.get(user=account)
    assert saved.status_code == 302 and saved["Location"] == f"/committees/pool/{expert.pk}/"
    assert (expert.title, expert.level.name, expert.unit_name, expert.is_active) == (
        "正高级工程师", "正高级", "新区城建集团", True)
    # edit: deactivate (the box unticked)
    edit = {k: v for k, v in form.items() if k not in ("username", "is_active")}
    assert _post(page, f"/committees/pool/{expert.pk}/", edit).status_code == 302
    expert.refresh_from_db()
    assert expert.is_active is False
    with django_assert_max_num_queries(38):  # −2: the session's query reads the user and device
        assert "zhuanjia01" not in page.get("/committees/pool/").content.decode()  # names, never user names


def test_a_declared_relation_is_recorded_from_the_pool_page(tree):
    expert = expert_make(tree)
    page = client_for(tree["secretary"])
    url = f"/committees/pool/{expert.pk}/relations/"
    empty = _post(page, url, {"kind": "former_unit"}, follow=True)
    assert "请填写相关人员或原工作单位" in empty.content.decode() and not ExpertRelation.objects.exists()
    assert _post(page, url, {"kind": "former_unit", "organisation": tree["unit"].name, "until": "2023-06-30"},
                 ).status_code == 302
    relation = ExpertRelation.objects.get()
    assert relation.organisation == tree["unit"] and relation.expert == expert
    assert tree["unit"].name in page.get(f"/committees/pool/{expert.pk}/").content.decode()


def test_pool_pages_are_denied_to_others(tree):
    expert = expert_make(tree)
    other_office = OrganisationFactory(name="另一职改办", kind=OrganisationKind.OFFICE, parent=None, credit_code=None,
                                       unit_type="")
    for who, user in (("an expert", expert.user), ("another office's staff", member(other_office, Role.OFFICE_STAFF)),
                      ("an applicant", tree["applicant"])):
        client = client_for(user)
        assert client.get(f"/committees/pool/{expert.pk}/").status_code == 404, who
        assert _post(client, f"/committees/pool/{expert.pk}/relations/",
                     {"kind": "other", "person_id_number": "620102199001011234"}).status_code == 404, who
    assert client_for(expert.user).get("/committees/pool/new/").status_code == 404
    assert not ExpertRelation.objects.exists()


def test_the_committee_is_edited_on_the_page_with_the_same_checks(tree):
    committee = committee_make(tree)
    chair, vice = expert_make(tree), expert_make(tree)
    page = client_for(tree["secretary"])
    url = f"/committees/committees/{committee.pk}/"
    form = {"name": "新区工程系列高级职称评审委员会（第二届）", "min_size": "25",
            "approval_number": "甘人社〔2024〕9号",
            "valid_from": "2024-01-01", "valid_until": "2027-01-01", "chair": chair.pk, "vice_chairs": [vice.pk]}
    too_small = _post(page, url, {**form, "min_size": "24"})
    assert too_small.status_code == 400 and "最少委员人数不得低于 25 人" in too_small.content.decode()
    too_long = _post(page, url, {**form, "valid_until": "2027-01-02"})
    assert too_long.status_code == 400 and "有效期不得超过 3 年" in too_long.content.decode()
    assert "（第二届）" in too_long.content.decode()  # what was typed is kept
    twice = _post(page, url, {**form, "vice_chairs": [chair.pk]})
    assert twice.status_code == 400 and "不能同时担任副主任委员" in twice.content.decode()
    assert _post(page, url, form).status_code == 302
    committee.refresh_from_db()
    assert committee.name.endswith("（第二届）") and committee.chair == chair
    assert committee.valid_until.isoformat() == "2027-01-01"  # exactly 3 years is allowed
    assert list(committee.vice_chairs.all()) == [vice] and committee.approval_number == "甘人社〔2024〕9号"
    # the API does the same
    api = client_for(tree["secretary"], csrf=False)
    refused = api.put(f"/api/v1/committees/committees/{committee.pk}",
                      {**form, "min_size": 3, "chair_id": None, "vice_chair_ids": []}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "min_size_too_small"


def test_committee_pages_are_denied_to_others(tree):
    committee = committee_make(tree)
    other_org = OrganisationFactory(name="新区卫生系列评审委员会", kind=OrganisationKind.COMMITTEE,
                                    parent=tree["office"], credit_code=None, unit_type="")
    expert = expert_make(tree)
    for who, user in (("other committee's secretary", member(other_org, Role.COMMITTEE_SECRETARY)),
                      ("an expert", expert.user)):
        client = client_for(user)
        url = f"/committees/committees/{committee.pk}/"
        assert client.get(url).status_code == 404, who
        assert _post(client, url, {"name": "x", "min_size": "25", "approval_number": "x", "valid_from": "2024-01-01",
                                   "valid_until": "2025-01-01"}).status_code == 404, who
    assert Committee.objects.get().name == "新区工程系列高级职称评审委员会"


def test_a_committee_is_registered_on_the_page(tree):
    series, level = Series.objects.get(name="工程"), Level.objects.get(name="副高级")
    page = client_for(tree["office_staff"])
    form = {"organisation": tree["committee_org"].pk, "series": series.pk, "level": level.pk, "formed_by": "series",
            "name": "新区工程系列高级职称评审委员会", "min_size": "", "approval_number": "甘人社〔2024〕3号",
            "valid_from": "2024-01-01", "valid_until": "2027-01-02"}
    too_long = _post(page, "/committees/committees/new/", form)
    assert too_long.status_code == 400 and "有效期不得超过 3 年" in too_long.content.decode()
    too_small = _post(page, "/committees/committees/new/", {**form, "valid_until": "2027-01-01", "min_size": "11"})
    assert too_small.status_code == 400 and "不得低于 25 人" in too_small.content.decode()
    assert not Committee.objects.exists()
    assert _post(page, "/committees/committees/new/", {**form, "valid_until": "2027-01-01"}).status_code == 302
    committee = Committee.objects.get()
    assert committee.min_size == 25 and committee.approval_number == "甘人社〔2024〕3号"
    expert = expert_make(tree)
    assert client_for(expert.user).get("/committees/committees/new/").status_code == 404
    assert _post(client_for(expert.user), "/committees/committees/new/", form).status_code == 404


def test_a_relation_names_a_registered_person_found_by_name_with_masked_ids(tree, django_assert_max_num_queries):
    expert = expert_make(tree)
    relative = tree["applicant"]
    page = client_for(tree["secretary"])
    search = f"/committees/pool/{expert.pk}/relations/people/"
    # the session (with its user and device, one query) and roles; one query for the people, however many match
    with django_assert_max_num_queries(13):
        found = page.get(search, {"q": relative.real_name[:2]}).content.decode()
    masked = relative.id_number[:4] + "*" * (len(relative.id_number) - 8) + relative.id_number[-4:]
    assert relative.real_name in found and masked in found and relative.id_number not in found
    assert f'value="{relative.pk}"' in found
    assert "没有找到" in page.get(search, {"q": "查无此人"}).content.decode()
    # pick the person: the relation names the account (the conflict check then matches it by person)
    url = f"/committees/pool/{expert.pk}/relations/"
    assert _post(page, url, {"kind": "relative", "person": relative.pk}).status_code == 302
    assert ExpertRelation.objects.get().person == relative
    assert relative.real_name in page.get(f"/committees/pool/{expert.pk}/").content.decode()
    # an unknown account is refused with a message, nothing saved; the by-ID route stays for people without one
    refused = _post(page, url, {"kind": "relative", "person": "999999"}, follow=True)
    assert "所选人员不存在" in refused.content.decode() and ExpertRelation.objects.count() == 1
    assert _post(page, url, {"kind": "relative", "person_id_number": "620102199001011234"}).status_code == 302
    assert ExpertRelation.objects.filter(person_id_number="620102199001011234", person=None).exists()
    # the API: the same search and the same route by account
    api = client_for(tree["secretary"], csrf=False)
    people = api.get("/api/v1/committees/experts/relation-people", {"q": relative.real_name}).json()
    assert {"id": relative.pk, "name": relative.real_name, "id_masked": masked} in people
    assert api.post(f"/api/v1/committees/experts/{expert.pk}/relations", {"kind": "coauthor", "person_id": relative.pk},
                    content_type="application/json").status_code == 201
    assert ExpertRelation.objects.filter(kind="coauthor", person=relative).exists()


def test_the_people_search_is_only_for_pool_managers(tree):
    expert = expert_make(tree)
    for user in (expert.user, tree["applicant"]):
        client = client_for(user)
        assert client.get(f"/committees/pool/{expert.pk}/relations/people/", {"q": "张"}).status_code == 404
        assert client_for(user, csrf=False).get("/api/v1/committees/experts/relation-people",
                                                {"q": tree["applicant"].real_name}).json() == []
