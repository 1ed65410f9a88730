"""Submitting: the deadline as an instant by the server clock, one version per submit, snapshots and diffs."""

import inspect
import threading

import pytest
from django.db import connection

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers import services
from zhicheng.dossiers.models import Dossier, DossierVersion, EvidenceFile
from zhicheng.dossiers.snapshot import dossier_snapshot, snapshot_sha256, version_diff

from .factories import at, dossier_for, fill, signed, valid_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(dossier, applicant):
    """A filled dossier with a valid pledge, signed inside the window."""
    fill(dossier, applicant)
    signed(dossier, applicant)
    return dossier


class TestDeadline:
    @pytest.mark.parametrize(("instant", "accepted"), [
        ("2024-10-10T23:59:59+08:00", True),
        ("2024-10-10T23:59:59.999999+08:00", True),
        ("2024-10-11T00:00:00+08:00", False),  # "10-10 24:00" is 10-11 00:00 and the window excludes its end
        ("2024-10-10T15:59:59+00:00", True),  # the same instants written in UTC
        ("2024-10-10T16:00:00+00:00", False),
        ("2024-09-10T00:00:00+08:00", True),  # the opening instant is inside
        ("2024-09-09T15:59:59+00:00", False),
    ])
    def test_window_is_compared_as_instants(self, ready, applicant, instant, accepted):
        with at(instant):
            if accepted:
                assert services.dossier_submit(dossier=ready, actor=applicant).state == "submitted"
            else:
                with pytest.raises(ApplicationError) as exc:
                    services.dossier_submit(dossier=ready, actor=applicant)
                assert exc.value.code == "submission_closed" and exc.value.status == 409
        ready.refresh_from_db()
        assert (ready.state == "submitted") is accepted
        assert DossierVersion.objects.filter(dossier=ready).count() == int(accepted)

    def test_no_client_clock_can_be_passed(self):
        for service in (services.dossier_submit, services.dossier_create, services.pledge_sign):
            params = set(inspect.signature(service).parameters)
            assert not params & {"now", "at", "clock", "client_time"}


