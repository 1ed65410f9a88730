"""The re-check after an edit leaves the edit's transaction: it runs once the edit commits (issue 11, item 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhicheng.dossiers.models import Dossier
from zhicheng.dossiers.services import section_item_update
from zhicheng.eligibility import services
from zhicheng.eligibility.models import EligibilityCheck, RecheckPending
from zhicheng.eligibility.selectors import eligibility_latest

from .helpers import add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_commit(settings):
    settings.ZHICHENG_ELIGIBILITY_AFTER_COMMIT = True


def _edit(dossier, applicant, title="新题目"):
    item = dossier.achievement_items.get()
    section_item_update(dossier=dossier, actor=applicant, section="achievement", item_id=item.pk,
                        data={"title": title})


def test_the_edit_commits_before_the_rules_run(dossier, applicant, after_commit, django_capture_on_commit_callbacks):
    checks = EligibilityCheck.objects.filter(dossier=dossier).count()
    with django_capture_on_commit_callbacks() as callbacks:
        _edit(dossier, applicant)
        # inside the edit: no evaluation yet, the status says the findings are out of date
        assert EligibilityCheck.objects.filter(dossier=dossier).count() == checks
        assert Dossier.objects.get(pk=dossier.pk).eligibility_status == "outdated"
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task is queued (run at once by the test backend)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert eligibility_latest(fresh).dossier_revision == fresh.revision
    assert fresh.eligibility_status == "blocked"  # one social-security month of six


@pytest.fixture
def queued_tasks(settings):
    """A task backend that only records what is queued (the worker has not run yet)."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


def _rechecks(results) -> list:
    return [r for r in results if r.task.name == "eligibility_recheck_dossier"]


def test_a_burst_of_edits_queues_one_task_that_checks_the_last_edit(dossier, applicant, after_commit, queued_tasks,
                                                                     django_capture_on_commit_callbacks):
    checks = EligibilityCheck.objects.filter(dossier=dossier).count()
    for n in range(1, 11):  # ten autosaves, each its own commit
        with django_capture_on_commit_callbacks(execute=True):
            _edit(dossier, applicant, f"第{n}稿")
    assert len(_rechecks(queued_tasks)) == 1
    assert RecheckPending.objects.filter(dossier=dossier).exists()
    task = _rechecks(queued_tasks)[0]
    assert task.task.call(*task.args, **task.kwargs) == "checked"  # the worker runs the one task
    fresh = Dossier.objects.get(pk=dossier.pk)
    latest = eligibility_latest(fresh)
    assert latest.dossier_revision == fresh.revision == dossier.revision + 10
    assert EligibilityCheck.objects.filter(dossier=dossier).count() == checks + 1
    assert fresh.eligibility_status == "blocked"  # the tenth edit's findings are in place, no longer "outdated"
    assert not RecheckPending.objects.filter(dossier=dossier).exists()


def test_an_edit_after_the_task_started_queues_the_next(dossier, applicant, after_commit, queued_tasks,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _edit(dossier, applicant, "第一稿")
    first = _rechecks(queued_tasks)[0]
    assert first.task.call(*first.args, **first.kwargs) == "checked"
    with django_capture_on_commit_callbacks(execute=True):
        _edit(dossier, applicant, "第二稿")
    assert len(_rechecks(queued_tasks)) == 2  # the marker left with the first task: the second edit is not lost
    second = _rechecks(queued_tasks)[1]
    assert second.task.call(*second.args, **second.kwargs) == "checked"
    assert second.task.call(*second.args, **second.kwargs) == "current"


def test_a_task_queued_for_an_older_revision_checks_the_latest(dossier, applicant, after_commit,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        _edit(dossier, applicant, "第一稿")
        _edit(dossier, applicant, "第二稿")
    assert services.eligibility_recheck_after_edit(dossier_id=dossier.pk, revision=dossier.revision + 1) == "checked"
    assert eligibility_latest(Dossier.objects.get(pk=dossier.pk)).dossier_revision == dossier.revision + 2


def test_a_check_finishing_after_a_newer_edit_leaves_outdated(dossier, applicant, after_commit,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        _edit(dossier, applicant)
    stale = Dossier.objects.get(pk=dossier.pk)
    Dossier.objects.filter(pk=dossier.pk).update(revision=stale.revision + 1, eligibility_status="outdated")
    services.eligibility_status_store(stale)  # a check of the older revision storing its status late
    assert Dossier.objects.get(pk=dossier.pk).eligibility_status == "outdated"


def test_the_checklist_says_it_is_re_checking(dossier, applicant, after_commit, client,
                                              django_capture_on_commit_callbacks):
    client.force_login(applicant)
    with django_capture_on_commit_callbacks():
        add_months(dossier, applicant, ["2024-04"])
    html = client.get(reverse("eligibility:checklist", args=[dossier.pk])).content.decode()
    assert "正在重新检查" in html and "every 3s" in html  # polls until the new check is in
    assert "检查时间" in html
    services.eligibility_recheck_after_edit(dossier_id=dossier.pk, revision=Dossier.objects.get(pk=dossier.pk).revision)
    html = client.get(reverse("eligibility:checklist", args=[dossier.pk])).content.decode()
    assert "正在重新检查" not in html and "与当前材料一致" in html and "every 3s" not in html


def test_an_engine_fault_after_commit_keeps_the_edit(dossier, applicant, after_commit, monkeypatch,
                                                     django_capture_on_commit_callbacks):
    def broken():
        raise RuntimeError("rules broke")

    monkeypatch.setattr(services, "_rules", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _edit(dossier, applicant)
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.revision == dossier.revision + 1 and fresh.eligibility_status == "outdated"
