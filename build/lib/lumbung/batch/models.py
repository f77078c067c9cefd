"""Progress of end-of-day runs, so a run is idempotent and resumes after a crash."""

from __future__ import annotations

from django.db import models

from lumbung.tenancy.models import Cooperative


class StepRun(models.Model):
    """One step done for one cooperative and business date. Its presence means "done"."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField()
    step = models.CharField(max_length=60)
    result = models.JSONField(default=dict)
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "business_date", "step"], name="uniq_step_run"
            )
        ]


class StepFailure(models.Model):
    """A step that raised; kept for the operator, cleared by nothing (history)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField()
    step = models.CharField(max_length=60)
    error = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
