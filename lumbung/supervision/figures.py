"""Period figures from every cooperative, and the checkpoints of on-platform ones.

On-platform: the end-of-day step writes the month's statement figures from the trial balance
(never transaction detail) and copies the day's checkpoints to the Dinas side. Others: the
console hands out an XLSX template; an upload is validated as a whole and refused with every
problem named, or saved.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.spreadsheet import RUPIAH_FORMAT, xlsx_bytes
from lumbung.ledger import calculations as ledger_calculations
from lumbung.ledger.models import ApprovalRequest, Checkpoint, JournalEntry
from lumbung.ledger.selectors import trial_balance
from lumbung.ledger.services import coa_template_name
from lumbung.supervision import calculations, fields
from lumbung.supervision.models import (
    FiguresSource,
    PeriodFigures,
    ReceivedCheckpoint,
    RegistryEntry,
)
from lumbung.supervision.registry import first_sheet, open_workbook
from lumbung.supervision.rules import figures_map
from lumbung.tenancy.models import Cooperative, SupervisorOffice

WITHDRAWAL_KIND = "savings.withdrawal"


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _balances(cooperative: Cooperative, as_of: dt.date) -> dict[str, tuple[int, int]]:
    return {line.account: (line.debit, line.credit)
            for line in trial_balance(cooperative=cooperative, as_of=as_of).lines}


CLASS_KEYS = {"loans_substandard": ("kurang", "substandard"),
              "loans_doubtful": ("ragu", "doubtful"), "loans_loss": ("macet", "loss")}


def _field(quality: Any, name: str) -> Any:
    return quality.get(name) if isinstance(quality, dict) else getattr(quality, name, None)


def loan_quality(cooperative: Cooperative, as_of: dt.date) -> dict[str, int | None]:
    """Loan classes and insider loans (sen) from the loans app, when it offers them.

    `lumbung.loans.selectors.portfolio_quality(cooperative=, as_of=)` gives outstanding,
    by_class and npl; until the loans app has it, the figures are None ("belum tersedia").
    """
    unknown: dict[str, int | None] = dict.fromkeys((*CLASS_KEYS, "insider_loans"))
    try:
        # Not imported at module level: supervision sits above loans, which may not offer it yet.
        loan_selectors = importlib.import_module("lumbung.loans.selectors")
    except ImportError:
        return unknown
    portfolio_quality = getattr(loan_selectors, "portfolio_quality", None)
    if portfolio_quality is None:
        return unknown
    quality = portfolio_quality(cooperative=cooperative, as_of=as_of)
    by_class = {str(key).lower(): value for key, value in (_field(quality, "by_class") or {}
                                                           ).items()}
    result: dict[str, int | None] = {
        name: sum(int(value) for key, value in by_class.items()
                  if any(word in key for word in words))
        for name, words in CLASS_KEYS.items()
    }
    insider = _field(quality, "insider") if _field(quality, "insider") is not None else _field(
        quality, "insider_loans")
    result["insider_loans"] = None if insider is None else int(insider)
    return result


def figures_from_books(cooperative: Cooperative, as_of: dt.date) -> dict[str, int | None]:
    """A cooperative's statement figures as of a day, from its trial balance (no journal read
    beyond the balances), its members' count and its waiting withdrawals."""
    from lumbung.members.models import Member

    year_end = dt.date(as_of.year - 1, 12, 31)
    mapping = figures_map()["templates"][coa_template_name(cooperative)]
    figures: dict[str, int | None] = dict(calculations.figures_from_balances(
        _balances(cooperative, as_of), _balances(cooperative, year_end), mapping))
    figures.update(loan_quality(cooperative, as_of))
    counts = Member.objects.filter(cooperative=cooperative, status=Member.Status.MEMBER
                                   ).aggregate(male=Count("pk", filter=Q(gender="L")),
                                               female=Count("pk", filter=Q(gender="P")))
    figures["members_male"], figures["members_female"] = counts["male"], counts["female"]
    oldest = ApprovalRequest.objects.filter(
        cooperative=cooperative, kind=WITHDRAWAL_KIND, status=ApprovalRequest.Status.PENDING
    ).aggregate(first=Min("created_at"))["first"]
    figures["oldest_withdrawal_wait_days"] = (
        max((as_of - timezone.localtime(oldest).date()).days, 0) if oldest else 0)
    return figures


