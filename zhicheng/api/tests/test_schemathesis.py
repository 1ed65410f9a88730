"""schemathesis against the live app: 0 server errors, 0 schema violations, 0 undocumented status codes.

One test (it runs once per `make test`): the app serves on pytest-django's live server; schemathesis's command
line reads /api/v1/openapi.json and sends generated requests (valid and invalid, bounded examples per operation)
as an office staff member (bearer token, TOTP device confirmed) and as an applicant, then fails on any 5xx, any
response that breaks its declared schema, content type or headers, or any status the schema does not declare.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhicheng.accounts.tokens import api_token_create
from zhicheng.audit.testing import audit_flushable  # noqa: F401
from zhicheng.catalog.tests.helpers import applicant_user, office_user

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
MAX_EXAMPLES = "10"  # per operation: about two minutes on two cores for both users


def _st() -> str:
    found = Path(sys.executable).with_name("st")
    return str(found) if found.exists() else (shutil.which("st") or "st")


def _token(user) -> str:
    return api_token_create(user=user, name="schemathesis")[1]


def _run(base_url: str, token: str, tmp_path: Path, who: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_st(), "run", f"{base_url}/api/v1/openapi.json", "--url", base_url,
         "-H", f"Authorization: Bearer {token}", "--checks", CHECKS, "--phases", "examples,fuzzing",
         "--max-examples", MAX_EXAMPLES, "--seed", "20261130", "--workers", "1", "--no-color",
         "--request-timeout", "30", "--suppress-health-check", "all",
         "--report", "junit", "--report-dir", str(tmp_path / who)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False,
    )


def _failures(stdout: str) -> str:
    """The failures section (before schemathesis's long list of warnings) and the summary."""
    failures = stdout.split("WARNINGS ===")[0][-8000:]
    return failures + "\n…\n" + stdout.split("SUMMARY ===")[-1][-1500:]


@pytest.mark.schemathesis
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("audit_flushable")  # the live server's database is flushed after the run
def test_api_conforms_to_its_schema_under_generated_requests(live_server, tmp_path):
    staff = office_user()
    TOTPDevice.objects.create(user=staff, name="schemathesis", confirmed=True)  # staff tokens will need TOTP
    for who, user in (("office_staff", staff), ("applicant", applicant_user())):
        result = _run(live_server.url, _token(user), tmp_path, who)
        assert result.returncode == 0, f"{who}:\n{_failures(result.stdout)}\n{result.stderr[-2000:]}"
