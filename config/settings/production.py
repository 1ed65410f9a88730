"""Production: everything secret or host-specific comes from the environment, and bad setups refuse to start."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = os.environ.get("DJANGO_DEBUG", "0") not in ("0", "", "false", "False")
if DEBUG:
    raise ImproperlyConfigured("生产环境不得开启 DEBUG / DEBUG must be off in production")
if len(SECRET_KEY) < 50 or "insecure" in SECRET_KEY or SECRET_KEY.startswith(("dev-", "test-")):  # noqa: F405
    raise ImproperlyConfigured(
        "请通过环境变量 DJANGO_SECRET_KEY 设置至少 50 个字符的随机密钥 / "
        "set DJANGO_SECRET_KEY to a random value of at least 50 characters"
    )
_audit_key = ZHICHENG_AUDIT_KEY  # noqa: F405
if len(_audit_key.encode()) < 32 or _audit_key.startswith(("dev-", "test-")):
    raise ImproperlyConfigured(
        "请通过环境变量 ZHICHENG_AUDIT_KEY 设置至少 32 字节的随机审计密钥 / "
        "set ZHICHENG_AUDIT_KEY to a random value of at least 32 bytes"
    )
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("请设置 DJANGO_ALLOWED_HOSTS / set DJANGO_ALLOWED_HOSTS")
if "DATABASE_URL" not in os.environ:
    raise ImproperlyConfigured("请设置 DATABASE_URL / set DATABASE_URL")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("ZHICHENG_HSTS_SECONDS", "31536000"))
# HTTPS everywhere, behind a TLS-terminating proxy that sets X-Forwarded-Proto (docs/operations.md). Each can be
# switched off by its environment variable for a deployment that cannot honour it (e.g. subdomains still on HTTP).
SECURE_SSL_REDIRECT = os.environ.get("ZHICHENG_SSL_REDIRECT", "1") not in ("0", "false", "False")
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("ZHICHENG_HSTS_SUBDOMAINS", "1") not in ("0", "false", "False")
SECURE_HSTS_PRELOAD = os.environ.get("ZHICHENG_HSTS_PRELOAD", "1") not in ("0", "false", "False")
SECURE_CONTENT_TYPE_NOSNIFF = True
# the load balancer's probes reach each app server over plain HTTP, without X-Forwarded-Proto
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Notifications go out over real SMTP (the unit's or the province's relay)
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
