"""R-POSTS (§六(四)): the 基层有效 senior cap and the post-structure ratio, called at the unit's recommendation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhicheng.eligibility.facts import WARN
from zhicheng.eligibility.rules import REGISTRY, evaluate, posts_check

from .facts_factory import make_facts, make_params


def _check(**kw):
    values = {"level_rank": 4, "scope": "grassroots", "category": "grassroots", "professional_posts": 50,
              "senior_held": 0, "grassroots_senior_held": 4, "recommending_now": 0, "grassroots_recommending_now": 1,
              "has_post_management": False, "cap_percent": Decimal("10")}
    values.update(kw)
    return posts_check(**values)


class TestGrassrootsCap:
    @pytest.mark.parametrize(("held", "now", "ok"), [(4, 1, True), (5, 1, False), (0, 5, True), (0, 6, False)])
    def test_ten_percent_exactly_vs_one_over(self, held, now, ok):
        f = _check(grassroots_senior_held=held, grassroots_recommending_now=now)
        assert f.ok is ok and f.rule == "R-POSTS"

    def test_exceptional_grassroots_counts_too(self):
        assert not _check(category="exceptional", grassroots_senior_held=5, grassroots_recommending_now=1).ok

    def test_fractional_cap(self):
        assert _check(cap_percent=Decimal("10.5"), professional_posts=200, grassroots_senior_held=20,
                      grassroots_recommending_now=1).ok  # 2100 <= 2100
        assert not _check(cap_percent=Decimal("10.49"), professional_posts=200, grassroots_senior_held=20,
                          grassroots_recommending_now=1).ok

    def test_intermediate_grassroots_is_not_capped(self):
        assert _check(level_rank=3, grassroots_senior_held=50).ok

    def test_posts_unknown_is_incomplete(self):
        assert _check(professional_posts=0).missing == ("organisation.professional_posts",)


class TestOutsideTheRatio:
    def test_province_wide_exceptional(self):
        assert _check(scope="province", category="exceptional", has_post_management=True, senior_held=99,
                      recommending_now=9, posts_at_level=1).ok

    def test_rural(self):
        assert _check(category="rural", grassroots_senior_held=99).ok


class TestPostManagement:
    def test_within_posts(self):
        kw = {"scope": "province", "category": "normal", "has_post_management": True, "posts_at_level": 8}
        assert _check(senior_held=6, recommending_now=2, **kw).ok
        assert _check(senior_held=6, recommending_now=3, **kw).blocking

    def test_posts_at_level_unknown_warns(self):
        f = _check(scope="province", category="normal", has_post_management=True)
        assert not f.ok and f.severity == WARN

    def test_without_post_management(self):
        assert _check(scope="province", category="normal").ok


def test_registered_but_not_run_per_dossier():
    assert REGISTRY["R-POSTS"].function is posts_check and not REGISTRY["R-POSTS"].per_dossier
    assert all(f.rule != "R-POSTS" for f in evaluate(make_facts(), make_params()))