def figures_snapshot(*, cooperative: Cooperative, as_of: dt.date, acting_user: Any
                     ) -> PeriodFigures:
    """Write (or replace) the month's figures of an on-platform cooperative, as of a day."""
    from lumbung.supervision.registry import registry_entry_for_cooperative

    entry = registry_entry_for_cooperative(cooperative=cooperative, acting_user=acting_user)
    values = figures_from_books(cooperative, as_of)
    with transaction.atomic():
        row, _created = PeriodFigures.objects.update_or_create(
            entry=entry, period=month_end(as_of),
            defaults={"office_id": entry.office_id, "as_of": as_of,
                      "source": FiguresSource.PLATFORM, **values},
        )
    return row


# ---------------------------------------------------------------- upload template

TEMPLATE_HEAD_ROWS = 5  # rows above the first figure


def upload_template(entry: RegistryEntry | None, period: dt.date | None) -> bytes:
    """The XLSX a cooperative not on Lumbung fills in: one row per figure, Rupiah in column C."""
    workbook = Workbook()
    sheet = first_sheet(workbook, "Laporan")
    bold = Font(bold=True)
    sheet.append(["Laporan keuangan koperasi untuk Dinas (templat Lumbung)"])
    sheet.append(["Kode koperasi", entry.code if entry else ""])
    sheet.append(["Periode (bulan terakhir laporan, YYYY-MM)",
                  period.strftime("%Y-%m") if period else ""])
    sheet.append(["Isi kolom C dalam Rupiah (tanpa titik ribuan; desimal dengan titik). Jangan "
                  "ubah kolom A."])
    sheet.append(["Kode pos", "Uraian", "Nilai"])
    for cell in sheet[TEMPLATE_HEAD_ROWS]:
        cell.font = bold
    sheet["A1"].font = bold
    fill = PatternFill("solid", fgColor="FFF6D9")
    for figure in calculations.FIGURES:
        unit = {"sen": "Rp", "count": "orang", "days": "hari"}[figure.unit]
        label = f"{figure.label.strip()} ({unit}){' *' if figure.required else ''}"
        sheet.append([figure.name, label, None])
        cell = sheet.cell(row=sheet.max_row, column=3)
        cell.fill = fill
        if figure.unit == "sen":
            cell.number_format = RUPIAH_FORMAT
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 62
    sheet.column_dimensions["C"].width = 22
    return xlsx_bytes(workbook)


@dataclass
class UploadProblem:
    cell: str
    message: str


@dataclass
class ParsedUpload:
    code: str
    period: dt.date
    figures: dict[str, int | None]
    problems: list[UploadProblem] = field(default_factory=list)


BALANCE_TOLERANCE_SEN = 100  # one Rupiah of rounding between the statement's own totals


def figures_check(values: dict[str, int | None]) -> list[str]:
    """Consistency of a statement: the balance sheet balances, parts are not above wholes."""
    problems = []
    assets, liabilities, equity = (values.get("total_assets"), values.get("total_liabilities"),
                                   values.get("equity"))
    if (assets is not None and liabilities is not None and equity is not None
            and abs(assets - (liabilities + equity)) > BALANCE_TOLERANCE_SEN):
        problems.append(LumbungError(
            "SUPERVISION_UNBALANCED", assets=_rp(assets),
            liabilities_equity=_rp(liabilities + equity)).message)
    classes = sum(values.get(name) or 0 for name in ("loans_substandard", "loans_doubtful",
                                                      "loans_loss"))
    loans = values.get("loans_outstanding")
    if loans is not None and classes > loans:
        problems.append(_("Jumlah pinjaman kurang lancar, diragukan dan macet melebihi total "
                          "pinjaman."))
    for part, whole in (("cash", "cash_and_bank"), ("cash_and_bank", "current_assets"),
                        ("current_assets", "total_assets"), ("member_savings", "total_liabilities"),
                        ("current_liabilities", "total_liabilities"),
                        ("gross_participation", "total_income")):
        a, b = values.get(part), values.get(whole)
        if a is not None and b is not None and a > b:
            label_a = _label(part)
            label_b = _label(whole)
            problems.append(_("%(part)s (%(part_amount)s) melebihi %(whole)s (%(whole_amount)s).")
                            % {"part": label_a, "part_amount": _rp(a), "whole": label_b,
                               "whole_amount": _rp(b)})
    return problems


def _label(name: str) -> str:
    return next(f.label.strip() for f in calculations.FIGURES if f.name == name)


def _rp(sen: int) -> str:
    from lumbung.core.money import format_rupiah

    return format_rupiah(sen)


