"""Excel exports: the list as filtered on screen, the same permissions as the page, ID numbers masked unless the
role may see them, the maximum number of rows, progress and the download link."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from openpyxl import load_workbook

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.committees.models import EvaluationResult
from zhicheng.core.errors import ApplicationError, NotFound, PermissionDenied
from zhicheng.publicity.models import PublicityBatch, PublicityEntry
from zhicheng.reports.models import Export, ExportStatus
from zhicheng.reports.services import export_request
from zhicheng.reports.tasks import export_run_task

from .factories import make_dossier

pytestmark = pytest.mark.django_db


def _sheet(export: Export):
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    with default_storage.open(export.file.name, "rb") as handle:
        return load_workbook(io.BytesIO(handle.read()), read_only=True).active


def _rows(export):
    return [list(r) for r in _sheet(export).iter_rows(values_only=True)]


@pytest.fixture
def queue(tree, campaign):
    unit = tree["unit"]
    make_dossier(campaign, unit, "submitted", applicant=tree["applicant"])
    make_dossier(campaign, unit, "unit_passed")
    make_dossier(campaign, unit, "submitted", series="中小学教师", level="中级")
    make_dossier(campaign, tree["other_unit"], "submitted")  # another unit's queue
    return campaign


def test_queue_export_is_the_filtered_queue_with_chinese_header_and_masked_ids(tree, queue):
    clerk = tree["unit_clerk"]
    export = export_request(actor=clerk, kind="queue", filters={"organisation": str(tree["unit"].pk),
                                                                "state": "submitted", "page": "3"})
    rows = _rows(export)
    assert rows[0][:4] == ["申报人", "身份证号", "申报单位", "系列"]
    assert len(rows) == 3  # header + the two submitted ones of this unit (the page number is not a filter)
    assert {r[6] for r in rows[1:]} == {"已提交"}
    number = tree["applicant"].id_number
    ids = {r[1] for r in rows[1:]}
    assert number not in ids and f"{number[:4]}{'*' * 10}{number[-4:]}" in ids
    assert export.rows_total == 2 and export.percent == 100


def test_office_staff_see_id_numbers_in_full(tree, queue):
    make_dossier(queue, tree["unit"], "dept_passed", applicant=tree["other_applicant"])
    export = export_request(actor=tree["office_staff"], kind="queue", filters={"organisation": tree["office"].pk})
    assert tree["other_applicant"].id_number in {r[1] for r in _rows(export)[1:]}


def test_queue_of_an_organisation_the_user_does_not_review_is_not_found_and_nothing_saved(tree, queue):
    with pytest.raises(NotFound):
        export_request(actor=tree["unit_clerk"], kind="queue", filters={"organisation": tree["other_unit"].pk})
    with pytest.raises(PermissionDenied):
        export_request(actor=tree["applicant"], kind="queue", filters={})
    assert not Export.objects.exists()


def test_more_rows_than_the_maximum_is_refused_with_the_limit_named(tree, queue, settings):
    settings.ZHICHENG_EXPORT_MAX_ROWS = 2
    with pytest.raises(ApplicationError) as refused:
        export_request(actor=tree["unit_clerk"], kind="queue", filters={"organisation": tree["unit"].pk})
    message = refused.value.message_zh
    assert refused.value.status == 400 and "上限 2 行" in message and "3 行" in message
    assert not Export.objects.exists()
    settings.ZHICHENG_EXPORT_MAX_ROWS = 3  # at the limit: allowed
    assert export_request(actor=tree["unit_clerk"], kind="queue", filters={"organisation": tree["unit"].pk})


def test_dossier_list_export_is_what_the_list_page_shows(tree, queue):
    export = export_request(actor=tree["department_clerk"], kind="dossiers", filters={})
    assert len(_rows(export)) == 1 + 4
    export = export_request(actor=tree["other_clerk"], kind="dossiers", filters={})
    assert len(_rows(export)) == 1 + 1


def test_publicity_list_export_and_another_units_batch(tree, campaign):
    d = make_dossier(campaign, tree["unit"], "in_publicity")
    batch = PublicityBatch.objects.create(organisation=tree["unit"], campaign=campaign, starts_on=dt.date(2024, 10, 12),
                                          ends_on=dt.date(2024, 10, 18), length=5, length_unit="working",
                                          published_by=tree["unit_clerk"], published_at=dt.datetime.now(dt.UTC))
    PublicityEntry.objects.create(batch=batch, dossier=d)
    rows = _rows(export_request(actor=tree["unit_clerk"], kind="publicity", filters={"batch": str(batch.pk)}))
    assert rows[0][0] == "姓名" and rows[1][0] == d.applicant.real_name
    with pytest.raises(NotFound):
        export_request(actor=tree["other_clerk"], kind="publicity", filters={"batch": str(batch.pk)})


def test_quotas_plan_against_passed_for_the_office_only(tree, campaign):
    from zhicheng.campaigns.models import CampaignQuota

    from .factories import series_level

    s, lv = series_level()
    CampaignQuota.objects.filter(campaign=campaign).delete()
    CampaignQuota.objects.create(campaign=campaign, series=s, level=lv, count=5)
    make_dossier(campaign, tree["unit"], "passed")
    make_dossier(campaign, tree["unit"], "failed")
    make_dossier(campaign, tree["unit"], "submitted")
    rows = _rows(export_request(actor=tree["office_staff"], kind="quotas",
                                filters={"organisation": tree["office"].pk, "campaign": campaign.pk}))
    assert rows[0][:6] == ["系列", "级别", "计划数", "已受理", "已通过", "剩余计划"]
    assert rows[1][:6] == ["工程", "副高级", 5, 2, 1, 4]
    with pytest.raises(PermissionDenied):
        export_request(actor=tree["department_clerk"], kind="quotas", filters={"campaign": campaign.pk})


def test_results_export_masks_ids_for_a_department(tree, campaign):
    d = make_dossier(campaign, tree["unit"], "passed")
    EvaluationResult.objects.create(dossier=d, route="self_run", passed=True, committee_name="新区工程评委会",
                                    decided_on=dt.date(2024, 12, 1), yes_votes=9, attending=11)
    other = make_dossier(campaign, tree["unit2"], "failed")
    EvaluationResult.objects.create(dossier=other, route="self_run", passed=False, committee_name="新区卫生评委会",
                                    decided_on=dt.date(2024, 12, 1))
    rows = _rows(export_request(actor=tree["department_clerk"], kind="results", filters={"campaign": campaign.pk}))
    assert len(rows) == 2 and rows[1][8] == "通过" and "*" in rows[1][1]
    rows = _rows(export_request(actor=tree["office_staff"], kind="results", filters={"campaign": campaign.pk}))
    assert len(rows) == 3 and d.applicant.id_number in {r[1] for r in rows}


def test_statistics_workbook_has_a_sheet_per_figure(tree, campaign):
    make_dossier(campaign, tree["unit"], "passed")
    export = export_request(actor=tree["office_staff"], kind="statistics", filters={"campaign": campaign.pk})
    export.refresh_from_db()
    with default_storage.open(export.file.name, "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()), read_only=True)
    assert book.sheetnames[:3] == ["各环节申报材料数", "按系列", "按级别"]


def test_a_second_run_of_the_task_writes_nothing_twice(tree, queue):
    export = export_request(actor=tree["unit_clerk"], kind="queue", filters={"organisation": tree["unit"].pk})
    export.refresh_from_db()
    first = export.file.name
    export_run_task.call(export.pk)
    export.refresh_from_db()
    assert export.file.name == first


def _client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    login_verified(client, user)
    return client


def test_pages_ask_download_and_refuse_another_users_file(tree, queue):
    client = _client(tree["unit_clerk"], enforce_csrf_checks=True)
    page = client.get(f"/review/queue/{tree['unit'].pk}/?state=submitted")
    assert "reports/exports/new/" in page.content.decode()
    assert client.post("/reports/exports/new/", {"kind": "queue"}).status_code == 403  # no CSRF token
    client.get("/reports/exports/")
    token = client.cookies["csrftoken"].value
    response = client.post("/reports/exports/new/", {
        "kind": "queue", "organisation": tree["unit"].pk, "query": "state=submitted", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    export = Export.objects.get()
    listing = client.get("/reports/exports/").content.decode()
    assert f"/reports/exports/{export.pk}/download/" in listing
    download = client.get(f"/reports/exports/{export.pk}/download/")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert len(list(book.active.iter_rows())) == 3
    assert _client(tree["other_clerk"]).get(f"/reports/exports/{export.pk}/download/").status_code == 404


def test_page_refusal_names_the_limit(tree, queue, settings):
    settings.ZHICHENG_EXPORT_MAX_ROWS = 1
    client = _client(tree["unit_clerk"])
    back = f"/review/queue/{tree['unit'].pk}/"
    response = client.post("/reports/exports/new/", {"kind": "queue", "organisation": tree["unit"].pk,
                                                     "back": back}, follow=True)
    assert "上限 1 行" in response.content.decode()
    assert not Export.objects.exists()


def test_the_list_polls_while_an_export_is_being_made_and_shows_progress(tree):
    export = Export.objects.create(requested_by=tree["office_staff"], kind="queue", title="审核队列（新区组织部）",
                                   status=ExportStatus.RUNNING, rows_total=4000, rows_done=1000)
    client = _client(tree["office_staff"])
    part = client.get("/reports/exports/", HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<div id="exports-table"') and 'hx-trigger="every 2s"' in part
    assert 'value="25"' in part and "1000 / 4000" in part and "/download/" not in part
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.READY, file="exports/x.xlsx")
    part = client.get("/reports/exports/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in part and f"/reports/exports/{export.pk}/download/" in part


def test_rows_stream_with_progress_reports(tmp_path):
    from zhicheng.reports.tables import xlsx_write

    seen: list[int] = []
    rows = ([n, f"第{n}行"] for n in range(7))
    assert xlsx_write(tmp_path / "t.xlsx", [("表", ["序号", "内容"], rows)], progress=seen.append, every=2) == 7
    assert seen == [2, 4, 6]
    sheet = load_workbook(tmp_path / "t.xlsx").active
    assert sheet["A1"].value == "序号" and sheet["A1"].font.bold and sheet["B8"].value == "第6行"


def test_ids_longer_than_the_database_holds_are_refused_not_errors(tree, queue):
    client = _client(tree["unit_clerk"])
    huge = "9" * 30
    for data in ({"kind": "publicity", "batch": huge}, {"kind": "queue", "organisation": tree["unit"].pk,
                                                       "query": f"series={huge}"}):
        response = client.post("/reports/exports/new/", data)
        assert response.status_code in (302, 400, 404), data
    assert client.get("/reports/statistics/", {"campaign": huge}).status_code == 403  # not statistics staff
    office = _client(tree["office_staff"])
    assert office.get("/reports/statistics/", {"campaign": huge}).status_code == 404
    assert office.get(f"/reports/exports/{huge}/download/").status_code == 404
    assert office.post(f"/reports/archive/dossier/{huge}/").status_code == 404
    # the queue page ignores a filter it cannot read (its form is invalid), and so does its export
    assert list(Export.objects.values_list("kind", flat=True)) == ["queue"]
