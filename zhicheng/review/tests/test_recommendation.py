"""The unit's recommendation: papers, the route's deadline as an instant, the 基层有效 senior cap (R-POSTS)."""

import pytest

from zhicheng.accounts.models import Organisation, Role
from zhicheng.accounts.tests.factories import member
from zhicheng.core.errors import ApplicationError, PermissionDenied
from zhicheng.dossiers.models import Dossier
from zhicheng.review.models import Recommendation, ReviewDecision
from zhicheng.review.services.decisions import decision_propose
from zhicheng.review.services.recommendation import recommendation_record, unit_post_count_record

from .factories import at, decided, dossier_in_state, recommendation_papers, staff_meeting

pytestmark = pytest.mark.django_db

WHEN = "2024-10-18T10:00:00+08:00"


@pytest.fixture
def ready(tree, campaign):
    """A 副高级 dossier after its publicity, with the papers and the unit's post counts (all zero)."""
    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    with at(WHEN):
        recommendation_papers(dossier, tree["unit_clerk"])
        unit_post_count_record(dossier=dossier, actor=tree["unit_clerk"], senior_held=0, grassroots_senior_held=0)
    return dossier


def recommend(tree, dossier, instant=WHEN):
    with at(instant):
        return decided(dossier, "recommend", clerk=tree["unit_clerk"], leader=tree["unit_leader"])


def test_papers_are_stored_and_the_recommendation_is_recorded(tree, ready):
    papers = Recommendation.objects.get(dossier=ready)
    assert papers.conduct_file_kind == "pdf" and papers.conduct_file_name == "品德考核情况说明.pdf"
    assert papers.conduct_file.storage.exists(papers.conduct_file.name) and len(papers.conduct_file_sha256) == 64
    assert recommend(tree, ready).state == "recommended"
    papers.refresh_from_db()
    assert papers.recommended_by == tree["unit_leader"] and papers.posts_check["rule"] == "R-POSTS"
    assert ReviewDecision.objects.get(dossier=ready).data["posts_check"]["ok"] is True


def test_recommendation_without_the_sealed_statement_refused(tree, campaign):
    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    with at(WHEN):
        recommendation_papers(dossier, tree["unit_clerk"], upload=False)
        with pytest.raises(ApplicationError) as exc:
            decision_propose(dossier=dossier, action="recommend", actor=tree["unit_clerk"])
    assert exc.value.code == "recommendation_papers_missing"


