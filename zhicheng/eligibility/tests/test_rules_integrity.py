"""R-INTEGRITY: a title revoked for fraud bars applying for 3 years (§七(三)); both sides of the boundary."""

from __future__ import annotations

import datetime as dt

from .facts_factory import make_facts, make_params, run

D = dt.date


def test_no_bar_passes():
    (f,) = run("R-INTEGRITY")
    assert f.ok


def test_a_bar_covering_the_last_day_of_submission_blocks():
    params = make_params()
    (f,) = run("R-INTEGRITY", make_facts(applicant={"integrity_bar_until": params.submission_closes_on}), params)
    assert f.blocking and "撤销职称" in f.message_zh


def test_a_bar_ended_the_day_before_the_last_day_passes():
    params = make_params()
    until = params.submission_closes_on - dt.timedelta(days=1)
    (f,) = run("R-INTEGRITY", make_facts(applicant={"integrity_bar_until": until}), params)
    assert f.ok and str(until) in f.message_zh
