"""API tokens: created by a verified session, shown once, stored hashed, usable as bearer, revocable."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from zhicheng.accounts.auth_services import totp_device_create_confirmed
from zhicheng.accounts.models import ApiToken, Role
from zhicheng.accounts.tokens import api_token_create, api_token_revoke
from zhicheng.audit.models import AuditEvent
from zhicheng.core.errors import ApplicationError, NotFound

from .auth_helpers import login_verified, user_with_role

pytestmark = pytest.mark.django_db
LIST = "/api/v1/tokens/"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class TestService:
    def test_only_the_hash_is_stored(self):
        user = user_with_role(Role.APPLICANT)
        token, raw = api_token_create(user=user, name="人事系统对接")
        stored = ApiToken.objects.get(pk=token.pk)
        assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw.startswith(stored.prefix) and len(raw) > 40
        assert raw not in {stored.name, stored.prefix, stored.key_hash}
        event = AuditEvent.objects.get(event_type="auth.token_created")
        assert raw not in str(event.data)

    @pytest.mark.parametrize("name", ["", "   ", "长" * 101])
    def test_bad_name_refused_in_chinese(self, name):
        with pytest.raises(ApplicationError) as exc:
            api_token_create(user=user_with_role(Role.APPLICANT), name=name)
        assert "令牌用途" in exc.value.message_zh
        assert not ApiToken.objects.exists()

    def test_cannot_revoke_someone_elses_token(self):
        token, _raw = api_token_create(user=user_with_role(Role.APPLICANT), name="a")
        with pytest.raises(NotFound):
            api_token_revoke(user=user_with_role(Role.APPLICANT), token_id=token.pk)
        token.refresh_from_db()
        assert token.revoked_at is None


class TestBearer:
    def test_token_reaches_an_authenticated_endpoint(self, client):
        user = user_with_role(Role.REVIEW_CLERK)
        totp_device_create_confirmed(user=user)  # a staff token works only while the user holds an authenticator
        token, raw = api_token_create(user=user, name="对接")
        response = client.get(LIST, **bearer(raw))
        assert response.status_code == 200
        assert [item["prefix"] for item in response.json()["items"]] == [token.prefix]
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_a_bearer_read_writes_nothing_within_five_minutes(self, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        user = user_with_role(Role.APPLICANT)
        token, raw = api_token_create(user=user, name="对接")
        client.get(LIST, **bearer(raw))  # the first use is recorded
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, **bearer(raw)).status_code == 200
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(
            ("UPDATE", "INSERT", "DELETE"))]
        assert writes == [] and len(queries.captured_queries) <= 6
        assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    def test_revoked_token_gets_401(self, client):
        user = user_with_role(Role.APPLICANT)
        token, raw = api_token_create(user=user, name="对接")
        api_token_revoke(user=user, token_id=token.pk)
        response = client.get(LIST, **bearer(raw))
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"

    def test_unknown_token_gets_401(self, client):
        assert client.get(LIST, **bearer("zc_not-a-real-token")).status_code == 401

    def test_token_of_locked_account_gets_401(self, client):
        user = user_with_role(Role.APPLICANT)
        _token, raw = api_token_create(user=user, name="对接")
        user.is_active = False
        user.save()
        assert client.get(LIST, **bearer(raw)).status_code == 401

    def test_a_token_cannot_mint_tokens(self, client):
        _token, raw = api_token_create(user=user_with_role(Role.APPLICANT), name="对接")
        response = client.post(LIST, {"name": "再来一个"}, content_type="application/json", **bearer(raw))
        assert response.status_code == 401
        assert ApiToken.objects.count() == 1

    def test_token_revokes_itself_over_the_api(self, client):
        token, raw = api_token_create(user=user_with_role(Role.APPLICANT), name="对接")
        assert client.delete(f"{LIST}{token.pk}", **bearer(raw)).json()["revoked_at"] is not None
        assert client.get(LIST, **bearer(raw)).status_code == 401


class TestApiWithSession:
    def test_verified_staff_creates_lists_and_revokes(self, client):
        user = user_with_role(Role.OFFICE_STAFF)
        login_verified(client, user)
        response = client.post(LIST, {"name": "统计接口"}, content_type="application/json")
        assert response.status_code == 201
        raw, token_id = response.json()["token"], response.json()["detail"]["id"]
        integration = Client()  # no session: the bearer token alone
        assert integration.get(LIST, **bearer(raw)).status_code == 200
        assert client.get(LIST).json()["count"] == 1
        assert client.delete(f"{LIST}{token_id}").status_code == 200
        assert integration.get(LIST, **bearer(raw)).status_code == 401

    def test_empty_name_gives_chinese_400(self, client):
        client.force_login(user_with_role(Role.APPLICANT))
        response = client.post(LIST, {"name": " "}, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["details"]["name"] == ["请填写令牌用途"]

    def test_revoking_another_users_token_is_404(self, client):
        token, raw = api_token_create(user=user_with_role(Role.APPLICANT), name="对接")
        client.force_login(user_with_role(Role.APPLICANT))
        assert client.delete(f"{LIST}{token.pk}").status_code == 404
        assert Client().get(LIST, **bearer(raw)).status_code == 200


class TestPage:
    def test_created_token_is_shown_once(self, client):
        user = user_with_role(Role.APPLICANT)
        client.force_login(user)
        response = client.post(reverse("accounts:tokens"), {"action": "create", "name": "人事系统"})
        raw = response.context["raw_token"]
        assert raw and raw in response.content.decode()
        assert ApiToken.objects.get(user=user).key_hash == hashlib.sha256(raw.encode()).hexdigest()
        again = client.get(reverse("accounts:tokens")).content.decode()
        assert raw not in again and "人事系统" in again
        assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]

    def test_revoke_from_the_page(self, client):
        user = user_with_role(Role.APPLICANT)
        token, raw = api_token_create(user=user, name="旧对接")
        client.force_login(user)
        response = client.post(reverse("accounts:tokens"), {"action": "revoke", "token_id": token.pk}, follow=True)
        assert "令牌已撤销" in response.content.decode()
        assert Client().get(LIST, **bearer(raw)).status_code == 401

    def test_revoking_anothers_token_from_the_page_fails(self, client):
        token, _raw = api_token_create(user=user_with_role(Role.APPLICANT), name="a")
        client.force_login(user_with_role(Role.APPLICANT))
        response = client.post(reverse("accounts:tokens"), {"action": "revoke", "token_id": token.pk}, follow=True)
        assert "令牌不存在或不属于您" in response.content.decode()
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_empty_name_shows_field_error(self, client):
        client.force_login(user_with_role(Role.APPLICANT))
        response = client.post(reverse("accounts:tokens"), {"action": "create", "name": ""})
        assert "请填写令牌用途" in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("accounts:tokens"))
        assert response.url.startswith(reverse("accounts:login"))
