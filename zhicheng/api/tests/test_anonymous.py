"""Every API endpoint refuses anonymous callers, except the few that are public by design."""

import re

import pytest

from zhicheng.api.api import api

# Public by design, listed one by one so that a new endpoint under /public/ is refused until added here
PUBLIC_ENDPOINTS = {
    ("GET", "/api/v1/public/publicity/"),
    ("POST", "/api/v1/public/publicity/{entry_id}/objections"),
    ("GET", "/api/v1/public/objections/{code}"),
    ("GET", "/api/v1/public/notices/"),
    ("GET", "/api/v1/public/notices/{notice_id}"),

    ("GET", "/api/v1/public/publicity/results/"),
    ("GET", "/api/v1/public/certificates/verify"),
    ("GET", "/api/v1/public/certificates/verify/{code}"),
    ("POST", "/api/v1/public/certificates/verify-pdf"),
}


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
    if (method, path) in PUBLIC_ENDPOINTS:
        # answered (an empty list, a 404 for entry/code "1", a 422 for the empty body), never "log in"
        assert response.status_code in (200, 404, 422), f"{method} {path} answered {response.status_code}"
        return
    assert response.status_code == 401, f"{method} {path} answered {response.status_code} to an anonymous caller"
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "unauthenticated"


def test_public_endpoints_are_in_the_schema():
    assert set(_operations()) >= PUBLIC_ENDPOINTS


@pytest.mark.django_db
def test_the_public_list_answers_anonymous_callers_without_private_fields(client):
    response = client.get("/api/v1/public/publicity/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    fields = set(PUBLIC_ENTRY_FIELDS)
    assert all(set(item) == fields for item in body["items"])
    # the schema promises no more than the public face of a candidate (no ID number, phone or file)
    assert set(api.get_openapi_schema()["components"]["schemas"]["PublicEntryOut"]["properties"]) == fields


PUBLIC_ENTRY_FIELDS = ("entry_id", "name", "unit", "series", "level", "title", "specialty", "category",
                       "starts_on", "ends_on", "extended", "scope")
