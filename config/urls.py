from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from zhicheng.api.api import api
from zhicheng.api.views import api_not_found
from zhicheng.web.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # liveness: the process answers (no database)
    path("readyz", readyz, name="readyz"),  # readiness: database, storage, migrations (zhicheng/web/health.py)
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>(?s:.*))$", api_not_found),  # an id that is not a number, an unknown path: JSON 404
    # the public pages' language switch: they hold no CSRF token (cacheable, cookie-free); changing a visitor's
    # language is all a forged request could do (decision 79)
    path("i18n/public/", csrf_exempt(set_language), name="set_language_public"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("zhicheng.web.urls")),
    path("accounts/", include("zhicheng.accounts.urls")),
    path("organisations/", include("zhicheng.accounts.urls_admin")),
    path("catalog/", include("zhicheng.catalog.urls")),
    path("campaigns/", include("zhicheng.campaigns.urls")),
    path("dossiers/", include("zhicheng.web.urls_dossiers")),  # dossiers' pages with the apps' panels
    path("evidence/", include("zhicheng.dossiers.urls_files")),
    path("review/", include("zhicheng.review.urls")),
    path("eligibility/", include("zhicheng.eligibility.urls")),
    path("similarity/", include("zhicheng.similarity.urls")),
    path("stagger/", include("zhicheng.stagger.urls")),
    path("account-reset/", include("zhicheng.accountreset.urls")),
    path("socialsecurity/", include("zhicheng.socialsecurity.urls")),
    path("calendar/", include("zhicheng.workdays.urls")),
    path("audit/", include("zhicheng.auditlog.urls")),
    path("notifications/", include("zhicheng.notifications.urls")),
    path("publicity/", include("zhicheng.publicity.urls")),
    path("committees/", include("zhicheng.committees.urls")),
    path("public/publicity/", include("zhicheng.publicity.urls_public")),
    path("reports/", include("zhicheng.reports.urls")),

    path("notices/", include("zhicheng.noticeboard.urls")),

    path("certificates/", include("zhicheng.certificates.urls")),
    path("public/certificates/", include("zhicheng.certificates.urls_public")),
]
