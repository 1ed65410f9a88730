"""One dossier from submit to office acceptance through the 11 requests people make, traced file by file.

Each request goes through the test client with a profile hook that notes every project file whose functions
run (code run at import time left out; tests, migrations and the virtualenv are not project files). The test
asserts what a person would notice — each request moves the dossier to the next state and leaves exactly one
`DossierStateChange` with the person who acted — and that the trace stays within the ceiling measured when it
was written (docs/architecture.md "Follow one dossier"). To print the table again:

    ZHICHENG_TRACE_OUT=trace.md .venv/bin/pytest -n 0 zhicheng/review/tests/test_trace_one_dossier.py

Eligibility is evaluated at every step as in production, with the real rules (no guard set aside): the dossier
is filled with valid rows and carries the proofs the rules ask for.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.models import DossierState, DossierStateChange
from zhicheng.publicity.models import PublicityEntry
from zhicheng.review.services.recommendation import unit_post_count_record

from .factories import at, dossier_for, fill, recommendation_papers, signed

pytestmark = pytest.mark.django_db
S = DossierState
ROOT = Path(__file__).resolve().parents[3]
PROJECT = ROOT / "zhicheng"
API = "/api/v1/review"
# Distinct project files over the 11 requests when this test was written; a new hop must be a decision.
CEILING_FILES = 65


def _proofs_attached(dossier, applicant) -> None:
    """The files the real rules ask of the factory's rows: the CE certificate and the labour-exemption proofs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhicheng.dossiers.evidence import evidence_attach
    from zhicheng.files.tests import samples

    for section, related, purpose in (("continuing_education", "continuingeducation_items", "ce_certificate"),
                                      ("labour_exemption", "labourrelationexemption_items", "labour_contract"),
                                      ("labour_exemption", "labourrelationexemption_items", "salary_statement")):
        upload = SimpleUploadedFile("证明.pdf", samples.pdf_bytes(), content_type="application/pdf")
        evidence_attach(dossier=dossier, section=section, item_id=getattr(dossier, related).get().pk,
                        upload=upload, actor=applicant, purpose=purpose)


class FileTrace:
    """Project files whose functions are called while active (sys.setprofile; this thread only)."""

    def __init__(self):
        self.files: set[str] = set()
        self._seen: dict[str, str | None] = {}
        self._base = None

    def _project_file(self, filename: str) -> str | None:
        if filename not in self._seen:
            path = Path(filename)
            relative = None
            if path.is_absolute() and path.is_relative_to(PROJECT):
                parts = path.relative_to(PROJECT).parts
                if not {"tests", "migrations"} & set(parts):
                    relative = path.relative_to(PROJECT).as_posix()
            self._seen[filename] = relative
        return self._seen[filename]

    def _profile(self, frame, event, _arg):
        if event == "call":
            relative = self._project_file(frame.f_code.co_filename)
            if relative and relative not in self.files and not self._importing(frame):
                self.files.add(relative)

    def _importing(self, frame) -> bool:
        """Called while a module is being imported (a decorator applied, a URLconf loaded): not the request's.
        Looks no further than the frame that started the trace (the test runner itself is a module)."""
        while frame is not None and frame is not self._base:
            if frame.f_code.co_name == "<module>":
                return True
            frame = frame.f_back
        return False

    def __enter__(self):
        self._base = sys._getframe(1)
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)


def _app(path: str) -> str:
    return path.split("/")[0] if "/" in path else "(root)"


def _table(steps: list[tuple[str, set[str]]]) -> str:
    """Markdown: the files every request passes, then per request the files beyond those, then totals."""
    common = set.intersection(*(files for _, files in steps))
    lines = ["| # | request | files | apps | files beyond the common ones |", "|---|---|---|---|---|"]
    for n, (label, files) in enumerate(steps, 1):
        extra = ", ".join(f"`{f}`" for f in sorted(files - common)) or "—"
        lines.append(f"| {n} | {label} | {len(files)} | {len({_app(f) for f in files})} | {extra} |")
    every = set().union(*(files for _, files in steps))
    apps = sorted({_app(f) for f in every})
    return "\n".join([
        f"Common to every request ({len(common)}): " + ", ".join(f"`{f}`" for f in sorted(common)), "", *lines, "",
        f"In all: {len(every)} distinct project files in {len(apps)} apps ({', '.join(apps)}).", "",
    ])


