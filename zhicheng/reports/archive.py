"""The archive bundle (档案) of a finished dossier: one PDF with a cover, the material index (目录) with page numbers,
the frozen version rendered, the review trail, and every evidence file of that version appended (PDFs merged as they
are, images placed on A4 pages).

Page numbers are known before anything is merged: the cover is one page, the index has a fixed number of lines per
page, the rendered part records where each section starts while it is laid out (reportlab), and each evidence file
counts its own pages (pypdf; an image is one page). The bundle is written to a file and stored by the task.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from zhicheng.accounts.models import Organisation
from zhicheng.campaigns.models import Campaign
from zhicheng.catalog.models import Level, Series, Specialty
from zhicheng.dossiers.models import Dossier, DossierState, DossierVersion, EvidenceFile, EvidenceKind, EvidencePurpose
from zhicheng.dossiers.sections import SECTIONS
from zhicheng.files.pdf import pdf_cjk_font

from .archive_scope import ARCHIVE_STATES, archive_dossiers_for  # noqa: F401 - re-exported
from .permissions import id_number_masked

logger = logging.getLogger(__name__)
S = DossierState
INDEX_LINES_PER_PAGE = 32
_W, _H = A4
_MARGIN = 20 * mm


@dataclass
class IndexEntry:
    title: str
    page: int = 0
    level: int = 0  # 0: a part of the bundle; 1: a section or a file inside it


@dataclass
class Bundle:
    pages: int
    entries: list[IndexEntry] = field(default_factory=list)


# -- the rendered part: the frozen version, section by section, then the review trail --------------------------------


class _Mark(Flowable):
    """Records the page it lands on (relative to the rendered part) under its key; draws nothing."""

    def __init__(self, marks: dict, key: str):
        super().__init__()
        self.marks, self.key = marks, key
        self.width = self.height = 0

    def draw(self):
        self.marks.setdefault(self.key, self.canv.getPageNumber())


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "h1": ParagraphStyle("h1", fontName=font, fontSize=16, leading=22, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK"),
    }


def _esc(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: list[list], styles, widths=None) -> Table:
    body = styles["body"]
    table = Table([[Paragraph(_esc(c), body) for c in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _choice_label(model, name: str, value):
    field_ = model._meta.get_field(name)
    if field_.choices:
        return dict(field_.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if field_.is_relation and value:
        target = field_.related_model.objects.filter(pk=value).first()
        return str(target) if target else value
    return value


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _target_rows(snapshot: dict, person: dict, show_id) -> list[list]:
    target = snapshot.get("target") or {}

    def name_of(model, pk):
        obj = model.objects.filter(pk=pk).first() if pk else None
        return str(obj) if obj else "—"

    return [
        ["项目", "内容"],
        ["姓名", person.get("real_name", "")],
        ["证件号码", show_id(person.get("id_number", ""))],
        ["性别", {"M": "男", "F": "女"}.get(str(person.get("sex") or ""), "")],
        ["出生日期", person.get("birth_date", "")],
        ["年度评审", name_of(Campaign, target.get("campaign"))],
        ["申报单位", name_of(Organisation, target.get("organisation"))],
        ["申报系列", name_of(Series, target.get("series"))],
        ["申报级别", name_of(Level, target.get("level"))],
        ["专业", name_of(Specialty, target.get("specialty"))],
        ["评价类别", _choice_label(Dossier, "category", target.get("category"))],
        ["评审方式", _choice_label(Dossier, "route", target.get("route"))],
    ]


def section_titles() -> list[tuple[str, str]]:
    return [(key, spec.label_zh) for key, spec in SECTIONS.items()]


def _render_part(dossier: Dossier, version: DossierVersion, trail: list, show_id) -> tuple[bytes, int, dict]:
    """The frozen version and the review trail as a PDF: its bytes, page count and each section's first page."""
    font = pdf_cjk_font()
    st = _styles(font)
    snapshot = version.snapshot
    marks: dict[str, int] = {}
    story: list = [_Mark(marks, "__dossier__"),
                   Paragraph(_esc(f"申报材料（第 {version.number} 版，{timezone.localtime(version.created_at):%Y-%m-%d}"
                                  " 提交）"), st["h1"]),
                   _table(_target_rows(snapshot, snapshot.get("person") or {}, show_id), st, [40 * mm, 120 * mm])]
    for key, spec in SECTIONS.items():
        story += [_Mark(marks, key), Paragraph(_esc(spec.label_zh), st["h2"])]
        rows = [snapshot.get("identity")] if spec.single else (snapshot.get("sections") or {}).get(key, [])
        rows = [r for r in rows if r]
        if not rows:
            story.append(Paragraph("（无）", st["body"]))
            continue
        if spec.single:
            table = [["项目", "内容"]] + [[_label(spec.model, n), _choice_label(spec.model, n, rows[0].get(n))]
                                          for n in spec.fields]
            story.append(_table(table, st, [50 * mm, 110 * mm]))
        else:
            table = [[_label(spec.model, n) for n in spec.fields]]
            table += [[_choice_label(spec.model, n, r.get(n)) for n in spec.fields] for r in rows]
            story.append(_table(table, st))
    story += [_Mark(marks, "__trail__"), Paragraph("审核记录", st["h1"])]
    trail_rows = [["时间", "办理人", "事项", "说明"]]
    trail_rows += [[f"{timezone.localtime(e.when):%Y-%m-%d %H:%M}", e.who, e.what, e.detail] for e in trail]
    story.append(_table(trail_rows, st, [32 * mm, 28 * mm, 50 * mm, 60 * mm]) if trail else
                 Paragraph("（无）", st["body"]))
    story.append(Spacer(1, 4 * mm))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN,
                            bottomMargin=_MARGIN, title=f"archive {dossier.pk}")
    doc.build(story)
    from pypdf import PdfReader

    data = out.getvalue()
    return data, len(PdfReader(io.BytesIO(data)).pages), marks


