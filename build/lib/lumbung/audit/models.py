"""Append-only audit log: who did what to which object, written in the same transaction."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One audited action. Never updated or deleted (database triggers refuse it)."""

    # Null for actions outside any cooperative (a Dinas user's own actions, logins).
    cooperative = models.ForeignKey(
        "tenancy.Cooperative", null=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "tenancy.SupervisorOffice", null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Dotted verb, e.g. "ledger.entry.posted", "supervision.read.journal".
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["cooperative", "at"]),
            models.Index(fields=["action", "at"]),
        ]
