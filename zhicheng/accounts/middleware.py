"""Keep staff who have not passed their second factor away from everything but the log-in pages."""

from __future__ import annotations

from django.shortcuts import redirect

from .selectors import user_needs_second_factor

# Paths a half-logged-in staff user may still reach: the second-factor pages, log-out, assets, language
_OPEN_PREFIXES = ("/accounts/login", "/accounts/logout", "/accounts/otp", "/static/", "/i18n/", "/api/", "/public/")


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and user_needs_second_factor(user)
            and not user.is_verified()
        ):
            return redirect("accounts:otp_verify")
        return self.get_response(request)
