"""Settings shared by every environment; secrets and hosts come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("ZHICHENG_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs' Swagger UI from our own static files, not a CDN
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "zhicheng.core",
    "zhicheng.audit",
    "zhicheng.files",
    "zhicheng.notifications",
    "zhicheng.accounts",
    "zhicheng.workdays",
    "zhicheng.auditlog",
    "zhicheng.accountreset",
    "zhicheng.catalog",
    "zhicheng.campaigns",
    "zhicheng.dossiers",
    "zhicheng.similarity",
    "zhicheng.stagger",
    "zhicheng.noticeboard",
    "zhicheng.eligibility",
    "zhicheng.socialsecurity",
    "zhicheng.review",
    "zhicheng.publicity",
    "zhicheng.committees",
    "zhicheng.certificates",
    "zhicheng.reports",
    "zhicheng.api",
    "zhicheng.web",
    "zhicheng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # before anything reads request.POST: the API takes JSON bodies only (415/413 otherwise, never a 500)
    "zhicheng.api.middleware.ApiJsonBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # renews the idle session at most once a minute (no session write per request)
    "zhicheng.accounts.middleware.SessionRenewMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware, taking the user and the device from the session's query (accounts.sessions)
    "zhicheng.accounts.middleware.SessionOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zhicheng.accounts.middleware.StaffTwoFactorMiddleware",
    # NotFound / PermissionDenied / ApplicationError leaving a page view: the 404/403 page or the message
    "zhicheng.core.middleware.ErrorPageMiddleware",
    # one audit row per request that read others' personal data or was refused (after the view's transaction)
    "zhicheng.audit.middleware.AccessAuditMiddleware",
    # axes must be last: it turns a lockout signal into the lockout response
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhicheng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhicheng.web.context_processors.shell",
                "zhicheng.notifications.context_processors.bell",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    """Build DATABASES['default'] from a URL, with the options each engine needs under load."""
    db = dj_database_url.parse(url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL + IMMEDIATE transactions: without them concurrent writers time out (design/stack.md)
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    else:
        db["CONN_MAX_AGE"] = 60
        db["CONN_HEALTH_CHECKS"] = True
        pool = os.environ.get("ZHICHENG_DB_POOL", "").strip()
        if pool and db["ENGINE"] == "django.db.backends.postgresql":
            # psycopg's pool in each process (decision "connection pooling"): "MIN:MAX" or "MAX" connections;
            # Django then hands a connection back after each request, so persistent connections are off
            low, _sep, high = pool.rpartition(":")
            db["OPTIONS"] = {"pool": {"min_size": int(low or 1), "max_size": int(high),
                                      "timeout": int(os.environ.get("ZHICHENG_DB_POOL_TIMEOUT", "10"))}}
            db["CONN_MAX_AGE"] = 0
    return db


def storages_from_env(env) -> dict:
    """Where stored files live: the private folder (default) or an S3-compatible bucket (ZHICHENG_STORAGE=s3), so
    that several app servers and workers share one store (docs/operations.md, "Scale-out")."""
    static = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
    if env.get("ZHICHENG_STORAGE", "filesystem") != "s3":
        # evidence files are private: never served by URL, only through permission-checking views
        return {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                            "OPTIONS": {"base_url": None}}, "staticfiles": static}
    options = {
        "bucket_name": env["ZHICHENG_S3_BUCKET"],
        "endpoint_url": env.get("ZHICHENG_S3_ENDPOINT_URL") or None,  # empty: AWS itself
        "region_name": env.get("ZHICHENG_S3_REGION") or None,
        "access_key": env.get("ZHICHENG_S3_ACCESS_KEY") or None,  # empty: boto3's own chain (role, env, file)
        "secret_key": env.get("ZHICHENG_S3_SECRET_KEY") or None,
        "location": env.get("ZHICHENG_S3_PREFIX", ""),
        "default_acl": None,  # the bucket's own policy: private
        "querystring_auth": True,  # files are streamed by our views; no public URL is ever handed out
        "file_overwrite": False,
        "addressing_style": env.get("ZHICHENG_S3_ADDRESSING", "path"),
    }
    return {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, "staticfiles": static}


DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'zhicheng.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend; the request's user comes from the session's own query (accounts.sessions)
    "zhicheng.accounts.backends.SessionUserBackend",
]
PASSWORD_HASHERS = [
    # Argon2id at OWASP's parameters (19 MiB, t=2, p=1); older argon2 hashes are upgraded at the next log-in
    "zhicheng.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "zhicheng.accounts.validators.MinimumLengthPasswordValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhicheng.accounts.validators.CharacterClassPasswordValidator"},
]

# The client address: X-Forwarded-For is believed only from these proxies (CIDRs, comma-separated)
ZHICHENG_TRUSTED_PROXIES = [c.strip() for c in os.environ.get("ZHICHENG_TRUSTED_PROXIES", "").split(",") if c.strip()]

# Lockout (django-axes): per username AND address (docs/security.md), so nobody elsewhere can lock a user out of their
# own office, and one office's shared NAT address does not lock every clerk out either
AXES_FAILURE_LIMIT = int(os.environ.get("ZHICHENG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "zhicheng.core.http.client_ip"
# Password spraying: this many different usernames failing from one address within the window throttles it
ZHICHENG_SPRAY_USERNAMES = int(os.environ.get("ZHICHENG_SPRAY_USERNAMES", "10"))
ZHICHENG_SPRAY_WINDOW = timedelta(minutes=15)
# Staff passwords expire after this many days (0: never); applicants' do not expire
ZHICHENG_STAFF_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ZHICHENG_STAFF_PASSWORD_MAX_AGE_DAYS", "90"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "zhicheng.accounts.views_auth.lockout_response"

# Mail (notifications, the self-service unlock link): one SMTP relay from the environment (docs/operations.md)
EMAIL_HOST = os.environ.get("ZHICHENG_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ZHICHENG_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ZHICHENG_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ZHICHENG_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ZHICHENG_SMTP_STARTTLS", "0") in ("1", "true", "True")
EMAIL_USE_SSL = os.environ.get("ZHICHENG_SMTP_SSL", "0") in ("1", "true", "True")

# Sessions in the database, the row carrying the signed-in user and TOTP device: one query reads all three per request
SESSION_ENGINE = "zhicheng.accounts.sessions"
# Idle sessions end after 30 minutes; every request renews the clock
SESSION_COOKIE_AGE = int(os.environ.get("ZHICHENG_SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = False  # accounts.middleware.SessionRenewMiddleware renews it once a minute
ZHICHENG_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

OTP_TOTP_ISSUER = "职称申报评审系统"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "zhicheng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "zhicheng" / "static"]  # the shell's CSS and vendored htmx
MEDIA_ROOT = VAR_DIR / "private"
STORAGES = storages_from_env(os.environ)

# Notifications: e-mail through Django's backend (SMTP settings from the environment in production), SMS through
# the gateway class named here (docs/operations.md), failed attempts retried with backoff up to the limit
DEFAULT_FROM_EMAIL = os.environ.get("ZHICHENG_MAIL_FROM", "职称申报评审系统 <noreply@localhost>")
EMAIL_TIMEOUT = int(os.environ.get("ZHICHENG_MAIL_TIMEOUT", "10"))
ZHICHENG_SMS_GATEWAY = os.environ.get("ZHICHENG_SMS_GATEWAY", "zhicheng.notifications.channels.LogSmsGateway")
ZHICHENG_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("ZHICHENG_NOTIFICATION_MAX_ATTEMPTS", "5"))
ZHICHENG_NOTIFICATION_BACKOFF_SECONDS = int(os.environ.get("ZHICHENG_NOTIFICATION_BACKOFF_SECONDS", "60"))
ZHICHENG_NOTIFICATION_ADMIN_ROLES = ("system_admin",)
ZHICHENG_SITE_URL = os.environ.get("ZHICHENG_SITE_URL", "")

# Exports and archive bundles (reports): the most rows one export may hold; more is refused with the limit named
ZHICHENG_EXPORT_MAX_ROWS = int(os.environ.get("ZHICHENG_EXPORT_MAX_ROWS", "200000"))
# Roles that see ID numbers in full in exports (everyone else sees 6201**********123X)
ZHICHENG_EXPORT_FULL_ID_ROLES = ("office_staff",)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHICHENG_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Audit chain: HMAC key (bytes of the UTF-8 value, >= 32), lanes appended in parallel, where head anchors go
# Eligibility re-checks an edited dossier after the edit commits, as a task (docs/performance.md)
ZHICHENG_ELIGIBILITY_AFTER_COMMIT = True
ZHICHENG_AUDIT_KEY = os.environ.get("ZHICHENG_AUDIT_KEY", "")
ZHICHENG_AUDIT_LANES = int(os.environ.get("ZHICHENG_AUDIT_LANES", "16"))
ZHICHENG_AUDIT_ANCHOR_FILE = Path(os.environ.get("ZHICHENG_AUDIT_ANCHOR_FILE", VAR_DIR / "audit" / "anchors.jsonl"))

# The office's keys for certificates (PAdES X.509 certificate + key, SM2 key pair): files read once per process, never
# in the database; `seed_demo` writes self-signed demo keys here (docs/operations.md)
ZHICHENG_CERT_KEY_DIR = Path(os.environ.get("ZHICHENG_CERT_KEY_DIR", VAR_DIR / "keys"))
ZHICHENG_CERT_SIGNING_CERT = os.environ.get("ZHICHENG_CERT_SIGNING_CERT",
                                            str(ZHICHENG_CERT_KEY_DIR / "office-cert.pem"))
ZHICHENG_CERT_SIGNING_KEY = os.environ.get("ZHICHENG_CERT_SIGNING_KEY", str(ZHICHENG_CERT_KEY_DIR / "office-key.pem"))
ZHICHENG_CERT_SM2_KEY = os.environ.get("ZHICHENG_CERT_SM2_KEY", str(ZHICHENG_CERT_KEY_DIR / "office-sm2.key"))
ZHICHENG_CERT_SM2_PUBLIC = os.environ.get("ZHICHENG_CERT_SM2_PUBLIC", str(ZHICHENG_CERT_KEY_DIR / "office-sm2.pub"))

# Content-Security-Policy (django-csp) on every response: scripts and styles from our own static files only (htmx is
# vendored, no inline script, no inline style attribute), no framing, forms post to ourselves
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Staff roles must pass a second factor; dev settings may turn this off for the demo
ZHICHENG_REQUIRE_STAFF_OTP = True

SILENCED_SYSTEM_CHECKS: list[str] = []
AXES_VERBOSE = False
