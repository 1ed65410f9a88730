"""Pure policy of the §六(八) reset: what an organisation may open, given where it stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhicheng.core.permissions import ALLOW, Decision, deny


@dataclass(frozen=True)
class ResetState:
    """One organisation against the campaign's reset instant."""

    reset_at: dt.datetime | None  # None: no active campaign, nothing to wait for
    now: dt.datetime
    staff_pending: tuple[str, ...] = ()  # names of staff who have not set a password since the reset
    missing_roles: tuple[str, ...] = ()  # labels of the three roles not held by a real-name member
    reconfirmed_at: dt.datetime | None = None
    todo: tuple[str, ...] = field(default=())

    @property
    def before(self) -> bool:
        return self.reset_at is not None and self.now < self.reset_at

    @property
    def ready(self) -> bool:
        return self.reset_at is None or (not self.before and not self.staff_pending and self.reconfirmed_at is not None)


def opening_decision(state: ResetState) -> Decision:
    if state.reset_at is None or state.ready:
        return ALLOW
    if state.before:
        return deny("系统重置前可登录熟悉操作，但不得开通个人、单位申报账号（§六(八)）",
                    "Before the campaign's account reset, units may practise but not open applicant or unit "
                    "accounts (§六(八))")
    parts = []
    if state.staff_pending:
        parts.append(f"{len(state.staff_pending)} 名工作人员尚未重新设置密码（{'、'.join(state.staff_pending[:5])}）")
    if state.reconfirmed_at is None:
        parts.append("系统管理员尚未重新确认系统管理员、审查经办、审查领导三类实名账号")
    return deny("系统已重置：" + "；".join(parts) + "，完成后方可开通个人、单位账号（§六(八)）",
                "After the reset every staff member must set a new password and the admin must re-confirm the "
                "three real-name roles before accounts can be opened (§六(八))")


def reconfirm_decision(state: ResetState) -> Decision:
    if state.reset_at is None:
        return deny("当前没有进行中的年度评审", "No campaign is under way")
    if state.before:
        return deny("系统重置时间未到，不需要重新确认", "The reset instant has not come yet")
    if state.missing_roles:
        return deny(f"尚缺少实名的{'、'.join(state.missing_roles)}账号，配齐后方可确认",
                    "All three real-name roles must be held before confirming")
    return ALLOW
