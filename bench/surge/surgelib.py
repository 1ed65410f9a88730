"""What the locust users and run.py share: the PDFs uploaded and the staff's TOTP codes."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time

TOTP_KEY = bytes.fromhex("3132333435363738393031323334353637383930")  # seed_scale's bench key (RFC 6238's)


def pdf(size: int, label: str) -> bytes:
    """A valid one-page PDF padded to about `size` bytes with an uncompressed stream (unique by `label`)."""
    pad = label.encode() + b" " + b"%" * max(0, size - 900 - len(label))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"]
    content = b"BT /F1 12 Tf 72 760 Td (Evidence) Tj ET\n% " + pad
    body, offsets = b"%PDF-1.4\n", []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    offsets.append(len(body))
    body += b"4 0 obj\n<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream\nendobj\n"
    xref = len(body)
    body += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return body


def totp_now() -> str:
    counter = int(time.time()) // 30
    digest = hmac.new(TOTP_KEY, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**6
    return f"{code:06d}"
