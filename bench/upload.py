"""Upload a 200 MB evidence file through the real HTTP stack; print the server's RSS growth and MB/s beside dd.

Run by `make bench`. It starts gunicorn (one sync worker) on a free 127.0.0.1 port with a temporary SQLite
database, media folder and temp folder, serving Django's full middleware stack with this module as the URL
configuration: one bench-only view that does what an evidence upload does (EvidenceUploadHandler streaming to
a temporary file with SHA-256, evidence_inspect, evidence_store; the preview is the task worker's) without a
dossier row.
No route is added to the product. The file is a valid one-page PDF padded with a 200 MB stream.

Measured: the worker's peak RSS (VmHWM, reset through /proc/<pid>/clear_refs after a warm-up upload) minus its
RSS before the upload, the upload's MB/s as the client sees it, and `dd ... conv=fdatasync` of the same bytes.
Target: RSS growth < 50 MB (exit 1 otherwise). Everything it made is removed at the end.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

REPO = Path(__file__).resolve().parent.parent
SIZE_MB = int(os.environ.get("ZHICHENG_BENCH_UPLOAD_MB", "200"))
TARGET_RSS_MB = 50
BOUNDARY = "zhichengBenchBoundary"


# --- the server side: gunicorn imports this file as the module "upload" ---------------------------------------

@csrf_exempt
def upload_view(request):
    from zhicheng.core.errors import ApplicationError
    from zhicheng.files.inspection import MB, evidence_inspect
    from zhicheng.files.storage import evidence_store
    from zhicheng.files.uploads import evidence_upload_parse

    max_bytes = int(request.GET.get("max_mb", "256")) * MB
    started = time.perf_counter()
    try:
        upload = evidence_upload_parse(request, max_bytes=max_bytes, check_csrf=False)  # bench client has no token
        received = time.perf_counter()
        inspected = evidence_inspect(upload, claimed_name=upload.name, max_bytes=max_bytes)
        stored = evidence_store(upload, kind=inspected.kind)
    except ApplicationError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message_en}, status=exc.status)
    upload.close()
    return JsonResponse({
        "kind": inspected.kind, "size": inspected.size, "sha256": inspected.sha256, "handler_sha256": upload.sha256,
        "page_count": inspected.page_count, "stored": stored,
        "receive_seconds": received - started, "inspect_store_seconds": time.perf_counter() - received,
    })


def ping_view(request):
    return JsonResponse({"ok": True})


if __name__ != "__main__":
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = __name__
    urlpatterns = [path("upload/", upload_view), path("ping/", ping_view)]

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()


# --- the client side: `python bench/upload.py` ------------------------------------------------------------------

def padded_pdf(target: Path, size_mb: int) -> str:
    """Write a valid one-page PDF of about size_mb MB (a padding stream of random blocks); return its SHA-256."""
    pad = size_mb * 1024 * 1024
    block = os.urandom(1024 * 1024)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Padding 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    digest = hashlib.sha256()
    with open(target, "wb") as fh:
        def put(data: bytes) -> None:
            fh.write(data)
            digest.update(data)

        put(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(fh.tell())
            put(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        offsets.append(fh.tell())
        put(b"4 0 obj\n<< /Length %d >>\nstream\n" % pad)
        for _ in range(size_mb):
            put(block)
        put(b"\nendstream\nendobj\n")
        xref = fh.tell()
        rows = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        put(b"xref\n0 5\n0000000000 65535 f \n" + rows)
        put(b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return digest.hexdigest()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_kb(pid: int, field: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", text, re.M).group(1))


def worker_pid(master: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/ping/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer on 127.0.0.1")


def post_file(port: int, source: Path, name: str, query: str = "") -> tuple[int, dict, float]:
    """Stream a multipart upload from disk in 1 MB pieces; return status, JSON answer and seconds."""
    head = (
        f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.putrequest("POST", "/upload/" + query)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    conn.putheader("Content-Length", str(len(head) + source.stat().st_size + len(tail)))
    conn.endheaders()
    try:
        conn.send(head)
        with open(source, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                conn.send(chunk)
        conn.send(tail)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server refused early and closed; its answer is still there to read
    response = conn.getresponse()
    answer = json.loads(response.read() or b"{}")
    return response.status, answer, time.perf_counter() - started


def refused_early(port: int, big: Path) -> str:
    """Send the same file to a 20 MB limit: the server answers 413 from Content-Length without reading the body."""
    started = time.perf_counter()
    try:
        status, answer, _ = post_file(port, big, "too-big.pdf", "?max_mb=20")
    except OSError as exc:  # the server answered and closed while we were still sending
        return f"connection closed by the server after {time.perf_counter() - started:.2f} s ({exc.__class__.__name__})"
    return f"HTTP {status} {answer.get('code')} after {time.perf_counter() - started:.2f} s"


def dd_speed(source: Path, target: Path) -> str:
    done = subprocess.run(
        ["dd", f"if={source}", f"of={target}", "bs=1M", "conv=fdatasync"], capture_output=True, text=True, check=True
    )
    target.unlink()
    return done.stderr.strip().splitlines()[-1]


def serve(tmp: Path, port: int) -> subprocess.Popen:
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev", ZHICHENG_VAR_DIR=str(tmp / "var"),
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}", DJANGO_ALLOWED_HOSTS="127.0.0.1", TMPDIR=str(tmp),
        ZHICHENG_LOG_LEVEL="WARNING",
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "600", "--chdir", str(REPO),
               "--pythonpath", str(REPO / "bench"), "--log-level", "warning", "upload:application"]
    return subprocess.Popen(command, env=env, cwd=REPO)


def measure(tmp: Path, port: int, master: int) -> int:
    worker = worker_pid(master)
    small = tmp / "warm-up.pdf"
    padded_pdf(small, 1)
    status, answer, _ = post_file(port, small, "warm-up.pdf")  # imports pypdf, Pillow and pdfium in the worker
    assert status == 200, answer
    big = tmp / "big.pdf"
    sha = padded_pdf(big, SIZE_MB)
    size_mb = big.stat().st_size / 1024 / 1024
    Path(f"/proc/{worker}/clear_refs").write_text("5")  # peak RSS starts again from now
    before = proc_kb(worker, "VmRSS")
    status, answer, seconds = post_file(port, big, "申报材料-大文件.pdf")
    peak = proc_kb(worker, "VmHWM")
    assert status == 200, answer
    assert answer["sha256"] == answer["handler_sha256"] == sha, "hash mismatch"
    growth_mb = (peak - before) / 1024
    print(f"file:          {size_mb:.1f} MB valid PDF, {answer['page_count']} page, sha256 {sha[:16]}… (matches)")
    print(f"server RSS:    {before / 1024:.1f} MB before, peak {peak / 1024:.1f} MB, growth {growth_mb:.1f} MB "
          f"(target < {TARGET_RSS_MB} MB)")
    print(f"upload:        {seconds:.2f} s end to end, {size_mb / seconds:.1f} MB/s "
          f"(server: body streamed to disk with SHA-256 in {answer['receive_seconds']:.2f} s, "
          f"inspected, previewed and stored in {answer['inspect_store_seconds']:.2f} s)")
    print(f"dd fdatasync:  {dd_speed(big, tmp / 'dd.out')}")
    print(f"over limit:    {refused_early(port, big)}")
    verdict = "PASS" if growth_mb < TARGET_RSS_MB else "FAIL"
    print(f"{verdict}: RSS growth {growth_mb:.1f} MB for a {size_mb:.0f} MB upload")
    return 0 if verdict == "PASS" else 1


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="zhicheng-bench-upload-"))
    port = free_port()
    server = serve(tmp, port)
    try:
        wait_ready(port)
        return measure(tmp, port, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
