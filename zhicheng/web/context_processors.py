"""What every page's top bar needs: the current campaign, the user's organisation and roles, the menu."""

from __future__ import annotations

from itertools import groupby

from django.utils.functional import SimpleLazyObject

from .menu import menu_links_for
from .shell import active_membership, current_campaign


def shell(request) -> dict:
    """Top bar and menu context; two queries at most (memberships, current campaign)."""
    if getattr(request, "zc_public", False):  # a cacheable public page: the same for everyone, no session read
        return {"zc_public": True, "zc_campaign": current_campaign(request), "zc_membership": None,
                "zc_memberships": [], "zc_menu": []}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"zc_campaign": current_campaign(request), "zc_membership": None, "zc_memberships": [], "zc_menu": []}

    def menu() -> list:
        membership = active_membership(request)
        links = menu_links_for(
            membership.role if membership else None, membership.organisation if membership else None
        )
        return [(group, list(items)) for group, items in groupby(links, key=lambda link: link.group)]

    def memberships() -> list:
        active_membership(request)
        return request._zc_memberships

    # lazy: an htmx fragment (an autosave's row, a checklist refresh) never reads the top bar, so it costs nothing
    return {
        "zc_campaign": SimpleLazyObject(lambda: current_campaign(request)),
        "zc_membership": SimpleLazyObject(lambda: active_membership(request)),
        "zc_memberships": SimpleLazyObject(memberships),
        "zc_menu": SimpleLazyObject(menu),
    }
