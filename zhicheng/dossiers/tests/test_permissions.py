"""Who sees and edits a dossier: predicates and selectors give the same answers; every denial is tested."""

import pytest
from django.contrib.auth.models import AnonymousUser

from zhicheng.accounts.models import Membership
from zhicheng.core.errors import NotFound
from zhicheng.dossiers import services
from zhicheng.dossiers.permissions import can_edit_dossier, can_view_dossier
from zhicheng.dossiers.selectors import dossier_get_for, dossiers_visible_to

from .factories import PASSWORD, at, fill, signed

AFTER_CLOSE = "2024-10-11T09:00:00+08:00"

pytestmark = pytest.mark.django_db

ALWAYS = ("applicant", "observer")
AFTER_SUBMIT = ("unit_clerk", "unit_leader", "department_clerk", "office_staff")
NEVER = ("other_applicant", "agency_applicant", "other_clerk", "agency_clerk", "unit_admin")


def _submit(dossier, applicant):
    fill(dossier, applicant)
    signed(dossier, applicant)
    return services.dossier_submit(dossier=dossier, actor=applicant)


def _sees(user, dossier) -> bool:
    by_predicate = bool(can_view_dossier(user, dossier))
    by_selector = dossiers_visible_to(user).filter(pk=dossier.pk).exists()
    assert by_predicate == by_selector, "predicate and selector disagree"
    return by_predicate


class TestDraft:
    @pytest.mark.parametrize("who", ALWAYS)
    def test_visible(self, dossier, tree, who):
        assert _sees(tree[who], dossier)

    @pytest.mark.parametrize("who", AFTER_SUBMIT + NEVER)
    def test_hidden_from_reviewers_until_submitted(self, dossier, tree, who):
        assert not _sees(tree[who], dossier)
        with pytest.raises(NotFound):
            dossier_get_for(tree[who], dossier.pk)


class TestSubmitted:
    @pytest.mark.parametrize("who", ALWAYS + AFTER_SUBMIT)
    def test_visible(self, dossier, tree, who):
        _submit(dossier, tree["applicant"])
        assert _sees(tree[who], dossier)
        assert dossier_get_for(tree[who], dossier.pk).pk == dossier.pk

    @pytest.mark.parametrize("who", NEVER)
    def test_denied(self, dossier, tree, who):
        _submit(dossier, tree["applicant"])
        decision = can_view_dossier(tree[who], dossier)
        assert not decision and decision.reason_zh
        with pytest.raises(NotFound):
            dossier_get_for(tree[who], dossier.pk)

    def test_withdrawn_stays_visible_to_the_unit(self, dossier, tree):
        _submit(dossier, tree["applicant"])
        with at(AFTER_CLOSE):  # a final withdrawal (after the window closed) keeps the dossier for the unit
            services.dossier_withdraw(dossier=dossier, actor=tree["applicant"], reason="换单位", password=PASSWORD,
                                      confirmation="放弃本年度申报")
        assert _sees(tree["unit_clerk"], dossier)

    def test_inactive_reviewer_denied(self, dossier, tree):
        _submit(dossier, tree["applicant"])
        Membership.objects.filter(user=tree["unit_clerk"]).update(is_active=False)
        assert not _sees(tree["unit_clerk"], dossier)


def test_anonymous_denied(dossier):
    anonymous = AnonymousUser()
    assert not can_view_dossier(anonymous, dossier)
    assert not dossiers_visible_to(anonymous).exists()
    with pytest.raises(NotFound):
        dossier_get_for(anonymous, dossier.pk)
    assert not can_edit_dossier(anonymous, dossier)


def test_unknown_or_malformed_id_is_404(tree):
    for pk in (999999, "abc", None):
        with pytest.raises(NotFound):
            dossier_get_for(tree["applicant"], pk)


class TestCanEdit:
    def test_owner_edits_draft(self, dossier, applicant):
        assert can_edit_dossier(applicant, dossier)

    @pytest.mark.parametrize("who", ["other_applicant", "unit_clerk", "observer", "office_staff"])
    def test_others_never_edit(self, dossier, tree, who):
        assert not can_edit_dossier(tree[who], dossier)

    def test_owner_cannot_edit_once_submitted(self, dossier, applicant):
        submitted = _submit(dossier, applicant)
        decision = can_edit_dossier(applicant, submitted)
        assert not decision and "已提交" in decision.reason_zh
