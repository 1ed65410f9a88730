"""Milliseconds per password check: Django's default Argon2 beside ours (OWASP's Argon2id, accounts/hashers.py).

Run by `make bench`. Prints CPU and wall ms per check for each hasher (10 checks each); never fails on a figure.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

from zhicheng.accounts.hashers import OwaspArgon2PasswordHasher  # noqa: E402

CHECKS = 10


def main() -> None:
    for hasher in (Argon2PasswordHasher(), OwaspArgon2PasswordHasher()):
        encoded = hasher.encode("Zhicheng-2024!", hasher.salt())
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(CHECKS):
            assert hasher.verify("Zhicheng-2024!", encoded)
        cpu_ms = (time.process_time() - cpu) * 1000 / CHECKS
        wall_ms = (time.perf_counter() - wall) * 1000 / CHECKS
        print(f"{type(hasher).__name__:28} {encoded.split('$')[3]:22} cpu {cpu_ms:6.1f} ms  wall {wall_ms:6.1f} ms")


if __name__ == "__main__":
    main()
