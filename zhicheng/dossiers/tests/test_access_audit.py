"""Reads of personal data by staff and every refusal leave an audit row naming who (finding 14)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.audit.models import AuditEvent
from zhicheng.audit.selectors import audit_chain_verify
from zhicheng.dossiers.services import dossier_submit, section_item_create
from zhicheng.files.tests import samples as files

from .factories import at, dossier_for, fill, signed, valid_row

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("inside_window")]
INSIDE = "2024-10-01T10:00:00+08:00"


@pytest.fixture
def submitted(client, campaign, tree, settings, tmp_path):
    """A submitted dossier of the unit's applicant with one PDF attached; returns (dossier, file id)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    applicant = tree["applicant"]
    with at(INSIDE):
        dossier = dossier_for(applicant, campaign)
        row = section_item_create(dossier=dossier, actor=applicant, section="education", data=valid_row("education"))
    login_verified(client, applicant)
    upload = client.post(reverse("evidence:upload", args=[dossier.pk, "education"]),
                         {"file": SimpleUploadedFile("学历.pdf", files.pdf_bytes()), "item_id": row.pk})
    assert upload.status_code == 201, upload.content
    with at(INSIDE):
        fill(dossier, applicant)
        signed(dossier, applicant)
        dossier_submit(dossier=dossier, actor=applicant)
    client.logout()
    return dossier, upload.json()["id"]


def _rows(event_type: str, user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type, actor_id=user.pk).order_by("id"))


def test_clerk_reading_the_dossier_and_its_evidence_is_audited(client, submitted, tree):
    dossier, file_id = submitted
    clerk = tree["unit_clerk"]
    login_verified(client, clerk)
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier.pk}").status_code == 200
    download = client.get(reverse("evidence:download", args=[file_id]))
    assert download.status_code == 200
    b"".join(download.streaming_content)

    reads = _rows("access.read", clerk)
    assert [r.data["path"] for r in reads] == [
        reverse("dossiers:detail", args=[dossier.pk]), f"/api/v1/dossiers/{dossier.pk}",
        reverse("evidence:download", args=[file_id]),
    ]
    assert all((r.object_type, r.object_id) == ("dossiers.dossier", str(dossier.pk)) for r in reads)
    assert all(r.organisation_id == dossier.organisation_id and r.actor_label for r in reads)
    assert reads[2].data["notes"][0]["evidence_file"] == file_id
    assert not _rows("access.denied", clerk)
    assert audit_chain_verify().ok


def test_another_organisations_clerk_gets_404_and_a_denial_row(client, submitted, tree):
    dossier, file_id = submitted
    intruder = tree["other_clerk"]
    login_verified(client, intruder)
    urls = [reverse("dossiers:detail", args=[dossier.pk]), f"/api/v1/dossiers/{dossier.pk}",
            reverse("evidence:download", args=[file_id]), reverse("evidence:preview", args=[file_id])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    denials = _rows("access.denied", intruder)
    assert [d.data["path"] for d in denials] == urls
    assert all(d.data["status"] == 404 for d in denials)
    assert denials[0].data["notes"][0]["object_id"] == str(dossier.pk)
    assert denials[2].data["notes"][0]["evidence_file"] == file_id
    assert not _rows("access.read", intruder)


def test_the_applicant_reading_their_own_dossier_writes_no_row(client, submitted, tree):
    dossier, file_id = submitted
    applicant = tree["applicant"]
    login_verified(client, applicant)
    before = AuditEvent.objects.count()
    assert client.get(reverse("dossiers:detail", args=[dossier.pk])).status_code == 200
    assert client.get(f"/api/v1/dossiers/{dossier.pk}").status_code == 200
    assert client.get(reverse("evidence:download", args=[file_id])).status_code == 200
    assert AuditEvent.objects.count() == before


def test_a_permission_denial_is_audited_with_its_reason(client, tree):
    applicant = tree["applicant"]
    login_verified(client, applicant)
    assert client.get("/api/v1/audit/events").status_code == 403
    assert client.get(reverse("audit:events")).status_code == 403
    denials = _rows("access.denied", applicant)
    assert [d.data["status"] for d in denials] == [403, 403]
    assert "audit" in denials[0].data["notes"][0]["reason"]


def test_anonymous_refusals_are_not_recorded(client, submitted):
    dossier, file_id = submitted
    before = AuditEvent.objects.count()
    client.get(reverse("dossiers:detail", args=[dossier.pk]))
    client.get(reverse("evidence:download", args=[file_id]))
    client.get(f"/api/v1/dossiers/{dossier.pk}")
    client.get("/no-such-page/")
    assert AuditEvent.objects.count() == before


def test_a_signed_in_users_404s_are_recorded(client, tree):
    clerk = tree["unit_clerk"]
    login_verified(client, clerk)
    assert client.get("/dossiers/999999999/").status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    probe, unknown = _rows("access.denied", clerk)
    assert probe.data["notes"][0]["object_id"] == "999999999"
    assert unknown.data["path"] == "/no-such-page/" and unknown.data["notes"] == []
