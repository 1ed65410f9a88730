"""Publishing, closing, objections: the period boundaries to the second, pausing, outcomes, reach."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from zhicheng.campaigns.models import DayUnit
from zhicheng.core.calendar import is_working_day
from zhicheng.core.errors import ApplicationError, NotFound
from zhicheng.dossiers.models import Category, Dossier, DossierState, ValidityScope
from zhicheng.dossiers.tests.factories import at
from zhicheng.dossiers.workflow import dossier_transition
from zhicheng.files.tests.samples import docx_like_bytes, pdf_bytes
from zhicheng.publicity.models import Objection, ObjectionStatus, PublicityBatch, PublicityEntry
from zhicheng.publicity.selectors import objection_by_code
from zhicheng.publicity.services import objection_decide, objection_file, publicity_close

from .factories import passed_dossier, published

S = DossierState


def _state(dossier) -> str:
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


def _object(entry, when: str, **kw):
    with at(when):
        return objection_file(entry=entry, name="王五", contact="13700000000", text="业绩材料不实", ip="10.9.9.9", **kw)


@pytest.mark.django_db
class TestPublish:
    def test_unit_passed_dossier_goes_into_publicity_for_5_working_days(self, tree, passed):
        result = published(tree["unit_clerk"], [passed], "2024-10-08")
        assert _state(passed) == S.IN_PUBLICITY
        (batch,) = result.batches
        # rules-facts.md: 5 working days from Tue 10-08 end on Sat 10-12, a make-up working day
        assert (batch.starts_on, batch.ends_on, batch.length, batch.length_unit) == (
            dt.date(2024, 10, 8), dt.date(2024, 10, 12), 5, DayUnit.WORKING)
        assert batch.organisation == tree["unit"] and batch.published_by == tree["unit_clerk"]

    def test_exceptional_and_grassroots_go_in_a_separate_longer_batch(self, tree, campaign, passed):
        exceptional = passed_dossier(tree["other_applicant"], campaign, category=Category.EXCEPTIONAL)
        result = published(tree["unit_leader"], [passed, exceptional], "2024-10-08")
        by_kind = {b.kind: b for b in result.batches}
        assert by_kind["unit"].ends_on == dt.date(2024, 10, 12)
        # 7 working days: 10-08, 09, 10, 11, 12 (make-up), 14, 15
        assert by_kind["extended"].ends_on == dt.date(2024, 10, 15) and by_kind["extended"].length == 7
        assert PublicityEntry.objects.get(dossier=exceptional).batch == by_kind["extended"]

    def test_the_public_list_shows_the_longer_wider_scope(self, client, tree, campaign, passed):
        exceptional = passed_dossier(tree["other_applicant"], campaign, category=Category.EXCEPTIONAL)
        published(tree["unit_leader"], [passed, exceptional], "2024-10-08")
        with at("2024-10-09T10:00:00+08:00"):
            page = client.get("/public/publicity/").content.decode()
            api = client.get("/api/v1/public/publicity/").json()["items"]
        assert "延长公示（7 个工作日），扩大范围：本单位及审核部门，并经职工大会集体评议" in page
        assert "本单位公示（5 个工作日）" in page
        assert sorted((row["extended"], row["scope"][:4]) for row in api) == [(False, "本单位公"), (True, "延长公示")]

    def test_grassroots_scope_alone_gets_the_longer_publicity(self, tree, campaign):
        dossier = passed_dossier(tree["applicant"], campaign, scope=ValidityScope.GRASSROOTS)
        (batch,) = published(tree["unit_clerk"], [dossier], "2024-10-08").batches
        assert batch.kind == "extended"

    def test_one_bad_dossier_does_not_stop_the_others(self, tree, campaign, passed):
        other = passed_dossier(tree["other_applicant"], campaign)
        Dossier.objects.filter(pk=other.pk).update(state=S.SUBMITTED)
        other.refresh_from_db()
        result = published(tree["unit_clerk"], [other, passed], "2024-10-08")
        assert [d.pk for d in result.published] == [passed.pk]
        assert [(i.dossier.pk, i.refusal.code) for i in result.skipped] == [(other.pk, "not_unit_passed")]
        assert _state(passed) == S.IN_PUBLICITY and _state(other) == S.SUBMITTED

    def test_a_dossier_changed_meanwhile_is_refused_not_published(self, tree, campaign, passed):
        Dossier.objects.filter(pk=passed.pk).update(state=S.RETURNED)  # another clerk acted after the page loaded
        result = published(tree["unit_clerk"], [passed], "2024-10-08")
        assert result.skipped[0].refusal.code == "invalid_transition" and not PublicityBatch.objects.exists()

    def test_a_clerk_of_another_unit_cannot_publish(self, tree, passed):
        result = published(tree["other_clerk"], [passed], "2024-10-08")
        assert result.published == [] and result.skipped[0].refusal.status == 404
        assert _state(passed) == S.UNIT_PASSED and not PublicityBatch.objects.exists()

    def test_the_applicant_cannot_publish(self, tree, passed):
        result = published(tree["applicant"], [passed], "2024-10-08")
        assert result.published == [] and _state(passed) == S.UNIT_PASSED

    def test_start_in_the_past_refused(self, tree, passed):
        with pytest.raises(ApplicationError) as exc:
            published(tree["unit_clerk"], [passed], "2024-10-08", now="2024-10-09T00:00:00+08:00")
        assert exc.value.code == "start_in_past"

    def test_publishing_twice_is_refused_and_audited_once(self, tree, passed):
        published(tree["unit_clerk"], [passed], "2024-10-08")
        again = published(tree["unit_clerk"], [passed], "2024-10-08")
        assert again.published == [] and again.skipped[0].refusal.code == "not_unit_passed"
        assert PublicityEntry.objects.count() == 1

    def test_the_workflow_refuses_publicity_without_an_entry(self, tree, passed):
        with pytest.raises(ApplicationError) as exc:
            dossier_transition(dossier=passed, to=S.IN_PUBLICITY, actor=tree["unit_clerk"])
        assert exc.value.code == "not_published"


@pytest.mark.django_db
class TestCloseCalendarDays:
    @pytest.fixture
    def batch(self, tree, campaign, passed):
        campaign.unit_publicity_unit = DayUnit.CALENDAR
        campaign.save(update_fields=["unit_publicity_unit"])
        passed.campaign.refresh_from_db()
        return published(tree["unit_clerk"], [passed], "2024-10-08").batches[0]

    def test_after_4_days_refused(self, tree, batch, passed):
        assert batch.ends_on == dt.date(2024, 10, 12)  # 10-08 … 10-12: five calendar days
        with at("2024-10-12T23:59:59+08:00"), pytest.raises(ApplicationError) as exc:
            publicity_close(actor=tree["unit_clerk"], batch=batch)
        assert exc.value.code == "publicity_not_over" and _state(passed) == S.IN_PUBLICITY

    def test_after_5_days_closed(self, tree, batch, passed):
        with at("2024-10-13T00:00:00+08:00"):
            result = publicity_close(actor=tree["unit_clerk"], batch=batch)
        assert [e.dossier_id for e in result.closed] == [passed.pk] and _state(passed) == S.PUBLICITY_DONE
        batch.refresh_from_db()
        assert batch.closed_by == tree["unit_clerk"] and batch.closed_at is not None

    def test_the_workflow_itself_refuses_closing_early(self, tree, batch, passed):
        with at("2024-10-12T12:00:00+08:00"), pytest.raises(ApplicationError) as exc:
            dossier_transition(dossier=passed, to=S.PUBLICITY_DONE, actor=tree["unit_clerk"])
        assert exc.value.code == "publicity_not_over"

    def test_a_clerk_of_another_unit_cannot_close(self, tree, batch):
        with at("2024-10-13T00:00:00+08:00"), pytest.raises(NotFound):
            publicity_close(actor=tree["other_clerk"], batch=batch)


@pytest.mark.django_db
class TestCloseWorkingDaysAcrossNationalDay:
    def test_the_packaged_calendar_counts_the_make_up_sunday_and_skips_the_holiday(self, db):
        working = [d for d in (dt.date(2024, 9, 27) + dt.timedelta(days=i) for i in range(13)) if is_working_day(d)]
        assert working[:5] == [dt.date(2024, 9, 27), dt.date(2024, 9, 29), dt.date(2024, 9, 30),
                               dt.date(2024, 10, 8), dt.date(2024, 10, 9)]

    def test_closing_on_10_09_refused_on_10_10_allowed(self, tree, passed):
        (batch,) = published(tree["unit_clerk"], [passed], "2024-09-27").batches
        assert batch.ends_on == dt.date(2024, 10, 9)
        with at("2024-10-09T23:59:59+08:00"), pytest.raises(ApplicationError):
            publicity_close(actor=tree["unit_clerk"], batch=batch)
        with at("2024-10-10T00:00:00+08:00"):
            publicity_close(actor=tree["unit_clerk"], batch=batch)
        assert _state(passed) == S.PUBLICITY_DONE


@pytest.mark.django_db
class TestObjections:
    @pytest.fixture
    def entry(self, tree, passed):
        published(tree["unit_clerk"], [passed], "2024-09-27")  # ends 10-09
        return PublicityEntry.objects.select_related("batch", "dossier").get(dossier=passed)

    @pytest.mark.parametrize(("when", "ok"), [
        ("2024-09-26T23:59:59+08:00", False), ("2024-09-27T00:00:00+08:00", True),
        ("2024-10-09T23:59:59+08:00", True), ("2024-10-10T00:00:00+08:00", False),
    ])
    def test_only_during_the_period(self, entry, when, ok):
        if ok:
            _object(entry, when)
            assert Objection.objects.count() == 1
        else:
            with pytest.raises(ApplicationError) as exc:
                _object(entry, when)
            assert exc.value.code == "objection_period_closed" and not Objection.objects.exists()

    def test_the_code_finds_the_objection_and_only_its_hash_is_stored(self, entry):
        objection, code = _object(entry, "2024-10-08T10:00:00+08:00")
        assert len(code) == 14 and code.count("-") == 2
        assert objection_by_code(code.lower().replace("-", " ")) == objection
        assert code.replace("-", "") not in str(Objection.objects.values().get())
        with pytest.raises(NotFound):
            objection_by_code("AAAA-BBBB-CCCC")

    def test_an_objection_pauses_the_dossier_and_dismissal_lets_it_close(self, tree, entry, passed):
        objection, _code = _object(entry, "2024-10-08T10:00:00+08:00")
        with at("2024-10-10T09:00:00+08:00"), pytest.raises(ApplicationError) as exc:
            publicity_close(actor=tree["unit_clerk"], batch=entry.batch)
        assert exc.value.code == "objection_open" and _state(passed) == S.IN_PUBLICITY
        with at("2024-10-10T09:30:00+08:00"), pytest.raises(ApplicationError) as exc:  # nor recommended
            dossier_transition(dossier=passed, to=S.RECOMMENDED, actor=tree["unit_leader"])
        assert exc.value.code == "invalid_transition" and _state(passed) == S.IN_PUBLICITY
        with at("2024-10-10T09:40:00+08:00"), pytest.raises(ApplicationError) as exc:  # nor closed directly
            dossier_transition(dossier=passed, to=S.PUBLICITY_DONE, actor=tree["unit_leader"])
        assert exc.value.code == "objection_open"
        with at("2024-10-10T10:00:00+08:00"):
            objection_decide(objection=objection, actor=tree["unit_leader"], outcome="dismissed", note="经核实无问题")
            publicity_close(actor=tree["unit_clerk"], batch=entry.batch)
        assert _state(passed) == S.PUBLICITY_DONE
        assert objection_by_code(_code).status == ObjectionStatus.DISMISSED

    def test_other_entries_close_while_one_is_paused(self, tree, campaign, entry, passed):
        other = passed_dossier(tree["other_applicant"], campaign)
        with at("2024-09-27T09:00:00+08:00"):
            PublicityEntry.objects.create(batch=entry.batch, dossier=other)
            dossier_transition(dossier=other, to=S.IN_PUBLICITY, actor=tree["unit_clerk"])
        _object(entry, "2024-10-08T10:00:00+08:00")
        with at("2024-10-10T09:00:00+08:00"):
            result = publicity_close(actor=tree["unit_clerk"], batch=entry.batch)
        assert [e.dossier_id for e in result.paused] == [passed.pk] and _state(other) == S.PUBLICITY_DONE
        assert _state(passed) == S.IN_PUBLICITY and PublicityBatch.objects.get().closed_at is None

    def test_upheld_objection_stops_the_dossier(self, tree, entry, passed):
        objection, code = _object(entry, "2024-10-08T10:00:00+08:00")
        with at("2024-10-08T15:00:00+08:00"):
            objection_decide(objection=objection, actor=tree["unit_clerk"], outcome="upheld", note="论文不实")
        assert _state(passed) == S.NOT_RECOMMENDED
        found = objection_by_code(code)
        assert (found.status, found.outcome, found.decided_by) == ("upheld", "论文不实", tree["unit_clerk"])
        with at("2024-10-10T00:00:00+08:00"):
            result = publicity_close(actor=tree["unit_clerk"], batch=entry.batch)
        assert result.closed == [] and PublicityBatch.objects.get().closed_at is not None

    def test_a_clerk_of_another_unit_cannot_decide(self, tree, entry):
        objection, _code = _object(entry, "2024-10-08T10:00:00+08:00")
        with at("2024-10-08T15:00:00+08:00"), pytest.raises(NotFound):
            objection_decide(objection=objection, actor=tree["other_clerk"], outcome="upheld", note="x")
        assert Objection.objects.get().status == "open"

    def test_the_applicant_as_clerk_cannot_decide_an_objection_to_their_own_dossier(self, tree, entry, passed):
        from zhicheng.accounts.models import Role
        from zhicheng.accounts.tests.factories import grant
        from zhicheng.audit.models import AuditEvent
        from zhicheng.core.errors import PermissionDenied

        grant(passed.applicant, tree["unit"], Role.REVIEW_CLERK)  # recusal: the applicant steps aside
        objection, _code = _object(entry, "2024-10-08T10:00:00+08:00")
        with at("2024-10-08T15:00:00+08:00"), pytest.raises(PermissionDenied) as refused:
            objection_decide(objection=objection, actor=passed.applicant, outcome="dismissed", note="本人认为无问题")
        assert refused.value.code == "recused" and Objection.objects.get().status == "open"
        assert AuditEvent.objects.filter(event_type="dossier.recusal_refused", object_id=str(passed.pk),
                                         data__step="objection_decide").count() == 1

    def test_deciding_twice_and_without_a_note_refused(self, tree, entry):
        objection, _code = _object(entry, "2024-10-08T10:00:00+08:00")
        with at("2024-10-08T15:00:00+08:00"):
            with pytest.raises(ApplicationError) as exc:
                objection_decide(objection=objection, actor=tree["unit_clerk"], outcome="dismissed", note=" ")
            assert exc.value.code == "note_required"
            objection_decide(objection=objection, actor=tree["unit_clerk"], outcome="dismissed", note="无问题")
            with pytest.raises(ApplicationError) as exc:
                objection_decide(objection=objection, actor=tree["unit_leader"], outcome="upheld", note="改判")
        assert exc.value.code == "objection_decided"

    def test_fields_required(self, entry):
        with at("2024-10-08T10:00:00+08:00"), pytest.raises(ApplicationError) as exc:
            objection_file(entry=entry, name="", contact=" ", text="x", ip="10.0.0.1")
        assert set(exc.value.details["fields"]) == {"objector_name", "contact"}

    def test_five_an_hour_per_address_the_sixth_refused(self, entry):
        for minute in range(5):
            _object(entry, f"2024-10-08T10:{minute:02d}:00+08:00")
        with pytest.raises(ApplicationError) as exc:
            _object(entry, "2024-10-08T10:59:59+08:00")
        assert exc.value.status == 429
        _object(entry, "2024-10-08T11:00:00+08:00")  # the first one is an hour old now

    def test_a_pdf_is_kept_and_a_word_file_refused(self, entry):
        upload = io.BytesIO(pdf_bytes())
        upload.name = "证据.pdf"
        objection, _code = _object(entry, "2024-10-08T10:00:00+08:00", upload=upload)
        assert (objection.file_kind, objection.file_name) == ("pdf", "证据.pdf") and objection.file.name
        bad = io.BytesIO(docx_like_bytes())
        bad.name = "证据.docx"
        with pytest.raises(ApplicationError) as exc:
            _object(entry, "2024-10-08T10:05:00+08:00", upload=bad)
        assert exc.value.code == "evidence_type" and Objection.objects.count() == 1


@pytest.mark.django_db
class TestEntryKinds:
    """A dossier is published at most once per kind (unit, result); each kind's guards read only its own entry."""

    @pytest.fixture
    def batch(self, tree, passed):
        return published(tree["unit_clerk"], [passed], "2024-09-27").batches[0]

    def test_a_second_unit_entry_is_refused_a_result_entry_is_not(self, batch, passed):
        from django.db import IntegrityError, transaction

        from zhicheng.publicity.models import EntryKind

        with pytest.raises(IntegrityError), transaction.atomic():
            PublicityEntry.objects.create(batch=batch, dossier=passed, kind=EntryKind.UNIT)
        PublicityEntry.objects.create(batch=batch, dossier=passed, kind=EntryKind.RESULT)
        assert sorted(passed.publicity_entries.values_list("kind", flat=True)) == ["result", "unit"]

    def test_a_result_entry_does_not_open_unit_publicity(self, tree, campaign):
        from zhicheng.dossiers.guards import GUARDS, GuardContext
        from zhicheng.publicity.models import EntryKind

        other = passed_dossier(tree["other_applicant"], campaign)
        batch = published(tree["unit_clerk"], [passed_dossier(tree["applicant"], campaign)], "2024-09-27").batches[0]
        PublicityEntry.objects.create(batch=batch, dossier=other, kind=EntryKind.RESULT)
        with at("2024-09-27T09:00:00+08:00"), pytest.raises(ApplicationError) as exc:
            dossier_transition(dossier=other, to=S.IN_PUBLICITY, actor=tree["unit_clerk"])
        assert exc.value.code == "not_published" and _state(other) == S.UNIT_PASSED
        ctx = GuardContext(other, tree["unit_clerk"], {}, dt.datetime(2024, 9, 27, tzinfo=dt.UTC), S.IN_PUBLICITY)
        assert GUARDS["result_publicity_published"](ctx) and not GUARDS["publicity_published"](ctx)
