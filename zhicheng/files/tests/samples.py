"""Real evidence files made on the spot: valid, disguised, encrypted, truncated and hostile ones."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib


def pdf_bytes(pages: int = 1) -> bytes:
    """A valid PDF of A4 pages with a line of text each."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject

    writer = PdfWriter()
    for number in range(pages):
        page = writer.add_blank_page(595, 842)
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 24 Tf 72 760 Td (Evidence page {number + 1}) Tj ET".encode())
        page.replace_contents(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf_bytes(*, user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """A valid PDF protected with RC4-128 (no extra crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf_bytes() -> bytes:
    """A PDF cut off half-way, as a broken connection or a full disk leaves it."""
    data = pdf_bytes(pages=3)
    return data[: len(data) // 2]


def image_bytes(kind: str = "png", width: int = 640, height: int = 480, *, mode: str = "RGB") -> bytes:
    """A valid JPEG, PNG (or WebP, which we refuse) with a gradient, so it compresses like a real picture."""
    from PIL import Image

    img = Image.linear_gradient("L").resize((width, height)).convert(mode)
    out = io.BytesIO()
    img.save(out, kind.upper())
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png_bytes(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header declares width x height pixels (10 gigapixels by default) with a tiny payload."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    payload = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", payload) + _png_chunk(b"IEND", b"")


def truncated_jpeg_bytes() -> bytes:
    data = image_bytes("jpeg", 800, 600)
    return data[: len(data) // 2]


def docx_like_bytes() -> bytes:
    """A ZIP with the parts a Word document has."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 200


def html_bytes() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def text_bytes() -> bytes:
    return "这是一段文字，不是图片。\n".encode() * 20


def multipart_body(field: str, filename: str, data: bytes, boundary: str = "zhichengBoundary") -> bytes:
    """A multipart/form-data body with one file field."""
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode()
