"""The unit review pages: the panel on the dossier page, propose / confirm / 退回经办, returns page, papers upload."""

import pytest

from zhicheng.accounts.tests.factories import login_verified
from zhicheng.dossiers.models import Dossier
from zhicheng.files.tests.samples import pdf_bytes
from zhicheng.review.models import Recommendation, ReturnItem, ReviewDecision

from .factories import at, dossier_in_state, returned_dossier, signed, submitted_dossier

pytestmark = pytest.mark.django_db
WHEN = "2024-10-12T10:00:00+08:00"


@pytest.fixture
def dossier(tree, campaign):
    return submitted_dossier(tree["applicant"], campaign)


def as_(client, user):
    login_verified(client, user)
    return client


def detail(client, dossier):
    return client.get(f"/dossiers/{dossier.pk}/")


def state_of(dossier):
    return Dossier.objects.values_list("state", flat=True).get(pk=dossier.pk)


def propose_return(client, dossier, messages=("请补充学历证书", "论文检索证明不清晰", "")):
    return client.post(f"/review/dossiers/{dossier.pk}/decisions/", {
        "action": "return", "reason": "材料不全",
        "item_section": ["education", "achievement", ""], "item_id": ["", "", ""], "item_message": list(messages),
        "answer_deadline": "2024-10-18T18:00",
    })



def test_the_propose_button_is_an_action_in_english(client, tree, dossier):
    """The panel's button shared its msgid with the history's event, so English read "Review opinion proposed"."""
    with at(WHEN):
        as_(client, tree["unit_clerk"])
        client.cookies["django_language"] = "en"
        body = detail(client, dossier).content.decode()
    assert ">Propose review opinion</button>" in body and ">Review opinion proposed</button>" not in body

def test_clerk_proposes_a_return_leader_confirms(client, tree, dossier):
    with at(WHEN):
        page = detail(as_(client, tree["unit_clerk"]), dossier)
        assert page.status_code == 200 and "提出审核意见" in page.content.decode()
        assert propose_return(client, dossier).status_code == 302
    assert state_of(dossier) == "submitted"
    decision = ReviewDecision.objects.get()
    assert [i["message"] for i in decision.data["items"]] == ["请补充学历证书", "论文检索证明不清晰"]
    assert decision.data["answer_deadline"] == "2024-10-18T18:00:00+08:00"
    with at(WHEN):
        page = detail(client, dossier).content.decode()
        assert "待确认" in page and f"/review/decisions/{decision.pk}/confirm/" not in page  # a clerk cannot confirm
        client.logout()
        page = detail(as_(client, tree["unit_leader"]), dossier).content.decode()
        assert f"/review/decisions/{decision.pk}/confirm/" in page and "退回经办" in page
        response = client.post(f"/review/decisions/{decision.pk}/confirm/")
    assert response.status_code == 302 and state_of(dossier) == "returned"
    assert ReturnItem.objects.count() == 2


def test_proposer_leader_sees_no_confirm_button_and_is_refused(client, tree, dossier):
    with at(WHEN):
        as_(client, tree["unit_leader"]).post(f"/review/dossiers/{dossier.pk}/decisions/", {"action": "pass"})
        decision = ReviewDecision.objects.get()
        assert f"/review/decisions/{decision.pk}/confirm/" not in detail(client, dossier).content.decode()
        client.post(f"/review/decisions/{decision.pk}/confirm/")
    assert state_of(dossier) == "submitted"


def test_leader_sends_back_to_the_clerk(client, tree, dossier):
    with at(WHEN):
        as_(client, tree["unit_clerk"]).post(f"/review/dossiers/{dossier.pk}/decisions/", {"action": "pass"})
        decision = ReviewDecision.objects.get()
        client.logout()
        as_(client, tree["unit_leader"]).post(f"/review/decisions/{decision.pk}/cancel/", {"reason": "再核实社保"})
    decision.refresh_from_db()
    assert decision.cancelled_by == tree["unit_leader"] and decision.cancel_reason == "再核实社保"
    assert state_of(dossier) == "submitted"


@pytest.mark.parametrize("who", ["other_clerk", "other_leader"])
def test_another_units_reviewer_gets_404(client, tree, dossier, who):
    with at(WHEN):
        as_(client, tree["unit_clerk"]).post(f"/review/dossiers/{dossier.pk}/decisions/", {"action": "pass"})
        decision = ReviewDecision.objects.get()
        client.logout()
        as_(client, tree[who])
        assert detail(client, dossier).status_code == 404
        assert client.post(f"/review/dossiers/{dossier.pk}/decisions/", {"action": "pass"}).status_code == 404
        assert client.post(f"/review/decisions/{decision.pk}/confirm/").status_code == 404
        assert client.post(f"/review/decisions/{decision.pk}/cancel/").status_code == 404
        assert client.get(f"/review/dossiers/{dossier.pk}/returns/").status_code == 404
        assert client.get(f"/review/dossiers/{dossier.pk}/recommendation/").status_code == 404
    assert ReviewDecision.objects.get().is_open and state_of(dossier) == "submitted"


