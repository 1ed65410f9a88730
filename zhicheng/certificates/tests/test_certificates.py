"""E-certificates checked by independent readers: pyhanko's validator, poppler (pdftotext, pdftoppm) and zbarimg;
the batch issue is idempotent and resumes after a crash."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import default_storage

from zhicheng.certificates.keys import office_certificate
from zhicheng.certificates.models import Certificate, IssueRun
from zhicheng.certificates.render import verification_url
from zhicheng.certificates.rules import register_canonical
from zhicheng.certificates.services import certificate_issue, certificates_issue_run, certificates_issue_start
from zhicheng.certificates.signing import sm2_verify
from zhicheng.dossiers.models import DossierState

from .helpers import conferred, issued

pytestmark = pytest.mark.django_db


def _pdf(cert: Certificate) -> bytes:
    with default_storage.open(cert.pdf.name, "rb") as fh:
        return fh.read()


def _validate(data: bytes):
    """pyhanko's own validator, trusting only the office's certificate."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signature = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[office_certificate()]))


@pytest.fixture
def certificate(tree, result) -> Certificate:
    document = issued(tree, [result])
    return document.certificates.get()


class TestSignedPdf:
    def test_pyhanko_reports_the_signature_intact_trusted_and_covering_the_whole_file(self, certificate):
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        status = _validate(_pdf(certificate))
        assert status.intact and status.valid and status.trusted
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE

    def test_flipping_one_byte_of_the_page_content_breaks_it(self, certificate):
        from pyhanko.pdf_utils.reader import PdfFileReader

        data = bytearray(_pdf(certificate))
        page = PdfFileReader(io.BytesIO(bytes(data)), strict=False).root["/Pages"]["/Kids"][0]
        contents = page.raw_get("/Contents")
        obj = data.index(b"\n%d 0 obj" % contents.idnum)
        start = data.index(b"stream", obj) + len(b"stream") + 2
        data[start + 10] ^= 0x01
        status = _validate(bytes(data))
        assert not status.intact

    def test_the_page_renders_and_the_chinese_text_is_there(self, certificate, tmp_path):
        path = tmp_path / "c.pdf"
        path.write_bytes(_pdf(certificate))
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout
        assert "高级工程师" in text and "王建国" in text and certificate.number in text
        assert "新组发〔2024〕21号" in text
        full_id = certificate.holder.id_number
        assert full_id not in text and f"{full_id[:6]}********{full_id[-4:]}" in text
        subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
        assert (tmp_path / "page.png").stat().st_size > 10_000

    @pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is installed by make install")
    def test_zbarimg_decodes_the_qr_code_to_the_verification_url(self, certificate, tmp_path):
        path = tmp_path / "c.pdf"
        path.write_bytes(_pdf(certificate))
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True)
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")], capture_output=True,
                             text=True, check=True).stdout.strip()
        assert out == verification_url(certificate.code)
        assert out.endswith(f"/public/certificates/v/{certificate.code}/")

    def test_the_sm2_signature_covers_the_canonical_register_data_with_the_full_id(self, certificate):
        assert certificate.register["id_number"] == certificate.holder.id_number
        assert sm2_verify(certificate.register, certificate.sm2_signature)
        changed = dict(certificate.register, title="正高级工程师")
        assert not sm2_verify(changed, certificate.sm2_signature)

    def test_the_canonical_serialisation_is_stable(self):
        data = register_canonical({"v": "1", "name": "王建国", "number": "20240502000001"})
        assert data.startswith(b'{"approved_on":"","code":"","committee":""')
        assert '"name":"王建国"'.encode() in data and b" " not in data

    def test_the_certificate_carries_the_fields_of_the_register(self, certificate):
        r = certificate.register
        assert (r["title"], r["title_code"], r["series"], r["level"]) == ("高级工程师", "0502", "工程", "副高级")
        assert r["committee"] == "工程系列高级职称评审委员会" and r["obtained_by"] == "评审"
        assert r["sex"] == "男" and r["document_number"] == "新组发〔2024〕21号"
        assert re.fullmatch(r"20240502\d{6}", certificate.number)
        assert re.fullmatch(r"[A-Z2-9]{16}", certificate.code)


def _register(number: str) -> dict:
    return {"v": "1", "number": number, "code": "TEMPLATE23456789", "name": "王建国", "title": "高级工程师",
            "id_number": "620100198001010011", "issuer": "职改办"}


