"""End of day: one checkpoint per business day, idempotent, resumable, catches up."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from lumbung.audit.models import AuditEvent
from lumbung.batch import registry
from lumbung.batch.models import StepFailure, StepRun
from lumbung.batch.services import eod_run, eod_run_day
from lumbung.core.errors import LumbungError
from lumbung.ledger import calculations
from lumbung.ledger.models import Checkpoint, JournalEntry, LedgerHead
from lumbung.ledger.verify import verify_cooperative
from tests.conftest import BUSINESS_DATE
from tests.ledger.helpers import post

NEXT_DAY = BUSINESS_DATE + dt.timedelta(days=1)


def _eod(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("eod", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def _hashes(cooperative, first, last):
    return list(JournalEntry.objects.filter(cooperative=cooperative, number__gte=first,
                                            number__lte=last)
                .order_by("number").values_list("hash", flat=True))


@pytest.fixture
def temporary_steps():
    """Register steps for one test only; they are removed afterwards whatever happens."""
    added: list[str] = []

    def add(name, function, *, order, monthly=False):
        registry.eod_step(name, order=order, monthly=monthly)(function)
        added.append(name)

    registry.load_step_modules()
    yield add
    for name in added:
        registry.STEPS.pop(name, None)


def test_it_creates_one_checkpoint_per_business_day(city):
    coop = city.coop_a
    post(coop, [("1101", 100_000_00, 0), ("3103", 0, 100_000_00)])
    post(coop, [("5306", 12_345_67, 0), ("1101", 0, 12_345_67)])
    eod_run(cooperatives=[coop], until=None, acting_user=None)
    coop.refresh_from_db()
    assert coop.business_date == NEXT_DAY
    post(coop, [("1102", 5_000_00, 0), ("1101", 0, 5_000_00)])
    eod_run(cooperatives=[coop], until=None, acting_user=None)

    first, second = Checkpoint.objects.filter(cooperative=coop).order_by("date")
    assert (first.date, first.first_number, first.last_number, first.entry_count) == (
        BUSINESS_DATE, 1, 2, 2)
    assert first.merkle_root == calculations.merkle_root(_hashes(coop, 1, 2))
    assert first.chain_head == JournalEntry.objects.get(cooperative=coop, number=2).hash
    assert (second.date, second.first_number, second.last_number, second.entry_count) == (
        NEXT_DAY, 3, 3, 1)
    assert second.merkle_root == calculations.merkle_root(_hashes(coop, 3, 3))
    assert second.chain_head == LedgerHead.objects.get(cooperative=coop).last_hash
    assert verify_cooperative(coop).ok
    # The other cooperative was not part of this run.
    assert Checkpoint.objects.filter(cooperative=city.coop_b).count() == 0


def test_it_seals_a_quiet_day_with_an_empty_checkpoint(city):
    eod_run(cooperatives=[city.coop_a], until=None, acting_user=None)
    checkpoint = Checkpoint.objects.get(cooperative=city.coop_a)
    assert (checkpoint.first_number, checkpoint.last_number, checkpoint.entry_count) == (1, 0, 0)
    assert checkpoint.chain_head == "0" * 64
    assert checkpoint.merkle_root == calculations.merkle_root([])
    assert verify_cooperative(city.coop_a).ok


def test_it_does_nothing_new_when_run_twice_for_the_same_date(city):
    post(city.coop_a, [("1101", 700_00, 0), ("3103", 0, 700_00)])
    code, summary = _eod("--cooperative", "ksp-a", "--date", BUSINESS_DATE.isoformat())
    assert code == 0 and summary["ok"] is True
    counts = (Checkpoint.objects.count(), StepRun.objects.count(), AuditEvent.objects.count(),
              JournalEntry.objects.count())
    code, summary = _eod("--cooperative", "ksp-a", "--date", BUSINESS_DATE.isoformat())
    assert code == 0
    assert summary["cooperatives"][0]["dates"] == []
    assert summary["cooperatives"][0]["steps_run"] == 0
    # Running the finished day again directly: every step is skipped, the date stays.
    again = eod_run_day(cooperative=city.coop_a, business_date=BUSINESS_DATE, acting_user=None)
    assert again.steps_run == 0
    assert again.steps_skipped == len(registry.ordered_steps()) - sum(
        s.monthly for s in registry.ordered_steps())
    assert (Checkpoint.objects.count(), StepRun.objects.count(), AuditEvent.objects.count(),
            JournalEntry.objects.count()) == counts
    city.coop_a.refresh_from_db()
    assert city.coop_a.business_date == NEXT_DAY


def _own(steps: set[str]) -> set[str]:
    return {step for step in steps if step.startswith(("test.", "ledger."))}


def test_it_resumes_at_the_failed_step_after_a_crash(city, temporary_steps):
    calls = {"before": 0, "flaky": 0}

    def before(*, cooperative, business_date, acting_user):
        calls["before"] += 1
        return {"n": calls["before"]}

    def flaky(*, cooperative, business_date, acting_user):
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            raise RuntimeError("listrik padam")
        return {}

    temporary_steps("test.before", before, order=100)
    temporary_steps("test.flaky", flaky, order=500)
    post(city.coop_a, [("1101", 1_000_00, 0), ("3103", 0, 1_000_00)])

    code, summary = _eod("--cooperative", "ksp-a")
    assert code == 1
    assert summary["ok"] is False
    error = summary["cooperatives"][0]["error"]
    assert error["code"] == "BATCH_STEP_FAILED"
    assert "test.flaky" in error["message"] and "listrik padam" in error["message"]
    # Domain apps' own steps (savings, loans, ...) also run; this test follows its own two.
    first_run = set(StepRun.objects.filter(cooperative=city.coop_a)
                    .values_list("step", flat=True))
    assert _own(first_run) == {"test.before"}
    assert Checkpoint.objects.count() == 0
    assert StepFailure.objects.get().step == "test.flaky"
    city.coop_a.refresh_from_db()
    assert city.coop_a.business_date == BUSINESS_DATE

    code, summary = _eod("--cooperative", "ksp-a")
    assert code == 0
    assert calls == {"before": 1, "flaky": 2}
    assert summary["cooperatives"][0]["steps_skipped"] == len(first_run)
    done = set(StepRun.objects.filter(cooperative=city.coop_a).values_list("step", flat=True))
    assert _own(done) == {"test.before", "test.flaky", "ledger.checkpoint"}
    assert Checkpoint.objects.get().last_number == 1
    city.coop_a.refresh_from_db()
    assert city.coop_a.business_date == NEXT_DAY


def test_it_raises_the_step_failure_from_the_service(city, temporary_steps):
    def broken(*, cooperative, business_date, acting_user):
        raise LumbungError("BAD_INPUT", detail="data rusak")

    temporary_steps("test.broken", broken, order=10)
    with pytest.raises(LumbungError) as caught:
        eod_run_day(cooperative=city.coop_a, business_date=BUSINESS_DATE, acting_user=None)
    assert caught.value.code == "BATCH_STEP_FAILED"
    assert "data rusak" in caught.value.message
    assert StepRun.objects.count() == 0


def test_it_catches_up_several_days_with_a_json_summary(city):
    code, summary = _eod("--date", "2026-11-23")
    assert code == 0
    assert summary["ok"] is True
    assert [c["cooperative"] for c in summary["cooperatives"]] == ["ksp-a", "kspps-b"]
    assert summary["cooperatives"][0]["dates"] == [
        "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    assert summary["cooperatives"][0]["error"] is None
    for coop in (city.coop_a, city.coop_b):
        coop.refresh_from_db()
        assert coop.business_date == dt.date(2026, 11, 24)
        assert list(Checkpoint.objects.filter(cooperative=coop).values_list("date", flat=True)) == [
            dt.date(2026, 11, d) for d in (20, 21, 22, 23)]
    assert AuditEvent.objects.filter(action="batch.business_date.advanced").count() == 8


def test_it_runs_monthly_steps_only_on_the_last_day(city, temporary_steps):
    seen = []

    def month_end(*, cooperative, business_date, acting_user):
        seen.append(business_date)
        return {}

    temporary_steps("test.month_end", month_end, order=50, monthly=True)
    eod_run(cooperatives=[city.coop_a], until=dt.date(2026, 12, 1), acting_user=None)
    assert seen == [dt.date(2026, 11, 30)]


def test_it_exits_non_zero_with_an_indonesian_message_for_an_unknown_cooperative(city):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as caught:
        call_command("eod", "--cooperative", "tidak-ada", stdout=io.StringIO())
    assert caught.value.returncode == 1
    assert "Koperasi dengan kode tidak-ada tidak ditemukan" in str(caught.value)
