"""Inspecting uploaded files (evidence, objection attachments, sealed papers): the type from the content, and a
refusal, with advice, of what reviewers cannot open.

The type comes from the bytes (magic number, then a real parse with pypdf or Pillow), never from the name: a JPEG
called "scan.pdf" is accepted and stored as a JPEG, its original name kept for display (see
`evidence_download_name` for the name offered on download). Encrypted PDFs are refused even when only an owner
password is set, because reviewers must be able to print and merge them.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from zhicheng.core.errors import ApplicationError

from .pdfchecks import pdf_active_content_check, pdf_polyglot_check

MB = 1024 * 1024  # "MB" as Windows Explorer shows it, which is what applicants compare against
CHUNK = 1024 * 1024
MAX_PIXELS = 100_000_000  # a 600-dpi A0 scan is ~700 MP; 100 MP covers A3 at 600 dpi and any phone camera
ALLOWED = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
_OTHER_KINDS = [  # (magic, what to tell the applicant)
    (b"PK\x03\x04", "Word/Excel (docx/xlsx) 或 ZIP 压缩包", "a Word/Excel (docx/xlsx) file or a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "Word/Excel 97-2003 (doc/xls)", "a Word/Excel 97-2003 file (doc/xls)"),
    (b"MZ", "可执行程序", "an executable program"),
    (b"Rar!", "RAR 压缩包", "a RAR archive"),
    (b"7z\xbc\xaf", "7z 压缩包", "a 7z archive"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"II*\x00", "TIFF 图片", "a TIFF image"),
    (b"MM\x00*", "TIFF 图片", "a TIFF image"),
]


@dataclass(frozen=True)
class Inspected:
    """What the content of an accepted evidence file turned out to be."""

    kind: str  # "pdf", "jpeg" or "png"
    size: int
    sha256: str
    page_count: int | None = None
    width: int | None = None
    height: int | None = None

    @property
    def content_type(self) -> str:
        return ALLOWED[self.kind]


def _refuse(code: str, zh: str, en: str, *, status: int = 400) -> ApplicationError:
    return ApplicationError(code, zh, en, details={"field": "file", "fields": {"file": [zh]}}, status=status)


def evidence_file_limit_bytes(campaign: Any) -> int:
    """The per-file limit of a campaign, in bytes."""
    return int(campaign.evidence_file_max_mb) * MB


def evidence_dossier_limit_bytes(campaign: Any) -> int:
    """The per-dossier total limit of a campaign, in bytes."""
    return int(campaign.dossier_max_mb) * MB


def evidence_too_large_error(*, max_bytes: int, claimed_name: str = "", size: int | None = None) -> ApplicationError:
    """The refusal of a file over the per-file limit; size is None when the upload was stopped part-way."""
    shown_zh = f"大小为 {size / MB:.1f} MB，" if size is not None else ""
    shown_en = f" is {size / MB:.1f} MB," if size is not None else " is"
    return _refuse(
        "evidence_too_large",
        f"文件“{claimed_name}”{shown_zh}超过单个文件上限 {max_bytes // MB} MB。"
        "请降低扫描分辨率（200–300 dpi 即可）或拆分为多个文件后上传",
        f"The file '{claimed_name}'{shown_en} over the {max_bytes // MB} MB limit per file. "
        "Scan at a lower resolution (200–300 dpi is enough) or split it into several files",
        status=413,
    )


def evidence_size_check(*, size: int, max_bytes: int, claimed_name: str = "") -> None:
    """Refuse a file whose size is known to pass the per-file limit (before reading it)."""
    if size > max_bytes:
        raise evidence_too_large_error(max_bytes=max_bytes, claimed_name=claimed_name, size=size)


def evidence_dossier_room_check(*, used_bytes: int, adding_bytes: int, max_bytes: int) -> None:
    """Refuse adding a file that would take the dossier's evidence past its total limit."""
    if used_bytes + adding_bytes > max_bytes:
        left = max(max_bytes - used_bytes, 0) / MB
        raise _refuse(
            "evidence_dossier_full",
            f"申报材料佐证文件总量上限为 {max_bytes // MB} MB，剩余 {left:.1f} MB，放不下此文件。"
            "请删除不需要的文件或压缩后再上传",
            f"The dossier's evidence may total {max_bytes // MB} MB and only {left:.1f} MB is left. "
            "Remove files you do not need, or compress this one, and try again",
            status=413,
        )


def evidence_clean_name(claimed_name: str) -> str:
    """The file's own name as the user sent it, without folders or control characters, at most 200 chars."""
    name = re.split(r"[\\/]", claimed_name or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip() or "file"
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext[:20])] + ext[:20]
    return name


def evidence_download_name(original_name: str, kind: str) -> str:
    """The original name with the extension of the real type, so "scan.pdf" that is a JPEG opens as "scan.jpg"."""
    stem, ext = os.path.splitext(original_name)
    wanted = EXTENSIONS[kind]
    if ext.lower() in ({".jpg", ".jpeg", ".jpe"} if kind == "jpeg" else {wanted}):
        return original_name
    return (stem or "file") + wanted


