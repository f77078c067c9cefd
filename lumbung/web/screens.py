"""What every cooperative screen shares: access, Dinas read audit, the menu, file responses.

A domain app's views (savings, teller, loans, reports, ...) are written like the ledger's:

    @cooperative_screen("savings_accounts")           # a read; Dinas reads are audited
    def account_list(request, access): ...
    @require_POST
    @cooperative_screen(write=TELLER_ROLES)           # a write; other roles get 403
    def deposit(request, access): ...

and answer with `render_screen`, so the page gets the cooperative, the user's access and the
menu. Another tenant's cooperative is a 404 (tenancy.access.cooperative_access).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.tenancy.access import APPROVER_ROLES, BOOKKEEPING_ROLES, CooperativeAccess
from lumbung.tenancy.access import cooperative_access as _cooperative_access
from lumbung.web.navigation import tabs_for

CooperativeView = Callable[..., HttpResponse]


def refusal(request: HttpRequest, error: LumbungError, status: int = 403) -> HttpResponse:
    """A page that says why something was refused, with the error code."""
    return render(request, "web/refused.html", {"error": error}, status=status)


def flash_error(request: HttpRequest, error: LumbungError) -> None:
    messages.error(request, f"{error.message} ({error.code})")


def cooperative_screen(
    screen: str = "", *, write: frozenset[str] | None = None
) -> Callable[[CooperativeView], Callable[..., HttpResponse]]:
    """Resolve /k/<code>/ into a CooperativeAccess for the view.

    A read (`screen`) by Dinas staff writes a "supervision.read.<screen>" audit row; a write
    (`write`, the roles allowed) is refused with PERMISSION_DENIED (403) for anyone without
    one of those roles, Dinas staff included, before the view runs.
    """

    def decorate(view: CooperativeView) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        @login_required
        def wrapper(request: HttpRequest, code: str, **kwargs: Any) -> HttpResponse:
            access = _cooperative_access(request.user, code)
            try:
                if write is not None:
                    access.require(write)
            except LumbungError as error:
                return refusal(request, error)
            if access.supervisor and write is None:
                cooperative = access.cooperative
                audit_record(
                    action=f"supervision.read.{screen}",
                    acting_user=request.user,
                    cooperative=cooperative,
                    office=cooperative.office,
                    data={"path": request.get_full_path()[:300]},
                )
            return view(request, access, **kwargs)

        return wrapper

    return decorate


def render_screen(
    request: HttpRequest,
    access: CooperativeAccess,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """Render a cooperative screen with the cooperative, the user's access and the menu."""
    context.update(
        access=access,
        cooperative=access.cooperative,
        can_book=access.has_any(BOOKKEEPING_ROLES),
        can_approve=access.has_any(APPROVER_ROLES),
        tabs=tabs_for(access),
    )
    return render(request, template, context, status=status)


def file_response(content: bytes, *, filename: str, content_type: str,
                  inline: bool = False) -> HttpResponse:
    """A download (or, `inline`, a document the browser shows, such as a PDF receipt)."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