class TestSubmit:
    def test_freezes_a_version_with_snapshot_hash_and_pledge(self, ready, applicant):
        snapshot = dossier_snapshot(ready)
        submitted = services.dossier_submit(dossier=ready, actor=applicant, ip="10.0.0.2")
        version = DossierVersion.objects.get(dossier=ready)
        assert version.number == 1 and version.snapshot == snapshot
        assert version.sha256 == snapshot_sha256(snapshot) and version.pledge.dossier_id == ready.pk
        assert submitted.submitted_at.isoformat() == "2024-10-01T10:00:00+08:00"
        event = AuditEvent.objects.get(event_type="dossier.submitted")
        assert event.data["version"] == 1 and event.ip == "10.0.0.2"

    def test_second_submit_refused_as_already_submitted(self, ready, applicant):
        services.dossier_submit(dossier=ready, actor=applicant)
        with pytest.raises(ApplicationError) as exc:
            services.dossier_submit(dossier=ready, actor=applicant)
        assert exc.value.code == "already_submitted" and "已提交" in exc.value.message_zh
        assert DossierVersion.objects.filter(dossier=ready).count() == 1

    @pytest.mark.parametrize("who", ["other_applicant", "unit_clerk", "observer"])
    def test_only_the_owner_submits(self, ready, tree, who):
        with pytest.raises(PermissionDenied):
            services.dossier_submit(dossier=ready, actor=tree[who])
        assert not DossierVersion.objects.exists()

    def test_without_pledge_refused(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            services.dossier_submit(dossier=dossier, actor=applicant)
        assert exc.value.code == "pledge_required"

    def test_submitted_dossier_cannot_be_edited(self, ready, applicant):
        services.dossier_submit(dossier=ready, actor=applicant)
        with pytest.raises(PermissionDenied) as exc:
            services.section_item_create(dossier=ready, actor=applicant, section="education",
                                         data=valid_row("education"))
        assert "已提交" in exc.value.message_zh


class TestWithdraw:
    def test_withdraw_in_the_window_keeps_everything_as_a_draft(self, ready, applicant, campaign):
        services.dossier_submit(dossier=ready, actor=applicant)
        withdrawn = services.dossier_withdraw(dossier=ready, actor=applicant, reason="换单位申报")
        assert withdrawn.state == "draft" and withdrawn.withdraw_reason == "换单位申报"
        assert withdrawn.submitted_at is None and withdrawn.withdrawn_at is None
        assert DossierVersion.objects.filter(dossier=ready).count() == 1
        assert Dossier.objects.filter(applicant=applicant, campaign=campaign).get().pk == ready.pk  # still theirs

    def test_reason_required(self, ready, applicant):
        services.dossier_submit(dossier=ready, actor=applicant)
        with pytest.raises(ApplicationError) as exc:
            services.dossier_withdraw(dossier=ready, actor=applicant, reason="  ")
        assert "reason" in exc.value.details["fields"]

    def test_draft_cannot_be_withdrawn(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            services.dossier_withdraw(dossier=dossier, actor=applicant, reason="不报了")
        assert exc.value.status == 409

    def test_others_cannot_withdraw(self, ready, applicant, tree):
        services.dossier_submit(dossier=ready, actor=applicant)
        for who in ("other_applicant", "unit_clerk"):
            with pytest.raises(PermissionDenied):
                services.dossier_withdraw(dossier=ready, actor=tree[who], reason="x")

    def test_withdrawn_in_the_window_is_submitted_again(self, ready, applicant):
        services.dossier_submit(dossier=ready, actor=applicant)
        services.dossier_withdraw(dossier=ready, actor=applicant, reason="补充材料")
        assert services.dossier_submit(dossier=ready, actor=applicant).state == "submitted"

    def test_there_is_no_delete_service(self):
        assert not [name for name in dir(services) if name.startswith("dossier_") and "delete" in name]


class TestSnapshot:
    def test_canonical_shape(self, ready, applicant):
        snapshot = dossier_snapshot(ready)
        assert snapshot["person"]["birth_date"] == applicant.id_number[6:10] + "-" + applicant.id_number[10:12] \
            + "-" + applicant.id_number[12:14]
        assert snapshot["person"]["sex"] in ("M", "F")
        achievement = snapshot["sections"]["achievement"][0]
        assert achievement["cnki_indexed"] is True and achievement["achieved_on"] == "2024-05-01"
        assert snapshot_sha256(snapshot) == snapshot_sha256(dossier_snapshot(ready))

    def test_evidence_hashes_are_in_the_snapshot_and_version(self, ready, applicant):
        EvidenceFile.objects.create(
            dossier=ready, section="education", item_id=1, kind="pdf", file="evidence/x.pdf", original_name="x.pdf",
            size=10, sha256="b" * 64, uploaded_by=applicant,
        )
        signed(ready, applicant)
        services.dossier_submit(dossier=ready, actor=applicant)
        assert DossierVersion.objects.get(dossier=ready).file_hashes == ["b" * 64]

    def test_version_diff_lists_changed_added_and_removed_rows(self, dossier, applicant):
        item = services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                            data=valid_row("education"))
        before = dossier_snapshot(dossier)
        services.section_item_update(dossier=dossier, actor=applicant, section="education", item_id=item.pk,
                                     data={"major": "桥梁工程"})
        added = services.section_item_create(dossier=dossier, actor=applicant, section="annual_assessment",
                                             data=valid_row("annual_assessment"))
        diff = version_diff(before, dossier_snapshot(dossier))
        assert {"section": "education", "item": item.pk, "field": "major", "before": "土木工程",
                "after": "桥梁工程"} in diff
        assert {"section": "annual_assessment", "item": added.pk, "field": "grade", "before": None,
                "after": "excellent"} in diff
        assert version_diff(before, before) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_concurrent_submits_make_exactly_one_version(audit_flushable, catalog_reseeded, tree, campaign):
    applicant = tree["applicant"]
    with at("2024-10-01T10:00:00+08:00"):
        dossier = dossier_for(applicant, campaign)
        fill(dossier, applicant)
        signed(dossier, applicant)
        barrier, outcomes = threading.Barrier(2), []

        def submit():
            try:
                barrier.wait()
                services.dossier_submit(dossier=Dossier.objects.get(pk=dossier.pk), actor=applicant)
                outcomes.append("ok")
            except ApplicationError as exc:
                outcomes.append(exc.code)
            finally:
                connection.close()

        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(outcomes) == ["already_submitted", "ok"]
    assert DossierVersion.objects.filter(dossier=dossier).count() == 1
