"""API: the caller's own API tokens (list, create, revoke), mounted at /api/v1/tokens/."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from zhicheng.core.http import client_ip
from zhicheng.core.pagination import Pagination

from . import tokens as svc
from .api_security import session_auth

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIn(Schema):
    name: str


class TokenCreatedOut(Schema):
    token: str
    detail: TokenOut


@router.get("/", response=list[TokenOut])
@paginate(Pagination, page_size=50)
def token_list(request):
    """List your own tokens, newest first (the secret itself is never shown again)."""
    return svc.api_tokens_of_user(request.auth)


# Only a (verified) browser session may mint tokens: a leaked token must not be able to breed more
@router.post("/", response={201: TokenCreatedOut}, auth=[session_auth])
def token_create(request, payload: TokenIn):
    """Create a token; the response holds its secret, shown this once."""
    token, raw = svc.api_token_create(user=request.auth, name=payload.name, ip=client_ip(request))
    return {"token": raw, "detail": token}  # the one declared status, 201


@router.delete("/{token_id}", response=TokenOut)
def token_revoke(request, token_id: int):
    """Revoke one of your tokens; it stops working at once."""
    return svc.api_token_revoke(user=request.auth, token_id=token_id, ip=client_ip(request))
