"""Fixtures for the results tests: the organisation tree with named holders, passed results.

The office's demo signing keys are made once per run by zhicheng/conftest.py.
"""

from __future__ import annotations

import pytest

from zhicheng.accounts.tests.factories import make_resident_id
from zhicheng.dossiers.tests.factories import campaign_2024
from zhicheng.review.tests.factories import review_people

from .factories import passed_result


@pytest.fixture
def campaign(db):
    return campaign_2024()


@pytest.fixture
def tree(db):
    tree = review_people()
    for key, name, sequence, male in (("applicant", "王建国", 101, True), ("other_applicant", "李秀英", 202, False)):
        user = tree[key]
        user.real_name, user.id_number = name, make_resident_id("19751231", sequence, male=male)
        user.save(update_fields=["real_name", "id_number"])
    return tree


@pytest.fixture
def result(tree, campaign):
    return passed_result(tree["applicant"], campaign)


@pytest.fixture
def other_result(tree, campaign):
    return passed_result(tree["other_applicant"], campaign)