def test_one_dossier_from_submit_to_office_acceptance(client, tree, campaign):
    applicant = tree["applicant"]
    with at("2024-10-01T10:00:00+08:00"):
        dossier = dossier_for(applicant, campaign)
        fill(dossier, applicant)
        _proofs_attached(dossier, applicant)
        signed(dossier, applicant)
    steps: list[tuple[str, set[str]]] = []
    expected: list[tuple[str, str, int]] = []  # (transition, to, actor) per request that moves the dossier

    def request(label: str, user, method: str, url: str, body=None, *, json: bool = True):
        client.logout()
        login_verified(client, user)
        send = getattr(client, method)
        with FileTrace() as trace:
            response = (send(url, body or {}, content_type="application/json") if json else send(url, body or {}))
        steps.append((label, trace.files))
        assert response.status_code < 400, (label, response.status_code, response.content[:500])
        return response

    def decision(label: str, action: str, clerk, leader, when: str, transition: str, to: str, data=None):
        with at(when):
            proposed = request(f"{label}: propose `{action}` (API)", clerk, "post",
                               f"{API}/dossiers/{dossier.pk}/decisions", {"action": action, **(data or {})})
            confirmed = request(f"{label}: a leader confirms (API)", leader, "post",
                                f"{API}/decisions/{proposed.json()['id']}/confirm")
        assert confirmed.json()["state"] == to
        expected.append((transition, to, leader.pk))

    with at("2024-10-01T10:05:00+08:00"):
        request("applicant submits (page)", applicant, "post", f"/dossiers/{dossier.pk}/submit/", json=False)
    expected.append(("submit", S.SUBMITTED, applicant.pk))
    decision("unit passes", "pass", tree["unit_clerk"], tree["unit_leader"], "2024-10-08T09:00:00+08:00",
             "unit_pass", S.UNIT_PASSED)
    with at("2024-10-08T09:30:00+08:00"):
        request("unit publishes (page)", tree["unit_clerk"], "post", "/publicity/publish/",
                {"dossier": [dossier.pk], "starts_on": "2024-10-08", "action": "publish"}, json=False)
    expected.append(("publicity_publish", S.IN_PUBLICITY, tree["unit_clerk"].pk))
    batch = PublicityEntry.objects.get(dossier=dossier).batch_id
    with at("2024-10-14T09:00:00+08:00"):
        request("unit closes the publicity (page)", tree["unit_leader"], "post", f"/publicity/{batch}/close/",
                json=False)
    expected.append(("publicity_close", S.PUBLICITY_DONE, tree["unit_leader"].pk))
    with at("2024-10-15T09:00:00+08:00"):
        dossier.refresh_from_db()
        recommendation_papers(dossier, tree["unit_clerk"])  # recorded before, as the unit does on its page
        unit_post_count_record(dossier=dossier, actor=tree["unit_clerk"], senior_held=1, grassroots_senior_held=0)
    decision("unit recommends", "recommend", tree["unit_clerk"], tree["unit_leader"], "2024-10-15T10:00:00+08:00",
             "unit_recommend", S.RECOMMENDED)
    decision("department passes", "pass", tree["department_clerk"], tree["department_leader"],
             "2024-11-05T10:00:00+08:00", "department_pass", S.DEPARTMENT_PASSED)
    decision("office accepts", "pass", tree["office_staff"], tree["office_leader"], "2024-11-20T10:00:00+08:00",
             "office_accept", S.OFFICE_ACCEPTED, {"route": "self"})

    rows = list(DossierStateChange.objects.filter(dossier=dossier).order_by("at", "id")
                .values_list("transition", "to_state", "actor_id"))
    assert rows == expected  # one row per transition, each with the person who made it
    every = set().union(*(files for _, files in steps))
    assert len(steps) == 11
    assert {"dossiers/workflow.py", "dossiers/guards.py", "eligibility/guards.py"} <= every  # the trace sees
    if out := os.environ.get("ZHICHENG_TRACE_OUT"):
        Path(out).write_text(_table(steps), encoding="utf-8")
    assert len(every) <= CEILING_FILES, sorted(every)
