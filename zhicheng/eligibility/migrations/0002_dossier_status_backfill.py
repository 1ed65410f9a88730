"""Fill Dossier.eligibility_status from the checks already stored (the same answer as selectors.eligibility_status,
copied here so later changes to the code do not change what this migration did)."""

from django.db import migrations


def _status(check, revision, overrides, exemptions) -> str:
    if check.dossier_revision != revision:
        return "outdated"
    unresolved = []
    for f in check.findings:
        key = (f.get("rule"), f.get("subject") or "")
        exemption = exemptions.get(key)
        covered = key in overrides or (exemption is not None and exemption != "refused")
        if f.get("blocking") and not covered:
            unresolved.append(f)
    if not unresolved:
        return "eligible"
    return "incomplete" if all(f.get("incomplete") for f in unresolved) else "blocked"


def backfill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    EligibilityCheck = apps.get_model("eligibility", "EligibilityCheck")
    FindingOverride = apps.get_model("eligibility", "FindingOverride")
    ExemptionDeclaration = apps.get_model("eligibility", "ExemptionDeclaration")
    for dossier_id, revision in Dossier.objects.values_list("pk", "revision").iterator():
        check = EligibilityCheck.objects.filter(dossier_id=dossier_id).order_by("-computed_at", "-id").first()
        if check is None:
            continue
        overrides = {(r, s or "") for r, s in FindingOverride.objects.filter(
            dossier_id=dossier_id, revoked_at__isnull=True).values_list("rule", "subject")}
        exemptions = {}
        for rule, subject, state in ExemptionDeclaration.objects.filter(dossier_id=dossier_id).order_by(
                "-declared_at", "-id").values_list("rule", "subject", "state"):
            exemptions.setdefault((rule, subject or ""), state)  # the latest declaration counts
        status = _status(check, revision, overrides, exemptions)
        Dossier.objects.filter(pk=dossier_id).update(eligibility_status=status)


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0006_eligibility_status"),
        ("eligibility", "0001_checks_overrides_exemptions_reruns"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
