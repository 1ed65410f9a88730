"""The demo ends the 2024 cycle: issued certificates (one revoked) its holders download and verify by the QR URL."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from zhicheng.certificates.models import Certificate
from zhicheng.demo.results import demo_results_seed

pytestmark = pytest.mark.django_db


def test_issued_certificates_one_revoked_downloadable_and_verifiable():
    call_command("seed_demo", stdout=io.StringIO())
    certificates = list(Certificate.objects.select_related("holder").order_by("number"))
    assert len(certificates) >= 2 and all(c.issued_at for c in certificates)
    assert [c.revoked_at is not None for c in certificates].count(True) == 1
    holder_cert = next(c for c in certificates if c.revoked_at is None)
    client = Client()
    client.force_login(holder_cert.holder)
    assert holder_cert.number in client.get("/certificates/mine/").content.decode()
    response = client.get(f"/certificates/mine/{holder_cert.pk}/pdf/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    page = Client().get(f"/public/certificates/v/{holder_cert.code}/").content.decode()
    assert "有效" in page and holder_cert.holder_name in page
    revoked = next(c for c in certificates if c.revoked_at is not None)
    assert "已撤销" in Client().get(f"/public/certificates/v/{revoked.code}/").content.decode()
    assert demo_results_seed() == 0 and Certificate.objects.count() == len(certificates)  # run again: nothing new
