"""The ceiling: a bare Django 5.2 project (startproject's middleware, no app of ours) with a one-row read and a
one-row insert view on the same PostgreSQL database. Served by the same server, with the same workers and
threads, in the same run as Zhicheng (run.py), so each of our paths is reported beside what Django itself does.

The table `bench_ceiling` is made by run.py (no migration). Not part of the product.
"""

from __future__ import annotations

import os

import dj_database_url
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

if not settings.configured:
    db = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    settings.configure(
        DEBUG=False, SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-ceiling-" + "x" * 40),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"], ROOT_URLCONF=__name__, USE_TZ=True,
        DATABASES={"default": db},
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                        "django.contrib.messages"],
        MIDDLEWARE=[  # django-admin startproject's list
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
    )


def read(request, pk: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, at, payload FROM bench_ceiling WHERE id = %s", [pk])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0], "at": row[1].isoformat(), "payload": row[2]})


@csrf_exempt
def insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_ceiling (payload) VALUES (%s) RETURNING id", [request.body[:200].decode()])
        pk = cursor.fetchone()[0]
    return JsonResponse({"id": pk}, status=201)


urlpatterns = [path("read/<int:pk>", read), path("insert", insert)]

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after settings.configure

application = get_wsgi_application()
