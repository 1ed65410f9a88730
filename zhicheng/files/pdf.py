"""The CJK font our PDFs embed (tally sheets, minutes, letters, certificates, archive bundles).

reportlab's built-in CID fonts (STSong-Light) are not embedded: a reader without the Adobe Asian font pack shows
boxes, and an embedded font is what makes a signed certificate look the same everywhere. `make install` puts
WenQuanYi Zen Hei (Debian `fonts-wqy-zenhei`) on the machine; `ZHICHENG_PDF_FONT` may name another TTF/TTC.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CJK_FONT_NAME = "ZhichengCJK"

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def pdf_font_path() -> Path:
    configured = getattr(settings, "ZHICHENG_PDF_FONT", "") or os.environ.get("ZHICHENG_PDF_FONT", "")
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise ImproperlyConfigured(
        "No CJK font for PDFs: run `make install` (installs fonts-wqy-zenhei) or set ZHICHENG_PDF_FONT"
    )


@functools.cache
def pdf_cjk_font() -> str:
    """Register the embedded CJK font with reportlab once per process and return its name for setFont()."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = pdf_font_path()
    font = TTFont(CJK_FONT_NAME, str(path), subfontIndex=0) if path.suffix == ".ttc" else TTFont(
        CJK_FONT_NAME, str(path)
    )
    pdfmetrics.registerFont(font)
    return CJK_FONT_NAME
