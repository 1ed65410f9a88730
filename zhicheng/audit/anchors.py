"""Anchors: the chains' heads written, now and then, to a file outside the database.

Someone who can write to the database but not to this file (nor knows the key) can still delete the newest
rows of a lane and set its head back; the next anchor recorded what the head was, so `audit_verify` sees
the loss. One JSON line per anchor, appended and fsynced: {"at", "heads": {chain: [seq, hash]}, "mac"}.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .chain import mac
from .models import AuditChain

_TAIL_BYTES = 1 << 20  # an anchor line is ~90 bytes per lane; the last one is always in the last MiB


@dataclass(frozen=True)
class Anchor:
    """One anchor line: when, which heads, and whether its MAC still matches (the file was not edited)."""

    at: dt.datetime
    heads: dict[int, tuple[int, str]]
    authentic: bool
    path: Path


def anchor_path() -> Path:
    return Path(settings.ZHICHENG_AUDIT_ANCHOR_FILE)


def _body(at: str, heads: dict[int, tuple[int, str]]) -> str:
    plain = {str(chain): [seq, digest] for chain, (seq, digest) in sorted(heads.items())}
    return json.dumps({"at": at, "heads": plain}, sort_keys=True, separators=(",", ":"))


def audit_anchor_write() -> Anchor:
    """Append the current head of every chain (committed values) to the anchor file."""
    heads = {
        chain: (seq, digest)
        for chain, seq, digest in AuditChain.objects.order_by("pk").values_list("pk", "last_seq", "last_hash")
        if seq > 0
    }
    at = timezone.now().astimezone(dt.UTC).isoformat(timespec="microseconds")
    body = _body(at, heads)
    line = json.dumps({**json.loads(body), "mac": mac(body)}, sort_keys=True, separators=(",", ":"))
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return Anchor(dt.datetime.fromisoformat(at), heads, True, path)


def _last_line(path: Path) -> str:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - _TAIL_BYTES))
        lines = [raw for raw in handle.read().splitlines() if raw.strip()]
    return lines[-1].decode("utf-8", errors="replace") if lines else ""


def audit_anchor_latest() -> Anchor | None:
    """The last anchor in the file, or None if nothing was anchored yet; a damaged line is not authentic."""
    path = anchor_path()
    if not path.exists():
        return None
    line = _last_line(path)
    if not line:
        return None
    try:
        parsed = json.loads(line)
        heads = {int(chain): (int(seq), str(digest)) for chain, (seq, digest) in parsed["heads"].items()}
        body = _body(parsed["at"], heads)
        authentic = hmac.compare_digest(mac(body), str(parsed.get("mac", "")))
        return Anchor(dt.datetime.fromisoformat(parsed["at"]), heads, authentic, path)
    except (ValueError, KeyError, TypeError):
        return Anchor(timezone.now(), {}, False, path)