def upload_parse(content: bytes) -> ParsedUpload:
    """Read a filled template; every problem is collected with its cell (nothing is saved)."""
    sheet = open_workbook(content).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True, max_col=3))
    problems: list[UploadProblem] = []

    def cell(row: int, col: int) -> Any:
        values = rows[row - 1] if row - 1 < len(rows) else ()
        return values[col - 1] if col - 1 < len(values) else None

    code = str(cell(2, 2) or "").strip().lower()
    if not code:
        problems.append(UploadProblem("B2", _("Kode koperasi wajib diisi.")))
    period_text = cell(3, 2)
    period = dt.date(1900, 1, 1)
    if isinstance(period_text, dt.datetime | dt.date):
        period = month_end(period_text)
    else:
        try:
            period = month_end(dt.datetime.strptime(str(period_text or "").strip(), "%Y-%m").date())
        except ValueError:
            problems.append(UploadProblem("B3", _(
                "Periode \"%(value)s\" tidak valid; tulis tahun-bulan, mis. 2026-09.")
                % {"value": period_text or ""}))
    by_code = {f.name: f for f in calculations.FIGURES}
    values: dict[str, int | None] = {}
    for number in range(TEMPLATE_HEAD_ROWS + 1, len(rows) + 1):
        name = str(cell(number, 1) or "").strip()
        if not name:
            continue
        figure = by_code.get(name)
        if figure is None:
            problems.append(UploadProblem(f"A{number}", _(
                "Kode pos \"%(name)s\" tidak dikenal; pakai templat terbaru.") % {"name": name}))
            continue
        raw = cell(number, 3)
        try:
            if figure.unit == "sen":
                values[name] = fields.parse_rupiah_cell(raw, label=figure.label.strip(),
                                                        signed=figure.signed)
            else:
                values[name] = fields.parse_count(raw, label=figure.label.strip())
        except LumbungError as error:
            problems.append(UploadProblem(f"C{number}", error.message))
            continue
        if figure.required and values[name] is None:
            problems.append(UploadProblem(f"C{number}", LumbungError(
                "SUPERVISION_FIELD_REQUIRED", field=figure.label.strip()).message))
    missing = [f for f in calculations.FIGURES if f.required and f.name not in values
               and f.name not in {p.cell for p in problems}]
    for figure in missing:
        if not any(figure.label.strip() in p.message for p in problems):
            problems.append(UploadProblem("A", _(
                "Baris %(name)s tidak ada; pakai templat terbaru.") % {"name": figure.name}))
    problems += [UploadProblem("", text) for text in figures_check(values)]
    return ParsedUpload(code=code, period=period, figures=values, problems=problems)


def figures_upload(*, office: SupervisorOffice, content: bytes, acting_user: Any
                   ) -> PeriodFigures:
    """Save an uploaded report, or refuse it (SUPERVISION_UPLOAD_INVALID with every problem)."""
    parsed = upload_parse(content)
    entry = None
    if parsed.code:
        entry = RegistryEntry.objects.filter(office=office, code=parsed.code).first()
        if entry is None:
            parsed.problems.insert(0, UploadProblem("B2", LumbungError(
                "SUPERVISION_UNKNOWN_COOPERATIVE", code=parsed.code).message))
        elif entry.cooperative_id is not None:
            parsed.problems.insert(0, UploadProblem("B2", LumbungError(
                "SUPERVISION_ON_PLATFORM", name=entry.name).message))
    if parsed.problems:
        error = LumbungError("SUPERVISION_UPLOAD_INVALID", count=len(parsed.problems),
                             first=_problem_text(parsed.problems[0]))
        error.problems = [_problem_text(p) for p in parsed.problems]  # type: ignore[attr-defined]
        raise error
    assert entry is not None
    with transaction.atomic(durable=True):
        row, _created = PeriodFigures.objects.update_or_create(
            entry=entry, period=parsed.period,
            defaults={"office": office, "as_of": parsed.period, "source": FiguresSource.UPLOAD,
                      **{name: parsed.figures.get(name) for name in calculations.FIGURE_NAMES}},
        )
        audit_record(action="supervision.figures.uploaded", acting_user=acting_user,
                     office=office, obj=row,
                     data={"code": entry.code, "period": parsed.period.isoformat()})
    return row


def _problem_text(problem: UploadProblem) -> str:
    if not problem.cell:
        return problem.message
    return _("Sel %(cell)s: %(message)s") % {"cell": problem.cell, "message": problem.message}


# ---------------------------------------------------------------- checkpoints


def checkpoints_receive(*, cooperative: Cooperative, through: dt.date) -> int:
    """Copy the cooperative's checkpoints up to `through` that the Dinas has not received."""
    last = (ReceivedCheckpoint.objects.filter(cooperative=cooperative)
            .order_by("-date").values_list("date", flat=True).first())
    new = Checkpoint.objects.filter(cooperative=cooperative, date__lte=through)
    if last is not None:
        new = new.filter(date__gt=last)
    copies = [ReceivedCheckpoint(
        office_id=cooperative.office_id, cooperative=cooperative, date=c.date,
        first_number=c.first_number, last_number=c.last_number, entry_count=c.entry_count,
        chain_head=c.chain_head, merkle_root=c.merkle_root) for c in new.order_by("date")]
    ReceivedCheckpoint.objects.bulk_create(copies)
    return len(copies)


