"""Defence slots (secretary schedules, applicant sees, no-show), defence scores and panel opinions on pages."""

from __future__ import annotations

import subprocess

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from zhicheng.accounts.models import OrganisationKind, Role
from zhicheng.accounts.tests.factories import OrganisationFactory, login_verified, member
from zhicheng.audit.models import AuditEvent

from .. import services
from ..models import AgendaItem, Conflict, ConflictSource, DefenceScore, PanelOpinion
from .factories import meeting_ready


def client_for(user, csrf: bool = True) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    login_verified(client, user)
    return client


def _token(client, url: str) -> str:
    assert client.get(url).status_code in (200, 404)
    return client.cookies["csrftoken"].value


def _post(client, url: str, data: dict, *, token_from: str, follow: bool = False):
    return client.post(url, {**data, "csrfmiddlewaretoken": _token(client, token_from)}, follow=follow)


@pytest.fixture
def ready(tree, campaign):
    meeting, experts, dossiers = meeting_ready(tree, campaign, members=25, present=17, candidates=2)
    return meeting, experts, dossiers


SLOT = {"defence_at": "2024-12-10T09:30", "defence_place": "新区行政中心 301 会议室", "defence_order": "1"}


def test_the_secretary_schedules_a_defence_and_the_applicant_sees_it(tree, ready):
    meeting, _experts, dossiers = ready
    item, second = meeting.items.order_by("position")
    page = client_for(tree["secretary"])
    item_url = f"/committees/meetings/{meeting.pk}/items/{item.pk}/"
    url = f"/committees/meetings/{meeting.pk}/defence/"
    # without the CSRF token: refused, nothing saved
    assert page.post(url, {**SLOT, "item": item.pk}).status_code == 403
    assert AgendaItem.objects.get(pk=item.pk).defence_at is None
    assert _post(page, url, {**SLOT, "item": item.pk}, token_from=item_url).status_code == 302
    item.refresh_from_db()
    assert (item.defence_place, item.defence_order) == ("新区行政中心 301 会议室", 1)
    assert AuditEvent.objects.filter(event_type="committee.defence_scheduled").count() == 1
    # the day before the meeting, and an order already taken: refused with a clear message, nothing changed
    wrong_day = _post(page, url, {**SLOT, "item": second.pk, "defence_at": "2024-12-09T09:30"}, token_from=item_url,
                      follow=True)
    assert "答辩时间须在会议当天" in wrong_day.content.decode()
    taken = _post(page, url, {**SLOT, "item": second.pk}, token_from=item_url, follow=True)
    assert "答辩顺序 1 已安排给" in taken.content.decode()
    assert AgendaItem.objects.get(pk=second.pk).defence_at is None
    garbled = _post(page, url, {**SLOT, "item": second.pk, "defence_order": "第一"}, token_from=item_url, follow=True)
    assert garbled.status_code == 200 and "请填写答辩时间和答辩顺序" in garbled.content.decode()
    # the applicant sees time, place and order on their dossier page and through the API; nobody else's slot
    applicant = client_for(dossiers[0].applicant)
    body = applicant.get(f"/dossiers/{dossiers[0].pk}/").content.decode()
    assert "答辩安排" in body and "新区行政中心 301 会议室" in body and "第 1 位" in body
    api = applicant.get(f"/api/v1/committees/my/dossiers/{dossiers[0].pk}/defence")  # a GET needs no token
    assert api.status_code == 200 and api.json()["order"] == 1
    assert applicant.get(f"/api/v1/committees/my/dossiers/{dossiers[1].pk}/defence").status_code == 404
    other = client_for(dossiers[1].applicant)
    assert "答辩安排" not in other.get(f"/dossiers/{dossiers[1].pk}/").content.decode()


