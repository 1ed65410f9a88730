"""Every page carries a Content-Security-Policy that allows our own scripts and styles only, and no template holds
an inline script, an on* handler or a style attribute that the policy would block."""

import re
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("path", ["/accounts/login/", "/public/publicity/", "/api/v1/docs", "/api/v1/openapi.json",
                                  "/no-such-page/"])
def test_every_response_carries_the_policy(path):
    response = Client().get(path)
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_templates_hold_no_inline_script_handler_or_style():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        inline_scripts = [m for m in re.finditer(r"<script\b([^>]*)>", text) if "src=" not in m.group(1)]
        if inline_scripts or re.search(r"\son[a-z]+\s*=\s*[\"']", text) or re.search(r"\sstyle\s*=", text) \
                or "<style" in text:
            offenders.append(template.name)
    assert offenders == []
