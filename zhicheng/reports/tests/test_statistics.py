"""Statistics: what each figure counts, who sees which dossiers, the page's charts and downloads, query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.reports.statistics import statistics_figures

from .factories import T0, make_dossier

pytestmark = pytest.mark.django_db


def _fig(figures, key):
    return next(f for f in figures if f.key == key)


@pytest.fixture
def filled(tree, campaign):
    unit, unit2 = tree["unit"], tree["unit2"]
    make_dossier(campaign, unit, "passed", history=[("submitted", 0), ("unit_passed", 2), ("passed", 12)])
    make_dossier(campaign, unit, "failed", level="中级", history=[("submitted", 0), ("unit_passed", 4), ("failed", 10)])
    make_dossier(campaign, unit, "conferred", route="entrusted")
    make_dossier(campaign, tree["other_unit"], "submitted", series="中小学教师", level="中级",
                 history=[("submitted", 0)])
    make_dossier(campaign, unit2, "passed", series="卫生技术（医）", level="中级")
    make_dossier(campaign, unit, "draft", submitted_at=None)  # never submitted: nobody's statistics
    return campaign


def test_office_counts_its_whole_tree_department_only_its_units(tree, filled):
    office = statistics_figures(tree["office"], filled)
    assert sum(n for _label, n in _fig(office, "state").rows) == 5
    assert dict(_fig(office, "unit").rows) == {"第一中学": 3, "第二中学": 1, "人民医院": 1}
    department = statistics_figures(tree["department"], filled)
    assert dict(_fig(department, "unit").rows) == {"第一中学": 3, "第二中学": 1}
    assert dict(_fig(department, "series").rows) == {"工程": 3, "中小学教师": 1}
    assert dict(_fig(department, "level").rows) == {"副高级": 2, "中级": 2}
    assert dict(_fig(department, "route").rows) == {"自主评审": 3, "委托评审": 1}


def test_pass_rate_counts_passed_and_later_states_against_failed(tree, filled):
    rows = _fig(statistics_figures(tree["department"], filled), "pass_rate").rows
    by = {r[0]: r for r in rows}
    assert by["工程 副高级"][1:] == [100.0, 2, 2, 0]  # passed + conferred
    assert by["工程 中级"][1:] == [0.0, 1, 0, 1]
    assert by["合计"][1:] == [66.7, 3, 2, 1]
    assert "中小学教师 中级" not in by  # not evaluated yet


def test_stage_time_runs_from_entering_a_state_to_the_next_change(tree, filled):
    now = T0 + dt.timedelta(days=20)
    from zhicheng.reports.statistics import figure_stage_time, statistics_dossiers

    rows = {r[0]: r for r in figure_stage_time(statistics_dossiers(tree["department"], filled), now=now).rows}
    # submitted: 2 and 4 days for the evaluated ones, 20 days (still there) for the teacher's
    assert rows["已提交"][1:] == [round((2 + 4 + 20) / 3, 1), 4.0, 3]
    assert rows["单位审核通过"][1:] == [8.0, 8.0, 2]  # 2→12 and 4→10 days


def test_campaign_filter(tree, filled):
    from zhicheng.campaigns.models import Campaign

    other = Campaign.objects.create(year=2023, name="2023年度", **{
        f.name: getattr(filled, f.name) for f in Campaign._meta.concrete_fields
        if f.name not in ("id", "year", "name", "status")})
    make_dossier(other, tree["unit"], "passed")
    assert sum(n for _l, n in _fig(statistics_figures(tree["office"], filled), "state").rows) == 5
    assert sum(n for _l, n in _fig(statistics_figures(tree["office"], other), "state").rows) == 1
    assert sum(n for _l, n in _fig(statistics_figures(tree["office"], None), "state").rows) == 6


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_page_draws_svg_charts_and_tables(tree, filled):
    response = _client(tree["office_staff"]).get("/reports/statistics/", {"campaign": filled.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg class=\"chart\"") >= 6
    assert "<rect class=\"chart-bar\"" in html and "style=" not in html.split("<main", 1)[-1]
    assert "第一中学" in html and "人民医院" in html


def test_department_page_does_not_show_another_departments_units(tree, filled):
    html = _client(tree["department_clerk"]).get("/reports/statistics/", {"campaign": filled.pk}).content.decode()
    assert "第一中学" in html and "人民医院" not in html


@pytest.mark.parametrize("who", ["unit_clerk", "applicant", "unit_admin"])
def test_staff_below_departments_and_applicants_are_refused(tree, filled, who):
    assert _client(tree[who]).get("/reports/statistics/").status_code == 403


def test_another_departments_id_is_not_found(tree, filled):
    response = _client(tree["department_clerk"]).get(
        "/reports/statistics/", {"organisation": tree["department2"].pk})
    assert response.status_code == 404
    response = _client(tree["department_clerk"]).get(
        "/reports/statistics/unit.csv", {"organisation": tree["office"].pk})
    assert response.status_code == 404


def test_each_figure_downloads_as_csv_and_xlsx(tree, filled):
    client = _client(tree["department_clerk"])
    csv = client.get("/reports/statistics/unit.csv", {"campaign": filled.pk})
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "单位,份数" and "第一中学,3" in text and "人民医院" not in text
    xlsx = client.get("/reports/statistics/pass_rate.xlsx", {"campaign": filled.pk})
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in ws[1]] == ["系列 级别", "通过率（%）", "已评审", "通过", "未通过"]
    assert client.get("/reports/statistics/nothing.csv").status_code == 404
    assert client.get("/reports/statistics/unit.exe").status_code == 404


def test_page_queries_do_not_grow_with_dossiers(tree, filled, django_assert_max_num_queries):
    client = _client(tree["office_staff"])
    client.get("/reports/statistics/", {"campaign": filled.pk})
    with django_assert_max_num_queries(38) as captured:  # −2: session, user, device in one
        client.get("/reports/statistics/", {"campaign": filled.pk})
    before = len(captured.captured_queries)
    for n in range(15):
        make_dossier(filled, tree["other_unit"], "passed", series="工程", level="中级",
                     history=[("submitted", 0), ("passed", n + 1)])
    with django_assert_max_num_queries(before) :
        client.get("/reports/statistics/", {"campaign": filled.pk})
