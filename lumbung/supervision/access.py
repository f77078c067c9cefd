"""Who may open a Dinas console: staff of that office only (anyone else gets a 404).

Analysts change the registry, figures, ratings and warnings; facilitators (pendamping) record
the rollout. Both read everything in the console. Another office's console, and every
cooperative outside the office's registry, is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from lumbung.core.errors import LumbungError
from lumbung.tenancy.models import OfficeRole, OfficeStaff, SupervisorOffice

ANALYST_ROLES = frozenset({OfficeRole.ANALYST.value})
ROLLOUT_ROLES = frozenset({OfficeRole.ANALYST.value, OfficeRole.FACILITATOR.value})


@dataclass(frozen=True)
class OfficeAccess:
    office: SupervisorOffice
    roles: frozenset[str]

    def has_any(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)

    def require(self, roles: frozenset[str]) -> None:
        """Raise PERMISSION_DENIED unless the user holds one of `roles` at this office."""
        if not self.has_any(roles):
            raise LumbungError("PERMISSION_DENIED")


def office_access(user: Any, code: str) -> OfficeAccess:
    """The user's access to office `code`; Http404 when they are not on its staff."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    roles = frozenset(
        OfficeStaff.objects.filter(office__code=code, user=user, active=True)
        .values_list("role", flat=True)
    )
    if not roles:
        raise Http404
    return OfficeAccess(office=SupervisorOffice.objects.get(code=code), roles=roles)
