"""Who may see which cooperative. Every view fetches its cooperative through here.

Staff see the cooperatives where they hold a role; Dinas staff see, read-only, the cooperatives
of their office (every such read is audited by the view). Anything else is a 404, never a 403
that would confirm the cooperative exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from lumbung.core.errors import LumbungError
from lumbung.tenancy.models import Cooperative, CooperativeRole, CooperativeStaff, OfficeStaff

# Roles that may write manual journal entries, close periods, manage the chart of accounts.
BOOKKEEPING_ROLES = frozenset({CooperativeRole.ACCOUNTANT, CooperativeRole.MANAGER})
# Roles that may post with a date before the business date.
BACKDATE_ROLES = frozenset({CooperativeRole.MANAGER})
APPROVER_ROLES = frozenset(
    {CooperativeRole.MANAGER, CooperativeRole.BOARD, CooperativeRole.ACCOUNTANT}
)


@dataclass(frozen=True)
class CooperativeAccess:
    """What one user may do in one cooperative."""

    cooperative: Cooperative
    roles: frozenset[str]
    # True for Dinas staff: read-only, every read audited.
    supervisor: bool

    def has_any(self, roles: frozenset[str] | set[str]) -> bool:
        return bool(self.roles & roles)

    def require(self, roles: frozenset[str] | set[str]) -> None:
        """Raise PERMISSION_DENIED unless the user holds one of `roles` (never true for Dinas)."""
        if not self.has_any(roles):
            raise LumbungError("PERMISSION_DENIED")


def cooperatives_for_user(user: Any) -> QuerySet[Cooperative]:
    if not getattr(user, "is_authenticated", False):
        return Cooperative.objects.none()
    return (
        Cooperative.objects.filter(
            Q(staff__user=user, staff__active=True)
            | Q(office__staff__user=user, office__staff__active=True)
        )
        .distinct()
        .select_related("office")
        .order_by("name")
    )


def cooperative_access(user: Any, code: str) -> CooperativeAccess:
    """The user's access to cooperative `code`; Http404 when they have none."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    cooperative = Cooperative.objects.select_related("office").filter(code=code).first()
    if cooperative is None:
        raise Http404
    roles = frozenset(
        CooperativeStaff.objects.filter(
            cooperative=cooperative, user=user, active=True
        ).values_list("role", flat=True)
    )
    if roles:
        return CooperativeAccess(cooperative=cooperative, roles=roles, supervisor=False)
    if OfficeStaff.objects.filter(office_id=cooperative.office_id, user=user, active=True).exists():
        return CooperativeAccess(cooperative=cooperative, roles=frozenset(), supervisor=True)
    raise Http404


def offices_for_user(user: Any) -> list[Any]:
    return [
        staff.office
        for staff in OfficeStaff.objects.filter(user=user, active=True).select_related("office")
    ]
