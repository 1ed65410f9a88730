"""Decompression bombs for the preview tests: small files that take gigabytes to render, made on the spot.

- `pdf_content_bomb`: a PDF whose first page's content stream inflates to `inflated_mb` of drawing operators
  (pdfium keeps a page object per path: ~20x the inflated size in memory); padded to `size` bytes with an
  unused stream of random bytes, so "a 1 MB PDF" is literally 1 MB. Nothing in its dictionaries looks large.
- `pdf_image_bomb`: a PDF drawing one image that declares width x height pixels (caught before decoding).
- `png_bomb`: a real, valid PNG of width x height RGBA pixels, all zero (7000 x 7000 is ~190 KB and 196 MB
  decoded), unlike samples.bomb_png_bytes, whose header only claims its size.
- `peak_rss_reset` / `peak_rss_mb`: this process's peak resident memory (VmHWM), reset through clear_refs.
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

MB = 1024 * 1024


def _pdf(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _deflate_repeated(unit: bytes, total: int) -> bytes:
    packer = zlib.compressobj(9)
    block = unit * max(1, (1 << 20) // len(unit))
    parts = [packer.compress(block) for _ in range(total // len(block))]
    parts.append(packer.compress(block[: total % len(block)]))
    parts.append(packer.flush())
    return b"".join(parts)


def _catalog_and_page(page_extra: bytes = b"") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + page_extra + b">>",
    ]


def pdf_content_bomb(*, inflated_mb: int = 60, size: int = MB) -> bytes:
    content = _deflate_repeated(b"0 0 m 1 1 l S\n", inflated_mb * MB)
    objects = [*_catalog_and_page(), _stream(b"/Filter /FlateDecode", content)]
    padding = max(size - len(_pdf(objects)) - 64, 0)
    objects.append(_stream(b"", os.urandom(padding)))  # referenced by nothing: only makes the file 1 MB
    return _pdf(objects)


def pdf_image_bomb(*, width: int = 30_000, height: int = 30_000) -> bytes:
    pixels = _deflate_repeated(b"\0", width * height)  # 8-bit grey: 900 MB for 30,000 x 30,000
    image = _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height), pixels)
    return _pdf([*_catalog_and_page(b"/Resources << /XObject << /Im0 5 0 R >> >> "),
                 _stream(b"", b"q 595 0 0 842 0 0 cm /Im0 Do Q"), image])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(*, width: int = 7000, height: int = 7000) -> bytes:
    row = b"\0" + b"\0" * (width * 4)  # filter byte, then RGBA
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", _deflate_repeated(row, len(row) * height)) + _png_chunk(b"IEND", b""))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def peak_rss_reset() -> bool:
    """Start measuring the peak again from the current resident size (False where the kernel refuses)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """The peak resident memory since the last reset (VmHWM), in MB."""
    return _status_kb("VmHWM") / 1024


def rss_mb() -> float:
    return _status_kb("VmRSS") / 1024
