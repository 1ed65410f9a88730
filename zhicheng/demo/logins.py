"""The demo log-ins grouped by the kind of organisation they work for, each group with what it can do now."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhicheng.accounts.models import OrganisationKind as K

PLATFORM = "platform"  # not an organisation's kind: the platform's three separated administrators (三员分立)

# (title, the kinds it gathers, what its people can do in the live campaign); applicants come last
GROUPS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("用人单位 / units", (K.UNIT,),
     "审核（通过、退回：勾选要修改的条目）、公示、推荐 / review (pass, return by ticking rows), publish, recommend"),
    ("人才服务机构 / agencies", (K.AGENCY,),
     "为其代理的申报人审核、公示、推荐 / review, publish and recommend for their clients"),
    ("审核部门 / review departments", (K.DEPARTMENT,),
     "审核单位推荐的材料（通过、退回、不通过）/ check recommended dossiers (pass, return, reject)"),
    ("职改办 / the title office", (K.OFFICE, K.PROVINCE),
     "受理、年度评审设置、节假日、查重结果 / accept, campaigns, calendar, similarity"),
    ("评审委员会与专家 / committees and experts", (K.COMMITTEE,),
     "评委会秘书与评审专家（评审环节）/ committee secretaries and experts (evaluation)"),
    ("平台管理员 / platform", (PLATFORM,),
     "三员分立：系统管理员开通账号；安全管理员分配角色、锁定解锁账号、重置验证器（用户与角色）；审计管理员查看审计 / "
     "separation of duties: the system admin opens accounts; the security admin gives roles, locks, unlocks and "
     "resets authenticators (Users and roles); the audit admin reads the audit"),
)
APPLICANTS = ("申报人 / applicants（[案例] 见 zhicheng/demo/cases.py）",
              "填写、签署承诺书、提交、答复退回、撤回 / fill in, sign, submit, answer a return, withdraw")


@dataclass
class LoginGroup:
    title: str
    can_do: str
    logins: list = field(default_factory=list)


def logins_by_kind(logins: list) -> list[LoginGroup]:
    """Staff by their first organisation's kind (units, agencies, departments, office, committees), then applicants."""
    groups = [LoginGroup(title, can_do) for title, _kinds, can_do in GROUPS]
    by_kind = {kind: groups[n] for n, (_t, kinds, _c) in enumerate(GROUPS) for kind in kinds}
    applicants = LoginGroup(*APPLICANTS)
    for login in logins:
        if login.case:
            applicants.logins.append(login)
        else:
            by_kind.get(login.kind, groups[3]).logins.append(login)
    return [g for g in (*groups, applicants) if g.logins]
