"""Fixtures for the results tests: the office's demo keys (once per run), the organisation tree, passed results."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from zhicheng.accounts.tests.factories import make_resident_id
from zhicheng.certificates.keys import keys_demo_generate, keys_reset
from zhicheng.dossiers.tests.factories import campaign_2024
from zhicheng.review.tests.factories import review_people

from .factories import passed_result


@pytest.fixture(scope="session", autouse=True)
def _signing_keys():
    keys_demo_generate(Path(settings.ZHICHENG_CERT_KEY_DIR))
    keys_reset()


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
