"""What every router of the JSON API shares: tenant access with the Dinas read audit, and
idempotency keys scoped to the caller."""

from __future__ import annotations

from django.http import HttpRequest

from lumbung.audit.services import audit_record
from lumbung.tenancy.access import CooperativeAccess, cooperative_access


def api_access(request: HttpRequest, code: str, screen: str = "") -> CooperativeAccess:
    """The caller's access to cooperative `code` (Http404 without any); a read by Dinas staff
    (`screen` given) is audited."""
    access = cooperative_access(request.user, code)
    if access.supervisor and screen:
        audit_record(action=f"supervision.read.{screen}", acting_user=request.user,
                     cooperative=access.cooperative, office=access.cooperative.office)
    return access


def scoped_key(request: HttpRequest, key: str | None) -> str | None:
    """An Idempotency-Key header scoped to the user: two clients choosing the same key never
    see each other's transaction."""
    return f"api:{request.user.pk}:{key}" if key else None
