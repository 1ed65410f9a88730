"""The canonical snapshot of a dossier, its SHA-256, and the differences between two snapshots."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import models

from zhicheng.accounts.validators import ID_TYPE_RESIDENT, birth_date_from_id, sex_from_id

from .models import Dossier, EvidenceFile
from .sections import ROW_SECTIONS, SECTIONS

SNAPSHOT_FORMAT = 1


def _plain(value: Any) -> Any:
    """A JSON value that reads the same everywhere: ISO dates, Decimals as strings, objects as their id."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(spec, item) -> dict[str, Any]:
    attnames = {name: spec.model._meta.get_field(name).attname for name in spec.fields}
    return {"id": item.pk, **{name: _plain(getattr(item, attname)) for name, attname in attnames.items()}}


def dossier_person(dossier: Dossier) -> dict[str, Any]:
    """Name and ID from the account; sex and birth date derived from a resident ID number, never typed."""
    user = dossier.applicant
    person = {"real_name": user.real_name, "id_type": user.id_type, "id_number": user.id_number}
    if user.id_type == ID_TYPE_RESIDENT and user.id_number:
        person["sex"] = sex_from_id(user.id_number)
        person["birth_date"] = birth_date_from_id(user.id_number).isoformat()
    return person


def snapshot_target(dossier: Dossier) -> dict[str, Any]:
    """What the dossier applies for and through whom, as the snapshot records it."""
    return {
        "campaign": dossier.campaign_id, "organisation": dossier.organisation_id, "series": dossier.series_id,
        "level": dossier.level_id, "specialty": dossier.specialty_id, "scope": dossier.scope,
        "category": dossier.category, "route": dossier.route,
    }


def evidence_hashes(dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's current (not deleted) evidence files, by id, with their SHA-256."""
    files = EvidenceFile.objects.filter(dossier=dossier, deleted_at__isnull=True).order_by("id")
    return [
        {"id": f.pk, "section": f.section, "item": f.item_id, "name": f.original_name, "size": f.size,
         "sha256": f.sha256}
        for f in files
    ]


def dossier_snapshot(dossier: Dossier) -> dict[str, Any]:
    """Everything the applicant declares, in a fixed shape: target, person, identity, each section's rows."""
    identity_spec = SECTIONS["identity"]
    identity = identity_spec.model.objects.filter(dossier=dossier).first()
    sections = {}
    for name in ROW_SECTIONS:
        spec = SECTIONS[name]
        sections[name] = [_row(spec, item) for item in spec.model.objects.filter(dossier=dossier).order_by("id")]
    return {
        "format": SNAPSHOT_FORMAT,
        "dossier": dossier.pk,
        "target": snapshot_target(dossier),
        "person": dossier_person(dossier),
        "identity": _row(identity_spec, identity) if identity else None,
        "sections": sections,
        "evidence": evidence_hashes(dossier),
    }


def snapshot_canonical(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(snapshot_canonical(snapshot).encode("utf-8")).hexdigest()


def _fields_diff(section: str, item: Any, before: dict | None, after: dict | None) -> list[dict[str, Any]]:
    before, after = before or {}, after or {}
    names = sorted((set(before) | set(after)) - {"id"})
    return [
        {"section": section, "item": item, "field": name, "before": before.get(name), "after": after.get(name)}
        for name in names
        if before.get(name) != after.get(name)
    ]


def _rows_diff(section: str, before: list[dict], after: list[dict]) -> list[dict[str, Any]]:
    """Rows matched by id: a new row shows every field with before None, a removed one with after None."""
    old, new = {r["id"]: r for r in before}, {r["id"]: r for r in after}
    changes = []
    for item in sorted(set(old) | set(new)):
        changes += _fields_diff(section, item, old.get(item), new.get(item))
    return changes


def version_diff(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed from snapshot `a` to snapshot `b`, as {section, item, field, before, after} rows."""
    changes = _fields_diff("target", None, a.get("target"), b.get("target"))
    changes += _fields_diff("person", None, a.get("person"), b.get("person"))
    changes += _fields_diff("identity", None, a.get("identity"), b.get("identity"))
    for section in ROW_SECTIONS:
        changes += _rows_diff(section, a.get("sections", {}).get(section, []), b.get("sections", {}).get(section, []))
    changes += _rows_diff("evidence", a.get("evidence", []), b.get("evidence", []))
    return changes
