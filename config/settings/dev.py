"""Local development and the demo: DEBUG on, a fixed insecure key, the demo OTP bypass allowed."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-in-production")
# A fixed, public audit key: the dev chain proves nothing, it only exercises the keyed code path
ZHICHENG_AUDIT_KEY = os.environ.get("ZHICHENG_AUDIT_KEY", "dev-only-audit-key-not-secret-0123456789")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# The demo prints each staff account's TOTP secret; set ZHICHENG_DEMO_NO_OTP=1 to skip the second factor here
ZHICHENG_REQUIRE_STAFF_OTP = os.environ.get("ZHICHENG_DEMO_NO_OTP") != "1"
# The unlock link and notifications' e-mail are printed on the console; SMS go to the log
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
