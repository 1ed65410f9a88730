"""Malformed input answers a clear 4xx in the API's error shape, never a 500 (issue 10, finding 11).

Each case is what schemathesis (and a curious integrator) sent: a page number beyond any integer the database
holds, a non-numeric title where a code or id is expected, a multipart body without a boundary, a content type
that cannot be parsed, and ids too large for the database.
"""

import pytest
from django.test import Client

from zhicheng.catalog.models import Condition
from zhicheng.catalog.tests.helpers import logged_in_client, office_user

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


def _is_error_shape(response) -> bool:
    body = response.json()
    return {"code", "message", "details"} <= set(body)


@pytest.mark.parametrize("query", [f"?page={HUGE}", "?page=0", "?page=-1", "?page=abc", f"?page_size={HUGE}",
                                   "?page_size=0"])
def test_public_publicity_page_out_of_range_is_422(query):
    response = Client().get("/api/v1/public/publicity/" + query)
    assert response.status_code == 422 and _is_error_shape(response)


def test_public_publicity_last_page_still_answers():
    response = Client().get("/api/v1/public/publicity/?page=1000000")
    assert response.status_code == 200 and response.json()["items"] == []


def test_condition_patch_with_non_numeric_title_is_400():
    client = logged_in_client(office_user())
    condition = Condition.objects.filter(below_title__isnull=True).first() or Condition.objects.first()
    for below in ("not-a-number", HUGE, "١٢"):
        response = client.patch(f"/api/v1/catalog/conditions/{condition.pk}", {"below_title": below},
                                content_type="application/json")
        assert response.status_code == 400, (below, response.content)
        assert response.json()["code"] == "unknown_title" and "未知的下一级职称" in response.json()["message"]
    condition.refresh_from_db()
    assert Condition.objects.get(pk=condition.pk).below_title_id == condition.below_title_id  # nothing saved


@pytest.mark.parametrize("content_type", [
    "multipart/form-data",  # no boundary
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=\"unterminated",
    "application/json; charset=no-such-charset",
    "text/plain; charset=utf-8",
    ";;;",
])
def test_write_with_malformed_content_type_is_4xx(content_type):
    client = logged_in_client(office_user())
    response = client.generic("POST", "/api/v1/catalog/specialties", b'{"series": "05", "name": "x"}',
                              content_type=content_type)
    assert 400 <= response.status_code < 500, (content_type, response.status_code, response.content[:200])
    assert _is_error_shape(response)


def test_anonymous_public_objection_without_boundary_is_4xx():
    response = Client().generic("POST", "/api/v1/public/publicity/1/objections", b"--x\r\n",
                                content_type="multipart/form-data")
    assert 400 <= response.status_code < 500 and _is_error_shape(response)


@pytest.mark.parametrize(("method", "path"), [
    ("patch", f"/api/v1/catalog/conditions/{HUGE}"), ("get", f"/api/v1/dossiers/{HUGE}"),
    ("get", f"/api/v1/review/dossiers/{HUGE}/timeline"), ("patch", f"/api/v1/catalog/specialties/{HUGE}"),
])
def test_id_beyond_the_database_range_is_4xx(method, path):
    response = getattr(logged_in_client(office_user()), method)(path, {"min_years": 1}, content_type="application/json")
    assert 400 <= response.status_code < 500 and _is_error_shape(response)


def test_session_write_sent_as_a_form_is_415_not_a_parser_crash():
    """The CSRF check used to parse the multipart body, then ninja re-read it: RawPostDataException, a 500."""
    client = logged_in_client(office_user())
    client.handler.enforce_csrf_checks = True
    response = client.post("/api/v1/catalog/specialties", {"series": "05", "name": "新专业"})  # multipart form
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"
    from zhicheng.catalog.models import Specialty

    assert not Specialty.objects.filter(name="新专业").exists()


def test_a_newline_in_an_api_path_gets_the_json_404(client):
    """An id with a line feed (`%0A`) did not match the catch-all and fell through to the HTML 404 page."""
    response = client.patch("/api/v1/catalog/specialties/%C3%B5%0A%20.Tv", data=b"{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
