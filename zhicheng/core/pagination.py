"""The API's one pagination: page numbers and sizes bounded, so a huge `?page=` is a 422, never an OFFSET overflow.

ninja's PageNumberPagination accepts any positive integer: `?page=99999999999999999999` reached PostgreSQL as an
OFFSET beyond bigint and answered 500. Every paginated endpoint uses `Pagination` instead.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000  # beyond any list this system holds; bigint-safe once multiplied by the page size
MAX_PAGE_SIZE = 200


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="页码 / page number (1 …)")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE, description="每页条数 / items per page")

    def __init__(self, page_size: int = 50, max_page_size: int = MAX_PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, max_page_size=max_page_size, **kwargs)


class KnownCountPaginator(Paginator[Any]):
    """Django's Paginator with the count given (a stored or already-read figure), so no COUNT query is run."""

    def __init__(self, object_list: Any, per_page: int, *, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # the cached_property's slot