# -- evidence: each file's pages -------------------------------------------------------------------------------------


@dataclass
class _Evidence:
    row: EvidenceFile
    pdf: bytes
    pages: int
    caption: str


def _image_page(data: bytes, caption: str) -> bytes:
    from PIL import Image, ImageOps
    from reportlab.lib.utils import ImageReader

    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=A4)
    font = pdf_cjk_font()
    c.setFont(font, 9)
    c.drawString(_MARGIN, _H - 12 * mm, caption[:90])
    box_w, box_h = _W - 2 * _MARGIN, _H - 2 * _MARGIN - 6 * mm
    scale = min(box_w / image.width, box_h / image.height, 2.0)
    w, h = image.width * scale, image.height * scale
    c.drawImage(ImageReader(image), (_W - w) / 2, _MARGIN + (box_h - h) / 2, w, h)
    c.showPage()
    c.save()
    return out.getvalue()


def _missing_page(caption: str) -> bytes:
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=A4)
    c.setFont(pdf_cjk_font(), 12)
    c.drawString(_MARGIN, _H - 40 * mm, caption[:80])
    c.drawString(_MARGIN, _H - 50 * mm, "该文件在存储中不可读，已由系统记录其摘要（见申报材料版本）。")
    c.showPage()
    c.save()
    return out.getvalue()


def _evidence_files(version: DossierVersion) -> list[EvidenceFile]:
    ids = [e["id"] for e in version.snapshot.get("evidence") or []]
    rows = {f.pk: f for f in EvidenceFile.objects.filter(pk__in=ids)}
    return [rows[i] for i in ids if i in rows]


def _evidence(rows: list[EvidenceFile]) -> Iterator[_Evidence]:
    from pypdf import PdfReader

    labels = dict(section_titles())
    purposes = dict(EvidencePurpose.choices)
    for row in rows:
        what = purposes.get(row.purpose) or "佐证材料"
        caption = f"{labels.get(row.section, row.section)} · {what}：{row.original_name}"
        try:
            with default_storage.open(row.file.name, "rb") as handle:
                data = handle.read()
            if row.kind == EvidenceKind.PDF:
                pages = len(PdfReader(io.BytesIO(data)).pages)
                yield _Evidence(row, data, pages, caption)
            else:
                yield _Evidence(row, _image_page(data, caption), 1, caption)
        except Exception:  # an unreadable file must not lose the whole bundle
            logger.warning("archive: evidence %s unreadable", row.pk, exc_info=True)
            yield _Evidence(row, _missing_page(caption), 1, caption)


# -- cover and index -------------------------------------------------------------------------------------------------


def _cover(dossier: Dossier, version: DossierVersion, show_id) -> bytes:
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=A4)
    font = pdf_cjk_font()
    c.setFont(font, 26)
    c.drawCentredString(_W / 2, _H - 70 * mm, "专业技术职称评审档案")
    c.setFont(font, 13)
    lines = [
        f"姓名：{dossier.applicant.real_name}", f"证件号码：{show_id(dossier.applicant.id_number)}",
        f"申报单位：{dossier.organisation.name}", f"申报：{dossier.series.name} {dossier.level.name}",
        f"年度：{dossier.campaign.name}", f"评审结果：{dossier.get_state_display()}",
        f"材料版本：第 {version.number} 版", f"归档时间：{timezone.localtime():%Y-%m-%d %H:%M}",
    ]
    for n, line in enumerate(lines):
        c.drawString(45 * mm, _H - 110 * mm - n * 10 * mm, line)
    c.showPage()
    c.save()
    return out.getvalue()


