"""The walk that proves the audit chains intact: every row, every lane head, and the last anchor.

Order: the legacy chain (plain SHA-256) first, giving its head; then each keyed lane from its genesis
(keyed over that head) to its last row; each head row must equal its lane's last row; the last anchor
line must carry a valid MAC and every head it recorded must still be in its lane with the same hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from .anchors import Anchor, audit_anchor_latest
from .chain import GENESIS_HASH, LEGACY_CHAIN, audit_hash, lane_genesis
from .events import event_label
from .models import AuditChain, AuditEvent


@dataclass(frozen=True)
class ChainCheck:
    """The verdict of one walk: ok, how many rows, and the first broken row (chain, seq) with what is wrong."""

    ok: bool
    count: int
    seq: int | None = None
    event_id: int | None = None
    event_type: str = ""
    problem_zh: str = ""
    problem_en: str = ""
    chain: int | None = None
    chains: int = 0
    anchor: Anchor | None = None

    @property
    def message(self) -> str:
        """The verdict in the active language."""
        return self.message_en if (get_language() or "").startswith("en") else self.message_zh

    @property
    def message_zh(self) -> str:
        if self.ok:
            anchored = f"，与 {self.anchor.at:%Y-%m-%d %H:%M} UTC 的锚定一致" if self.anchor else "，尚无锚定"
            return f"审计链完整：{self.count} 条（{self.chains} 条链{anchored}）"
        if self.seq is None:
            where = "锚定文件" if self.chain is None else f"链 {self.chain} 的链头"
        elif self.event_id is None:
            where = f"链 {self.chain} 第 {self.seq} 条"
        else:
            where = f"链 {self.chain} 第 {self.seq} 条（id {self.event_id}，{event_label(self.event_type)}）"
        return f"审计链断裂：{where}{self.problem_zh}"

    @property
    def message_en(self) -> str:
        if self.ok:
            anchored = f", matching the anchor of {self.anchor.at:%Y-%m-%d %H:%M} UTC" if self.anchor else ""
            return f"Audit chain intact: {self.count} events in {self.chains} chains{anchored}"
        if self.seq is None:
            where = "the anchor file" if self.chain is None else f"the head of chain {self.chain}"
        elif self.event_id is None:
            where = f"chain {self.chain} seq {self.seq}"
        else:
            where = f"chain {self.chain} seq {self.seq} (id {self.event_id}, {event_label(self.event_type)})"
        return f"Audit chain broken at {where}: {self.problem_en}"


class _Broken(Exception):
    def __init__(self, check: ChainCheck) -> None:
        self.check = check


def _row_problem(event: AuditEvent, expected_seq: int, prev_hash: str) -> tuple[str, str] | None:
    """What is wrong with this row given its predecessor, or None."""
    if event.seq != expected_seq:
        return (f"之前缺少第 {expected_seq}—{event.seq - 1} 条（记录被删除）",
                f"events {expected_seq}..{event.seq - 1} before it are missing (deleted)")
    if event.prev_hash != prev_hash:
        return "的前一哈希与上一条不符（链接被改动）", "its prev_hash does not match the previous event's hash"
    if audit_hash(prev_hash, event) != event.hash:
        return "的内容与其哈希不符（记录被改动）", "its content does not match its hash (the row was altered)"
    return None


def _walk(chain: int, genesis: str, anchored: tuple[int, str] | None, count: int, chunk_size: int):
    """Walk one chain; return (last seq, last hash, rows so far) or raise _Broken at the first bad row."""
    expected_seq, prev_hash = 1, genesis
    rows = AuditEvent.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=chunk_size)
    for event in rows:
        problem = _row_problem(event, expected_seq, prev_hash)
        if problem is None and anchored and event.seq == anchored[0] and event.hash != anchored[1]:
            problem = ("与锚定文件记录的哈希不符（锚定后被改写）", "its hash differs from the anchored one (rewritten)")
        if problem:
            raise _Broken(ChainCheck(False, count, event.seq, event.pk, event.event_type, *problem, chain=chain))
        expected_seq, prev_hash, count = event.seq + 1, event.hash, count + 1
    return expected_seq - 1, prev_hash, count


def _head_problem(chain: int, last: tuple[int, str], stored: tuple[int, str] | None, count: int) -> None:
    """The head row must name the lane's last row (a lane with no head row must be empty)."""
    if stored is None and last[0] == 0:
        return
    if stored == last:
        return
    head_seq = stored[0] if stored else 0
    if head_seq != last[0]:
        zh = f"记录最后一条为第 {head_seq} 条，表中最后一条为第 {last[0]} 条（末尾记录被删除或链头被改动）"
        en = f"the head says the last event is {head_seq} but the chain ends at {last[0]}"
    elif head_seq == 0:
        zh, en = "的起点哈希与旧链的链头不符（旧链被改写）", "its genesis does not match the legacy chain's head"
    else:
        zh, en = "的哈希与最后一条不符（链头被改动）", "its hash differs from the last event's hash"
    raise _Broken(ChainCheck(False, count, None, None, "", zh, en, chain=chain))


def _anchor_problem(chain: int, last_seq: int, anchored: tuple[int, str] | None, count: int) -> None:
    if anchored and last_seq < anchored[0]:
        raise _Broken(ChainCheck(
            False, count, last_seq + 1, None, "",
            f"起缺失：锚定时该链已有 {anchored[0]} 条，表中只剩 {last_seq} 条（末尾记录被删除）",
            f"onwards is missing: the anchor recorded {anchored[0]} events, the chain ends at {last_seq}",
            chain=chain,
        ))


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainCheck:
    """Walk every chain in seq order with constant memory; report the first broken row, or the count."""
    anchor = audit_anchor_latest()
    if anchor is not None and not anchor.authentic:
        return ChainCheck(False, 0, None, None, "", "锚定文件最后一行的校验码不符（文件被改动）",
                          "its last line fails its MAC (the file was altered)")
    anchored = anchor.heads if anchor else {}
    heads = {pk: (seq, digest) for pk, seq, digest in AuditChain.objects.values_list("pk", "last_seq", "last_hash")}
    chains = set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct()) | set(heads) | set(anchored)
    count, ends = 0, {}
    try:  # rows first (the most precise finding), then heads, then the anchor
        legacy_seq, legacy_hash, count = _walk(LEGACY_CHAIN, GENESIS_HASH, anchored.get(0), count, chunk_size)
        ends[LEGACY_CHAIN] = (legacy_seq, legacy_hash)
        for chain in sorted(chains - {LEGACY_CHAIN}):
            genesis = lane_genesis(chain, legacy_seq, legacy_hash)
            last_seq, last_hash, count = _walk(chain, genesis, anchored.get(chain), count, chunk_size)
            ends[chain] = (last_seq, last_hash)
        for chain, end in ends.items():
            _head_problem(chain, end, heads.get(chain), count)
        for chain, end in ends.items():
            _anchor_problem(chain, end[0], anchored.get(chain), count)
    except _Broken as broken:
        return broken.check
    used = sum(1 for seq, _ in ends.values() if seq)
    return ChainCheck(True, count, chains=used, anchor=anchor)
