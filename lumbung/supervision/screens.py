"""What every Dinas console screen shares: office access, the console menu, the read audit."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.supervision.access import OfficeAccess, office_access
from lumbung.supervision.models import RegistryEntry
from lumbung.web.screens import refusal

OfficeView = Callable[..., HttpResponse]


@dataclass(frozen=True)
class ConsoleTab:
    url_name: str
    label: str | Promise
    also_current: frozenset[str] = frozenset()


CONSOLE_TABS = [
    ConsoleTab("dinas_dashboard", _("Konsolidasi"), frozenset({"dinas_group"})),
    ConsoleTab("dinas_registry", _("Register"),
               frozenset({"dinas_entry", "dinas_entry_edit", "dinas_entry_new",
                          "dinas_registry_import"})),
    ConsoleTab("dinas_rollout", _("Program digitalisasi"), frozenset({"dinas_event_new"})),
    ConsoleTab("dinas_reports", _("Laporan koperasi")),
    ConsoleTab("dinas_ratings", _("Kesehatan"), frozenset({"dinas_rating_new", "dinas_rating"})),
    ConsoleTab("dinas_alerts", _("Peringatan dini")),
]


def office_screen(write: frozenset[str] | None = None
                  ) -> Callable[[OfficeView], Callable[..., HttpResponse]]:
    """Resolve /dinas/<office>/ into an OfficeAccess; `write` are the roles allowed to act."""

    def decorate(view: OfficeView) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        @login_required
        def wrapper(request: HttpRequest, office: str, **kwargs: Any) -> HttpResponse:
            access = office_access(request.user, office)
            if write is not None:
                try:
                    access.require(write)
                except LumbungError as error:
                    return refusal(request, error)
            return view(request, access, **kwargs)

        return wrapper

    return decorate


def registry_entry(access: OfficeAccess, code: str) -> RegistryEntry:
    """An entry of the office's own registry; anyone else's is a 404."""
    entry = (RegistryEntry.objects.select_related("cooperative", "facilitator")
             .filter(office=access.office, code=code).first())
    if entry is None:
        raise Http404
    return entry


def audit_detail_read(request: HttpRequest, access: OfficeAccess, entry: RegistryEntry,
                      screen: str) -> None:
    """Every read of one cooperative's detail is in the audit log."""
    audit_record(action=f"supervision.read.{screen}", acting_user=request.user,
                 office=access.office, cooperative=entry.cooperative, obj=entry,
                 data={"path": request.get_full_path()[:300]})


def render_console(request: HttpRequest, access: OfficeAccess, template: str,
                   context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.update(access=access, office=access.office, console_tabs=CONSOLE_TABS)
    return render(request, template, context, status=status)
