"""The incremental re-check (issue 11): an edit re-runs only the rules whose facts changed, the others keep their
findings and their checked-at time, and the result is always what a full evaluation gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.services import section_item_create, section_item_update
from zhicheng.dossiers.tests.factories import at, dossier_for, fill, valid_row
from zhicheng.eligibility import rules, services
from zhicheng.eligibility.facts import DossierFacts
from zhicheng.eligibility.models import EligibilityCheck
from zhicheng.eligibility.selectors import campaign_params, dossier_facts, eligibility_latest

from .facts_factory import make_facts, make_params
from .test_rules_evaluate import _ce, _exemptions, _months, _papers, _titles, _transfers

D = dt.date
FACT_FIELDS = [f.name for f in dataclasses.fields(DossierFacts)]
EDITS = {  # a random new value for each part of the facts an applicant's edit can change
    "titles": _titles.map(tuple),
    "achievements": _papers.map(tuple),
    "social_security": _months.map(tuple),
    "continuing_education": _ce.map(tuple),
    "exemptions": _exemptions.map(tuple),
    "transfers": _transfers.map(tuple),
    "rural_service_years": st.none() | st.integers(0, 20),
    "rural_remote_area": st.booleans(),
    "reference_date": st.none() | st.dates(D(2024, 9, 1), D(2024, 10, 31)),
    "applicant": st.fixed_dictionaries({"file_custody": st.sampled_from([None, "local", "outside_province"]),
                                        "employment": st.sampled_from([None, "unit_staff", "agency_client"]),
                                        "retirement_category": st.sampled_from([None, "cadre55", "worker50"])}),
    "target": st.fixed_dictionaries({"category": st.sampled_from(["normal", "exceptional", "transfer", "rural"]),
                                     "level_rank": st.integers(1, 5)}),
}


def _edited(facts: DossierFacts, field: str, value) -> DossierFacts:
    if isinstance(value, dict):  # a part of the facts: change some of its fields
        return dataclasses.replace(facts, **{field: dataclasses.replace(getattr(facts, field), **value)})
    return dataclasses.replace(facts, **{field: value})


def _stored(findings, digests, times):
    """A check as read back from the database (the findings went through JSON)."""
    return SimpleNamespace(findings=json.loads(json.dumps(findings)), rule_digests=digests, rule_checked_at=times)


def _full(facts, params):
    return json.loads(json.dumps([services.finding_as_dict(f) for f in rules.evaluate(facts, params)]))


@settings(max_examples=200, deadline=None)
@given(edits=st.lists(st.sampled_from(sorted(EDITS)).flatmap(lambda f: st.tuples(st.just(f), EDITS[f])),
                      min_size=1, max_size=6))
def test_incremental_equals_a_full_re_check_after_any_edits(edits):
    params = make_params()
    facts = make_facts()
    t0 = dt.datetime(2024, 10, 1, 10, tzinfo=dt.UTC)
    findings, digests, times, ran = services._incremental(rules, facts, params, None, t0)
    assert ran == [spec.id for spec in rules.PER_DOSSIER_RULES]  # the first check runs everything
    latest = _stored(findings, digests, times)
    for n, (field, value) in enumerate(edits, start=1):
        facts = _edited(facts, field, value)
        now = t0 + dt.timedelta(minutes=n)
        findings, digests, times, ran = services._incremental(rules, facts, params, latest, now)
        assert json.loads(json.dumps(findings)) == _full(facts, params)
        # only rules reading the edited part can have run; a rule that did not run keeps its time
        assert set(ran) <= {spec.id for spec in rules.PER_DOSSIER_RULES if field in spec.reads}
        for spec in rules.PER_DOSSIER_RULES:
            assert times[spec.id] == (now.isoformat() if spec.id in ran else latest.rule_checked_at[spec.id])
        latest = _stored(findings, digests, times)


class _Reading:
    """Facts that remember which of their parts a rule looked at."""

    def __init__(self, facts: DossierFacts, seen: set[str]):
        self._facts, self._seen = facts, seen

    def __getattr__(self, name: str):
        if name in FACT_FIELDS:
            self._seen.add(name)
        return getattr(self._facts, name)


@settings(max_examples=150, deadline=None)
@given(edits=st.lists(st.sampled_from(sorted(EDITS)).flatmap(lambda f: st.tuples(st.just(f), EDITS[f])),
                      max_size=8))
def test_every_rule_reads_only_the_facts_it_declares(edits):
    """A rule reading an undeclared part would keep stale findings after an edit of that part."""
    facts = make_facts()
    for field, value in edits:
        facts = _edited(facts, field, value)
    for spec in rules.PER_DOSSIER_RULES:
        seen: set[str] = set()
        spec.function(_Reading(facts, seen), make_params())
        assert seen <= set(spec.reads), spec.id


def test_every_per_dossier_rule_declares_what_it_reads():
    for spec in rules.PER_DOSSIER_RULES:
        assert spec.reads and set(spec.reads) <= set(FACT_FIELDS), spec.id


# --- on the stored checks, with the real rules -----------------------------------------------------------------

@pytest.fixture
def checked(campaign, applicant, inside_window):
    dossier = dossier_for(applicant, campaign)
    fill(dossier, applicant)  # every edit re-checks inside its transaction (the tests' default)
    dossier.refresh_from_db()
    return dossier


def _full_now(dossier: Dossier):
    dossier = Dossier.objects.select_related("campaign").get(pk=dossier.pk)
    params = campaign_params(dossier.campaign, series=dossier.series_id, level=dossier.level_id)
    return _full(dossier_facts(dossier), params)


@pytest.mark.django_db
def test_a_social_security_edit_re_runs_that_rule_only(checked, applicant):
    before = eligibility_latest(checked)
    assert set(before.rule_checked_at) == {spec.id for spec in rules.PER_DOSSIER_RULES}
    with at("2024-10-01T15:00:00+08:00") as later:
        section_item_create(dossier=checked, actor=applicant, section="social_security",
                            data=valid_row("social_security", month="2024-04"))
    after = eligibility_latest(checked)
    assert after.pk != before.pk and after.rules_run == ["R-SOCSEC"]
    assert after.rule_checked_at["R-SOCSEC"] == later.isoformat()
    assert after.rule_checked_at["R-CE"] == before.rule_checked_at["R-CE"]  # continuing education: not re-run
    assert after.findings == _full_now(checked)


@pytest.mark.django_db
def test_a_continuing_education_edit_re_runs_that_rule_only(checked, applicant):
    before = eligibility_latest(checked)
    item = checked.continuingeducation_items.get()
    with at("2024-10-01T15:00:00+08:00"):
        section_item_update(dossier=checked, actor=applicant, section="continuing_education", item_id=item.pk,
                            data={"general_hours": "10"})
    after = eligibility_latest(checked)
    assert after.rules_run == ["R-CE"]
    assert after.rule_checked_at["R-SOCSEC"] == before.rule_checked_at["R-SOCSEC"]
    assert after.findings == _full_now(checked)


@pytest.mark.django_db
def test_a_threshold_change_re_runs_every_rule(checked):
    from zhicheng.campaigns.models import Campaign

    latest = eligibility_latest(checked)
    Campaign.objects.filter(pk=checked.campaign_id).update(social_security_months=7)
    dossier = Dossier.objects.select_related("campaign").get(pk=checked.pk)
    params = campaign_params(dossier.campaign, series=dossier.series_id, level=dossier.level_id)
    facts = dossier_facts(dossier)
    findings, _digests, _times, ran = services._incremental(rules, facts, params, latest,
                                                            dt.datetime(2024, 10, 1, 8, tzinfo=dt.UTC))
    assert ran == [spec.id for spec in rules.PER_DOSSIER_RULES]
    assert json.loads(json.dumps(findings)) == _full(facts, params)


@pytest.mark.django_db
def test_the_checklist_shows_when_each_finding_was_checked(checked, applicant, client):
    with at("2024-10-01T15:00:00+08:00"):
        section_item_create(dossier=checked, actor=applicant, section="social_security",
                            data=valid_row("social_security", month="2024-04"))
    client.force_login(applicant)
    html = client.get(reverse("eligibility:checklist", args=[checked.pk])).content.decode()
    assert html.count("检查于") == len(eligibility_latest(checked).findings)
    assert "检查于 2024年10月1日 15:00" in html  # the re-run social-security rule
    assert "检查于 2024年10月1日 10:00" in html  # the others keep the time they were checked
    assert EligibilityCheck.objects.filter(dossier=checked).exists()
