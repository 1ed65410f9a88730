"""The surge benchmark's two looks at the database (run.py calls them with the bench's settings):

    python dbtools.py plan PLAN.json        who the simulated people are: ready applicants with their dossier and
                                            rows, each unit clerk with the submitted dossiers in their queue
    python dbtools.py verify LOG.jsonl      after the run: every submission that got a 2xx exists exactly once
                                            (one version, one state change, one audit row) with all its files,
                                            byte-identical in storage; prints JSON {checked, lost, doubled, ...}
"""

from __future__ import annotations

import hashlib
import json
import sys


def plan(out: str) -> None:
    from django.db.models import Max

    from zhicheng.accounts.models import Membership, Role
    from zhicheng.dossiers.models import Achievement, ContinuingEducation, Dossier

    ready = list(Dossier.objects.filter(applicant__username__startswith="surge", state="draft")
                 .order_by("pk").values_list("pk", "applicant__username", "organisation_id"))
    ce = dict(ContinuingEducation.objects.filter(dossier_id__in=[d for d, _u, _o in ready]).values("dossier_id")
              .annotate(last=Max("id")).values_list("dossier_id", "last"))
    papers: dict[int, list[int]] = {}
    for dossier_id, pk in Achievement.objects.filter(dossier_id__in=list(ce)).order_by("pk").values_list(
            "dossier_id", "pk"):
        papers.setdefault(dossier_id, []).append(pk)
    applicants = [{"username": u, "dossier": d, "ce_row": ce[d], "papers": papers.get(d, [])} for d, u, _o in ready]
    clerks = []
    for user__username, org in Membership.objects.filter(role=Role.REVIEW_CLERK, organisation__kind="unit",
                                                         user__username__endswith="clerk").values_list(
            "user__username", "organisation_id").order_by("organisation_id"):
        queue = list(Dossier.objects.filter(organisation_id=org, state="submitted").order_by("pk")
                     .values_list("pk", flat=True)[:200])
        if queue:
            clerks.append({"username": user__username, "unit": org, "dossiers": queue})
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"applicants": applicants, "clerks": clerks}, f)
    print(f"plan: {len(applicants)} ready applicants, {len(clerks)} unit clerks with a queue")


def verify(log: str) -> None:
    from django.core.files.storage import default_storage

    from zhicheng.audit.events import EventType
    from zhicheng.audit.models import AuditEvent
    from zhicheng.dossiers.models import Dossier, DossierStateChange, DossierVersion, EvidenceFile

    with open(log, encoding="utf-8") as f:
        entries = [json.loads(line) for line in f if line.strip()]
    seen: dict[int, int] = {}
    for e in entries:
        seen[e["dossier"]] = seen.get(e["dossier"], 0) + 1
    lost, doubled, problems = 0, 0, []
    for e in entries:
        pk = e["dossier"]
        dossier = Dossier.objects.filter(pk=pk).first()
        versions = DossierVersion.objects.filter(dossier_id=pk).count()
        submits = DossierStateChange.objects.filter(dossier_id=pk, to_state="submitted").count()
        events = AuditEvent.objects.filter(event_type=EventType.DOSSIER_SUBMITTED, object_id=str(pk)).count()
        if dossier is None or dossier.submitted_at is None or versions == 0 or submits == 0 or events == 0:
            lost += 1
            problems.append(f"dossier {pk}: not submitted (versions {versions}, state changes {submits})")
            continue
        if versions > 1 or submits > 1 or events > 1 or seen[pk] > 1:
            doubled += 1
            problems.append(f"dossier {pk}: {versions} versions, {submits} submits, {events} audit rows")
        version = DossierVersion.objects.get(dossier_id=pk, number=1)
        for sha in e["files"]:
            rows = list(EvidenceFile.objects.filter(dossier_id=pk, sha256=sha, deleted_at__isnull=True))
            if len(rows) != 1 or sha not in version.file_hashes:
                lost += 1
                problems.append(f"dossier {pk}: file {sha[:12]} has {len(rows)} rows, in version: "
                                f"{sha in version.file_hashes}")
                continue
            digest = hashlib.sha256()
            with default_storage.open(rows[0].file.name, "rb") as stored:
                for chunk in iter(lambda s=stored: s.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != sha:
                lost += 1
                problems.append(f"dossier {pk}: stored bytes of {sha[:12]} differ")
    print(json.dumps({"checked": len(entries), "files": sum(len(e["files"]) for e in entries), "lost": lost,
                      "doubled": doubled, "problems": problems[:20]}))


if __name__ == "__main__":
    import django

    django.setup()
    {"plan": plan, "verify": verify}[sys.argv[1]](sys.argv[2])
