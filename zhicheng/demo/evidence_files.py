"""Real, small evidence files for the demo dossiers: scanned-page PDFs, a text PDF, phone-photo JPEGs, PNG scans.

Every file is made from its words and a seed, so two runs make the same bytes, and each is a few to a few tens
of KB so seeding stays fast. The text is ASCII (pinyin and numbers): the Pillow default font has no Chinese
glyphs, and no CJK font is installed on the build machines.
"""

from __future__ import annotations

import functools
import io
import random
from dataclasses import dataclass

# A4 at 72 dpi: enough for a preview, small enough to keep each file in the tens of KB
PAGE = (595, 842)
PHOTO = (640, 480)


@dataclass(frozen=True)
class DemoFile:
    """An upload as a browser sends it: the bytes and the name on the applicant's computer."""

    name: str
    data: bytes

    def upload(self) -> io.BytesIO:
        stream = io.BytesIO(self.data)
        stream.name = self.name
        return stream


@functools.cache
def _font(size: int):
    """Loaded once per size: every page of every file draws with the same three."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _page(title: str, lines: list[str], seed: int, *, size=PAGE, stamp: bool = True):
    """A white page with a title, the lines, a table rule and (for sealed documents) a red round stamp."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)  # noqa: S311 - layout jitter, not security
    img = Image.new("RGB", size, (250, 250, 247))
    draw = ImageDraw.Draw(img)
    width, height = size
    draw.rectangle((24, 24, width - 24, height - 24), outline=(60, 60, 60), width=2)
    draw.text((48, 52), title, fill=(20, 20, 20), font=_font(22))
    y = 100
    for line in lines:
        draw.text((52 + rng.randrange(4), y), line, fill=(30, 30, 30), font=_font(14))
        y += 26
    draw.line((48, y + 8, width - 48, y + 8), fill=(120, 120, 120), width=1)
    if stamp:
        cx, cy = width - 150 + rng.randrange(20), min(height - 150, y + 90)
        draw.ellipse((cx - 55, cy - 55, cx + 55, cy + 55), outline=(200, 30, 30), width=4)
        draw.text((cx - 32, cy - 8), "SEAL", fill=(200, 30, 30), font=_font(18))
    return img


def scan_pdf(name: str, title: str, lines: list[str], seed: int, *, pages: int = 1) -> DemoFile:
    """A scanned document: each page an image inside a PDF, as a copier's "scan to PDF" makes it."""
    images = [_page(title if n == 0 else f"{title} ({n + 1})", lines, seed + n) for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=72.0, quality=70, save_all=True, append_images=images[1:])
    return DemoFile(name, out.getvalue())


def photo_jpeg(name: str, title: str, lines: list[str], seed: int) -> DemoFile:
    """A phone photo of a certificate: landscape, slightly grey, JPEG."""
    img = _page(title, lines, seed, size=PHOTO).convert("L").convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=72)
    return DemoFile(name, out.getvalue())


def scan_png(name: str, title: str, lines: list[str], seed: int) -> DemoFile:
    """A greyscale PNG scan of one page."""
    img = _page(title, lines, seed).convert("L")
    out = io.BytesIO()
    img.save(out, "PNG", optimize=True)
    return DemoFile(name, out.getvalue())


def text_pdf(name: str, title: str, lines: list[str]) -> DemoFile:
    """A born-digital PDF with real text (a similarity report as the CNKI site exports it)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(*PAGE)
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    })
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)}),
    })
    rows = [f"BT /F1 18 Tf 56 780 Td ({_pdf_text(title)}) Tj ET"]
    rows += [f"BT /F1 11 Tf 56 {740 - 18 * n} Td ({_pdf_text(line)}) Tj ET" for n, line in enumerate(lines)]
    content = DecodedStreamObject()
    content.set_data("\n".join(rows).encode("latin-1"))
    page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return DemoFile(name, out.getvalue())


def _pdf_text(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
