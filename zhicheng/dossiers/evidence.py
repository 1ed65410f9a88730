"""Attaching an uploaded evidence file to a row of a draft dossier: inspect, store, record, audit.

Inspection, storage, the streaming upload and previews are `zhicheng.files`; this module is what is particular
to a dossier: the section row, the purpose, the per-dossier total and the audit event.
"""

from __future__ import annotations

from typing import IO

from django.db.models import Sum

from zhicheng.audit.events import EventType
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.core.permissions import require
from zhicheng.files.inspection import (
    evidence_clean_name,
    evidence_dossier_limit_bytes,
    evidence_dossier_room_check,
    evidence_file_limit_bytes,
    evidence_inspect,
)
from zhicheng.files.storage import evidence_store_then


def evidence_used_bytes(dossier) -> int:
    """The bytes of the dossier's evidence that still count (not deleted)."""
    from .models import EvidenceFile

    used = EvidenceFile.objects.filter(dossier=dossier, deleted_at__isnull=True).aggregate(total=Sum("size"))
    return int(used["total"] or 0)


def _item_id_resolve(dossier, section: str, item_id):
    from .sections import SECTIONS
    from .selectors import dossier_section_item_get

    spec = SECTIONS.get(section)
    if spec is None:
        raise NotFound("unknown_section", f"没有此栏目：{section}", f"No such section: {section}",
                       details={"field": "section"})
    if spec.single:
        return None
    return dossier_section_item_get(dossier, section, item_id).pk


def section_purposes(section: str) -> tuple[str, ...]:
    """What a file uploaded on this section may prove, where an eligibility rule asks for it ('' = general)."""
    from .models import EvidencePurpose as P

    return {
        "continuing_education": (P.CE_CERTIFICATE,),  # R-CE: the year's certificate
        "series_transfer": (P.UNIT_ASSESSMENT,),  # R-TRANSFER: the unit's assessment
        "labour_exemption": (P.LABOUR_CONTRACT, P.SALARY_STATEMENT, P.HEAD_OFFICE_SOCSEC),  # R-SOCSEC exemption
        "identity": (P.ENTRUSTMENT_LETTER, P.FILE_CUSTODY_APPROVAL),  # entrusted / file custody elsewhere
    }.get(section, ())


def purpose_preselected(section: str, item=None) -> str:
    """The purpose the section implies (its only one; for a head-office exemption the head office's statement)."""
    from .models import EvidencePurpose as P

    if section == "labour_exemption":
        return P.HEAD_OFFICE_SOCSEC if getattr(item, "kind", "") == "head_office" else P.LABOUR_CONTRACT
    purposes = section_purposes(section)
    return purposes[0] if len(purposes) == 1 else P.GENERAL


def _purpose_check(purpose: str | None, section: str = "") -> str:
    from .models import EvidencePurpose

    purpose = (purpose or "").strip()
    if purpose not in EvidencePurpose.values:
        raise ApplicationError(
            "invalid_purpose", f"文件用途不正确：{purpose}", f"Unknown evidence purpose: {purpose}",
            details={"fields": {"purpose": ["文件用途不正确"]}, "fields_en": {"purpose": ["unknown purpose"]}},
        )
    if purpose and section and purpose not in section_purposes(section):
        label = EvidencePurpose(purpose).label
        raise ApplicationError(
            "purpose_not_for_section", f"“{label}”不能上传在此栏目", f"A {purpose} does not belong to this section",
            details={"fields": {"purpose": [f"“{label}”不能上传在此栏目"]},
                     "fields_en": {"purpose": ["not for this section"]}},
        )
    return purpose


def evidence_attach(
    *, dossier, section: str, item_id, upload: IO[bytes], actor, ip: str | None = None, purpose: str = ""
):
    """Inspect the upload, store it under a random name and record it on the section row; all or nothing."""
    from .models import EvidenceFile
    from .permissions import can_edit_dossier
    from .services import dossier_content_changed, dossier_lock_for_edit

    require(can_edit_dossier(actor, dossier))  # cheap refusals before the file is read
    item_id = _item_id_resolve(dossier, section, item_id)
    purpose = _purpose_check(purpose, section)
    name = evidence_clean_name(getattr(upload, "name", "") or "")
    inspected = evidence_inspect(upload, claimed_name=name, max_bytes=evidence_file_limit_bytes(dossier.campaign))
    room = evidence_dossier_limit_bytes(dossier.campaign)
    evidence_dossier_room_check(used_bytes=evidence_used_bytes(dossier), adding_bytes=inspected.size, max_bytes=room)

    def write(stored_name: str):
        locked = dossier_lock_for_edit(dossier, actor)  # serialises concurrent uploads for the total below
        evidence_dossier_room_check(
            used_bytes=evidence_used_bytes(locked), adding_bytes=inspected.size, max_bytes=room
        )
        row = EvidenceFile.objects.create(
            dossier=locked, section=section, item_id=item_id, purpose=purpose, kind=inspected.kind, file=stored_name,
            original_name=name, size=inspected.size, sha256=inspected.sha256, page_count=inspected.page_count,
            width=inspected.width, height=inspected.height, uploaded_by=actor,
        )
        dossier_content_changed(locked, actor=actor, ip=ip, event=EventType.DOSSIER_EVIDENCE_ATTACHED, data={
            "section": section, "item": item_id, "evidence": row.pk, "kind": inspected.kind, "purpose": purpose,
            "size": inspected.size, "sha256": inspected.sha256,
        })
        return row

    return evidence_store_then(upload, inspected=inspected, write=write)
