"""Month close with named checks, the board's re-open, and the year-end closing entry.

Other apps add their own checks to the registry:

    @close_check("teller.drawers_closed", _("Semua laci kas sudah ditutup"))
    def drawers_closed(*, cooperative, start, end) -> str | None:  # None: passes
        ...

A check returns None when it passes, or a sentence saying what is wrong. Closing runs every
check first and refuses, naming each failing one, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.ledger.models import AccountingPeriod, ApprovalRequest, Checkpoint
from lumbung.ledger.services import LineSpec, journal_entry_post, period_close, period_reopen
from lumbung.reports import calculations as calc
from lumbung.reports import selectors
from lumbung.reports.models import AccountSnapshot, YearEndClosing
from lumbung.reports.services import month_snapshot_write
from lumbung.tenancy.access import BOOKKEEPING_ROLES
from lumbung.tenancy.models import Cooperative, CooperativeRole, CooperativeStaff

CheckFunction = Callable[..., "str | None"]


@dataclass(frozen=True)
class CloseCheck:
    name: str
    label: str | Promise
    function: CheckFunction


CLOSE_CHECKS: dict[str, CloseCheck] = {}


def close_check(name: str, label: str | Promise) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        CLOSE_CHECKS[name] = CloseCheck(name, label, function)
        return function

    return register


@dataclass(frozen=True)
class CheckResult:
    name: str
    label: str
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


def close_checks_run(*, cooperative: Cooperative, month: dt.date) -> list[CheckResult]:
    start, end = month_bounds(month)
    return [
        CheckResult(check.name, str(check.label),
                    check.function(cooperative=cooperative, start=start, end=end))
        for check in CLOSE_CHECKS.values()
    ]


@close_check("ledger.eod_done", gettext_lazy("Proses akhir hari (EOD) hari terakhir sudah jalan"))
def _eod_done(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> str | None:
    if Checkpoint.objects.filter(cooperative=cooperative, date=end).exists():
        return None
    return _("EOD tanggal {day} belum dijalankan (lumbung eod).").format(day=end.isoformat())


@close_check("ledger.suspense_empty", gettext_lazy("Rekening sementara (selisih kas) bersaldo nol"))
def _suspense_empty(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> str | None:
    suspense = selectors.accounts_by_purpose(cooperative=cooperative, purposes=["suspense"])
    balances = selectors.balances_through(cooperative=cooperative, day=end)
    for account in suspense:
        debit, credit = balances.get(account.pk, (0, 0))
        if debit != credit:
            from lumbung.core.money import format_rupiah

            return _("Akun {code} masih bersaldo {amount}.").format(
                code=account.code, amount=format_rupiah(debit - credit))
    return None


@close_check("ledger.approvals_decided", gettext_lazy("Tidak ada persetujuan yang menunggu"))
def _approvals_decided(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> str | None:
    waiting = ApprovalRequest.objects.filter(
        cooperative=cooperative, status=ApprovalRequest.Status.PENDING,
        created_at__date__lte=end,
    ).count()
    if waiting:
        return _("{count} permintaan persetujuan masih menunggu.").format(count=waiting)
    return None


@close_check("teller.drawers_closed", gettext_lazy("Semua laci kas teller sudah ditutup"))
def _drawers_closed(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> str | None:
    # The teller app offers open_drawer_sessions(cooperative=, date=) once it has drawers.
    try:
        teller = importlib.import_module("lumbung.teller.selectors")
    except ImportError:
        return None
    open_sessions = getattr(teller, "open_drawer_sessions", None)
    if open_sessions is None:
        return None
    sessions = list(open_sessions(cooperative=cooperative, date=end))
    if sessions:
        return _("{count} laci kas masih terbuka.").format(count=len(sessions))
    return None


def _require_role(cooperative: Cooperative, user: Any, roles: frozenset[str]) -> None:
    held = set(CooperativeStaff.objects.filter(
        cooperative=cooperative, user=user, active=True).values_list("role", flat=True))
    if not held & roles:
        raise LumbungError("PERMISSION_DENIED")


BOARD_ROLES: frozenset[str] = frozenset({CooperativeRole.BOARD})


def month_close(*, cooperative: Cooperative, month: dt.date, acting_user: Any) -> AccountingPeriod:
    """Run every close check, then lock the month and write its final snapshot.

    Raises LumbungError(REPORT_CLOSE_CHECKS_FAILED) naming each failing check, with nothing
    written; the ledger's own refusals (month not ended, months out of order) pass through.
    """
    _require_role(cooperative, acting_user, BOOKKEEPING_ROLES)
    failing = [r for r in close_checks_run(cooperative=cooperative, month=month) if not r.ok]
    if failing:
        raise LumbungError(
            "REPORT_CLOSE_CHECKS_FAILED",
            period=month.strftime("%Y-%m"),
            failures="; ".join(f"{r.label}: {r.problem}" for r in failing),
        )
    _start, end = month_bounds(month)
    with transaction.atomic(durable=True):
        period = period_close(cooperative=cooperative, month=month, acting_user=acting_user)
        month_snapshot_write(cooperative=cooperative, month_end=end, final=True)
    return period


def month_reopen(
    *, cooperative: Cooperative, month: dt.date, reason: str, acting_user: Any
) -> AccountingPeriod:
    """The board (pengurus) opens the latest closed month again; audited with the reason."""
    _require_role(cooperative, acting_user, BOARD_ROLES)
    _start, end = month_bounds(month)
    with transaction.atomic(durable=True):
        period = period_reopen(cooperative=cooperative, month=month, reason=reason,
                               acting_user=acting_user)
        AccountSnapshot.objects.filter(cooperative=cooperative, month_end=end).update(final=False)
    return period


def year_end_close(*, cooperative: Cooperative, year: int, acting_user: Any) -> YearEndClosing:
    """Post the closing entry on 31 December: every income and expense account of the year to
    zero, the difference to SHU periode berjalan (current_surplus). Once per year.

    Raises LumbungError(REPORT_YEAR_NOT_ENDED, REPORT_YEAR_ALREADY_CLOSED,
    REPORT_NOTHING_TO_CLOSE) or the ledger's refusal when December is already closed.
    """
    _require_role(cooperative, acting_user, BOOKKEEPING_ROLES)
    end = dt.date(year, 12, 31)
    if cooperative.business_date <= end:
        raise LumbungError("REPORT_YEAR_NOT_ENDED", year=year)
    with transaction.atomic(durable=True):
        Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        if YearEndClosing.objects.filter(cooperative=cooperative, year=year).exists():
            raise LumbungError("REPORT_YEAR_ALREADY_CLOSED", year=year)
        accounts = [a for a in selectors.postable_accounts(cooperative=cooperative)
                    if a.code[0] in "456"]
        turnover = calc.subtract(
            calc.difference(
                selectors.balances_through(cooperative=cooperative, day=end),
                selectors.balances_through(cooperative=cooperative, day=dt.date(year - 1, 12, 31)),
            ),
            selectors.closing_turnover(cooperative=cooperative, start=dt.date(year, 1, 1),
                                       end=end),
        )
        lines = []
        surplus = 0
        for account in accounts:
            amount = calc.net(turnover.get(account.id, (0, 0)), "credit")
            surplus += amount
            if amount > 0:
                lines.append(LineSpec(account.code, debit=amount))
            elif amount < 0:
                lines.append(LineSpec(account.code, credit=-amount))
        if not lines:
            raise LumbungError("REPORT_NOTHING_TO_CLOSE", year=year)
        target = selectors.account_by_purpose(cooperative=cooperative, purpose="current_surplus")
        if surplus > 0:
            lines.append(LineSpec(target.code, credit=surplus))
        elif surplus < 0:
            lines.append(LineSpec(target.code, debit=-surplus))
        entry = journal_entry_post(
            cooperative=cooperative, lines=lines, date=end, allow_backdate=True,
            source="closing", idempotency_key=f"reports:year_end:{year}",
            description=f"Jurnal penutup tahun buku {year}: SHU ke {target.code}",
            acting_user=acting_user,
        )
        closing = YearEndClosing.objects.create(cooperative=cooperative, year=year, entry=entry,
                                                surplus=surplus, closed_by=acting_user)
        audit_record(action="reports.year_end.closed", acting_user=acting_user,
                     cooperative=cooperative, obj=closing,
                     data={"year": year, "surplus": surplus, "entry": entry.number})
    return closing
