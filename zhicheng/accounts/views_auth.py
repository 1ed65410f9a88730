"""Log-in, log-out and the second factor."""

from __future__ import annotations

from django.shortcuts import render


def lockout_response(request, credentials=None, *args, **kwargs):
    """What django-axes shows once an account is locked after repeated failures."""
    return render(request, "accounts/locked_out.html", status=429)
