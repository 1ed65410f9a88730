"""Evidence purpose: the upload on a section asks what the file proves (pre-selected where the section implies it)
and the rule that asks for that proof reads it; one case per purpose a rule asks for."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhicheng.dossiers import services
from zhicheng.dossiers.models import EvidenceFile
from zhicheng.eligibility.selectors import _documents
from zhicheng.eligibility.services import eligibility_evaluate
from zhicheng.files.tests import samples

from .factories import VALID_IDENTITY, valid_row

pytestmark = pytest.mark.django_db

# (section, the row's data, purpose posted, pre-selected on the page)
CASES = [
    ("continuing_education", {}, "ce_certificate", True),  # R-CE
    ("series_transfer", {}, "unit_assessment", True),  # R-TRANSFER
    ("labour_exemption", {}, "labour_contract", True),  # R-SOCSEC exemption
    ("labour_exemption", {}, "salary_statement", False),
    ("labour_exemption", {"kind": "head_office"}, "head_office_socsec", True),
    ("identity", None, "entrustment_letter", False),  # entrusted by the province
    ("identity", None, "file_custody_approval", False),  # file kept where the unit is
]


def _row(dossier, applicant, section, data):
    if data is None:
        return services.identity_update(dossier=dossier, actor=applicant, data=VALID_IDENTITY)
    return services.section_item_create(dossier=dossier, actor=applicant, section=section,
                                        data=valid_row(section, **data))


def _upload(client, dossier, section, item, purpose):
    page = reverse("dossiers:section", args=[dossier.pk, section])
    client.get(page)
    data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "purpose": purpose, "next": page,
            "file": SimpleUploadedFile("证明.pdf", samples.pdf_bytes(), content_type="application/pdf")}
    if section != "identity":
        data["item_id"] = item.pk
    return client.post(reverse("evidence:upload", args=[dossier.pk, section]), data)


@pytest.mark.parametrize(("section", "data", "purpose", "preselected"), CASES)
def test_the_upload_asks_what_the_file_proves_and_the_rule_reads_it(dossier, applicant, section, data, purpose,
                                                                     preselected):
    item = _row(dossier, applicant, section, data)
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    page = client.get(reverse("dossiers:section", args=[dossier.pk, section])).content.decode()
    assert 'name="purpose"' in page and f'value="{purpose}"' in page
    assert (f'value="{purpose}" selected' in page) is preselected
    response = _upload(client, dossier, section, item, purpose)
    assert response.status_code in (200, 201, 302), response.content[:300]
    stored = EvidenceFile.objects.get(dossier=dossier)
    assert stored.purpose == purpose
    key = (section, None if section == "identity" else item.pk)
    assert purpose in _documents(dossier)[key]  # what the eligibility facts (and so the rule) read


def test_the_ce_certificate_uploaded_on_its_section_clears_the_finding(dossier, applicant):
    item = _row(dossier, applicant, "continuing_education", {"general_hours": "30", "specialty_hours": "60"})
    before = eligibility_evaluate(dossier=dossier)
    assert "continuing_education.certificate" in str(before.findings)
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    _upload(client, dossier, "continuing_education", item, "ce_certificate")
    after = eligibility_evaluate(dossier=dossier)
    assert "continuing_education.certificate" not in str(after.findings)


def test_a_purpose_that_does_not_belong_to_the_section_is_refused(dossier, applicant):
    item = _row(dossier, applicant, "education", {})
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    response = _upload(client, dossier, "education", item, "ce_certificate")
    assert response.status_code == 302  # back to the section, with the message
    assert "不能上传在此栏目" in client.get(response["Location"]).content.decode()
    assert not EvidenceFile.objects.exists()
