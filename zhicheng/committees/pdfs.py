"""The evaluation's documents: tally sheet (计票单), minutes (会议纪要), entrustment letter (委托函) and package.

Rendered with reportlab and the embedded CJK font, stored through Django storage with a `StoredFile` record under
a random name; once written they are never rewritten (a new document is a new file).
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from zhicheng.files.models import PreviewStatus, StoredFile
from zhicheng.files.pdf import pdf_cjk_font

from .models import Conflict, DefenceScore, Entrustment, Meeting, SeatStatus

LINE = 18


def _store(data: bytes, *, folder: str, ext: str, kind: str) -> StoredFile:
    local = timezone.localtime()
    name = default_storage.save(f"committees/{folder}/{local:%Y}/{uuid.uuid4().hex}.{ext}", ContentFile(data))
    # generated documents get no preview (they are read as PDFs, not shown as images)
    return StoredFile.objects.create(name=name, kind=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                     preview_status=PreviewStatus.UNAVAILABLE)


class _Page:
    """A minimal flowing page writer: lines of CJK text, new pages when full."""

    def __init__(self, title: str) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=A4)
        self.canvas.setTitle(title)
        self.width, self.height = A4
        self.font = pdf_cjk_font()
        self.y = self.height - 60
        self.line(title, size=16)
        self.y -= 6

    def line(self, text: str, size: int = 11, indent: int = 0) -> None:
        if self.y < 60:
            self.canvas.showPage()
            self.y = self.height - 60
        self.canvas.setFont(self.font, size)
        self.canvas.drawString(56 + indent, self.y, text[:70])
        self.y -= LINE if size <= 12 else LINE + 6

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def _candidate(item) -> str:
    dossier = item.dossier
    return f"{dossier.applicant.real_name}（{dossier.organisation.name}）"


def tally_pdf(meeting: Meeting) -> StoredFile:
    """计票单: totals per candidate, the result, and the chair's signature record."""
    page = _Page(f"{meeting.committee.name} 计票单")
    page.line(f"会议：{meeting.name}　日期：{meeting.held_on:%Y年%m月%d日}")
    page.line("序号  候选人  有表决权  同意  不同意  弃权  结果")
    for item in meeting.items.select_related("dossier__applicant", "dossier__organisation").order_by("position"):
        result = "通过" if item.passed and not item.quota_excluded else "未通过"
        if item.quota_excluded:
            result += "（名额）"
        page.line(f"{item.position}  {_candidate(item)}  {item.eligible}  {item.yes}  {item.no}  {item.abstain}  "
                  f"{result}", size=10)
    chair = meeting.chair.user.real_name if meeting.chair_id else ""
    page.line(f"主任委员签署：{chair}　{timezone.localtime(meeting.signed_at):%Y-%m-%d %H:%M}")
    return _store(page.finish(), folder="tally", ext="pdf", kind="pdf")


def minutes_pdf(meeting: Meeting) -> StoredFile:
    """会议纪要: attendance, recusals, panel opinions, totals, the signed result."""
    page = _Page(f"{meeting.committee.name} 会议纪要")
    page.line(f"会议：{meeting.name}　日期：{meeting.held_on:%Y年%m月%d日}　地点：{meeting.place}")
    seats = list(meeting.members.select_related("expert__user")
                 .filter(status__in=[SeatStatus.CONFIRMED, SeatStatus.INVITED]))
    present = [s.expert.user.real_name for s in seats if s.present]
    page.line(f"出席委员 {len(present)} 人（委员 {len(seats)} 人）：{'、'.join(present)}", size=10)
    page.line("回避情况：")
    items = list(meeting.items.select_related("dossier__applicant", "dossier__organisation")
                 .prefetch_related("panel_opinions").order_by("position"))
    defence = defence_averages(meeting)
    conflicts = Conflict.objects.filter(dossier__in=[i.dossier for i in items],
                                        expert__in=[s.expert for s in seats]).select_related("expert__user",
                                                                                             "dossier__applicant")
    for conflict in conflicts:
        page.line(f"{conflict.expert.user.real_name} 回避 {conflict.dossier.applicant.real_name}："
                  f"{conflict.get_source_display()}", size=10, indent=12)
    page.line("评议意见与表决结果：")
    for item in items:
        page.line(f"{item.position}. {_candidate(item)}：同意 {item.yes}，不同意 {item.no}，弃权 {item.abstain}，"
                  f"有表决权 {item.eligible} 人，{'通过' if item.passed and not item.quota_excluded else '未通过'}",
                  size=10, indent=12)
        if item.defence_no_show:
            page.line(f"答辩：未到场（{item.defence_note}），仍列入议程表决", size=10, indent=24)
        elif item.pk in defence:
            experts, average = defence[item.pk]
            page.line(f"答辩：{experts} 名专家评分，平均 {average:.1f} 分", size=10, indent=24)
        for opinion in item.panel_opinions.all():
            page.line(f"{opinion.panel_name}：{opinion.opinion}", size=10, indent=24)
        if item.quota_excluded:
            page.line(f"名额处理：{item.quota_note}", size=10, indent=24)
    chair = meeting.chair.user.real_name if meeting.chair_id else ""
    page.line(f"主任委员 {chair} 已签署计票结果。")
    return _store(page.finish(), folder="minutes", ext="pdf", kind="pdf")


