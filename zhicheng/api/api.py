"""The one django-ninja API object; every app adds its router from its own api.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zhicheng.accounts.api_security import DEFAULT_AUTH
from zhicheng.core.errors import ApplicationError, validation_error_from_django

from .openapi import DocumentedErrorsAPI

api = DocumentedErrorsAPI(
    title="职称申报评审系统 API",
    version="1",
    description="Zhicheng: every action a clerk can take in the UI, with the same permission checks.",
    auth=DEFAULT_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_body(code: str, message: str, details=None) -> dict:
    """The one error shape of the API."""
    return {"code": code, "message": message, "details": details or {}}


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    return api.create_response(request, error_body(exc.code, exc.message, exc.details), status=exc.status)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request, exc):
    err = validation_error_from_django(exc)
    return api.create_response(request, error_body(err.code, err.message, err.details), status=400)


@api.exception_handler(NinjaValidationError)
def _schema_error(request, exc: NinjaValidationError):
    return api.create_response(
        request, error_body("invalid", "请求数据格式不正确 / invalid request data", {"errors": exc.errors}), status=422
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, error_body("unauthenticated", "请先登录（员工账号需完成双因素验证） / please log in"), status=401
    )


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, error_body("forbidden", "无权执行此操作 / permission denied"), status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body("not_found", "对象不存在或无权查看 / not found"), status=404)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request, exc):
    """A number beyond what the database stores (an id of 20 digits, a count past bigint): the input's fault."""
    return api.create_response(
        request, error_body("out_of_range", "数值超出允许范围 / a number is out of range"), status=422
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


def _register_routers() -> None:
    from zhicheng.accounts.api import router as accounts_router
    from zhicheng.accounts.api_auth import router as auth_router
    from zhicheng.accounts.api_passwords import router as passwords_router
    from zhicheng.accounts.api_tokens import router as tokens_router
    from zhicheng.auditlog.api import router as audit_router
    from zhicheng.campaigns.api import router as campaigns_router
    from zhicheng.catalog.api import router as catalog_router
    from zhicheng.certificates.api import public_router as public_certificates_router
    from zhicheng.certificates.api import router as certificates_router
    from zhicheng.committees.api import router as committees_router
    from zhicheng.dossiers.api import router as dossiers_router
    from zhicheng.eligibility.api import router as eligibility_router
    from zhicheng.noticeboard.api import public_router as public_notices_router
    from zhicheng.noticeboard.api import router as noticeboard_router
    from zhicheng.notifications.api import router as notifications_router
    from zhicheng.publicity.api import public_router as public_publicity_router
    from zhicheng.publicity.api import router as publicity_router
    from zhicheng.reports.api import router as reports_router
    from zhicheng.review.api_decisions import router as review_decisions_router
    from zhicheng.review.api_queues import router as review_queues_router
    from zhicheng.similarity.api import router as similarity_router
    from zhicheng.socialsecurity.api import router as socialsecurity_router
    from zhicheng.stagger.api import router as stagger_router
    from zhicheng.workdays.api import router as calendar_router

    api.add_router("/", accounts_router)
    api.add_router("/", passwords_router)
    api.add_router("/tokens/", tokens_router)
    api.add_router("/auth/", auth_router)
    api.add_router("/catalog/", catalog_router)
    api.add_router("/campaigns/", campaigns_router)
    api.add_router("/calendar/", calendar_router)
    api.add_router("/audit/", audit_router)
    api.add_router("/dossiers/", dossiers_router)
    api.add_router("/", eligibility_router)
    api.add_router("/", similarity_router)
    api.add_router("/stagger/", stagger_router)
    api.add_router("/review/", review_decisions_router)
    api.add_router("/review/", review_queues_router)
    api.add_router("/publicity/", publicity_router)
    api.add_router("/public/", public_publicity_router)
    api.add_router("/certificates/", certificates_router)
    api.add_router("/public/", public_certificates_router)
    api.add_router("/socialsecurity/", socialsecurity_router)
    api.add_router("/notifications/", notifications_router)
    api.add_router("/reports/", reports_router)

    api.add_router("/committees/", committees_router)

    api.add_router("/notices/", noticeboard_router)
    api.add_router("/public/", public_notices_router)


_register_routers()