def test_anonymous_is_sent_to_login(client, tree, dossier):
    with at(WHEN):
        response = client.post(f"/review/dossiers/{dossier.pk}/decisions/", {"action": "pass"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.get(f"/review/dossiers/{dossier.pk}/returns/").status_code == 302
        assert client.get(f"/review/dossiers/{dossier.pk}/recommendation/").status_code == 302
    assert not ReviewDecision.objects.exists()


def test_applicant_sees_every_requested_change_and_answers(client, tree, campaign, no_eligibility_gate):
    dossier = returned_dossier(tree, campaign)
    applicant = tree["applicant"]
    with at("2024-10-13T10:00:00+08:00"):
        as_(client, applicant)
        for url in (f"/dossiers/{dossier.pk}/", f"/review/dossiers/{dossier.pk}/returns/"):
            page = client.get(url).content.decode()
            for message in ("请补充学历证书扫描件", "论文检索证明不清晰，请重新上传", "诚信承诺书须重新签署"):
                assert message in page
            assert "学历" in page  # the section's name, not its key
        assert "提交答复" in client.get(f"/review/dossiers/{dossier.pk}/returns/").content.decode()
        assert "待确认" not in page  # no internal proposals shown to the applicant
        signed(dossier, applicant)
        response = client.post(f"/review/dossiers/{dossier.pk}/returns/answer/")
    assert response.status_code == 302 and state_of(dossier) == "submitted"


def test_late_answer_shows_the_refusal(client, tree, campaign, no_eligibility_gate):
    dossier = returned_dossier(tree, campaign, answer_deadline="2024-10-16T00:00:00+08:00")
    with at("2024-10-16T00:00:00+08:00"):
        signed(dossier, tree["applicant"])
        response = as_(client, tree["applicant"]).post(f"/review/dossiers/{dossier.pk}/returns/answer/", follow=True)
    assert "退回答复已过截止时间" in response.content.decode() and state_of(dossier) == "returned"


def test_clerk_uploads_the_papers(client, tree, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    with at("2024-10-18T10:00:00+08:00"):
        as_(client, tree["unit_clerk"])
        assert "纪检监察意见" in client.get(f"/review/dossiers/{dossier.pk}/recommendation/").content.decode()
        response = client.post(f"/review/dossiers/{dossier.pk}/recommendation/", {
            "discipline_opinion": "未发现问题", "conduct_statement": "品德合格", "senior_held": "2",
            "grassroots_senior_held": "1", "file": SimpleUploadedFile("说明.pdf", pdf_bytes()),
        })
    assert response.status_code == 302
    papers = Recommendation.objects.get(dossier=dossier)
    assert papers.conduct_file_kind == "pdf" and papers.discipline_opinion == "未发现问题"


def test_papers_post_without_csrf_token_refused(tree, campaign):
    from django.test import Client

    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    client = Client(enforce_csrf_checks=True)
    with at("2024-10-18T10:00:00+08:00"):
        as_(client, tree["unit_clerk"]).post(f"/review/dossiers/{dossier.pk}/recommendation/", {
            "discipline_opinion": "未发现问题", "conduct_statement": "品德合格"})
    assert not Recommendation.objects.exists()


def test_papers_by_bearer_token(client, tree, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhicheng.accounts.auth_services import totp_device_create_confirmed
    from zhicheng.accounts.tokens import api_token_create

    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    totp_device_create_confirmed(user=tree["unit_clerk"])  # staff tokens need a bound authenticator
    _token, raw = api_token_create(user=tree["unit_clerk"], name="t")
    with at("2024-10-18T10:00:00+08:00"):
        response = client.post(f"/review/dossiers/{dossier.pk}/recommendation/", {
            "discipline_opinion": "未发现问题", "conduct_statement": "品德合格",
            "file": SimpleUploadedFile("说明.png", pdf_bytes())}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 201, response.content
    assert response.json()["conduct_file_kind"] == "pdf"


def test_sealed_statement_download(client, tree, campaign):
    from .factories import recommendation_papers

    dossier = dossier_in_state(tree["applicant"], campaign, "publicity_done")
    with at("2024-10-18T10:00:00+08:00"):
        recommendation_papers(dossier, tree["unit_clerk"])
        url = f"/review/dossiers/{dossier.pk}/recommendation/file/"
        assert url in detail(as_(client, tree["unit_leader"]), dossier).content.decode()
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
        for who in ("other_clerk", "applicant"):
            client.logout()
            assert as_(client, tree[who]).get(url).status_code == 404


def test_pending_return_shows_its_items_and_deadline(client, tree, dossier):
    with at(WHEN):
        propose_return(as_(client, tree["unit_clerk"]), dossier)
        page = detail(client, dossier).content.decode()
    assert "请补充学历证书" in page and "2024年10月18日 18:00" in page