def _index(entries: list[IndexEntry], pages: int) -> bytes:
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=A4)
    font = pdf_cjk_font()
    for page in range(pages):
        c.setFont(font, 18)
        c.drawCentredString(_W / 2, _H - 25 * mm, "材料目录" if page == 0 else f"材料目录（续 {page + 1}）")
        c.setFont(font, 10.5)
        y = _H - 40 * mm
        for entry in entries[page * INDEX_LINES_PER_PAGE:(page + 1) * INDEX_LINES_PER_PAGE]:
            indent = _MARGIN + entry.level * 8 * mm
            title = entry.title if len(entry.title) <= 48 else entry.title[:47] + "…"
            c.drawString(indent, y, title)
            c.drawRightString(_W - _MARGIN, y, str(entry.page))
            dots_from = indent + c.stringWidth(title, font, 10.5) + 2 * mm
            c.setStrokeColor(colors.lightgrey)
            c.setDash(1, 2)
            c.line(dots_from, y + 1, _W - _MARGIN - 10 * mm, y + 1)
            c.setDash()
            y -= 7 * mm
        c.showPage()
    c.save()
    return out.getvalue()


# -- the bundle ------------------------------------------------------------------------------------------------------


def _number_pages(writer) -> None:
    """Print "第 n 页 / 共 N 页" at the foot of every page, so the index's numbers are the printed ones."""
    from pypdf import PdfReader

    total = len(writer.pages)
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=A4)
    font = pdf_cjk_font()
    for n in range(1, total + 1):
        c.setFont(font, 8)
        c.drawCentredString(_W / 2, 8 * mm, f"第 {n} 页 / 共 {total} 页")
        c.showPage()
    c.save()
    numbers = PdfReader(io.BytesIO(out.getvalue()))
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        try:
            page.merge_page(number)
        except Exception:  # a page pypdf cannot merge onto keeps its content, without the printed number
            logger.warning("archive: page number not printed on one page", exc_info=True)


def archive_bundle_write(dossier: Dossier, target, *, full_id: bool = False) -> Bundle:
    """Write the dossier's archive bundle to `target` (a binary file); answer its page count and index."""
    from pypdf import PdfReader, PdfWriter

    from zhicheng.review.selectors import dossier_timeline

    version = dossier.versions.order_by("-number").first()
    if version is None:
        raise ValueError("dossier has no submitted version")
    show_id = (lambda v: v or "") if full_id else id_number_masked
    trail = dossier_timeline(dossier)
    rendered, rendered_pages, marks = _render_part(dossier, version, trail, show_id)
    evidence = list(_evidence(_evidence_files(version)))

    titles = dict(section_titles())
    entries = [IndexEntry("封面"), IndexEntry("材料目录"), IndexEntry(f"申报材料（第 {version.number} 版）")]
    entries += [IndexEntry(titles[key], level=1) for key in SECTIONS]
    entries += [IndexEntry("审核记录")]
    if evidence:
        entries += [IndexEntry("佐证材料")] + [IndexEntry(e.caption, level=1) for e in evidence]
    index_pages = max(1, math.ceil(len(entries) / INDEX_LINES_PER_PAGE))
    start = 1 + index_pages + 1  # first page of the rendered part
    n = 0
    entries[0].page, entries[1].page, entries[2].page = 1, 2, start + marks["__dossier__"] - 1
    for n, key in enumerate(SECTIONS, start=3):
        entries[n].page = start + marks[key] - 1
    entries[n + 1].page = start + marks["__trail__"] - 1
    page = start + rendered_pages
    if evidence:
        entries[n + 2].page = page
        for entry, item in zip(entries[n + 3:], evidence, strict=True):
            entry.page = page
            page += item.pages

    writer = PdfWriter()
    for part in (_cover(dossier, version, show_id), _index(entries, index_pages), rendered,
                 *(e.pdf for e in evidence)):
        writer.append(PdfReader(io.BytesIO(part)))
    _number_pages(writer)
    writer.add_metadata({"/Title": f"职称评审档案 {dossier.applicant.real_name}"})
    writer.write(target)
    return Bundle(pages=page - 1, entries=entries)
