"""The digitalisation programme: stages per cooperative (sosialisasi -> verifikasi -> pilot ->
live), socialisation and training events, facilitators, and progress by kelurahan and team."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Count

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.supervision.models import (
    STAGE_ORDER,
    RegistryEntry,
    RolloutEvent,
    RolloutStep,
    Stage,
    Team,
)
from lumbung.tenancy.models import OfficeRole, OfficeStaff, SupervisorOffice, User


def rollout_step_record(*, entry: RegistryEntry, stage: str, date: dt.date, note: str,
                        acting_user: Any) -> RolloutStep:
    """Record that a cooperative reached a stage. Stages are passed in order, dates never go
    back; recording a stage again changes its date and note."""
    if stage not in STAGE_ORDER:
        raise LumbungError("SUPERVISION_BAD_VALUE", field="Tahap", value=stage,
                           expected=", ".join(STAGE_ORDER))
    with transaction.atomic(durable=True):
        steps = {s.stage: s for s in RolloutStep.objects.select_for_update().filter(entry=entry)}
        index = STAGE_ORDER.index(Stage(stage))
        if index > 0:
            previous = steps.get(STAGE_ORDER[index - 1])
            if previous is None:
                raise LumbungError("SUPERVISION_STAGE_ORDER", stage=Stage(stage).label,
                                   previous=STAGE_ORDER[index - 1].label)
            if date < previous.date:
                raise LumbungError("SUPERVISION_STAGE_DATE", stage=Stage(stage).label,
                                   date=date.strftime("%d-%m-%Y"),
                                   previous=previous.date.strftime("%d-%m-%Y"))
        step, _created = RolloutStep.objects.update_or_create(
            entry=entry, stage=stage,
            defaults={"office_id": entry.office_id, "date": date, "note": note[:500],
                      "actor": acting_user if getattr(acting_user, "is_authenticated", False)
                      else None})
        reached = max((STAGE_ORDER.index(Stage(s)) for s in {*steps, stage}), default=-1)
        entry.stage = STAGE_ORDER[reached]
        entry.save(update_fields=["stage", "updated_at"])
        audit_record(action="supervision.rollout.stage", acting_user=acting_user,
                     office=entry.office, cooperative=entry.cooperative, obj=step,
                     data={"code": entry.code, "stage": stage, "date": date.isoformat()})
    return step


def facilitator_assign(*, entry: RegistryEntry, facilitator: User | None, acting_user: Any
                       ) -> RegistryEntry:
    """Assign a pendamping of the entry's office (None: unassign)."""
    if facilitator is not None and not OfficeStaff.objects.filter(
            office_id=entry.office_id, user=facilitator, role=OfficeRole.FACILITATOR,
            active=True).exists():
        raise LumbungError("SUPERVISION_NOT_FACILITATOR", name=facilitator.display_name())
    with transaction.atomic(durable=True):
        old = entry.facilitator.display_name() if entry.facilitator else ""
        entry.facilitator = facilitator
        entry.save(update_fields=["facilitator", "updated_at"])
        from lumbung.supervision.models import RegistryChange

        RegistryChange.objects.create(
            office_id=entry.office_id, entry=entry, source="formulir",
            actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            changes={"facilitator": [old, facilitator.display_name() if facilitator else ""]})
        audit_record(action="supervision.rollout.facilitator", acting_user=acting_user,
                     office=entry.office, obj=entry,
                     data={"code": entry.code,
                           "facilitator": facilitator.username if facilitator else None})
    return entry


def rollout_event_record(*, office: SupervisorOffice, kind: str, date: dt.date, kelurahan: str,
                         team: str, title: str, attendee_count: int, notes: str,
                         cooperative_codes: list[str], acting_user: Any) -> RolloutEvent:
    """A socialisation or training held by a team in a kelurahan, with who attended."""
    if kind not in RolloutEvent.Kind.values:
        raise LumbungError("SUPERVISION_BAD_VALUE", field="Jenis kegiatan", value=kind,
                           expected=", ".join(RolloutEvent.Kind.values))
    if team not in Team.values:
        raise LumbungError("SUPERVISION_BAD_VALUE", field="Tim", value=team,
                           expected=", ".join(Team.values))
    for name, value in (("Kelurahan", kelurahan), ("Judul", title)):
        if not value.strip():
            raise LumbungError("SUPERVISION_FIELD_REQUIRED", field=name)
    entries = list(RegistryEntry.objects.filter(office=office, code__in=cooperative_codes))
    unknown = sorted(set(cooperative_codes) - {e.code for e in entries})
    if unknown:
        raise LumbungError("SUPERVISION_UNKNOWN_COOPERATIVE", code=", ".join(unknown))
    with transaction.atomic(durable=True):
        event = RolloutEvent.objects.create(
            office=office, kind=kind, date=date, kelurahan=kelurahan.strip()[:120], team=team,
            title=title.strip()[:200], attendee_count=attendee_count, notes=notes[:500])
        event.cooperatives.set(entries)
        audit_record(action="supervision.rollout.event", acting_user=acting_user,
                     office=office, obj=event,
                     data={"kind": kind, "kelurahan": kelurahan, "cooperatives": len(entries)})
    return event


def progress(office: SupervisorOffice) -> dict[str, Any]:
    """How far the programme is: the funnel (cooperatives that reached each stage) and counts
    per stage by kelurahan and by team, in a fixed number of queries."""
    by_stage = Counter(dict(RegistryEntry.objects.filter(office=office).order_by()
                            .values_list("stage").annotate(n=Count("pk"))))
    total = sum(by_stage.values())
    funnel = []
    for index, stage in enumerate(STAGE_ORDER):
        reached = sum(by_stage.get(s.value, 0) for s in STAGE_ORDER[index:])
        funnel.append((str(stage.label), reached))

    def table(column: str) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for group, stage, count in (RegistryEntry.objects.filter(office=office).order_by()
                                    .values_list(column, "stage").annotate(n=Count("pk"))):
            row = rows.setdefault(group or "–", {"group": group or "–", "total": 0})
            row[stage] = count
            row["total"] += count
        return sorted(rows.values(), key=lambda r: r["group"])

    events = (RolloutEvent.objects.filter(office=office).order_by().values("kind", "team")
              .annotate(n=Count("pk")))
    return {"total": total, "funnel": funnel, "by_kelurahan": table("kelurahan"),
            "by_team": table("team"), "stages": [Stage.NONE, *STAGE_ORDER],
            "events": list(events)}
