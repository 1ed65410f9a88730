"""`Dossier.blocking_findings`: the latest check's blocking count kept on the row, which the queues' "有不符合项"
filter and count read. It must agree with the latest check after every way a check is stored (an edit, the
re-check task after the edit commits, a submission, a review step), and the data migration fills it."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.services import section_item_delete
from zhicheng.eligibility import services
from zhicheng.eligibility.models import EligibilityCheck
from zhicheng.eligibility.selectors import eligibility_latest
from zhicheng.review.selectors import QueueFilters, queue_count, queue_for

from .helpers import add_months, submit

pytestmark = pytest.mark.django_db

FIVE_MORE = ["2024-04", "2024-05", "2024-06", "2024-07", "2024-08"]


def _row(dossier) -> int | None:
    return Dossier.objects.values_list("blocking_findings", flat=True).get(pk=dossier.pk)


def _agrees(dossier) -> int | None:
    """The row's count, after checking it is the latest check's (what the queue read per row before)."""
    latest = eligibility_latest(dossier)
    assert _row(dossier) == (latest.blocking_count if latest else None)
    return _row(dossier)


def _in_blocking_queue(dossier) -> bool:
    """The dossier's holder's queue filtered on blocking findings lists it, and the count says the same."""
    org = Dossier.objects.get(pk=dossier.pk).held_by
    listed = dossier.pk in {d.pk for d in queue_for(org, QueueFilters(blocking=True))}
    unlisted = dossier.pk in {d.pk for d in queue_for(org, QueueFilters(blocking=False))}
    assert listed is not unlisted
    assert queue_count(org, QueueFilters(blocking=True)) == int(listed)
    assert queue_count(org, QueueFilters(blocking=False)) == int(unlisted)
    return listed


def test_edits_that_add_and_clear_a_finding_keep_the_row_current(dossier, applicant):
    assert _agrees(dossier) == 1  # one social-security month of six: R-SOCSEC blocks
    add_months(dossier, applicant, FIVE_MORE, credit_code=dossier.socialsecuritymonth_items.first().credit_code)
    assert _agrees(dossier) == 0
    last = dossier.socialsecuritymonth_items.order_by("-month").first()
    section_item_delete(dossier=dossier, actor=applicant, section="social_security", item_id=last.pk)
    assert _agrees(dossier) == 1


def test_the_recheck_after_commit_writes_the_row(dossier, applicant, settings, django_capture_on_commit_callbacks):
    settings.ZHICHENG_ELIGIBILITY_AFTER_COMMIT = True
    code = dossier.socialsecuritymonth_items.first().credit_code
    with django_capture_on_commit_callbacks(execute=True):
        add_months(dossier, applicant, FIVE_MORE, credit_code=code)
    assert eligibility_latest(dossier).dossier_revision == Dossier.objects.get(pk=dossier.pk).revision
    assert _agrees(dossier) == 0


def test_the_queue_filter_and_count_follow_a_recheck_across_zero_and_one(dossier, applicant, campaign):
    """Submitted with a declared exemption (the finding stays in the check), then re-checked at a review step after
    the office moves the threshold below and back above the dossier's months."""
    services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="本人为公司法定代表人", actor=applicant)
    submit(dossier, applicant)
    assert _agrees(dossier) == 1 and _in_blocking_queue(dossier)
    campaign.social_security_months = 1
    campaign.save()
    services.eligibility_before_review_step(dossier)
    assert _agrees(dossier) == 0 and not _in_blocking_queue(dossier)
    campaign.social_security_months = 6
    campaign.save()
    services.eligibility_before_review_step(dossier)
    assert _agrees(dossier) == 1 and _in_blocking_queue(dossier)


def test_an_override_or_exemption_leaves_the_count_as_the_check_has_it(dossier, applicant, tree):
    """The queue's "有不符合项" counts the latest check's blocking findings, covered or not (as before the column):
    a reviewer's override or a confirmed exemption changes the status beside the dossier, not this count."""
    declaration = services.exemption_declare(dossier=dossier, rule="R-SOCSEC", statement="说明", actor=applicant)
    submit(dossier, applicant)
    services.finding_override(dossier=dossier, rule="R-SOCSEC", reason="已核实劳动合同", actor=tree["unit_clerk"])
    services.exemption_confirm(declaration=declaration, actor=tree["unit_leader"], note="材料齐全")
    assert Dossier.objects.get(pk=dossier.pk).eligibility_status == "eligible"
    assert _agrees(dossier) == 1 and _in_blocking_queue(dossier)


def test_a_check_stored_while_another_was_stored_first_is_the_latest_and_the_row(dossier, applicant):
    """The row is written before the check's time is read (under the row's lock): the check stored last is the
    latest by time and its count is the row's, whichever evaluation started first."""
    first = eligibility_latest(dossier)
    add_months(dossier, applicant, FIVE_MORE, credit_code=dossier.socialsecuritymonth_items.first().credit_code)
    second = eligibility_latest(dossier)
    assert (second.computed_at, second.pk) > (first.computed_at, first.pk) and _agrees(dossier) == 0


def test_the_data_migration_fills_the_row_from_each_latest_check(dossier, applicant, campaign, tree,
                                                                 inside_window):
    from zhicheng.dossiers.tests.factories import dossier_for

    add_months(dossier, applicant, FIVE_MORE, credit_code=dossier.socialsecuritymonth_items.first().credit_code)
    assert EligibilityCheck.objects.filter(dossier=dossier, blocking_count=1).exists()  # an older blocked check
    other = dossier_for(tree["other_applicant"], campaign)
    services.eligibility_evaluate(dossier=other)
    never = dossier_for(tree["agency_applicant"], campaign)
    EligibilityCheck.objects.filter(dossier=never).delete()  # a dossier from before the engine: never checked
    Dossier.objects.filter(pk=never.pk).update(blocking_findings=None)
    expected = {d.pk: _agrees(d) for d in (dossier, other, never)}
    assert expected[dossier.pk] == 0 and expected[other.pk] > 0 and expected[never.pk] is None
    Dossier.objects.update(blocking_findings=None)  # the column as AddField leaves it

    class Editor:  # the one method of the schema editor the migration uses
        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    importlib.import_module("zhicheng.eligibility.migrations.0006_blocking_findings_fill").fill(None, Editor())
    assert {d.pk: _row(d) for d in (dossier, other, never)} == expected
