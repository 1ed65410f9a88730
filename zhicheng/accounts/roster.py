"""The roster (花名册): the people an organisation may open applicant accounts for (R-ACCOUNT, §七(一))."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from zhicheng.audit.events import EventType
from zhicheng.audit.services import audit_event_record
from zhicheng.core.errors import ApplicationError
from zhicheng.core.permissions import require

from .models import ROSTER_RELATION_BY_KIND, IdType, Organisation, StaffRosterEntry, User
from .permissions import can_manage_roster, user_can_act
from .services import full_clean_or_refuse, invalid
from .validators import id_number_error, normalise_id_number

ROSTER_IMPORT_MAX_ROWS = 5000
# ID types a CSV may name by code or by its Chinese label
_ID_TYPES = {**{t.value: t.value for t in IdType}, **{str(t.label): t.value for t in IdType}}


@dataclass
class RosterImportResult:
    added: int = 0
    reactivated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)


# What `_roster_put` did, as the event it records
ROSTER_EVENTS = {"added": EventType.ROSTER_ADDED, "reactivated": EventType.ROSTER_REACTIVATED}


def _relation_for(org: Organisation) -> str:
    return ROSTER_RELATION_BY_KIND[org.kind]


def _roster_put(*, actor: User, org: Organisation, id_type: str, id_number: str, real_name: str) -> tuple[str, object]:
    """Add or reactivate one entry; return what happened ("added", "reactivated" or "unchanged") and the entry."""
    entry = (
        StaffRosterEntry.objects.select_for_update()
        .filter(organisation=org, id_type=id_type, id_number=id_number)
        .first()
    )
    if entry is not None and entry.is_active and entry.real_name == real_name:
        return "unchanged", entry
    outcome = "added" if entry is None else "reactivated"
    entry = entry or StaffRosterEntry(organisation=org, id_type=id_type, id_number=id_number)
    entry.real_name, entry.relation, entry.is_active, entry.added_by = real_name, _relation_for(org), True, actor
    full_clean_or_refuse(entry, exclude=["added_by"])
    entry.save()
    return outcome, entry


@transaction.atomic
def roster_entry_add(
    *, actor: User, organisation: Organisation, real_name: str, id_number: str, id_type: str = IdType.RESIDENT,
    ip: str | None = None,
) -> StaffRosterEntry:
    """Put a person on the organisation's roster (its own admin only)."""
    require(user_can_act(actor))
    require(can_manage_roster(actor, organisation))
    real_name, id_number = (real_name or "").strip(), normalise_id_number(id_number)
    if not real_name:
        raise invalid("real_name", "请填写姓名")
    error = id_number_error(id_type, id_number)
    if error:
        raise invalid("id_number", error)
    holder = StaffRosterEntry.objects.select_for_update().filter(
        organisation=organisation, id_type=id_type, id_number=id_number, is_active=True).first()
    if holder is not None and holder.real_name != real_name:  # never rename someone by adding another person
        message = f"此证件号已在花名册中，登记的姓名是“{holder.real_name}”；同一证件号不能再登记为“{real_name}”"
        refusal = invalid("id_number", message, "This ID number is already on the roster under another name")
        refusal.status = 409
        raise refusal
    outcome, entry = _roster_put(
        actor=actor, org=organisation, id_type=id_type, id_number=id_number, real_name=real_name
    )
    if outcome == "unchanged":
        raise ApplicationError("already_on_roster", f"{real_name}（{id_number}）已在花名册中", "Already on the roster")
    audit_event_record(
        event_type=ROSTER_EVENTS[outcome], actor=actor, organisation=organisation, obj=entry,
        data={"real_name": real_name, "id_number": id_number}, ip=ip,
    )
    return entry


@transaction.atomic
def roster_entry_remove(*, actor: User, entry: StaffRosterEntry, ip: str | None = None) -> StaffRosterEntry:
    """Take a person off the roster; accounts already opened stay (their memberships are revoked separately)."""
    require(user_can_act(actor))
    entry = StaffRosterEntry.objects.select_for_update().select_related("organisation").get(pk=entry.pk)
    require(can_manage_roster(actor, entry.organisation))
    if not entry.is_active:
        raise ApplicationError("already_removed", "该人员已不在花名册中", "Already removed")
    entry.is_active = False
    entry.save(update_fields=["is_active", "updated_at"])
    audit_event_record(
        event_type=EventType.ROSTER_REMOVED, actor=actor, organisation=entry.organisation, obj=entry, ip=ip
    )
    return entry


def _parse_roster_csv(text: str) -> tuple[list[tuple[int, str, str, str]], list[dict]]:
    """Rows (line, name, id type, id number) and per-line errors; columns 姓名, 证件号码[, 证件类型]."""
    rows, errors, seen = [], [], {}
    for line_no, row in enumerate(csv.reader(io.StringIO((text or "").lstrip("\ufeff"))), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (line_no == 1 and cells and cells[0] in ("姓名", "name")):
            continue
        if len(cells) < 2:
            errors.append({"line": line_no, "message": "每行应有“姓名,证件号码[,证件类型]”"})
            continue
        name, number = cells[0], normalise_id_number(cells[1])
        id_type = _ID_TYPES.get(cells[2]) if len(cells) > 2 and cells[2] else IdType.RESIDENT
        message = None
        if not name:
            message = "姓名为空"
        elif id_type is None:
            message = f"未知的证件类型“{cells[2]}”"
        else:
            message = id_number_error(id_type, number)
        if message is None and (id_type, number) in seen:
            message = f"与第 {seen[(id_type, number)]} 行重复"
        if message:
            errors.append({"line": line_no, "message": message})
        else:
            seen[(id_type, number)] = line_no
            rows.append((line_no, name, id_type, number))
    return rows, errors


@transaction.atomic
def roster_import(*, actor: User, organisation: Organisation, text: str, ip: str | None = None) -> RosterImportResult:
    """Import roster rows from CSV text; any bad line refuses the whole file, so nothing is saved half-way."""
    require(user_can_act(actor))
    require(can_manage_roster(actor, organisation))
    rows, errors = _parse_roster_csv(text)
    if len(rows) > ROSTER_IMPORT_MAX_ROWS:
        errors.append({"line": 0, "message": f"一次最多导入 {ROSTER_IMPORT_MAX_ROWS} 行"})
    if not rows and not errors:
        errors.append({"line": 0, "message": "文件中没有人员"})
    if errors:
        raise ApplicationError(
            "roster_import_invalid", f"花名册有 {len(errors)} 处错误，未导入任何人员，请改正后重新导入",
            "The roster file has errors; nothing was imported", details={"errors": errors},
        )
    result = RosterImportResult()
    for _line, name, id_type, number in rows:
        outcome, _entry = _roster_put(actor=actor, org=organisation, id_type=id_type, id_number=number, real_name=name)
        setattr(result, outcome, getattr(result, outcome) + 1)
    audit_event_record(
        event_type=EventType.ROSTER_IMPORTED, actor=actor, organisation=organisation,
        data={"added": result.added, "reactivated": result.reactivated, "unchanged": result.unchanged}, ip=ip,
    )
    return result
