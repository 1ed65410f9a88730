"""The production settings as the surge benchmark serves them: plain HTTP on 127.0.0.1 (no TLS proxy in front),
so cookies are not marked Secure and nothing redirects to HTTPS. Everything else is production's."""

from config.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