def test_a_file_that_is_not_pdf_or_image_refused(tree, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    with at(WHEN), pytest.raises(ApplicationError):
        recommendation_record(dossier=dossier, actor=tree["unit_clerk"], discipline_opinion="无",
                              conduct_statement="合格", upload=SimpleUploadedFile("说明.pdf", b"hello, not a pdf"))
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("who", ["other_clerk", "department_clerk", "applicant"])
def test_others_cannot_record_papers(tree, campaign, who):
    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    with at(WHEN), pytest.raises(PermissionDenied):
        recommendation_papers(dossier, tree[who], upload=False)


@pytest.mark.parametrize(("instant", "accepted"), [
    ("2024-10-21T00:00:00+08:00", True),  # the system's close of unit recommendation does not stop the hand-over
    ("2024-10-31T23:59:59+08:00", True),
    ("2024-11-01T00:00:00+08:00", False),  # 10-31 24:00 (§四(三))
    ("2024-10-31T16:00:00+00:00", False),
])
def test_self_run_route_deadline(tree, ready, instant, accepted):
    assert ready.route == "self"
    if accepted:
        assert recommend(tree, ready, instant).state == "recommended"
    else:
        with pytest.raises(ApplicationError) as exc:
            recommend(tree, ready, instant)
        assert exc.value.code == "handover_closed" and exc.value.status == 409
        assert Dossier.objects.get(pk=ready.pk).state == "publicity_done"


def test_deadline_is_checked_again_at_confirmation(tree, ready):
    with at("2024-10-31T23:00:00+08:00"):
        decision = decision_propose(dossier=ready, action="recommend", actor=tree["unit_clerk"])
    from zhicheng.review.services.decisions import decision_confirm

    with at("2024-11-01T00:00:00+08:00"), pytest.raises(ApplicationError) as exc:
        decision_confirm(decision=decision, actor=tree["unit_leader"])
    assert exc.value.code == "handover_closed"


@pytest.mark.parametrize(("instant", "accepted"), [
    ("2024-10-30T23:59:59+08:00", True), ("2024-10-31T00:00:00+08:00", False),
])
def test_entrusted_route_has_its_own_deadline(tree, ready, instant, accepted):
    Dossier.objects.filter(pk=ready.pk).update(route="entrusted")
    ready.refresh_from_db()
    if accepted:
        assert recommend(tree, ready, instant).state == "recommended"
    else:
        with pytest.raises(ApplicationError) as exc:
            recommend(tree, ready, instant)
        assert exc.value.code == "handover_closed"


class TestGrassrootsCap:
    """50 professional posts, cap 10 %: 3 held + this year's recommendations may reach 5, not 6."""

    @pytest.fixture
    def unit(self, tree):
        Organisation.objects.filter(pk=tree["unit"].pk).update(professional_posts=50)
        return tree["unit"]

    def grassroots(self, tree, campaign, state="publicity_done", **target):
        applicant = member(tree["unit"], Role.APPLICANT)
        dossier = dossier_in_state(applicant, campaign, state, scope="grassroots", **target)
        if state == "publicity_done":
            with at(WHEN):
                recommendation_papers(dossier, tree["unit_clerk"])
                staff_meeting(dossier, tree["unit_clerk"])
        return dossier

    def test_exactly_at_the_cap_passes_one_more_refused(self, tree, campaign, unit):
        self.grassroots(tree, campaign, state="recommended")  # already recommended this year
        first, second = self.grassroots(tree, campaign), self.grassroots(tree, campaign)
        with at(WHEN):
            unit_post_count_record(dossier=first, actor=tree["unit_clerk"], senior_held=3, grassroots_senior_held=3)
        assert recommend(tree, first).state == "recommended"  # 3 + 2 = 5 = 10 % of 50
        with pytest.raises(ApplicationError) as exc:
            recommend(tree, second)  # 3 + 3 = 6 > 5
        assert exc.value.code == "posts_exceeded" and exc.value.details["posts_check"]["blocking"]
        assert Dossier.objects.get(pk=second.pk).state == "publicity_done"

    def test_province_wide_exceptional_is_outside_the_ratio(self, tree, campaign, unit):
        dossier = self.grassroots(tree, campaign)
        Dossier.objects.filter(pk=dossier.pk).update(scope="province", category="exceptional")
        with at(WHEN):
            unit_post_count_record(dossier=dossier, actor=tree["unit_clerk"], senior_held=0, grassroots_senior_held=5)
        for _ in range(3):
            self.grassroots(tree, campaign, state="recommended")
        assert recommend(tree, Dossier.objects.get(pk=dossier.pk)).state == "recommended"

    def test_post_counts_are_required_for_a_senior_title(self, tree, campaign, unit):
        dossier = self.grassroots(tree, campaign)
        with at(WHEN), pytest.raises(ApplicationError) as exc:
            decision_propose(dossier=dossier, action="recommend", actor=tree["unit_clerk"])
        assert exc.value.code == "post_counts_missing"

    def test_other_units_and_other_campaign_states_do_not_count(self, tree, campaign, unit):
        other_applicant = member(tree["other_unit"], Role.APPLICANT)
        for _ in range(4):
            dossier_in_state(member(tree["other_unit"], Role.APPLICANT), campaign, "recommended", scope="grassroots")
        self.grassroots(tree, campaign, state="publicity_done")  # not yet recommended: not counted
        assert other_applicant
        first = self.grassroots(tree, campaign)
        with at(WHEN):
            unit_post_count_record(dossier=first, actor=tree["unit_clerk"], senior_held=0, grassroots_senior_held=4)
        assert recommend(tree, first).state == "recommended"  # 4 + 1 = 5
