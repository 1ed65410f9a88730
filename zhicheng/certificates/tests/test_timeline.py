"""The dashboard's timeline marks the results phase done only when the system did it, never by date alone."""

from __future__ import annotations

import datetime as dt

import pytest

from zhicheng.web.worktodo import campaign_phases

from .helpers import conferred, issued, published

pytestmark = pytest.mark.django_db
AFTER = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)  # after the campaign's issue date 2024-12-31


def _results_step(campaign):
    return campaign_phases(campaign, AFTER)[-1]


def test_past_the_date_with_nothing_done_it_is_not_done(campaign, result):
    assert _results_step(campaign).state == "late"


def test_publicity_running_is_not_done(tree, campaign, result):
    published(tree, [result])
    assert _results_step(campaign).state == "late"


def test_a_document_with_certificates_not_issued_is_not_done(tree, campaign, result):
    conferred(tree, [result])
    assert _results_step(campaign).state == "late"


def test_done_when_every_certificate_is_issued(tree, campaign, result):
    issued(tree, [result])
    assert _results_step(campaign).state == "done"


def test_before_its_dates_it_is_upcoming(campaign, result):
    assert campaign_phases(campaign, dt.datetime(2024, 10, 1, tzinfo=dt.UTC))[-1].state == "upcoming"
