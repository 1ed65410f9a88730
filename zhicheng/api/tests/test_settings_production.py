"""Production settings refuse to start with DEBUG on or a default secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 20 + "Q7#v9!zR2@xW4$mN8%pL6^tB3&yH5*"


def _start(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    base.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    code = "import django; django.setup(); print('started')"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60, check=False
    )


def test_refuses_default_secret():
    result = _start(DJANGO_ALLOWED_HOSTS="example.org", DATABASE_URL="sqlite:///x.sqlite3")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_refuses_debug():
    result = _start(
        DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="example.org", DATABASE_URL="sqlite:///x"
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_starts_when_configured():
    result = _start(DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="example.org", DATABASE_URL="sqlite:///x",
                    ZHICHENG_AUDIT_KEY="a-random-audit-key-of-40-characters-xyz")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_check_deploy_has_no_warnings():
    """`manage.py check --deploy` with production settings (HSTS preload/subdomains, SSL redirect): nothing to say."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "ZHICHENG_"))}
    base.update(DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_ALLOWED_HOSTS="example.org", DATABASE_URL="sqlite:///x",
                ZHICHENG_AUDIT_KEY="a-random-audit-key-of-40-characters-xyz")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING",
         "--settings=config.settings.production"],
        cwd=ROOT, env=base, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
