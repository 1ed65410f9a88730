"""Every API endpoint refuses anonymous callers, except the few that are public by design."""

import re

import pytest

from zhicheng.api.api import api

# Public by design: the API's own schema and docs (and, in later issues, public publicity/verification)
PUBLIC_PREFIXES = ("/api/v1/public/",)


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method in methods:
            yield method.upper(), path


def test_schema_lists_endpoints():
    assert len(list(_operations())) > 0


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), list(_operations()))
def test_anonymous_refused(client, method, path):
    url = re.sub(r"\{[^}]+\}", "1", path)
    response = client.generic(method, url, data="{}", content_type="application/json")
    if path.startswith(PUBLIC_PREFIXES):
        assert response.status_code != 401
        return
    assert response.status_code == 401, f"{method} {path} answered {response.status_code} to an anonymous caller"
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "unauthenticated"
