"""Production refuses to start without a real audit key; dev and test carry a fixed, public one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_ENV = {
    "DJANGO_SECRET_KEY": "p" * 60, "DJANGO_ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "sqlite:///unused.sqlite3",
}


def _load_production(audit_key: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZHICHENG_", "DATABASE_"))}
    env.update(GOOD_ENV)
    if audit_key is not None:
        env["ZHICHENG_AUDIT_KEY"] = audit_key
    code = "import config.settings.production as s; print(len(s.ZHICHENG_AUDIT_KEY))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("key", [None, "", "x" * 31, "dev-only-audit-key-not-secret-0123456789"])
def test_production_refuses_a_missing_short_or_dev_key(key):
    result = _load_production(key)
    assert result.returncode != 0
    assert "ZHICHENG_AUDIT_KEY" in result.stderr


def test_production_starts_with_a_32_byte_key():
    result = _load_production("r" * 32)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "32"
