"""Every operation in the OpenAPI schema declares the errors it can answer, in the API's one error shape.

ninja documents only the success responses a view declares; the error handlers in api.py answer 400/401/403/404/
409/413/415/422/429 from any operation, so the schema says so (issue 10, finding 15: 241 undocumented codes).
"""

from __future__ import annotations

from http.client import responses

from ninja import NinjaAPI

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "错误 / error: a stable code, a message in the request's language, details (e.g. per field)",
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "object"},
    },
    "required": ["code", "message", "details"],
}
# What any operation may answer: bad input, refused, not found or not visible, conflict, body too large or not
# JSON, invalid schema, rate-limited. 401 only where the operation asks for authentication.
ERROR_STATUSES = (400, 403, 404, 409, 413, 415, 422, 429)
HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


class DocumentedErrorsAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for item in schema.get("paths", {}).values():
            for method, operation in item.items():
                if method in HTTP_METHODS:
                    _errors_declare(operation)
        return schema


def _errors_declare(operation: dict) -> None:
    statuses = [*ERROR_STATUSES, *((401,) if operation.get("security") else ())]
    declared = operation.setdefault("responses", {})
    for status in statuses:
        declared.setdefault(status, {
            "description": responses.get(status, "Error"),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        })
