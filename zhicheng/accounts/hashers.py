"""Password hashing at OWASP's Argon2id parameters (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1).

Django's default Argon2 costs about 100 MiB and 8 lanes per check (≈ 230 ms of CPU on our 2-core box, twice per
submission: log-in and pledge). The algorithm name stays "argon2", so existing hashes are still read; Django's
`must_update` sees the different parameters and re-hashes a password at its next successful check (log-in).
Measured figures are in docs/performance.md.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with memory_cost 19456 KiB, time_cost 2, parallelism 1."""

    time_cost = 2
    memory_cost = 19456
    parallelism = 1