class TestCmsTemplate:
    """After the first signature of a process, the CMS container is spliced from a template (signing.py): its
    PDFs must pass the same independent checks as pyhanko's own."""

    @pytest.fixture
    def fresh_signer(self):
        from zhicheng.certificates.keys import keys_reset

        keys_reset()  # this process's first signature again goes through pyhanko
        yield
        keys_reset()

    def _signed(self, number: str) -> bytes:
        from zhicheng.certificates.render import certificate_pdf
        from zhicheng.certificates.signing import pdf_sign

        return pdf_sign(certificate_pdf(_register(number), id_type_label="居民身份证"))

    def test_the_second_signature_comes_from_the_template_and_is_intact_and_covers_the_whole_file(
            self, fresh_signer):
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        from zhicheng.certificates.signing import _office_signer

        first = self._signed("20240502000001")
        assert _office_signer().template is not None  # built from pyhanko's first container
        second = self._signed("20240502000002")
        for data in (first, second):
            status = _validate(data)
            assert status.intact and status.valid and status.trusted
            assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert first != second

    def test_a_templated_signature_breaks_when_one_byte_of_the_page_changes(self, fresh_signer):
        self._signed("20240502000001")
        data = bytearray(self._signed("20240502000002"))
        title = data.index(b"/Title")
        data[title + 12] ^= 0x01  # in the document information, inside the signed byte range
        assert not _validate(bytes(data)).intact

    def test_the_template_rebuilds_pyhankos_container_byte_for_byte_or_is_refused(self, fresh_signer):
        import hashlib

        from pyhanko.pdf_utils.reader import PdfFileReader

        from zhicheng.certificates.signing import cms_template_from

        self._signed("20240502000001")
        data = self._signed("20240502000002")
        signature = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures[0]
        from asn1crypto import cms

        container = cms.ContentInfo.load(signature.sig_object["/Contents"], strict=False).dump()  # no padding
        start, length, after, rest = signature.sig_object["/ByteRange"]
        digest = hashlib.sha256(data[start:start + length] + data[after:after + rest]).digest()
        template = cms_template_from(container, digest)
        assert template is not None
        assert cms_template_from(container, bytes(32)) is None  # a digest not in the container: no template


class TestBatchIssue:
    def test_a_document_confers_and_the_batch_issues_every_certificate(self, tree, result, other_result):
        document = issued(tree, [result, other_result])
        assert document.certificates.filter(issued_at__isnull=False).count() == 2
        run = IssueRun.objects.get(document=document)
        assert (run.total, run.done) == (2, 2) and run.finished_at is not None
        result.refresh_from_db()
        assert result.state == DossierState.CONFERRED

    def test_a_rerun_issues_nothing_twice(self, tree, result):
        document = issued(tree, [result])
        cert = document.certificates.get()
        first = (cert.pdf.name, cert.pdf_sha256)
        run = certificates_issue_start(actor=tree["office_staff"], document=document)
        cert.refresh_from_db()
        assert run.total == 0 and (cert.pdf.name, cert.pdf_sha256) == first
        assert certificate_issue(certificate_id=cert.pk) is False

    def test_a_batch_killed_midway_resumes_without_duplicates(self, tree, result, other_result):
        document = conferred(tree, [result, other_result])
        run = IssueRun.objects.create(document=document, started_by=tree["office_staff"], total=2)
        real = certificate_issue
        calls = []

        def dies_on_second(*, certificate_id):
            calls.append(certificate_id)
            if len(calls) == 2:
                raise SystemExit("worker killed")
            return real(certificate_id=certificate_id)

        with mock.patch("zhicheng.certificates.services.certificate_issue", dies_on_second), \
                pytest.raises(SystemExit):
            certificates_issue_run(run_id=run.pk)
        assert document.certificates.filter(issued_at__isnull=False).count() == 1
        numbers_before = set(document.certificates.values_list("number", flat=True))
        certificates_issue_run(run_id=run.pk)
        assert document.certificates.filter(issued_at__isnull=False).count() == 2
        assert set(document.certificates.values_list("number", flat=True)) == numbers_before
        stored = list(Path(default_storage.path("certificates/2024")).glob("*.pdf"))
        assert len({p.name for p in stored}) >= 2

    def test_a_large_document_is_split_into_one_task_per_chunk(self, tree, result, other_result, settings):
        settings.ZHICHENG_CERT_ISSUE_CHUNK = 1
        document = conferred(tree, [result, other_result])
        ids = list(document.certificates.order_by("id").values_list("id", flat=True))
        with mock.patch("zhicheng.certificates.tasks.certificates_issue_task") as task:
            run = certificates_issue_start(actor=tree["office_staff"], document=document)
        assert [c.args for c in task.enqueue.call_args_list] == [(run.pk, ids[0], ids[0]), (run.pk, ids[1], ids[1])]
        # the chunks run in any order, in different workers; the run is finished when the last one is
        certificates_issue_run(run_id=run.pk, first_id=ids[1], last_id=ids[1])
        run.refresh_from_db()
        assert run.done == 1 and run.finished_at is None
        assert list(document.certificates.filter(issued_at__isnull=False).values_list("id", flat=True)) == [ids[1]]
        certificates_issue_run(run_id=run.pk, first_id=ids[0], last_id=ids[0])
        run.refresh_from_db()
        assert run.done == 2 and run.finished_at is not None

    def test_the_document_pdf_lists_the_persons(self, tree, result, other_result, tmp_path):
        document = conferred(tree, [result, other_result])
        path = tmp_path / "d.pdf"
        with default_storage.open(document.pdf.name, "rb") as fh:
            path.write_bytes(fh.read())
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
        assert "新组发〔2024〕21号" in text and "王建国" in text and "李秀英" in text
