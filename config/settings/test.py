"""Test settings: fast hashing, immediate tasks, a temporary media folder."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ZHICHENG_AUDIT_KEY = "test-only-audit-key-not-secret-0123456789"
ZHICHENG_AUDIT_ANCHOR_FILE = Path(tempfile.mkdtemp(prefix="zhicheng-test-audit-")) / "anchors.jsonl"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Nothing commits inside a test, so an edit's eligibility re-check runs in its transaction here; the after-commit
# path (the default) is tested with the setting on and the on-commit callbacks captured (eligibility tests).
ZHICHENG_ELIGIBILITY_AFTER_COMMIT = False
# likewise the signed meeting's tally sheet and minutes are drawn inside the sign-off (after-commit path: its own test)
ZHICHENG_COMMITTEE_DOCUMENTS_AFTER_COMMIT = False
# a test that starts app servers of its own gives them and itself one folder through the environment
MEDIA_ROOT = os.environ.get("ZHICHENG_TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="zhicheng-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="zhicheng-test-static-")

# certificates' signing keys: generated into a temporary folder by the tests (certificates/tests/conftest.py)
ZHICHENG_CERT_KEY_DIR = Path(tempfile.mkdtemp(prefix="zhicheng-test-keys-"))
ZHICHENG_CERT_SIGNING_CERT = str(ZHICHENG_CERT_KEY_DIR / "office-cert.pem")
ZHICHENG_CERT_SIGNING_KEY = str(ZHICHENG_CERT_KEY_DIR / "office-key.pem")
ZHICHENG_CERT_SM2_KEY = str(ZHICHENG_CERT_KEY_DIR / "office-sm2.key")
ZHICHENG_CERT_SM2_PUBLIC = str(ZHICHENG_CERT_KEY_DIR / "office-sm2.pub")
