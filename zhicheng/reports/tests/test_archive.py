"""The archive bundle: cover, material index with page numbers, the frozen version and review trail rendered, the
evidence appended; checked page by page with pdftotext. Who may ask for it, and the campaign's ZIP."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from pypdf import PdfReader

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.demo.evidence_files import photo_jpeg, scan_png
from zhicheng.dossiers.models import DossierStateChange, DossierVersion, EducationRecord, EvidenceFile
from zhicheng.dossiers.snapshot import dossier_snapshot, snapshot_sha256
from zhicheng.reports.models import Export, ExportStatus
from zhicheng.reports.services import archive_batch_request, archive_request

from .factories import T0, make_dossier

pytestmark = pytest.mark.django_db


def _text_pdf(lines_per_page: list[str]) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    for text in lines_per_page:
        c.setFont("Helvetica", 14)
        c.drawString(72, 700, text)
        c.showPage()
    c.save()
    return out.getvalue()


def _evidence(dossier, section, kind, data, name):
    stored = default_storage.save(f"evidence/test/{name}", ContentFile(data))
    return EvidenceFile.objects.create(dossier=dossier, section=section, kind=kind, file=stored, original_name=name,
                                       size=len(data), sha256="0" * 64, uploaded_by=dossier.applicant)


def finished_dossier(tree, campaign, state="passed"):
    d = make_dossier(campaign, tree["unit"], state, applicant=tree["applicant"],
                     history=[("submitted", 0), ("unit_passed", 2), ("office_accepted", 20), (state, 40)])
    EducationRecord.objects.create(dossier=d, degree="bachelor", school="兰州大学", major="土木工程",
                                   start=dt.date(2000, 9, 1), end=dt.date(2004, 7, 1))
    _evidence(d, "education", "pdf", _text_pdf(["EVIDENCE-ALPHA page one", "EVIDENCE-ALPHA page two"]), "diploma.pdf")
    _evidence(d, "achievement", "jpeg", photo_jpeg("award.jpg", "AWARD", ["x"], 1).data, "award.jpg")
    _evidence(d, "title_held", "png", scan_png("title.png", "TITLE", ["y"], 2).data, "title.png")
    snapshot = dossier_snapshot(d)
    DossierVersion.objects.create(dossier=d, number=1, snapshot=snapshot, sha256=snapshot_sha256(snapshot),
                                  created_by=d.applicant, created_at=T0)
    return d


def _page_text(path: str, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), path, "-"],
                          capture_output=True, text=True, check=True).stdout


def _bundle_file(export, tmp_path) -> str:
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, export.error
    path = tmp_path / "bundle.pdf"
    with default_storage.open(export.file.name, "rb") as handle:
        path.write_bytes(handle.read())
    return str(path)


def _index(path: str, index_pages: int) -> dict[str, int]:
    entries = {}
    for page in range(2, 2 + index_pages):
        for line in _page_text(path, page).splitlines():
            found = re.match(r"^\s*(\S.*?)\s+(\d+)\s*$", line)
            if found:
                entries[found.group(1).strip()] = int(found.group(2))
    return entries


def test_bundle_index_points_at_the_right_pages(tree, campaign, tmp_path):
    dossier = finished_dossier(tree, campaign)
    path = _bundle_file(archive_request(actor=tree["office_staff"], dossier_id=dossier.pk), tmp_path)
    total = len(PdfReader(path).pages)
    assert "专业技术职称评审档案" in _page_text(path, 1)
    assert "材料目录" in _page_text(path, 2)
    index_pages = 1
    while "材料目录" in _page_text(path, 2 + index_pages):
        index_pages += 1
    entries = _index(path, index_pages)
    rendered_start, evidence_start = entries["申报材料（第 1 版）"], entries["佐证材料"]
    assert entries["封面"] == 1 and entries["材料目录"] == 2
    assert rendered_start == 1 + index_pages + 1
    rendered_pages = evidence_start - rendered_start
    assert rendered_pages >= 1
    # cover + index + rendered dossier (with its review trail) + evidence pages (2 PDF pages, 2 images)
    assert total == 1 + index_pages + rendered_pages + 4
    assert "申报材料（第 1 版" in _page_text(path, rendered_start)
    for label in ("学历", "工作经历", "现有职称", "审核记录"):
        assert label in _page_text(path, entries[label]), label
    assert "兰州大学" in _page_text(path, entries["学历"])
    trail = _page_text(path, entries["审核记录"]) + _page_text(path, entries["审核记录"] + 1)
    assert "评审通过" in trail
    pdf_entry = next(p for title, p in entries.items() if title.endswith("diploma.pdf"))
    assert "EVIDENCE-ALPHA page one" in _page_text(path, pdf_entry)
    assert "EVIDENCE-ALPHA page two" in _page_text(path, pdf_entry + 1)
    jpeg_entry = next(p for title, p in entries.items() if title.endswith("award.jpg"))
    png_entry = next(p for title, p in entries.items() if title.endswith("title.png"))
    assert jpeg_entry == pdf_entry + 2 and png_entry == jpeg_entry + 1 == total
    assert "award.jpg" in _page_text(path, jpeg_entry) and "title.png" in _page_text(path, png_entry)
    for page in (1, jpeg_entry, pdf_entry + 1):  # the printed page numbers are the index's
        assert f"第{page}页/共{total}页" in re.sub(r"\s", "", _page_text(path, page))
    # the unit's staff see a masked ID number, the office the full one
    assert tree["applicant"].id_number in _page_text(path, 1)


def test_unit_may_ask_others_may_not(tree, campaign, tmp_path):
    dossier = finished_dossier(tree, campaign)
    export = archive_request(actor=tree["unit_clerk"], dossier_id=dossier.pk)
    path = _bundle_file(export, tmp_path)
    assert tree["applicant"].id_number not in _page_text(path, 1)
    for who in ("other_clerk", "department_clerk", "applicant", "department2_clerk"):
        with pytest.raises(NotFound):
            archive_request(actor=tree[who], dossier_id=dossier.pk)
    assert Export.objects.count() == 1


def test_unfinished_dossier_is_refused(tree, campaign):
    d = make_dossier(campaign, tree["unit"], "office_accepted")
    with pytest.raises(ApplicationError) as refused:
        archive_request(actor=tree["office_staff"], dossier_id=d.pk)
    assert refused.value.status == 409 and "职改办受理" in refused.value.message_zh


def test_campaign_batch_is_a_zip_of_bundles_for_the_office(tree, campaign, tmp_path):
    finished_dossier(tree, campaign)
    other = make_dossier(campaign, tree["unit2"], "failed")
    snapshot = dossier_snapshot(other)
    DossierVersion.objects.create(dossier=other, number=1, snapshot=snapshot, sha256=snapshot_sha256(snapshot),
                                  created_by=other.applicant, created_at=T0)
    make_dossier(campaign, tree["unit"], "recommended")  # not finished: not in the batch
    export = archive_batch_request(actor=tree["office_staff"], campaign_id=campaign.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    with default_storage.open(export.file.name, "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    from zhicheng.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        archive_batch_request(actor=tree["department_clerk"], campaign_id=campaign.pk)


def test_download_page_for_the_requester_only(tree, campaign):
    dossier = finished_dossier(tree, campaign)
    client = Client(enforce_csrf_checks=True)
    login_verified(client, tree["unit_leader"])
    client.get("/reports/exports/")
    token = client.cookies["csrftoken"].value
    assert client.post(f"/reports/archive/dossier/{dossier.pk}/", {"csrfmiddlewaretoken": token}).status_code == 302
    export = Export.objects.get()
    response = client.get(f"/reports/exports/{export.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    stranger = Client()
    login_verified(stranger, tree["office_staff"])
    assert stranger.get(f"/reports/exports/{export.pk}/download/").status_code == 404
    assert stranger.post(f"/reports/archive/dossier/{dossier.pk + 999}/").status_code == 404
    assert DossierStateChange.objects.filter(dossier=dossier).count() == 4


def test_dossier_page_offers_the_bundle_to_the_office_and_unit_only_once_finished(tree, campaign):
    dossier = finished_dossier(tree, campaign)
    waiting = make_dossier(campaign, tree["unit"], "office_accepted")
    for who, shown in (("office_staff", True), ("unit_clerk", True), ("department_clerk", False),
                       ("applicant", False)):
        client = Client()
        login_verified(client, tree[who])
        html = client.get(f"/dossiers/{dossier.pk}/").content.decode()
        assert (f"/reports/archive/dossier/{dossier.pk}/" in html) is shown, who
    client = Client()
    login_verified(client, tree["office_staff"])
    assert "/reports/archive/dossier/" not in client.get(f"/dossiers/{waiting.pk}/").content.decode()


def test_an_unreadable_evidence_file_becomes_a_page_saying_so(tree, campaign, tmp_path):
    dossier = finished_dossier(tree, campaign)
    png = EvidenceFile.objects.get(dossier=dossier, original_name="title.png")
    default_storage.delete(png.file.name)
    path = _bundle_file(archive_request(actor=tree["office_staff"], dossier_id=dossier.pk), tmp_path)
    total = len(PdfReader(path).pages)
    last = _page_text(path, total)
    assert "title.png" in last and "不可读" in last
