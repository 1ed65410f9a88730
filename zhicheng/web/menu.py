"""The left menu as data: each entry is (label, URL name, roles); the shell shows the active role's entries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from zhicheng.accounts.models import APPLYING_KINDS, OrganisationKind, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

R = Role
_ALL = frozenset(Role.values)
_ORG_STAFF = frozenset({R.ORG_ADMIN, R.REVIEW_CLERK, R.REVIEW_LEADER})
_STAFF = _ALL - {R.APPLICANT}
# Bodies with organisations below them (the office, review departments, agencies)
_SUPERVISING = frozenset({OrganisationKind.OFFICE, OrganisationKind.DEPARTMENT, OrganisationKind.AGENCY})


@dataclass(frozen=True)
class MenuEntry:
    """One link of the left menu; `per_organisation` entries take the active organisation's id.

    `kinds`, when given, limits the entry to organisations of those kinds (only units and agencies open
    applicant accounts).
    """

    label: StrOrPromise
    url_name: str
    roles: frozenset[str]
    group: StrOrPromise = ""
    per_organisation: bool = False
    kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    group: str
    url_name: str


_WORK, _ADMIN, _ACCOUNT = _("工作"), _("管理"), _("账号与安全")

MENU: tuple[MenuEntry, ...] = (
    MenuEntry(_("工作台"), "web:dashboard", _ALL, _WORK),
    MenuEntry(_("我的申报"), "dossiers:mine", frozenset({R.APPLICANT}), _WORK),
    MenuEntry(_("我的职称证书"), "certificates:mine", frozenset({R.APPLICANT}), _WORK),
    MenuEntry(_("申报材料"), "dossiers:list",
              frozenset({R.REVIEW_CLERK, R.REVIEW_LEADER, R.OFFICE_STAFF, R.DISCIPLINE_OBSERVER}), _WORK),
    MenuEntry(_("审核队列"), "review:queue_for", frozenset({R.REVIEW_CLERK, R.REVIEW_LEADER, R.OFFICE_STAFF}), _WORK,
              per_organisation=True),
    MenuEntry(_("单位公示"), "publicity:batches", frozenset({R.REVIEW_CLERK, R.REVIEW_LEADER}), _WORK,
              kinds=APPLYING_KINDS),
    MenuEntry(_("异议处理"), "publicity:objections", frozenset({R.REVIEW_CLERK, R.REVIEW_LEADER}), _WORK,
              kinds=APPLYING_KINDS),
    # the organisation the active role belongs to
    MenuEntry(_("本机构信息"), "organisations:detail", _ORG_STAFF, _WORK, per_organisation=True),
    MenuEntry(_("本机构成员与角色"), "organisations:members", frozenset({R.ORG_ADMIN}), _WORK, per_organisation=True),
    MenuEntry(_("花名册"), "organisations:roster", frozenset({R.ORG_ADMIN}), _WORK,
              per_organisation=True, kinds=APPLYING_KINDS),
    MenuEntry(_("开通申报人账号"), "organisations:applicant_open", frozenset({R.ORG_ADMIN}), _WORK,
              per_organisation=True, kinds=APPLYING_KINDS),
    MenuEntry(_("错峰申报安排"), "stagger:unit_slots", frozenset({R.ORG_ADMIN, R.REVIEW_CLERK, R.REVIEW_LEADER}),
              _WORK, per_organisation=True, kinds=APPLYING_KINDS),
    MenuEntry(_("下属机构"), "organisations:list", _ORG_STAFF, _WORK, kinds=_SUPERVISING),
    # the title office sets up the year
    MenuEntry(_("年度评审工作"), "campaigns:list",
              frozenset({R.OFFICE_STAFF, R.COMMITTEE_SECRETARY, R.DISCIPLINE_OBSERVER}), _WORK),
    MenuEntry(_("职称系列与级别"), "catalog:series_list", frozenset({R.OFFICE_STAFF, R.DISCIPLINE_OBSERVER}), _WORK),
    MenuEntry(_("评审条件"), "catalog:conditions", frozenset({R.OFFICE_STAFF, R.DISCIPLINE_OBSERVER}), _WORK),
    MenuEntry(_("节假日调整"), "calendar:overrides", frozenset({R.OFFICE_STAFF}), _WORK),
    MenuEntry(_("社保数据导入"), "socialsecurity:imports", frozenset({R.OFFICE_STAFF}), _WORK),
    MenuEntry(_("论文查重结果导入"), "similarity:import", frozenset({R.OFFICE_STAFF}), _WORK),
    MenuEntry(_("申报提交量"), "stagger:office_load", frozenset({R.OFFICE_STAFF}), _WORK),
    MenuEntry(_("统计分析"), "reports:statistics", frozenset({R.OFFICE_STAFF, R.REVIEW_CLERK, R.REVIEW_LEADER}), _WORK,
              kinds=_SUPERVISING),
    MenuEntry(_("我的导出文件"), "reports:exports", _STAFF, _WORK),

    # evaluation: the committee's secretary and the office; the expert's own meetings
    MenuEntry(_("评审委员会与会议"), "committees:home", frozenset({R.COMMITTEE_SECRETARY, R.OFFICE_STAFF}), _WORK),
    MenuEntry(_("委托评审"), "committees:entrusted", frozenset({R.OFFICE_STAFF, R.COMMITTEE_SECRETARY}), _WORK),
    MenuEntry(_("我的评审会议"), "committees:my_home", frozenset({R.EXPERT}), _WORK),

    MenuEntry(_("通知公告管理"), "noticeboard:manage", frozenset({R.OFFICE_STAFF}), _WORK),

    MenuEntry(_("评审结果公示"), "publicity:results", frozenset({R.OFFICE_STAFF, R.REVIEW_CLERK, R.REVIEW_LEADER}),
              _WORK, kinds=frozenset({OrganisationKind.OFFICE})),
    MenuEntry(_("职称文件与证书"), "certificates:documents",
              frozenset({R.OFFICE_STAFF, R.REVIEW_CLERK, R.REVIEW_LEADER}), _WORK,
              kinds=frozenset({OrganisationKind.OFFICE})),
    MenuEntry(_("社保核验"), "socialsecurity:checks", frozenset({R.REVIEW_CLERK, R.REVIEW_LEADER}), _WORK,
              kinds=_SUPERVISING),
    MenuEntry(_("机构管理"), "organisations:list",
              frozenset({R.OFFICE_STAFF, R.SYSTEM_ADMIN, R.DISCIPLINE_OBSERVER}), _ADMIN),
    MenuEntry(_("新建机构"), "organisations:create", frozenset({R.OFFICE_STAFF, R.SYSTEM_ADMIN}), _ADMIN),
    # 三员分立: users (system admin), roles and locks (security admin), audit (audit admin, 纪检)
    MenuEntry(_("用户与角色"), "organisations:users", frozenset({R.SYSTEM_ADMIN, R.SECURITY_ADMIN}), _ADMIN),
    MenuEntry(_("账号锁定"), "accounts:locks", frozenset({R.SECURITY_ADMIN}), _ADMIN),
    MenuEntry(_("审计日志"), "audit:events", frozenset({R.AUDIT_ADMIN, R.DISCIPLINE_OBSERVER}), _ADMIN),
    MenuEntry(_("审计链校验"), "audit:verify", frozenset({R.AUDIT_ADMIN, R.DISCIPLINE_OBSERVER}), _ADMIN),
    MenuEntry(_("两步验证"), "accounts:otp_setup", _ALL, _ACCOUNT),
    MenuEntry(_("API 令牌"), "accounts:tokens", _STAFF, _ACCOUNT),
)


def menu_entries_for(role: str | None, organisation_kind: str | None = None) -> list[MenuEntry]:
    """The entries a role sees in an organisation of the given kind, in menu order."""
    if not role:
        return []
    return [
        entry for entry in MENU
        if role in entry.roles and (not entry.kinds or organisation_kind in entry.kinds)
    ]


def menu_links_for(role: str | None, organisation) -> list[MenuLink]:
    """Resolve a role's entries to links; an entry whose page is not installed is left out and logged."""
    links = []
    kind = getattr(organisation, "kind", None)
    for entry in menu_entries_for(role, kind):
        if entry.per_organisation and organisation is None:
            continue
        args = [organisation.pk] if entry.per_organisation else []
        try:
            url = reverse(entry.url_name, args=args)
        except NoReverseMatch:
            logger.warning("menu entry %s has no page", entry.url_name)
            continue
        links.append(MenuLink(str(entry.label), url, str(entry.group), entry.url_name))
    return links