def test_defence_and_panel_writes_are_denied_to_others(tree, ready):
    meeting, experts, _dossiers = ready
    item = meeting.items.order_by("position").first()
    other_org = OrganisationFactory(name="新区卫生系列评审委员会", kind=OrganisationKind.COMMITTEE,
                                    parent=tree["office"], credit_code=None, unit_type="")
    denied = {
        "other committee's secretary": client_for(member(other_org, Role.COMMITTEE_SECRETARY)),
        "an expert of the meeting": client_for(experts[1].user),
        "the applicant": client_for(item.dossier.applicant),
    }
    panel = {"item": item.pk, "panel_name": "第一评议组", "opinion": "同意",
             "experts": [e.pk for e in experts[3:6]]}
    for who, client in denied.items():
        assert client.get(f"/committees/meetings/{meeting.pk}/items/{item.pk}/").status_code == 404, who
        for action, data in (("defence", {**SLOT, "item": item.pk}), ("panel", panel),
                             ("no_show", {"item": item.pk, "no_show": "1", "note": "x"})):
            response = _post(client, f"/committees/meetings/{meeting.pk}/{action}/", data, token_from="/")
            assert response.status_code == 404, (who, action)
        api = client_for(client.session.get("_auth_user_id") and _user(client), csrf=False).post(
            f"/api/v1/committees/items/{item.pk}/defence-slot",
                          {"at": "2024-12-10T09:30:00+08:00", "place": "x", "order": 1},
                          content_type="application/json")
        assert api.status_code == 404, who
    item.refresh_from_db()
    assert item.defence_at is None and not PanelOpinion.objects.exists()


def test_a_no_show_stays_on_the_agenda_cannot_be_scored_and_is_in_the_minutes(tree, ready):
    meeting, experts, _dossiers = ready
    item, second = meeting.items.order_by("position")
    secretary = tree["secretary"]
    services.defence_slot_set(actor=secretary, item=second, at=_at("2024-12-10T10:00"), place="301", order=2)
    page = client_for(secretary)
    item_url = f"/committees/meetings/{meeting.pk}/items/{second.pk}/"
    url = f"/committees/meetings/{meeting.pk}/no_show/"
    no_note = _post(page, url, {"item": second.pk, "no_show": "1", "note": " "}, token_from=item_url, follow=True)
    assert "请说明未到场答辩的情况" in no_note.content.decode()
    assert _post(page, url, {"item": second.pk, "no_show": "1", "note": "无故未到"}, token_from=item_url,
                 follow=True).status_code == 200
    second.refresh_from_db()
    assert second.defence_no_show and second.defence_note == "无故未到"
    # a candidate without a slot cannot be marked a no-show
    unscheduled = _post(page, url, {"item": item.pk, "no_show": "1", "note": "x"}, token_from=item_url, follow=True)
    assert "尚未安排答辩" in unscheduled.content.decode()
    # the meeting goes on: scores refused for the no-show, the ballot still held, the minutes say so
    services.meeting_start(actor=secretary, meeting=meeting)
    expert = client_for(experts[1].user)
    refused = _post(expert, f"/committees/my/{meeting.pk}/score/", {"item": second.pk, "score_1": "20"},
                    token_from=f"/committees/my/{meeting.pk}/", follow=True)
    assert "申报人未到场答辩" in refused.content.decode() and not DefenceScore.objects.filter(item=second).exists()
    services.defence_score(actor=experts[1].user, item=item, scores={"专业理论": 25, "业绩成果": 35, "答辩表现": 20})
    services.panel_opinion_record(actor=secretary, item=item, panel_name="第一评议组", experts=experts[3:6],
                                  opinion="业绩突出，同意提交表决")
    for it in (item, second):
        services.ballot_open(actor=secretary, item=it)
        for expert_seat in experts[:17]:
            services.vote_cast(actor=expert_seat.user, item_id=it.pk, choice="yes")
    services.meeting_ballots_close(actor=secretary, meeting=meeting)
    meeting.refresh_from_db()
    services.tally_sign(actor=experts[0].user, meeting=meeting)
    meeting.refresh_from_db()
    with default_storage.open(meeting.minutes_file.name, "rb") as fh:
        text = subprocess.run(["pdftotext", "-", "-"], input=fh.read(), capture_output=True,
                              check=True).stdout.decode()
    assert "未到场（无故未到），仍列入议程表决" in text
    assert "第一评议组：业绩突出，同意提交表决" in text and "1 名专家评分，平均 80.0 分" in text


def _user(client):
    from zhicheng.accounts.models import User

    return User.objects.get(pk=client.session["_auth_user_id"])


def _at(value: str):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.fromisoformat(value))


