"""A dossier write locks the dossier's row only: never the campaign's or the unit's (issue 11, item 1)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from zhicheng.accounts.models import Organisation
from zhicheng.audit.testing import audit_flushable  # noqa: F401  (the fixture)
from zhicheng.campaigns.models import Campaign
from zhicheng.dossiers.services import dossier_lock_for_edit

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need a server database")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_open_edit_leaves_the_campaign_and_the_unit_free(catalog_reseeded, audit_flushable, dossier, applicant):  # noqa: F811
    locked, done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def editor() -> None:
        try:
            with transaction.atomic():
                dossier_lock_for_edit(dossier, applicant)  # joins campaign and applicant, locks only the dossier
                locked.set()
                done.wait(timeout=60)
        finally:
            connections.close_all()

    def other() -> None:
        try:
            locked.wait(timeout=60)
            with transaction.atomic():  # NOWAIT: a lock held by the editor would raise at once
                outcome["campaign"] = Campaign.objects.select_for_update(nowait=True).get(pk=dossier.campaign_id).pk
                outcome["unit"] = Organisation.objects.select_for_update(nowait=True).get(pk=dossier.organisation_id).pk
        except BaseException as exc:  # reported below
            outcome["error"] = exc
        finally:
            done.set()
            connections.close_all()

    threads = [threading.Thread(target=editor), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "error" not in outcome, outcome.get("error")
    assert outcome == {"campaign": dossier.campaign_id, "unit": dossier.organisation_id}
