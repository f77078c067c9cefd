"""Write audit rows. Call inside the transaction of the action being audited."""

from __future__ import annotations

from typing import Any

from lumbung.audit.models import AuditEvent


def audit_record(
    *,
    action: str,
    acting_user: Any,
    cooperative: Any = None,
    office: Any = None,
    obj: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. `obj` may be any model instance (its type and pk are stored)."""
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        cooperative=cooperative,
        office=office,
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
