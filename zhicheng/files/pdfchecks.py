"""Refusing PDFs that can act when opened: scripts, launch and other actions, embedded files, HTML/PDF polyglots.

A reviewer opens evidence in whatever reader is on the office PC; a PDF that runs JavaScript, launches a
program, submits a form or carries another file inside is refused instead of "cleaned", because a cleaned file
is no longer the applicant's document. The walk follows the object graph from the catalogue (every place a
reader looks for actions: `/OpenAction`, `/AA` on the catalogue, pages, fields and annotations, `/Names`,
annotation `/A` and `/Next` chains, outlines) without stepping into page content, resources or appearance
streams, so a 20 MB scan is checked without its images being read. Names are compared after pypdf
undid `#xx` escapes, so `/J#61vaScript` is caught as `/JavaScript`.
"""

from __future__ import annotations

import re

from zhicheng.core.errors import ApplicationError

# action types that run code, start programs, send data or fetch other documents
DANGEROUS_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/GoToE", "/GoToR", "/Movie", "/Sound",
    "/RichMediaExecute",
})  # /URI (a web link) stays allowed: Word exports of documents with links carry them
# keys whose mere presence means code, automatic actions or files inside the file
DANGEROUS_KEYS = {
    "/JS": "javascript", "/JavaScript": "javascript", "/AA": "auto_action", "/EmbeddedFiles": "embedded_file",
    "/EmbeddedFile": "embedded_file", "/XFA": "javascript", "/RichMedia": "embedded_file",
}
# where no action can live, and where the big streams are (page content, images, fonts, appearance streams):
# pypdf reads a stream's bytes when it resolves it, so the walk never steps into these and stays small
SKIPPED_KEYS = frozenset({
    "/Parent", "/Contents", "/Resources", "/Font", "/XObject", "/ColorSpace", "/Pattern", "/Shading",
    "/ExtGState", "/Thumb", "/Metadata", "/StructTreeRoot", "/PieceInfo", "/OutputIntents", "/AP", "/P",
    "/StructParents", "/ParentTree",
})
MAX_OBJECTS = 500_000  # far beyond a 1,000-page scan; a file with more is refused rather than half checked
_HTML_MARKERS = re.compile(rb"<\s*(html|script|body|head|iframe|svg|!doctype|\?xml|meta|object|embed)\b", re.I)

_WHAT = {
    "javascript": ("含有 JavaScript 脚本", "contains JavaScript"),
    "launch": ("含有启动程序或外部操作的动作", "contains an action that launches a program or sends data"),
    "auto_action": ("含有打开时自动执行的动作", "contains actions that run automatically when opened"),
    "open_action": ("含有打开时自动执行的动作", "contains an action that runs when it is opened"),
    "embedded_file": ("内嵌了其他文件", "has other files embedded in it"),
    "polyglot": ("同时是网页文件（PDF 之前有 HTML 内容）", "is also a web page (HTML before the PDF header)"),
    "too_complex": ("结构过于复杂，无法检查", "is too complex to check"),
}


def pdf_active_content_error(claimed_name: str, what: str) -> ApplicationError:
    """The refusal of a PDF that can act when opened, saying what to do instead (print to PDF again)."""
    zh, en = _WHAT[what]
    message_zh = (f"PDF 文件“{claimed_name}”{zh}，出于安全原因不能作为佐证材料。"
                  "请用“打印 → 另存为 PDF”或扫描方式重新生成后上传")
    message_en = (f"The PDF '{claimed_name}' {en} and is refused for security reasons. "
                  "Print it to a new PDF (or scan it) and upload that")
    return ApplicationError("evidence_active_content", message_zh, message_en, status=400,
                            details={"field": "file", "fields": {"file": [message_zh]}, "reason": what})


def pdf_polyglot_check(head: bytes, claimed_name: str) -> None:
    """Refuse a file that is HTML before its PDF header: a browser sniffing it would run it as a page."""
    start = head.find(b"%PDF-")
    prefix = head[:start] if start >= 0 else head
    if _HTML_MARKERS.search(prefix) or prefix.lstrip()[:1] == b"<":
        raise pdf_active_content_error(claimed_name, "polyglot")


def _action_type(value) -> str | None:
    try:
        kind = value.get("/S")
    except AttributeError:
        return None
    return str(kind) if kind is not None else None


def _check_dict(obj, claimed_name: str) -> None:
    for key in obj:
        what = DANGEROUS_KEYS.get(str(key))
        if what:
            raise pdf_active_content_error(claimed_name, what)
    if str(obj.get("/Subtype", "")) in ("/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"):
        raise pdf_active_content_error(claimed_name, "embedded_file")
    kind = _action_type(obj)
    if kind in DANGEROUS_ACTIONS and str(obj.get("/Type", "/Action")) == "/Action":
        raise pdf_active_content_error(claimed_name, "javascript" if kind == "/JavaScript" else "launch")
    if "/OpenAction" in obj:
        action = obj["/OpenAction"].get_object() if hasattr(obj["/OpenAction"], "get_object") else obj["/OpenAction"]
        if _action_type(action) not in (None, "/GoTo"):  # a page to open at is harmless; any other action is not
            raise pdf_active_content_error(claimed_name, "open_action")


def pdf_active_content_check(reader, claimed_name: str) -> None:
    """Walk every object reachable from the catalogue; raise on anything that can act when the PDF is opened."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer["/Root"]]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise pdf_active_content_error(claimed_name, "too_complex")
        if isinstance(item, DictionaryObject):  # stream objects too: their dictionary, never their data
            _check_dict(item, claimed_name)
            stack.extend(v for k, v in item.items() if k not in SKIPPED_KEYS)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
