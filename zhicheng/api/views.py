"""A path under /api/ that matches no operation answers in the API's error shape (JSON), not Django's HTML 404."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it changes nothing; without this a POST got Django's HTML CSRF page instead of the JSON 404
def api_not_found(request, rest: str = ""):
    body = {"code": "not_found", "message": "接口不存在 / no such API path", "details": {}}
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
