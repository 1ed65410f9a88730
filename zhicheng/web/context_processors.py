"""What every page's top bar needs: the current campaign, the user's organisation and roles, the menu."""

from __future__ import annotations

from itertools import groupby

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
    membership = active_membership(request)
    links = menu_links_for(
        membership.role if membership else None, membership.organisation if membership else None
    )
    menu = [(group, list(items)) for group, items in groupby(links, key=lambda link: link.group)]
    return {
        "zc_campaign": current_campaign(request),
        "zc_membership": membership,
        "zc_memberships": request._zc_memberships,
        "zc_menu": menu,
    }