def _describe(head: bytes) -> tuple[str, str]:
    """Name, in Chinese and English, a kind of file we do not accept, so the applicant knows what to convert."""
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return "苹果手机 HEIC 照片（请在相机设置中选“兼容性最佳”，或转存为 JPEG）", "an iPhone HEIC photo"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP 图片", "a WebP image"
    for magic, zh, en in _OTHER_KINDS:
        if head.startswith(magic):
            return zh, en
    if head.lstrip()[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml")):
        return "网页或 XML 文件", "a web page or XML file"
    return "无法识别的文件", "an unrecognised file"


def _sniff(head: bytes, claimed_name: str) -> str:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if b"%PDF-" in head[:1024]:  # the PDF spec lets readers skip up to 1 KB before the header
        pdf_polyglot_check(head, claimed_name)  # ... but not HTML that a browser would run
        return "pdf"
    if not head:
        raise _refuse("evidence_empty", f"文件“{claimed_name}”是空文件，请重新选择", f"'{claimed_name}' is empty")
    what_zh, what_en = _describe(head)
    raise _refuse(
        "evidence_type",
        f"文件“{claimed_name}”的内容是{what_zh}，不能作为佐证材料。只接受 PDF、JPEG（.jpg）、PNG 文件："
        "Word 等文档请“另存为 PDF”，照片请用 JPEG 或 PNG 格式",
        f"The content of '{claimed_name}' is {what_en}. Only PDF, JPEG (.jpg) and PNG files are accepted: "
        "save documents as PDF, and photos as JPEG or PNG",
        status=415,
    )


def _broken(claimed_name: str) -> ApplicationError:
    return _refuse(
        "evidence_broken",
        f"文件“{claimed_name}”已损坏或不完整，无法打开。请重新扫描或导出后上传",
        f"The file '{claimed_name}' is damaged or incomplete and cannot be opened. Scan or export it again",
    )


def _pdf_facts(fh: IO[bytes], size: int, claimed_name: str) -> dict:
    from pypdf import PdfReader

    fh.seek(max(size - 1024, 0))
    if b"%%EOF" not in fh.read():  # a cut-off upload loses its trailer; pypdf would silently "repair" it
        raise _broken(claimed_name)
    fh.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fh, strict=False)  # a file object: pypdf reads a path whole into memory
            if reader.is_encrypted:
                raise _refuse(
                    "evidence_encrypted",
                    f"PDF 文件“{claimed_name}”已加密，请去除密码后重新导出上传",
                    f"The PDF '{claimed_name}' is encrypted. Remove the password, export it again and upload",
                )
            pages = len(reader.pages)
            pdf_active_content_check(reader, claimed_name)
    except ApplicationError:
        raise
    except Exception as exc:  # pypdf raises many types on malformed input
        raise _broken(claimed_name) from exc
    if pages < 1:
        raise _broken(claimed_name)
    return {"page_count": pages}


def _image_facts(fh: IO[bytes], kind: str, claimed_name: str) -> dict:
    from PIL import Image

    bomb = _refuse(
        "evidence_image_too_large",
        f"图片“{claimed_name}”像素过多（超过 {MAX_PIXELS // 1_000_000} 百万像素），请缩小尺寸或用较低分辨率重新扫描",
        f"The image '{claimed_name}' has too many pixels (over {MAX_PIXELS // 1_000_000} megapixels). "
        "Resize it or scan at a lower resolution",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh, formats=[kind.upper()]) as img:  # reads the header only
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise bomb
                img.verify()  # PNG: every chunk's CRC; truncated JPEGs are caught by the decode below
            if kind == "jpeg":
                fh.seek(0)
                with Image.open(fh, formats=["JPEG"]) as img:
                    img.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))  # decode at 1/8: cheap
                    img.load()
    except ApplicationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise bomb from exc
    except Exception as exc:
        raise _broken(claimed_name) from exc
    if not width or not height:
        raise _broken(claimed_name)
    return {"width": width, "height": height}


def _sha256(fh: IO[bytes]) -> str:
    fh.seek(0)
    digest = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _size(fh: IO[bytes]) -> int:
    fh.seek(0, io.SEEK_END)
    return fh.tell()


def evidence_inspect(source: str | Path | IO[bytes], *, claimed_name: str, max_bytes: int) -> Inspected:
    """Decide what the file really is, or raise ApplicationError saying what to do; never reads it whole."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as fh:
            return evidence_inspect(fh, claimed_name=claimed_name, max_bytes=max_bytes)
    name = evidence_clean_name(claimed_name)
    size = _size(source)
    evidence_size_check(size=size, max_bytes=max_bytes, claimed_name=name)
    source.seek(0)
    kind = _sniff(source.read(1024), name)
    source.seek(0)
    facts = _pdf_facts(source, size, name) if kind == "pdf" else _image_facts(source, kind, name)
    inspected = Inspected(kind=kind, size=size, sha256=_sha256(source), **facts)
    source.seek(0)
    return inspected
