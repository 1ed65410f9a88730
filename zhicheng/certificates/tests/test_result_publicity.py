"""Result publicity: 5 working days on the State Council's calendar (office overrides win), objections pause it,
the title document waits for its end and for every objection's outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhicheng.core.errors import ApplicationError
from zhicheng.core.models import HolidayOverride, OverrideKind
from zhicheng.dossiers.models import DossierState
from zhicheng.dossiers.tests.factories import at
from zhicheng.publicity.models import ObjectionStatus
from zhicheng.publicity.services import objection_decide, objection_file, result_publicity_publish

from .helpers import AFTER_END, approved, closed, published

pytestmark = pytest.mark.django_db
D = dt.date


def _end(tree, dossier, starts_on: dt.date) -> dt.date:
    with at("2024-10-01T09:00:00+08:00"):
        outcome = result_publicity_publish(actor=tree["office_staff"], dossiers=[dossier], starts_on=starts_on)
    assert outcome.published == [dossier]
    return outcome.batches[0].ends_on


class TestPeriod:
    def test_starting_monday_23_december_it_ends_friday_27(self, tree, result):
        assert _end(tree, result, D(2024, 12, 23)) == D(2024, 12, 27)

    def test_starting_tuesday_8_october_it_ends_on_the_make_up_saturday_12(self, tree, result):
        assert _end(tree, result, D(2024, 10, 8)) == D(2024, 10, 12)

    def test_an_office_holiday_override_moves_the_end(self, tree, result):
        HolidayOverride.objects.create(date=D(2024, 12, 25), kind=OverrideKind.HOLIDAY, name="测试放假")
        assert _end(tree, result, D(2024, 12, 23)) == D(2024, 12, 30)

    def test_the_dossier_is_in_result_publicity_held_by_the_office(self, tree, result):
        published(tree, [result])
        result.refresh_from_db()
        assert result.state == DossierState.IN_RESULT_PUBLICITY and result.held_by == tree["office"]

    def test_only_passed_results_are_published(self, tree, result, campaign):
        from zhicheng.review.tests.factories import dossier_in_state

        other = dossier_in_state(tree["other_applicant"], campaign, DossierState.OFFICE_ACCEPTED)
        with at("2024-12-20T09:00:00+08:00"):
            outcome = result_publicity_publish(actor=tree["office_staff"], dossiers=[result, other],
                                               starts_on=D(2024, 12, 23))
        assert outcome.published == [result] and [i.dossier for i in outcome.skipped] == [other]

    def test_a_unit_clerk_cannot_publish_results(self, tree, result):
        with at("2024-12-20T09:00:00+08:00"):
            outcome = result_publicity_publish(actor=tree["unit_clerk"], dossiers=[result], starts_on=D(2024, 12, 23))
        assert outcome.published == [] and outcome.skipped[0].refusal.code == "not_found"


class TestPublicList:
    def test_the_public_api_shows_the_face_and_exact_period_never_id_or_phone(self, tree, result):
        published(tree, [result])
        with at("2024-12-24T10:00:00+08:00"):
            response = Client().get("/api/v1/public/publicity/results/")
        assert response.status_code == 200
        row = response.json()["items"][0]
        assert row["name"] == "王建国" and row["title"] == "高级工程师" and row["validity_scope"] == "全省有效"
        assert (row["starts_on"], row["ends_on"]) == ("2024-12-23", "2024-12-27")
        body = response.content.decode()
        assert tree["applicant"].id_number not in body and "13800000000" not in body

    def test_the_public_page_shows_the_dates(self, tree, result):
        published(tree, [result])
        with at("2024-12-24T10:00:00+08:00"):
            page = Client().get("/public/publicity/results/").content.decode()
        assert "王建国" in page and "2024年12月23日" in page and "2024年12月27日" in page
        assert tree["applicant"].id_number not in page

    def test_unit_publicity_list_does_not_show_results(self, tree, result):
        published(tree, [result])
        with at("2024-12-24T10:00:00+08:00"):
            assert Client().get("/api/v1/public/publicity/").json()["count"] == 0


def _objection(result):
    entry = result.publicity_entries.get(kind="result")
    with at("2024-12-24T10:00:00+08:00"):
        objection, _code = objection_file(entry=entry, name="赵六", contact="13900000000", text="论文涉嫌抄袭",
                                          ip="10.9.9.9")
    return objection


class TestObjectionsAndTheDocument:
    def test_no_document_before_the_end(self, tree, result):
        published(tree, [result])
        with pytest.raises(ApplicationError) as refused:
            approved(tree, [result], when="2024-12-27T23:59:00+08:00")
        assert refused.value.code == "publicity_not_over"

    def test_no_document_while_an_objection_is_open(self, tree, result):
        published(tree, [result])
        _objection(result)
        with pytest.raises(ApplicationError) as refused:
            approved(tree, [result], when=AFTER_END)
        assert refused.value.code == "objection_open"
        result.refresh_from_db()
        assert result.state == DossierState.IN_RESULT_PUBLICITY

    def test_closing_leaves_a_person_with_an_open_objection_in_publicity(self, tree, result, other_result):
        batch = published(tree, [result, other_result])
        _objection(result)
        outcome = closed(tree, batch)
        assert [e.dossier_id for e in outcome.paused] == [result.pk]
        other_result.refresh_from_db()
        assert other_result.state == DossierState.RESULT_PUBLICITY_DONE

    def test_a_dismissed_objection_lets_the_document_through(self, tree, result):
        batch = published(tree, [result])
        objection = _objection(result)
        with at("2024-12-26T10:00:00+08:00"):
            objection_decide(objection=objection, actor=tree["office_staff"], outcome=ObjectionStatus.DISMISSED,
                             note="经核查，论文为本人原创")
        closed(tree, batch)
        document = approved(tree, [result])
        result.refresh_from_db()
        assert result.state == DossierState.CONFERRED and document.certificates.count() == 1

    def test_an_upheld_objection_stops_the_title(self, tree, result):
        published(tree, [result])
        objection = _objection(result)
        with at("2024-12-26T10:00:00+08:00"):
            objection_decide(objection=objection, actor=tree["office_staff"], outcome=ObjectionStatus.UPHELD,
                             note="经核查，论文抄袭属实")
        result.refresh_from_db()
        assert result.state == DossierState.RESULT_OBJECTION_UPHELD
        with pytest.raises(ApplicationError):
            approved(tree, [result])

    def test_the_document_needs_the_offices_leader(self, tree, result):
        from zhicheng.certificates.services import title_document_approve
        from zhicheng.core.errors import PermissionDenied

        closed(tree, published(tree, [result]))
        result.refresh_from_db()
        with at("2024-12-30T10:00:00+08:00"), pytest.raises(PermissionDenied):
            title_document_approve(actor=tree["office_staff"], dossiers=[result], number="新组发〔2024〕1号",
                                   issued_on=D(2024, 12, 30))

    def test_a_document_number_is_used_once(self, tree, result, other_result):
        closed(tree, published(tree, [result, other_result]))
        approved(tree, [result], number="新组发〔2024〕9号")
        with pytest.raises(ApplicationError) as refused:
            approved(tree, [other_result], number="新组发〔2024〕9号")
        assert refused.value.code == "number_taken"
