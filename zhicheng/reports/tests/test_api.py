"""The API does what the pages do: statistics, exports (progress, file), archive bundles, with the same refusals."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from zhicheng.accounts.tests.factories import login_verified

from .factories import make_dossier
from .test_archive import finished_dossier

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_statistics_figures_and_scope(tree, campaign):
    make_dossier(campaign, tree["unit"], "passed")
    make_dossier(campaign, tree["unit2"], "failed")
    body = _client(tree["department_clerk"]).get("/api/v1/reports/statistics", {"campaign": campaign.pk}).json()
    units = next(f for f in body["figures"] if f["key"] == "unit")
    assert units["rows"] == [["第一中学", 1]] and body["organisation_id"] == tree["department"].pk
    assert _client(tree["department_clerk"]).get(
        "/api/v1/reports/statistics", {"organisation": tree["department2"].pk}).status_code == 404
    response = _client(tree["unit_clerk"]).get("/api/v1/reports/statistics")
    assert response.status_code == 403 and response.json()["code"] == "not_statistics_staff"


def test_export_progress_and_file(tree, campaign, settings):
    make_dossier(campaign, tree["unit"], "submitted")
    make_dossier(campaign, tree["unit"], "unit_passed")
    client = _client(tree["unit_clerk"])
    response = _post(client, "/api/v1/reports/exports", {"kind": "queue", "filters": {
        "organisation": str(tree["unit"].pk), "state": "unit_passed"}})
    assert response.status_code == 201, response.content
    export = response.json()
    assert export["status"] == "ready" and export["percent"] == 100 and export["rows_total"] == 1
    file = client.get(export["file_url"])
    book = load_workbook(io.BytesIO(b"".join(file.streaming_content)), read_only=True)
    assert [c.value for c in next(book.active.iter_rows(max_row=1))][:2] == ["申报人", "身份证号"]
    assert [e["id"] for e in client.get("/api/v1/reports/exports").json()] == [export["id"]]
    assert _client(tree["other_clerk"]).get(f"/api/v1/reports/exports/{export['id']}").status_code == 404
    assert _client(tree["other_clerk"]).get(export["file_url"]).status_code == 404
    settings.ZHICHENG_EXPORT_MAX_ROWS = 1
    refused = _post(client, "/api/v1/reports/exports", {"kind": "queue", "filters": {}})
    assert refused.status_code == 400 and refused.json()["details"] == {"rows": 2, "limit": 1}
    assert _post(client, "/api/v1/reports/exports", {"kind": "nonsense"}).status_code == 400


def test_archive_through_the_api(tree, campaign):
    dossier = finished_dossier(tree, campaign)
    client = _client(tree["office_staff"])
    response = _post(client, "/api/v1/reports/archives", {"dossier": dossier.pk})
    assert response.status_code == 201 and response.json()["status"] == "ready"
    pdf = client.get(response.json()["file_url"])
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert _post(_client(tree["other_clerk"]), "/api/v1/reports/archives", {"dossier": dossier.pk}).status_code == 404
    batch = _post(client, "/api/v1/reports/archives/campaign", {"campaign": campaign.pk})
    assert batch.status_code == 201 and batch.json()["kind"] == "archive_batch"
