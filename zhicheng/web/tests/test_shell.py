"""The shell: top bar, each role's menu, the role switcher and the top bar's query budget."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from zhicheng.accounts.models import Role
from zhicheng.accounts.tests.factories import UserFactory
from zhicheng.campaigns.services import campaign_load_from_file
from zhicheng.web.context_processors import shell
from zhicheng.web.menu import MENU, menu_entries_for
from zhicheng.web.shell import SESSION_KEY

from .helpers import login, member

pytestmark = pytest.mark.django_db


def _menu(html: str) -> str:
    start = html.index('class="sidebar"')
    return html[start:html.index("</nav>", start)]


class TestTopBar:
    def test_shows_system_name_campaign_year_organisation_and_role(self, client):
        campaign_load_from_file()
        m = member(Role.REVIEW_CLERK)
        login(client, m.user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "职称申报评审系统" in html
        assert "2024 年度" in html
        assert f"{m.organisation.name} · 审查经办" in html
        assert reverse("accounts:logout") in html
        assert 'action="/i18n/setlang/"' in html

    def test_ships_htmx_locally_with_the_csrf_header(self, client):
        login(client, member(Role.APPLICANT).user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert "/static/vendor/htmx.min.js" in html
        assert "/static/css/zhicheng.css" in html
        assert 'hx-headers=\'{"X-CSRFToken": "' in html
        assert "http://" not in html.split("<body")[0] and "https://" not in html.split("<body")[0]

    def test_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.get(reverse("web:dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


class TestMenu:
    @pytest.mark.parametrize("role", list(Role.values))
    def test_each_role_sees_exactly_its_entries(self, client, role):
        m = member(role)
        login(client, m.user)
        menu = _menu(client.get(reverse("web:dashboard")).content.decode())
        for entry in MENU:
            shown = entry in menu_entries_for(role, m.organisation.kind)
            assert (f">{entry.label}<" in menu) is shown, (role, entry.url_name)

    def test_applicant_sees_no_audit_or_administration(self, client):
        login(client, member(Role.APPLICANT).user)
        menu = _menu(client.get(reverse("web:dashboard")).content.decode())
        for label in ("审计日志", "机构管理", "用户与角色", "账号锁定", "年度评审工作", "开通申报人账号"):
            assert label not in menu

    def test_audit_admin_sees_the_audit_trail_but_not_user_management(self, client):
        login(client, member(Role.AUDIT_ADMIN).user)
        menu = _menu(client.get(reverse("web:dashboard")).content.decode())
        assert "审计日志" in menu
        assert "用户与角色" not in menu and "账号锁定" not in menu

    def test_department_admin_is_not_offered_applicant_accounts(self, client):
        m = member(Role.ORG_ADMIN)
        department = m.organisation.parent
        admin = member(Role.ORG_ADMIN, organisation=department)
        login(client, admin.user)
        menu = _menu(client.get(reverse("web:dashboard")).content.decode())
        assert "本机构成员与角色" in menu and "下属机构" in menu
        assert "开通申报人账号" not in menu and "花名册" not in menu

    def test_unit_admin_keeps_a_roster_but_has_no_organisations_below(self, client):
        login(client, member(Role.ORG_ADMIN).user)
        menu = _menu(client.get(reverse("web:dashboard")).content.decode())
        assert "花名册" in menu and "开通申报人账号" in menu and "下属机构" not in menu

    def test_every_menu_page_is_installed(self):
        missing = []
        for entry in MENU:
            try:
                reverse(entry.url_name, args=[1] if entry.per_organisation else [])
            except NoReverseMatch:
                missing.append(entry.url_name)
        assert missing == []


class TestRoleSwitcher:
    def test_switches_to_another_of_ones_own_roles(self, client):
        clerk = member(Role.REVIEW_CLERK)
        expert = member(Role.EXPERT, user=clerk.user)
        login(client, clerk.user)
        html = client.get(reverse("web:dashboard")).content.decode()
        assert 'name="membership"' in html
        response = client.post(reverse("web:switch_role"), {"membership": expert.pk, "next": "/"})
        assert response.status_code == 302
        assert client.session[SESSION_KEY] == expert.pk
        html = client.get(reverse("web:dashboard")).content.decode()
        assert f"{expert.organisation.name} · 评审专家" in html

    def test_refuses_a_membership_of_another_user(self, client):
        mine = member(Role.REVIEW_CLERK)
        member(Role.EXPERT, user=mine.user)
        theirs = member(Role.OFFICE_STAFF)
        login(client, mine.user)
        response = client.post(reverse("web:switch_role"), {"membership": theirs.pk}, follow=True)
        assert SESSION_KEY not in client.session
        html = response.content.decode()
        assert "只能切换到您本人的有效角色" in html
        assert "职改办工作人员" not in _menu(html) and "年度评审工作" not in _menu(html)

    def test_refuses_an_inactive_membership(self, client):
        mine = member(Role.REVIEW_CLERK)
        old = member(Role.ORG_ADMIN, user=mine.user)
        old.is_active = False
        old.save()
        login(client, mine.user)
        client.post(reverse("web:switch_role"), {"membership": old.pk})
        assert SESSION_KEY not in client.session

    def test_refuses_garbage_and_get(self, client):
        login(client, member(Role.REVIEW_CLERK).user)
        assert client.post(reverse("web:switch_role"), {"membership": "abc"}).status_code == 302
        assert SESSION_KEY not in client.session
        assert client.get(reverse("web:switch_role")).status_code == 405

    def test_does_not_redirect_off_site(self, client):
        clerk = member(Role.REVIEW_CLERK)
        expert = member(Role.EXPERT, user=clerk.user)
        login(client, clerk.user)
        response = client.post(reverse("web:switch_role"), {"membership": expert.pk, "next": "https://evil.example/"})
        assert response["Location"] == reverse("web:dashboard")

    def test_a_revoked_active_role_falls_back_to_a_current_one(self, client):
        clerk = member(Role.REVIEW_CLERK)
        expert = member(Role.EXPERT, user=clerk.user)
        login(client, clerk.user)
        client.post(reverse("web:switch_role"), {"membership": expert.pk}, follow=True)
        expert.is_active = False
        expert.save()
        html = client.get(reverse("web:dashboard")).content.decode()
        assert f"{clerk.organisation.name} · 审查经办" in html and "评审专家" not in html

    def test_single_role_has_no_switcher(self, client):
        login(client, member(Role.REVIEW_CLERK).user)
        assert 'name="membership"' not in client.get(reverse("web:dashboard")).content.decode()


class TestContextProcessorQueries:
    def test_top_bar_costs_at_most_two_queries(self, django_assert_max_num_queries):
        campaign_load_from_file()
        user = UserFactory()
        for role in (Role.REVIEW_CLERK, Role.REVIEW_LEADER, Role.EXPERT, Role.APPLICANT):
            member(role, user=user)
        request = RequestFactory().get("/")
        request.user, request.session = user, SessionStore()
        with django_assert_max_num_queries(2):
            context = shell(request)
            assert len(context["zc_memberships"]) == 4
            assert [str(m.organisation) for m in context["zc_memberships"]]
            assert context["zc_campaign"].year == 2024
            assert context["zc_menu"]

    def test_anonymous_costs_one_query(self, django_assert_max_num_queries):
        from django.contrib.auth.models import AnonymousUser

        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        with django_assert_max_num_queries(1):
            assert shell(request)["zc_menu"] == []


class TestErrorPages:
    def test_unknown_page_says_so_in_chinese_inside_the_shell(self, client):
        login(client, member(Role.APPLICANT).user)
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "页面不存在" in html and "返回工作台" in html and 'class="sidebar"' in html

    def test_server_error_page_needs_no_database(self, django_assert_num_queries):
        from django.template import loader

        with django_assert_num_queries(0):
            html = loader.get_template("500.html").render()
        assert "系统出错" in html and "/static/css/zhicheng.css" in html


def test_shell_assets_are_found_by_the_static_finders():
    from django.contrib.staticfiles import finders

    for path in ("css/zhicheng.css", "vendor/htmx.min.js", "vendor/htmx.LICENSE"):
        assert finders.find(path), path
