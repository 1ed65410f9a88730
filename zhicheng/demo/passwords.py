"""The shared demo password, hashed once: Argon2 costs most of a second per call, and every account has it.

Within `demo_password_hashed_once()` setting the demo password stores the one hash computed on entry, and
checking it (the pledge's signature asks for the password) compares against that hash once per distinct stored
value. Any other password is hashed and checked as usual. The patch is process-wide: seeding only.
"""

from __future__ import annotations

import contextlib
from unittest import mock

from django.contrib.auth import base_user, hashers

from zhicheng.accounts import models as accounts_models

from .people import DEMO_PASSWORD


@contextlib.contextmanager
def demo_password_hashed_once(raw: str = DEMO_PASSWORD):
    encoded = hashers.make_password(raw)
    make, check = base_user.make_password, base_user.check_password
    checked: dict[tuple[str, str], bool] = {}

    def make_once(password, salt=None, hasher="default"):
        if password == raw and salt is None and hasher == "default":
            return encoded
        return make(password, salt, hasher)

    def check_once(password, stored, setter=None, preferred="default"):
        if password != raw:
            return check(password, stored, setter, preferred)
        if (password, stored) not in checked:
            checked[(password, stored)] = check(password, stored, setter, preferred)
        return checked[(password, stored)]

    # User.check_password (accounts.models) calls its own import of check_password, not base_user's
    with mock.patch.object(base_user, "make_password", make_once), \
            mock.patch.object(base_user, "check_password", check_once), \
            mock.patch.object(accounts_models, "check_password", check_once):
        yield encoded
