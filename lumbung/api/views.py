"""JSON API v1 (OpenAPI at /api/v1/openapi.json). Thin: access helper, one service, a schema.

One router per domain (ledger.py, ...), added below. Authentication is the staff session for
now; money-moving POSTs take an Idempotency-Key header. Refusals are JSON {"code", "message"};
another cooperative's data is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from lumbung.api import ledger, loans, portal, reports, savings, supervision, teller
from lumbung.core.errors import LumbungError

api = NinjaAPI(
    title="Lumbung API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
    description="API koperasi simpan pinjam Lumbung. Semua jumlah uang dalam sen (bilangan bulat).",
)

STATUS_BY_CODE = {"NOT_FOUND": 404, "PERMISSION_DENIED": 403, "UNKNOWN_COOPERATIVE": 404}


@api.exception_handler(LumbungError)
def _refusal(request: HttpRequest, exc: LumbungError) -> Any:
    status = STATUS_BY_CODE.get(exc.code, 422)
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> Any:
    error = LumbungError("NOT_FOUND")
    return api.create_response(request, {"code": error.code, "message": error.message}, status=404)


api.add_router("", ledger.router)
api.add_router("", savings.router)
api.add_router("", teller.router)
api.add_router("", loans.router)
api.add_router("", reports.router)
api.add_router("", portal.router)
api.add_router("", supervision.router)


def _where(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ())[1:]) or "?"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> Any:
    """A body, query or header that does not fit the schema: BAD_INPUT naming the fields,
    with pydantic's details kept under "detail"."""
    fields = ", ".join(sorted({_where(error) for error in exc.errors}))
    error = LumbungError("BAD_INPUT", detail=fields)
    return api.create_response(
        request, {"code": error.code, "message": error.message, "detail": exc.errors},
        status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> Any:
    if isinstance(exc, AuthenticationError):
        error = LumbungError("NOT_AUTHENTICATED")
    else:
        error = LumbungError("API_HTTP_ERROR", detail=str(exc))
    return api.create_response(request, {"code": error.code, "message": error.message},
                               status=exc.status_code)