def defence_averages(meeting: Meeting) -> dict[int, tuple[int, float]]:
    """Per agenda item: how many experts scored the defence and their average total (one query)."""
    from collections import defaultdict

    totals: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for item_id, expert_id, score in DefenceScore.objects.filter(item__meeting=meeting).values_list(
            "item_id", "expert_id", "score"):
        totals[item_id][expert_id] += score
    return {item_id: (len(by_expert), sum(by_expert.values()) / len(by_expert))
            for item_id, by_expert in totals.items()}


def entrustment_letter_pdf(entrustment: Entrustment) -> StoredFile:
    """委托函 (Attachment 2 of the notice)."""
    dossier = entrustment.dossier
    page = _Page("职称评审委托函")
    page.line(f"{entrustment.receiving_committee}：")
    page.line(f"兹委托贵委员会对 {dossier.applicant.real_name}（{dossier.organisation.name}）申报的")
    page.line(f"{dossier.series.name}系列{dossier.level.name}职称进行评审，评审结果请函告我办。")
    page.line("随函附送申报材料（含材料目录、佐证材料及数据文件）。")
    page.line(f"{timezone.localtime(entrustment.prepared_at):%Y年%m月%d日}")
    return _store(page.finish(), folder="entrustment", ext="pdf", kind="pdf")


def dossier_bundle_pdf(dossier) -> bytes:
    """The dossier with a material index (材料目录) first."""
    page = _Page(f"{dossier.applicant.real_name} 申报材料")
    page.line("材料目录")
    sections = [("学历", dossier.educationrecord_items.all()), ("工作经历", dossier.workhistoryentry_items.all()),
                ("现任职称", dossier.titleheld_items.all()), ("业绩成果", dossier.achievement_items.all())]
    for number, (label, rows) in enumerate(sections, start=1):
        page.line(f"{number}. {label}（{rows.count()} 项）", indent=12)
    for label, rows in sections:
        page.line(label, size=12)
        for row in rows:
            page.line(str({k: str(v) for k, v in row.__dict__.items() if not k.startswith("_") and k not in (
                "id", "dossier_id", "created_at", "updated_at")}), size=9, indent=12)
    return page.finish()


def entrustment_package(entrustment: Entrustment) -> StoredFile:
    """A ZIP: the dossier PDF with its material index, the evidence files, and a data file (JSON)."""
    dossier = entrustment.dossier
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("申报材料.pdf", dossier_bundle_pdf(dossier))
        data = {"dossier": dossier.pk, "applicant": dossier.applicant.real_name, "unit": dossier.organisation.name,
                "series": dossier.series.name, "level": dossier.level.name,
                "committee": entrustment.receiving_committee}
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        for evidence in dossier.evidence_files.all():
            try:
                with evidence.file.open("rb") as fh:
                    archive.writestr(f"佐证材料/{evidence.pk}-{evidence.original_name}", fh.read())
            except OSError:  # a file missing from storage is listed, not fatal
                archive.writestr(f"佐证材料/{evidence.pk}-缺失.txt", evidence.original_name)
    return _store(buffer.getvalue(), folder="entrustment", ext="zip", kind="zip")
