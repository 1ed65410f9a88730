"""Checks other apps register for opening accounts, so accounts need not import them (e.g. the §六(八) reset).

Each check is `check(*, organisation, kind, now) -> Decision`; `kind` is "applicant" (an applicant account) or
"unit" (the first account of a unit or agency, opened by the body above). The first refusal wins.
"""

from __future__ import annotations

from collections.abc import Callable

ACCOUNT_OPENING_CHECKS: list[Callable] = []


def account_opening_checks_run(*, organisation, kind: str) -> None:
    from django.utils import timezone

    from zhicheng.core.permissions import require

    for check in ACCOUNT_OPENING_CHECKS:
        require(check(organisation=organisation, kind=kind, now=timezone.now()), "account_reset_pending")
