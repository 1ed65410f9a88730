"""The office's import of CNKI results (CSV in UTF-8 or GBK, or XLSX): all rows or none.

Columns by header: 论文编号 (the paper's number shown on the office's list), 去除引用文献复制比, 检测编号. Every
line is checked first; any bad line refuses the whole file with each reason by line number, nothing saved.
"""

from __future__ import annotations

from typing import BinaryIO

from django.db import transaction

from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Achievement
from zhicheng.files.tables import file_format, file_lines

from .permissions import can_enter_similarity, can_import_similarity
from .rules import percent_parse, reference_parse
from .services import similarity_record

COLUMNS = {"paper": ("论文编号", "paper"), "percent": ("去除引用文献复制比", "similarity"),
           "reference": ("检测编号", "reference")}
MAX_ROWS = 5000


def _positions(header: list) -> dict[str, int]:
    cells = [str(c or "").strip().removesuffix("（%）").removesuffix("(%)").strip().lower() for c in header]
    found = {key: next((i for i, c in enumerate(cells) if c in names), None) for key, names in COLUMNS.items()}
    missing = [COLUMNS[k][0] for k, i in found.items() if i is None]
    if missing:
        raise ApplicationError("similarity_import_header", f"文件缺少列：{'、'.join(missing)}",
                               f"Missing columns: {', '.join(COLUMNS[k][1] for k, i in found.items() if i is None)}")
    return found  # type: ignore[return-value]


def _row(line: int, cells: list, at: dict[str, int], actor) -> tuple[Achievement | None, list[str]]:
    def cell(key):
        return cells[at[key]] if at[key] < len(cells) else None

    errors, paper = [], None
    raw_id = str(cell("paper") or "").strip().removesuffix(".0")
    paper = Achievement.objects.filter(pk=raw_id, kind=Achievement.Kind.PAPER).select_related(
        "dossier__organisation").first() if raw_id.isdigit() else None
    if paper is None:
        errors.append(f"第 {line} 行：没有编号为 {raw_id or '（空）'} 的论文")
    elif not can_enter_similarity(actor, paper.dossier, cnki_indexed=True) or not paper.cnki_indexed:
        errors.append(f"第 {line} 行：论文 {raw_id} 不是本办可录入的知网收录论文")
    for parse in (lambda: percent_parse(cell("percent")), lambda: reference_parse(cell("reference"), required=True)):
        try:
            parse()
        except ApplicationError as exc:
            errors.append(f"第 {line} 行：{exc.message_zh}")
    return paper, errors


def similarity_import(*, actor, upload: BinaryIO, ip: str | None = None) -> int:
    """Record every row of the file or none; returns the number of papers recorded."""
    from zhicheng.core.permissions import require

    require(can_import_similarity(actor), "similarity_forbidden")
    lines = file_lines(upload, file_format(upload))
    header = next(lines, None)
    if header is None:
        raise ApplicationError("similarity_import_empty", "文件为空", "The file is empty")
    at = _positions(header[1])
    rows, errors = [], []
    for line, cells in lines:
        if not any(str(c or "").strip() for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ApplicationError("similarity_import_large", f"一次最多导入 {MAX_ROWS} 行", f"At most {MAX_ROWS} rows")
        paper, problems = _row(line, cells, at, actor)
        errors += problems
        rows.append((paper, cells))
    if errors:
        raise ApplicationError("similarity_import_invalid", f"文件有 {len(errors)} 处错误，未导入任何结果",
                               f"{len(errors)} problems in the file; nothing was imported",
                               details={"errors": errors[:200]})
    with transaction.atomic():
        for paper, cells in rows:
            similarity_record(dossier=paper.dossier, achievement_id=paper.pk, actor=actor, ip=ip,
                              percent=cells[at["percent"]], reference_no=cells[at["reference"]])
    return len(rows)