def test_an_expert_scores_the_defence_on_their_page(tree, ready, django_assert_max_num_queries):
    meeting, experts, dossiers = ready
    item, second = meeting.items.order_by("position")
    services.meeting_start(actor=tree["secretary"], meeting=meeting)
    Conflict.objects.create(expert=experts[2], dossier=dossiers[0], source=ConflictSource.SAME_UNIT)
    my_url = f"/committees/my/{meeting.pk}/"
    scorer = client_for(experts[1].user)
    with django_assert_max_num_queries(38):  # −2: the session's query reads the user and device
        body = scorer.get(my_url).content.decode()
    assert "答辩评分" in body and 'inputmode="numeric"' in body
    url = f"/committees/my/{meeting.pk}/score/"
    assert scorer.post(url, {"item": item.pk, "score_1": "25"}).status_code == 403  # no CSRF token
    too_high = _post(scorer, url, {"item": item.pk, "score_1": "31"}, token_from=my_url, follow=True)
    assert "分数须在 0–30 之间" in too_high.content.decode() and not DefenceScore.objects.exists()
    words = _post(scorer, url, {"item": item.pk, "score_1": "二十"}, token_from=my_url, follow=True)
    assert "须为整数" in words.content.decode() and not DefenceScore.objects.exists()
    saved = _post(scorer, url, {"item": item.pk, "score_1": "25", "score_2": "40", "score_3": "30"},
                  token_from=my_url, follow=True)
    assert "答辩评分已保存" in saved.content.decode() and "已评 95 分" in saved.content.decode()
    # a correction replaces the expert's own score, it does not add a row
    _post(scorer, url, {"item": item.pk, "score_1": "20", "score_2": "40", "score_3": "30"}, token_from=my_url)
    assert sorted(DefenceScore.objects.filter(item=item).values_list("score", flat=True)) == [20, 30, 40]
    # the recused expert: the candidate is absent from their page and a score is refused as if it did not exist
    recused = client_for(experts[2].user)
    assert dossiers[0].applicant.real_name not in recused.get(my_url).content.decode()
    assert _post(recused, url, {"item": item.pk, "score_1": "20"}, token_from=my_url).status_code == 404
    assert client_for(experts[2].user, csrf=False).post(
        f"/api/v1/committees/items/{item.pk}/defence-scores", {"scores": {"专业理论": 20}},
                        content_type="application/json").status_code == 404
    # an absent member cannot score
    absent = client_for(experts[20].user)
    refused = _post(absent, url, {"item": second.pk, "score_1": "20"}, token_from=my_url, follow=True)
    assert "仅出席会议的委员可以为答辩评分" in refused.content.decode()
    assert not DefenceScore.objects.filter(expert__in=[experts[2], experts[20]]).exists()


def test_the_secretary_records_a_panel_opinion_on_the_page(tree, ready, django_assert_max_num_queries):
    meeting, experts, dossiers = ready
    item = meeting.items.order_by("position").first()
    Conflict.objects.create(expert=experts[4], dossier=dossiers[0], source=ConflictSource.RELATION)
    page = client_for(tree["secretary"])
    item_url = f"/committees/meetings/{meeting.pk}/items/{item.pk}/"
    with django_assert_max_num_queries(43):  # −2: the session's query reads the user and device
        body = page.get(item_url).content.decode()
    # the recused is not offered
    assert experts[3].user.real_name in body and f'name="experts" value="{experts[4].pk}"' not in body
    url = f"/committees/meetings/{meeting.pk}/panel/"
    two = _post(page, url, {"item": item.pk, "panel_name": "第一评议组", "opinion": "同意",
                            "experts": [experts[3].pk, experts[5].pk]}, token_from=item_url, follow=True)
    assert "评议组至少由 3 名专家组成" in two.content.decode()
    conflicted = _post(page, url, {"item": item.pk, "panel_name": "第一评议组", "opinion": "同意",
                                   "experts": [experts[3].pk, experts[4].pk, experts[5].pk]}, token_from=item_url,
                       follow=True)
    assert "须回避该候选人" in conflicted.content.decode() and not PanelOpinion.objects.exists()
    saved = _post(page, url, {"item": item.pk, "panel_name": "第一评议组", "opinion": "业绩突出",
                              "experts": [experts[3].pk, experts[5].pk, experts[6].pk]}, token_from=item_url)
    assert saved.status_code == 302
    assert "第一评议组" in page.get(item_url).content.decode()
    assert PanelOpinion.objects.get().experts.count() == 3
