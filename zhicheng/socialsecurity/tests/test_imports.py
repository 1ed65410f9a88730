"""Uploading and importing the bureau's file: bad rows by line, good rows kept, GBK, XLSX, a large file."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import tempfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified, make_credit_code, make_resident_id
from zhicheng.audit.models import AuditEvent
from zhicheng.socialsecurity import services
from zhicheng.socialsecurity.models import ContributionImport, ContributionRecord, ImportStatus
from zhicheng.socialsecurity.services import CHUNK_ROWS, contribution_import_create

from .conftest import csv_text

pytestmark = pytest.mark.django_db
PERSON, CODE = make_resident_id("19800101", 7), make_credit_code(42)
BAD_ID = PERSON[:17] + ("0" if PERSON[17] != "0" else "1")
BAD_CODE = CODE[:17] + ("0" if CODE[17] != "0" else "1")


def upload(campaign, actor, name: str, data: bytes):
    return contribution_import_create(campaign=campaign, upload=SimpleUploadedFile(name, data), actor=actor)


MIXED = "\n".join([
    "身份证号,缴费月份,统一社会信用代码,单位名称",  # 1
    f"{PERSON},2024-05,{CODE},第一中学",  # 2 good
    f"{BAD_ID},2024-06,{CODE},第一中学",  # 3 ID check character
    f"{PERSON},2024-13,{CODE},第一中学",  # 4 month
    f"{PERSON},2024-07,{BAD_CODE},第一中学",  # 5 credit code
    f"{PERSON},2024-08,{CODE}",  # 6 unit name column missing
    "",  # 7 empty line
    f"{PERSON},202409,{CODE},第一中学",  # 8 good
]) + "\n"


class TestImport:
    def test_bad_rows_reported_by_line_good_rows_kept(self, campaign, tree):
        row = upload(campaign, tree["office_staff"], "社保.csv", MIXED.encode())
        assert row.status == ImportStatus.DONE and row.file_format == "csv-utf-8"
        assert (row.rows_total, row.rows_ok, row.rows_bad) == (6, 2, 4)
        assert [(e["line"], e["field"]) for e in row.errors] == [
            (3, "id_number"), (4, "month"), (5, "credit_code"), (6, "unit_name")]
        assert "校验位" in row.errors[0]["message_zh"] and "GB 11643" in row.errors[0]["message_en"]
        assert row.errors[3]["message_zh"] == "缺少单位名称"
        kept = ContributionRecord.objects.filter(contribution_import=row).order_by("line")
        assert [(r.line, r.month) for r in kept] == [(2, dt.date(2024, 5, 1)), (8, dt.date(2024, 9, 1))]
        assert AuditEvent.objects.filter(event_type="socialsecurity.import_finished").count() == 1

    def test_gbk_csv(self, campaign, tree):
        text = csv_text([(PERSON, "2024/5", CODE, "兰州市第一中学（本部）")],
                        header="身份证号码,缴费年月,统一社会信用代码,缴费单位")
        row = upload(campaign, tree["office_staff"], "gbk.csv", text.encode("gbk"))
        assert (row.status, row.file_format, row.rows_ok) == (ImportStatus.DONE, "csv-gb18030", 1)
        assert ContributionRecord.objects.get(contribution_import=row).unit_name == "兰州市第一中学（本部）"

    def test_xlsx_with_excel_dates_and_text(self, campaign, tree):
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(["单位名称", "身份证号", "缴费月份", "统一社会信用代码"])
        sheet.append(["第一中学", PERSON, dt.datetime(2024, 5, 1), CODE])
        sheet.append(["第一中学", PERSON, "2024-06", CODE])
        sheet.append(["第一中学", PERSON, 202407, CODE])
        sheet.append([None, None, None, None])
        sheet.append(["第一中学", BAD_ID, "2024-08", CODE])
        buffer = io.BytesIO()
        book.save(buffer)
        row = upload(campaign, tree["office_staff"], "社保.xlsx", buffer.getvalue())
        assert (row.status, row.file_format, row.rows_ok, row.rows_bad) == (ImportStatus.DONE, "xlsx", 3, 1)
        assert row.errors[0]["line"] == 6
        assert sorted(ContributionRecord.objects.filter(contribution_import=row).values_list("month", flat=True)) == [
            dt.date(2024, 5, 1), dt.date(2024, 6, 1), dt.date(2024, 7, 1)]

    def test_missing_header_column_fails_the_import_with_the_reason(self, campaign, tree):
        row = upload(campaign, tree["office_staff"], "x.csv", f"身份证号,单位名称\n{PERSON},甲\n".encode())
        assert row.status == ImportStatus.FAILED
        assert "缴费月份" in row.failure_zh and "month" in row.failure_en
        assert row.errors[0]["line"] == 1 and not ContributionRecord.objects.exists()

    def test_an_xlsx_name_on_a_broken_zip_fails_cleanly(self, campaign, tree):
        row = upload(campaign, tree["office_staff"], "x.xlsx", b"PK\x03\x04not really a workbook")
        assert row.status == ImportStatus.FAILED and row.failure_zh

    def test_other_file_types_refused(self, campaign, tree):
        with pytest.raises(Exception) as exc:
            upload(campaign, tree["office_staff"], "x.pdf", b"%PDF-1.4")
        assert exc.value.code == "socsec_bad_type"

    def test_errors_kept_are_capped_but_counted(self, campaign, tree):
        rows = [(BAD_ID, "2024-05", CODE, "甲")] * (services.ERRORS_KEPT + 5)
        row = upload(campaign, tree["office_staff"], "bad.csv", csv_text(rows).encode())
        assert row.rows_bad == services.ERRORS_KEPT + 5 and len(row.errors) == services.ERRORS_KEPT


class _ReadSpy:
    """A stored file that records how much each read asked for."""

    def __init__(self, inner, sizes):
        self._inner, self.sizes = inner, sizes

    def read(self, size=-1):
        self.sizes.append(size)
        return self._inner.read(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._inner.close()

    def __getattr__(self, name):
        return getattr(self._inner, name)


class TestLargeFile:
    def test_50000_rows_are_read_in_bounded_pieces_and_stored_in_chunks(self, campaign, tree):
        people = [make_resident_id(f"1980{m:02d}{d:02d}", s) for m in (1, 2) for d in range(1, 26) for s in (1, 2)]
        with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False) as handle:
            handle.write("身份证号,缴费月份,统一社会信用代码,单位名称\n")
            for n in range(50_000):
                handle.write(f"{people[n % 100]},{2000 + n // 100 % 24}-{n % 12 + 1:02d},{CODE},第一中学\n")
        size = os.path.getsize(handle.name)
        sizes, batches = [], []
        real_open, real_bulk = services.stored_file_open, ContributionRecord.objects.bulk_create
        try:
            with (open(handle.name, "rb") as source,
                  mock.patch.object(services, "stored_file_open", lambda name: _ReadSpy(real_open(name), sizes)),
                  mock.patch.object(ContributionRecord.objects, "bulk_create",
                                    side_effect=lambda objs: batches.append(len(list_ := list(objs))) or
                                    real_bulk(list_))):
                temp = TemporaryUploadedFile("big.csv", "text/csv", size, None)
                shutil.copyfileobj(source, temp)
                temp.seek(0)
                row = contribution_import_create(campaign=campaign, upload=temp, actor=tree["office_staff"])
                temp.close()  # FileSystemStorage moved the temporary file into storage
        finally:
            os.unlink(handle.name)
        assert size > 2_500_000
        assert (row.status, row.rows_ok, row.rows_bad) == (ImportStatus.DONE, 50_000, 0)
        assert ContributionRecord.objects.filter(contribution_import=row).count() == 50_000
        assert sizes and all(0 < s <= 64 * 1024 for s in sizes), "the file was read whole"
        assert max(batches) <= CHUNK_ROWS and len(batches) == 50_000 // CHUNK_ROWS


class TestUploadView:
    url = staticmethod(lambda: reverse("socialsecurity:upload"))

    def test_office_upload_streams_to_a_temporary_file(self, client, campaign, tree):
        login_verified(client, tree["office_staff"])
        seen = []
        real = services.contribution_import_create

        def spy(**kwargs):
            seen.append(type(kwargs["upload"]))
            return real(**kwargs)

        with mock.patch("zhicheng.socialsecurity.views.contribution_import_create", spy):
            response = client.post(self.url(), {"file": SimpleUploadedFile("社保.csv", MIXED.encode()),
                                                "campaign": campaign.pk})
        assert response.status_code == 201, response.content
        assert len(seen) == 1 and issubclass(seen[0], TemporaryUploadedFile)  # spooled to disk, not memory
        body = response.json()
        assert (body["status"], body["rows_ok"], body["rows_bad"]) == ("done", 2, 4)

    @pytest.mark.parametrize("who", ["department_clerk", "unit_clerk", "applicant", "observer"])
    def test_non_office_cannot_upload(self, client, campaign, tree, who):
        login_verified(client, tree[who])
        response = client.post(self.url(), {"file": SimpleUploadedFile("社保.csv", MIXED.encode())})
        assert response.status_code == 403
        assert not ContributionImport.objects.exists()

    def test_bearer_token_upload_and_a_bad_token(self, client, campaign, tree):
        from zhicheng.accounts.auth_services import totp_device_create_confirmed
        from zhicheng.accounts.tokens import api_token_create

        totp_device_create_confirmed(user=tree["office_staff"])  # staff tokens need a bound authenticator
        _token, raw = api_token_create(user=tree["office_staff"], name="社保对接")
        ok = client.post(self.url(), {"file": SimpleUploadedFile("社保.csv", MIXED.encode())},
                         HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert ok.status_code == 201, ok.content
        bad = client.post(self.url(), {"file": SimpleUploadedFile("社保.csv", MIXED.encode())},
                          HTTP_AUTHORIZATION="Bearer nope")
        assert bad.status_code == 401 and ContributionImport.objects.count() == 1

    def test_anonymous_refused(self, client, campaign, tree):
        response = client.post(self.url(), {"file": SimpleUploadedFile("社保.csv", MIXED.encode())})
        assert response.status_code == 401 and not ContributionImport.objects.exists()

    def test_oversize_upload_refused_as_413(self, client, campaign, tree):
        login_verified(client, tree["office_staff"])
        with mock.patch("zhicheng.socialsecurity.views.MAX_UPLOAD_BYTES", 100):
            response = client.post(self.url(), {"file": SimpleUploadedFile("社保.csv", MIXED.encode())})
        assert response.status_code == 413 and response.json()["code"] == "socsec_too_large"

    def test_browser_form_goes_to_the_import_page(self, client, campaign, tree):
        login_verified(client, tree["office_staff"])
        response = client.post(self.url() + "?next=1", {"file": SimpleUploadedFile("社保.csv", MIXED.encode())})
        row = ContributionImport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("socialsecurity:import_detail", args=[row.pk])
        page = client.get(response["Location"])
        assert page.status_code == 200 and "缺少单位名称" in page.content.decode()


class TestFailure:
    def test_a_database_error_mid_import_ends_failed_without_rows(self, campaign, tree):
        with mock.patch.object(ContributionRecord.objects, "bulk_create", side_effect=RuntimeError("disk full")):
            row = upload(campaign, tree["office_staff"], "社保.csv", MIXED.encode())
        assert row.status == ImportStatus.FAILED and "无法读取" in row.failure_zh
        assert not ContributionRecord.objects.exists()
        assert AuditEvent.objects.filter(event_type="socialsecurity.import_failed").count() == 1

    def test_a_task_delivered_twice_runs_once(self, campaign, tree):
        from zhicheng.socialsecurity.tasks import contribution_import_run

        row = upload(campaign, tree["office_staff"], "社保.csv", MIXED.encode())
        contribution_import_run.enqueue(row.pk)
        assert ContributionRecord.objects.filter(contribution_import=row).count() == 2


class TestMenu:
    def test_office_gets_the_import_and_departments_the_checks(self, tree):
        from zhicheng.accounts.models import OrganisationKind, Role
        from zhicheng.web.menu import menu_entries_for

        office = {e.url_name for e in menu_entries_for(Role.OFFICE_STAFF, OrganisationKind.OFFICE)}
        department = {e.url_name for e in menu_entries_for(Role.REVIEW_CLERK, OrganisationKind.DEPARTMENT)}
        unit = {e.url_name for e in menu_entries_for(Role.REVIEW_CLERK, OrganisationKind.UNIT)}
        assert "socialsecurity:imports" in office and "socialsecurity:imports" not in department
        assert "socialsecurity:checks" in department and "socialsecurity:checks" not in unit
