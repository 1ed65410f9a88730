"""The integrity pledge: password re-check, what it stores, and that any later change voids it."""

import pytest

from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers import services
from zhicheng.dossiers.models import PledgeSignature
from zhicheng.dossiers.selectors import dossier_pledge_current
from zhicheng.dossiers.snapshot import dossier_snapshot, snapshot_sha256

from .factories import PASSWORD, fill, signed, valid_row

pytestmark = pytest.mark.django_db


class TestPledgeSign:
    def test_stores_time_ip_agent_text_and_snapshot_hash(self, dossier, applicant, campaign):
        fill(dossier, applicant)
        pledge = signed(dossier, applicant)
        assert pledge.ip == "10.0.0.1" and pledge.user_agent == "pytest"
        assert pledge.pledge_text == campaign.pledge_text.strip()
        assert pledge.snapshot_sha256 == snapshot_sha256(dossier_snapshot(dossier))
        assert pledge.signed_at.isoformat() == "2024-10-01T10:00:00+08:00"
        assert dossier_pledge_current(dossier) == pledge
        assert AuditEvent.objects.filter(event_type="dossier.pledge_signed").exists()

    def test_wrong_password_refused_in_chinese(self, dossier, applicant):
        with pytest.raises(ApplicationError) as exc:
            services.pledge_sign(dossier=dossier, actor=applicant, password="guess", ip=None)
        assert "密码不正确" in exc.value.message_zh and "password" in exc.value.details["fields"]
        assert not PledgeSignature.objects.exists()

    def test_only_the_owner_signs(self, dossier, tree):
        with pytest.raises(PermissionDenied):
            services.pledge_sign(dossier=dossier, actor=tree["other_applicant"], password=PASSWORD)

    def test_campaign_without_pledge_text_refused(self, dossier, applicant, campaign):
        campaign.pledge_text = ""
        campaign.save()
        with pytest.raises(ApplicationError) as exc:
            services.pledge_sign(dossier=dossier, actor=applicant, password=PASSWORD)
        assert exc.value.code == "no_pledge_text"

    def test_signing_again_voids_the_older_pledge(self, dossier, applicant):
        first = signed(dossier, applicant)
        second = signed(dossier, applicant)
        first.refresh_from_db()
        assert first.invalidated_at is not None and dossier_pledge_current(dossier) == second


class TestPledgeInvalidatedByEdit:
    @pytest.mark.parametrize("edit", ["create", "update", "delete", "identity", "target"])
    def test_any_change_voids_the_pledge_and_blocks_submit(self, dossier, applicant, edit):
        item = services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                            data=valid_row("education"))
        pledge = signed(dossier, applicant)
        _edit(edit, dossier, applicant, item)
        pledge.refresh_from_db()
        assert pledge.invalidated_at is not None
        assert dossier_pledge_current(dossier) is None
        with pytest.raises(ApplicationError) as exc:
            services.dossier_submit(dossier=dossier, actor=applicant)
        assert exc.value.code == "pledge_required"

    def test_content_changed_behind_the_services_back_is_caught_by_the_hash(self, dossier, applicant):
        item = services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                            data=valid_row("education"))
        signed(dossier, applicant)
        type(item).objects.filter(pk=item.pk).update(major="别的专业")
        with pytest.raises(ApplicationError) as exc:
            services.dossier_submit(dossier=dossier, actor=applicant)
        assert exc.value.code == "pledge_outdated"

    def test_new_pledge_after_the_edit_allows_submit(self, dossier, applicant):
        signed(dossier, applicant)
        services.section_item_create(dossier=dossier, actor=applicant, section="education",
                                     data=valid_row("education"))
        signed(dossier, applicant)
        assert services.dossier_submit(dossier=dossier, actor=applicant).state == "submitted"


def _edit(edit, dossier, applicant, item):
    from .factories import VALID_IDENTITY, engineering

    if edit == "create":
        services.section_item_create(dossier=dossier, actor=applicant, section="annual_assessment",
                                     data=valid_row("annual_assessment"))
    elif edit == "update":
        services.section_item_update(dossier=dossier, actor=applicant, section="education", item_id=item.pk,
                                     data={"school": "西北师范大学"})
    elif edit == "delete":
        services.section_item_delete(dossier=dossier, actor=applicant, section="education", item_id=item.pk)
    elif edit == "identity":
        services.identity_update(dossier=dossier, actor=applicant, data=VALID_IDENTITY)
    else:
        series, level = engineering("中级")
        services.dossier_target_update(dossier=dossier, actor=applicant, series=series, level=level,
                                       scope="province", category="normal")
