"""The unit-side instants of the notice at their steps (§二, §四(三)) and the staff meeting for 破格/基层有效 (§六(四)).

- the system's close of unit recommendation (§二, 10-20 24:00): the unit's pass or return of a submitted dossier;
- the hand-over to the review department (§四(三), 10-31 24:00; entrusted series 10-30 24:00): the recommendation;
- the staff meeting's appraisal: recorded before the hand-over instant, required by `staff_meeting_recorded`.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhicheng.core.errors import ApplicationError
from zhicheng.dossiers.models import Dossier
from zhicheng.files.tests.samples import pdf_bytes
from zhicheng.review.models import StaffMeeting
from zhicheng.review.services.decisions import decision_propose
from zhicheng.review.services.recommendation import unit_post_count_record

from .factories import at, decided, dossier_in_state, recommendation_papers, staff_meeting, submitted_dossier
from .test_unit_views import as_

pytestmark = pytest.mark.django_db
WHEN = "2024-10-18T10:00:00+08:00"


def state_of(dossier):
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


@pytest.mark.parametrize("action", ["pass", "return"])
@pytest.mark.parametrize(("instant", "allowed"), [
    ("2024-10-20T23:59:59+08:00", True), ("2024-10-21T00:00:00+08:00", False),
])
def test_unit_verdict_before_the_systems_close(tree, campaign, action, instant, allowed):
    from .factories import return_items

    dossier = submitted_dossier(tree["applicant"], campaign)
    data = {"items": return_items(1)} if action == "return" else None
    with at(instant):
        if allowed:
            decided(dossier, action, clerk=tree["unit_clerk"], leader=tree["unit_leader"], reason="改", data=data)
            assert state_of(dossier) in ("unit_passed", "returned")
        else:
            with pytest.raises(ApplicationError) as exc:
                decision_propose(dossier=dossier, action=action, actor=tree["unit_clerk"], reason="改", data=data)
            assert exc.value.code == "unit_recommendation_closed" and "10-20 24时" in exc.value.message
            assert state_of(dossier) == "submitted"


@pytest.fixture
def grassroots(tree, campaign):
    """A 基层有效 dossier after its publicity, papers and post counts recorded, no staff meeting yet."""
    from zhicheng.accounts.models import Organisation

    Organisation.objects.filter(pk=tree["unit"].pk).update(professional_posts=50)
    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done", scope="grassroots",
                               category="grassroots")
    with at(WHEN):
        recommendation_papers(dossier, tree["unit_clerk"])
        unit_post_count_record(dossier=dossier, actor=tree["unit_clerk"], senior_held=0, grassroots_senior_held=0)
    return dossier


def recommend(tree, dossier, instant=WHEN):
    with at(instant):
        return decided(dossier, "recommend", clerk=tree["unit_clerk"], leader=tree["unit_leader"])


def test_grassroots_recommendation_needs_the_staff_meeting(tree, grassroots):
    with pytest.raises(ApplicationError) as exc:
        recommend(tree, grassroots)
    assert exc.value.code == "staff_meeting_missing" and state_of(grassroots) == "publicity_done"
    with at(WHEN):
        staff_meeting(grassroots, tree["unit_clerk"])
    assert recommend(tree, grassroots).state == "recommended"


def test_a_meeting_that_did_not_agree_blocks(tree, grassroots):
    with at(WHEN):
        staff_meeting(grassroots, tree["unit_clerk"], result="not_agreed")
    with pytest.raises(ApplicationError) as exc:
        recommend(tree, grassroots)
    assert exc.value.code == "staff_meeting_not_agreed"


def test_exceptional_needs_it_too_and_normal_does_not(tree, campaign, grassroots):
    Dossier.objects.filter(pk=grassroots.pk).update(scope="province", category="exceptional")
    with pytest.raises(ApplicationError) as exc:
        recommend(tree, Dossier.objects.get(pk=grassroots.pk))
    assert exc.value.code == "staff_meeting_missing"
    Dossier.objects.filter(pk=grassroots.pk).update(category="normal")
    normal = dossier_in_state(tree["other_applicant"], campaign, "publicity_done")
    with at(WHEN), pytest.raises(ApplicationError) as exc:
        staff_meeting(normal, tree["unit_clerk"])
    assert exc.value.code == "staff_meeting_not_needed" and not StaffMeeting.objects.exists()
    assert recommend(tree, Dossier.objects.get(pk=grassroots.pk)).state == "recommended"


@pytest.mark.parametrize(("instant", "allowed"), [
    ("2024-10-31T23:59:59+08:00", True), ("2024-11-01T00:00:00+08:00", False),
])
def test_meeting_record_after_the_recommendation_deadline_refused(tree, grassroots, instant, allowed):
    with at(instant):
        if allowed:
            staff_meeting(grassroots, tree["unit_clerk"])
        else:
            with pytest.raises(ApplicationError) as exc:
                staff_meeting(grassroots, tree["unit_clerk"])
            assert exc.value.code == "recommendation_closed" and "10-31 24时" in exc.value.message
    assert StaffMeeting.objects.filter(dossier=grassroots).exists() is allowed


@pytest.mark.parametrize(("instant", "allowed"), [
    ("2024-10-30T23:59:59+08:00", True), ("2024-10-31T00:00:00+08:00", False),
])
def test_entrusted_meeting_closes_with_its_route(tree, grassroots, instant, allowed):
    Dossier.objects.filter(pk=grassroots.pk).update(route="entrusted")
    with at(instant):
        if allowed:
            staff_meeting(Dossier.objects.get(pk=grassroots.pk), tree["unit_clerk"])
        else:
            with pytest.raises(ApplicationError) as exc:
                staff_meeting(Dossier.objects.get(pk=grassroots.pk), tree["unit_clerk"])
            assert exc.value.code == "recommendation_closed" and "10-30 24时" in exc.value.message
    assert StaffMeeting.objects.exists() is allowed


@pytest.mark.parametrize(("field", "value", "code"), [
    ("attended", "41", "attended_over_total"), ("votes_for", "37", "votes_over_attended"),
    ("held_on", "2024-10-19", "meeting_in_future"), ("held_on", "昨天", "invalid_date"),
    ("staff_total", "-1", "invalid_count"), ("result", "maybe", "invalid_result"),
])
def test_bad_meeting_input_refused_nothing_saved(client, tree, grassroots, field, value, code):
    body = {"held_on": "2024-10-15", "staff_total": "40", "attended": "36", "votes_for": "30", "result": "agreed",
            field: value, "file": SimpleUploadedFile("纪要.pdf", pdf_bytes())}
    with at(WHEN):
        response = as_(client, tree["unit_clerk"]).post(f"/review/dossiers/{grassroots.pk}/staff-meeting/", body)
    assert response.status_code == 400, response.status_code
    assert not StaffMeeting.objects.exists()


def test_meeting_without_minutes_refused(client, tree, grassroots):
    with at(WHEN):
        response = as_(client, tree["unit_clerk"]).post(f"/review/dossiers/{grassroots.pk}/staff-meeting/", {
            "held_on": "2024-10-15", "staff_total": "40", "attended": "36", "votes_for": "30", "result": "agreed"})
    assert response.status_code == 400 and "会议纪要" in response.content.decode()
    assert not StaffMeeting.objects.exists()


def test_meeting_page_records_and_the_panel_shows_it(client, tree, grassroots):
    url = f"/review/dossiers/{grassroots.pk}/staff-meeting/"
    with at(WHEN):
        as_(client, tree["unit_clerk"])
        assert "登记职工大会集体评议" in client.get(f"/dossiers/{grassroots.pk}/").content.decode()
        response = client.post(url, {"held_on": "2024-10-15", "staff_total": "40", "attended": "36",
                                      "votes_for": "30", "result": "agreed",
                                      "file": SimpleUploadedFile("纪要.pdf", pdf_bytes())})
        assert response.status_code == 302
        page = client.get(f"/dossiers/{grassroots.pk}/").content.decode()
    assert "同意推荐" in page and "实到 36/40 人，赞成 30 票" in page
    meeting = StaffMeeting.objects.get(dossier=grassroots)
    assert meeting.minutes_file_kind == "pdf" and meeting.recorded_by == tree["unit_clerk"]


def test_the_minutes_download_for_reviewers_never_for_the_applicant(client, tree, grassroots):
    url = f"/review/dossiers/{grassroots.pk}/staff-meeting/file/"
    with at(WHEN):
        as_(client, tree["unit_clerk"])
        assert client.get(url).status_code == 404  # nothing recorded yet
        client.post(f"/review/dossiers/{grassroots.pk}/staff-meeting/", {
            "held_on": "2024-10-15", "staff_total": "40", "attended": "36", "votes_for": "30", "result": "agreed",
            "file": SimpleUploadedFile("纪要.pdf", pdf_bytes())})
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        assert "no-store" in response["Cache-Control"]
        for who in ("other_clerk", "applicant"):
            client.logout()
            assert as_(client, tree[who]).get(url).status_code == 404


def test_meeting_post_without_csrf_token_refused(tree, grassroots):
    client = Client(enforce_csrf_checks=True)
    with at(WHEN):
        response = as_(client, tree["unit_clerk"]).post(f"/review/dossiers/{grassroots.pk}/staff-meeting/", {
            "held_on": "2024-10-15", "staff_total": "40", "attended": "36", "votes_for": "30", "result": "agreed",
            "file": SimpleUploadedFile("纪要.pdf", pdf_bytes())})
    assert response.status_code == 403 and not StaffMeeting.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("other_clerk", 404), ("department_clerk", 403), ("applicant", 403)])
def test_others_cannot_record_the_meeting(client, tree, grassroots, who, status):
    with at(WHEN):
        response = as_(client, tree[who]).post(f"/review/dossiers/{grassroots.pk}/staff-meeting/", {
            "held_on": "2024-10-15", "staff_total": "40", "attended": "36", "votes_for": "30", "result": "agreed",
            "file": SimpleUploadedFile("纪要.pdf", pdf_bytes())})
    assert response.status_code == status and not StaffMeeting.objects.exists()


def test_meeting_through_the_api(client, tree, grassroots):
    from zhicheng.accounts.auth_services import totp_device_create_confirmed
    from zhicheng.accounts.tokens import api_token_create

    totp_device_create_confirmed(user=tree["unit_clerk"])
    _token, raw = api_token_create(user=tree["unit_clerk"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/review/dossiers/{grassroots.pk}/staff-meeting"
    with at(WHEN):
        assert client.get(url, **auth).status_code == 404
        response = client.post(f"/review/dossiers/{grassroots.pk}/staff-meeting/", {
            "held_on": "2024-10-15", "staff_total": "40", "attended": "36", "votes_for": "30", "result": "agreed",
            "file": SimpleUploadedFile("纪要.pdf", pdf_bytes())}, **auth)
        assert response.status_code == 201, response.content
        body = client.get(url, **auth).json()
    assert body["result"] == "agreed" and body["attended"] == 36 and body["held_on"] == "2024-10-15"
    with at("2024-11-01T00:00:00+08:00"):
        late = client.post(f"/review/dossiers/{grassroots.pk}/staff-meeting/", {
            "held_on": "2024-10-30", "staff_total": "40", "attended": "36", "votes_for": "36", "result": "agreed",
            "file": SimpleUploadedFile("纪要.pdf", pdf_bytes())}, **auth)
    assert late.status_code == 409 and late.json()["code"] == "recommendation_closed"
    assert StaffMeeting.objects.get(dossier=grassroots).votes_for == 30  # nothing of the late one saved


# -- the department sees what did not arrive by the hand-over instant, and what arrived late ---------------------


@pytest.mark.parametrize(("now", "missing"), [("2024-10-31T23:59:59+08:00", 0), ("2024-11-01T00:00:00+08:00", 1)])
def test_department_sees_dossiers_not_handed_over(client, tree, campaign, now, missing):
    import datetime as dt

    from zhicheng.review.selectors import handover_missing

    stuck = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    count, rows = handover_missing(tree["department"], at=dt.datetime.fromisoformat(now))
    assert count == missing
    if missing:
        assert rows[0].dossier == stuck and rows[0].why == "公示结束，单位未推荐报送"
    assert handover_missing(tree["unit"], at=dt.datetime.fromisoformat(now)) == (0, [])


def test_queue_page_lists_late_and_missing(client, tree, campaign):
    from zhicheng.campaigns.models import Campaign

    from .factories_chain import recommended_dossier

    dossier_in_state(tree["applicant"], campaign, "in_publicity")
    arrived = recommended_dossier(tree, campaign, applicant=tree["other_applicant"], through_decision=True,
                                  when="2024-10-30T10:00:00+08:00")
    with at("2024-11-02T10:00:00+08:00"):
        page = as_(client, tree["department_clerk"]).get(f"/review/queue/{tree['department'].pk}/").content.decode()
    assert "未按时报送" in page and "仍在公示" in page and "逾期报送" not in page
    # the office moved the hand-over instant earlier: what arrived on 10-30 is now late, and says so
    Campaign.objects.filter(pk=campaign.pk).update(department_deadline="2024-10-29T00:00:00+08:00")
    with at("2024-11-02T10:00:00+08:00"):
        page = client.get(f"/review/queue/{tree['department'].pk}/").content.decode()
    assert "逾期报送" in page and "1 份申报材料晚于报送截止时间到达" in page
    assert f'href="/dossiers/{arrived.pk}/"' in page and "截止 2024年10月28日 24:00" in page


def test_handover_api_and_other_organisations_denied(client, tree, campaign):
    stuck = dossier_in_state(tree["applicant"], campaign, "unit_passed")
    with at("2024-11-01T00:00:00+08:00"):
        body = as_(client, tree["department_clerk"]).get("/api/v1/review/queue/handover").json()
        assert body["missing_count"] == 1 and body["missing"][0]["dossier_id"] == stuck.pk
        assert body["missing"][0]["why"] == "单位审核通过后未公示" and body["late_count"] == 0
        client.logout()
        other = as_(client, tree["unit_clerk"]).get("/api/v1/review/queue/handover",
                                                    {"organisation": tree["department"].pk})
    assert other.status_code == 404


def test_handover_missing_counts_every_dossier_beyond_the_listed_ones(tree, campaign):
    """The count rides on the listed rows (a window over the whole result): it is not capped by the list's limit."""
    import datetime as dt

    from zhicheng.review.selectors import handover_missing

    for applicant in (tree["applicant"], tree["other_applicant"]):
        dossier_in_state(applicant, campaign, "publicity_done")
    count, rows = handover_missing(tree["department"], at=dt.datetime.fromisoformat("2024-11-01T00:00:00+08:00"),
                                   limit=1)
    assert count == 2 and len(rows) == 1