@dataclass
class CheckpointStatus:
    received: int
    last_date: dt.date | None
    problems: list[str]
    missing_days: list[dt.date]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.missing_days

    @property
    def summary(self) -> str:
        if self.received == 0:
            return _("Belum ada checkpoint yang diterima.")
        state = _("cocok dengan rantai jurnal") if self.ok else _("ADA MASALAH")
        last = self.last_date.strftime("%d-%m-%Y") if self.last_date else "–"
        return _("%(count)s checkpoint diterima, terakhir %(last)s: %(state)s.") % {
            "count": self.received, "last": last, "state": state}


def checkpoints_check(cooperative: Cooperative, *, expected_through: dt.date) -> CheckpointStatus:
    """Check the received checkpoints against the cooperative's chain as it is now.

    A problem: a received checkpoint whose range, head or Merkle root no longer recomputes from
    the journal's hashes (history rewritten), or that differs from the ledger's own checkpoint.
    Missing: business days up to `expected_through` with no checkpoint received.
    """
    received = list(ReceivedCheckpoint.objects.filter(cooperative=cooperative).order_by("date"))
    problems: list[str] = []
    hashes = dict(JournalEntry.objects.filter(cooperative=cooperative)
                  .values_list("number", "hash"))
    ledger_copies = {c.date: c for c in Checkpoint.objects.filter(cooperative=cooperative)}
    expected_first = 1
    for copy in received:
        label = copy.date.strftime("%d-%m-%Y")
        covered = [hashes.get(n) for n in range(copy.first_number, copy.last_number + 1)]
        if copy.first_number != expected_first:
            problems.append(_("Checkpoint %(day)s: rentang jurnal tidak menyambung.")
                            % {"day": label})
        if any(h is None for h in covered) or copy.entry_count != len(covered):
            problems.append(_("Checkpoint %(day)s: jurnal yang disegel hilang dari buku.")
                            % {"day": label})
        elif copy.last_number and hashes.get(copy.last_number) != copy.chain_head:
            problems.append(_("Checkpoint %(day)s: kepala rantai berbeda dari buku.")
                            % {"day": label})
        elif copy.merkle_root != ledger_calculations.merkle_root([h for h in covered if h]):
            problems.append(_("Checkpoint %(day)s: akar Merkle berbeda; isi jurnal berubah.")
                            % {"day": label})
        own = ledger_copies.get(copy.date)
        if own is None or (own.chain_head, own.merkle_root) != (copy.chain_head,
                                                                 copy.merkle_root):
            problems.append(_("Checkpoint %(day)s: salinan koperasi berbeda dari yang diterima "
                              "Dinas.") % {"day": label})
        expected_first = copy.last_number + 1
    missing = []
    days = {c.date for c in received}
    if received:
        day = received[0].date
    else:
        # None received at all: every day since the books began is missing (a cooperative
        # whose end of day never hands over is exactly what the Dinas must notice).
        day = (JournalEntry.objects.filter(cooperative=cooperative)
               .aggregate(first=Min("date"))["first"]) or expected_through + dt.timedelta(days=1)
    while day <= expected_through:
        if day not in days:
            missing.append(day)
        day += dt.timedelta(days=1)
    return CheckpointStatus(received=len(received),
                            last_date=received[-1].date if received else None,
                            problems=problems, missing_days=missing)


def figures_record_many(*, office: SupervisorOffice,
                        rows: list[tuple[RegistryEntry, dt.date, dict[str, int | None]]],
                        source: str, acting_user: Any) -> int:
    """Save many periods' figures at once (a batch of reports received outside the console),
    replacing what was there for the same cooperative and period."""
    objects = [PeriodFigures(office=office, entry=entry, period=period, as_of=period,
                             source=source, **{name: values.get(name)
                                               for name in calculations.FIGURE_NAMES})
               for entry, period, values in rows]
    with transaction.atomic():
        PeriodFigures.objects.bulk_create(
            objects, batch_size=500, update_conflicts=True, unique_fields=["entry", "period"],
            update_fields=["as_of", "source", *calculations.FIGURE_NAMES])
        audit_record(action="supervision.figures.recorded", acting_user=acting_user,
                     office=office, data={"rows": len(objects), "source": source})
    return len(objects)
