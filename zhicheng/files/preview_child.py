"""The preview renderer, run as its own process: `python -I preview_child.py KIND LIMITS_JSON < file > preview.jpg`.

It imports no Django and nothing of the project, so it starts small and can be run by path. The first thing it
does is cap its own address space and CPU time (`resource.setrlimit`), so a decompression bomb that gets past
the cheap checks kills this process only.

The cheap checks (`precheck`) run in the task worker before this process is started, where pypdf and Pillow
are loaded already: the pixel count of an image from its header; for a PDF, the size of the first page, the
pixels of the images it draws and the compressed length of its content streams (read from the dictionaries,
nothing inflated). The child repeats the image header check, which costs nothing, and renders.

Exit codes (the parent in previews.py reads them): 0 the JPEG is on stdout; 3 refused by a cheap check;
4 out of memory; 5 the file could not be rendered. A signal (SIGXCPU, SIGKILL, SIGABRT, SIGSEGV) means a limit hit.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys

EXIT_TOO_LARGE, EXIT_MEMORY, EXIT_UNREADABLE = 3, 4, 5


class TooLarge(Exception):
    """A cheap check found the decoded content would be too big to render."""


def limits_apply(limits: dict) -> None:
    """Cap this process: address space (MB), CPU seconds (SIGXCPU at the soft limit), no core files."""
    memory = int(limits["memory_mb"]) * 1024 * 1024
    cpu = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _preview_image(img, edge: int) -> bytes:
    from PIL import Image

    img.thumbnail((edge, edge))
    if img.mode not in ("RGB", "L"):
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, "white")
        img.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _image_render(source, kind: str, limits: dict) -> bytes:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # our own limit below is the one that counts (and is checked first)
    with Image.open(source, formats=[kind.upper()]) as img:  # reads the header only
        width, height = img.size
        if width * height > int(limits["max_pixels"]):
            raise TooLarge(f"{width}x{height} pixels")
        if kind == "jpeg":
            edge = int(limits["edge"])
            img.draft("RGB", (edge, edge))  # JPEG decodes at 1/2, 1/4 or 1/8 scale: cheap
        return _preview_image(img, int(limits["edge"]))


def _number(value, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _pdf_first_page_check(source, limits: dict) -> None:
    """What can be known of the first page without inflating anything: its size, its images, its content length."""
    from pypdf import PdfReader

    page = PdfReader(source, strict=False).pages[0]
    box = page.mediabox
    if abs(_number(box.width) * _number(box.height)) > float(limits["max_page_points"]) ** 2:
        raise TooLarge("page size")
    contents = page.get("/Contents")
    streams = contents.get_object() if contents is not None else []
    streams = streams if isinstance(streams, list) else [streams]
    length = sum(int(_number(s.get_object().get("/Length"))) for s in streams)
    if length > int(limits["max_content_bytes"]):
        raise TooLarge("content stream length")
    _pdf_images_check(page.get("/Resources"), limits, depth=0, seen=set())


def _pdf_images_check(resources, limits: dict, *, depth: int, seen: set) -> None:
    if resources is None or depth > 5:
        return
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return
    for ref in xobjects.get_object().values():
        key = getattr(ref, "idnum", None)
        if key is not None and key in seen:
            continue
        seen.add(key)
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            pixels = _number(xobject.get("/Width")) * _number(xobject.get("/Height"))
            if pixels > int(limits["max_pixels"]):
                raise TooLarge("image in the PDF")
        elif xobject.get("/Subtype") == "/Form":
            _pdf_images_check(xobject.get("/Resources"), limits, depth=depth + 1, seen=seen)


def _pdf_render(source, limits: dict) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source)  # pdfium reads the file object as it needs, not whole
    try:
        page = pdf[0]
        scale = int(limits["edge"]) / max((*page.get_size(), 1.0))
        return _preview_image(page.render(scale=scale).to_pil(), int(limits["edge"]))
    finally:
        pdf.close()


def precheck(source, kind: str, limits: dict) -> None:
    """Raise TooLarge for what the headers and dictionaries already show is too big to render; reads no pixels."""
    source.seek(0)
    if kind == "pdf":
        _pdf_first_page_check(source, limits)
    else:
        from PIL import Image

        with Image.open(source, formats=[kind.upper()]) as img:
            width, height = img.size
        if width * height > int(limits["max_pixels"]):
            raise TooLarge(f"{width}x{height} pixels")
    source.seek(0)


def render(source, kind: str, limits: dict) -> bytes:
    """A small JPEG of an image or of a PDF's first page (an image over the pixel limit raises TooLarge)."""
    source.seek(0)
    if kind == "pdf":
        return _pdf_render(source, limits)
    return _image_render(source, kind, limits)


def main(argv: list[str]) -> int:
    kind, limits = argv[1], json.loads(argv[2])
    limits_apply(limits)
    source = os.fdopen(0, "rb", closefd=False)
    try:
        data = render(source, kind, limits)
    except TooLarge as exc:
        sys.stderr.write(f"too large: {exc}\n")
        return EXIT_TOO_LARGE
    except MemoryError:
        sys.stderr.write("out of memory\n")
        return EXIT_MEMORY
    except Exception as exc:
        sys.stderr.write(f"cannot render: {type(exc).__name__}\n")
        return EXIT_UNREADABLE
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
