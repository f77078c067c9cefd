"""The statements, built from balances at dates (selectors) and the layouts in rules/.

Every builder returns a `Statement`: titled columns of integer sen, rows from the layout, and
the tie-out checks that must hold (assets = liabilities + equity, the SHU equals the change in
equity from operations, the cash flow ends at the cash balance). Previous-period columns are the
same dates one year earlier (the balance sheet compares with the previous book year's end).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lumbung.core.money import round_sen
from lumbung.ledger.models import JournalLine
from lumbung.reports import calculations as calc
from lumbung.reports import selectors
from lumbung.reports.calculations import Balance, Line
from lumbung.tenancy.models import Cooperative

DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str = ""


@dataclass
class Statement:
    name: str
    title: str
    cooperative: Cooperative
    start: dt.date
    end: dt.date
    columns: list[str]
    lines: list[Line]
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layout_version: str = ""

    @property
    def ties_out(self) -> bool:
        return all(check.ok for check in self.checks)

    def value(self, key: str, column: int = 0) -> int | None:
        return calc.row_values(self.lines, key)[column]

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "cooperative": self.cooperative.code,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "currency": "IDR",
            "unit": "sen",
            "layout": self.layout_version,
            "columns": self.columns,
            "lines": [
                {"kind": line.kind, "key": line.key, "code": line.code, "label": line.label,
                 "values": line.values}
                for line in self.lines
            ],
            "checks": [{"label": c.label, "ok": c.ok, "detail": c.detail} for c in self.checks],
            "notes": self.notes,
        }


def year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _period_label(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()} s.d. {end.isoformat()}"


# Balances read while one statement is built, by (cooperative, day): a statement asks for the
# same day several times (its columns, then its checks), and each read may sum lines.
_memo: ContextVar[dict[tuple[int, dt.date], dict[int, Balance]] | None] = ContextVar(
    "statement_balances", default=None)


def _through(cooperative: Cooperative, day: dt.date) -> dict[int, Balance]:
    memo = _memo.get()
    if memo is None:
        return selectors.balances_through(cooperative=cooperative, day=day)
    key = (cooperative.pk, day)
    if key not in memo:
        memo[key] = selectors.balances_through(cooperative=cooperative, day=day)
    return memo[key]


def _one_read_per_day(builder: Callable[..., Statement]) -> Callable[..., Statement]:
    """Build the statement with each day's balances read once (the memo lives for this call)."""

    @functools.wraps(builder)
    def build_once(**kwargs: Any) -> Statement:
        if _memo.get() is not None:
            return builder(**kwargs)
        token = _memo.set({})
        try:
            return builder(**kwargs)
        finally:
            _memo.reset(token)

    return build_once


def _turnover(cooperative: Cooperative, start: dt.date, end: dt.date) -> dict[int, Balance]:
    return calc.difference(_through(cooperative, end), _through(cooperative, start - DAY))


def _operations(cooperative: Cooperative, start: dt.date, end: dt.date) -> dict[int, Balance]:
    """Turnover of the period without the year-end closing entries (the result as earned)."""
    return calc.subtract(
        _turnover(cooperative, start, end),
        selectors.closing_turnover(cooperative=cooperative, start=start, end=end),
    )


def _translated(lines: list[Line]) -> list[Line]:
    """The layout's own labels in the active language (layout_labels.py lists them); account
    names are the cooperative's own and stay as they are."""
    for line in lines:
        if line.kind != "account":
            line.label = _(line.label)
    return lines


def _net_over(
    accounts: list[calc.AccountInfo], balances: Mapping[int, Balance], prefixes: list[str],
    side: str = "credit",
) -> int:
    return sum(
        calc.net(balances.get(a.id, (0, 0)), side)
        for a in accounts
        if calc.matches(a.code, prefixes)
    )


@_one_read_per_day
def balance_sheet(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> Statement:
    """Laporan posisi keuangan at `end`, beside the end of the previous book year."""
    rules = selectors.layout(cooperative)
    accounts = selectors.postable_accounts(cooperative=cooperative)
    previous = dt.date(end.year - 1, 12, 31)
    columns = [_through(cooperative, end), _through(cooperative, previous)]
    lines = _translated(calc.apply_layout(rules["balance_sheet"], accounts, columns))
    assets_key, equity_key = rules["balance_check"]
    checks = [
        Check(
            _("Aset = liabilitas + ekuitas ({day})").format(day=day.isoformat()),
            calc.row_values(lines, assets_key)[i] == calc.row_values(lines, equity_key)[i],
        )
        for i, day in enumerate([end, previous])
    ]
    return Statement("balance-sheet", _("Laporan Posisi Keuangan (Neraca)"), cooperative, start,
                     end, [end.isoformat(), previous.isoformat()], lines, checks,
                     layout_version=rules["version"])


@_one_read_per_day
def surplus_statement(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> Statement:
    """Laporan perhitungan hasil usaha for [start, end] beside the same dates a year earlier."""
    rules = selectors.layout(cooperative)
    accounts = selectors.postable_accounts(cooperative=cooperative)
    periods = [(start, end), (year_earlier(start), year_earlier(end))]
    columns = [_operations(cooperative, a, b) for a, b in periods]
    lines = _translated(calc.apply_layout(rules["surplus_statement"], accounts, columns))
    checks = []
    for i, (a, b) in enumerate(periods):
        surplus = calc.row_values(lines, rules["surplus_key"])[i]
        turnover = _turnover(cooperative, a, b)
        allocation = selectors.shu_allocation_turnover(cooperative=cooperative, start=a, end=b)
        from_operations = _net_over(accounts, calc.subtract(turnover, allocation),
                                    ["32", "33", "4", "5", "6"])
        checks.append(Check(
            _("SHU = perubahan ekuitas dari kegiatan usaha ({period})").format(
                period=_period_label(a, b)),
            surplus == from_operations,
            f"{surplus} / {from_operations}",
        ))
    return Statement("surplus-statement", _("Laporan Perhitungan Hasil Usaha"), cooperative,
                     start, end, [_period_label(*p) for p in periods], lines, checks,
                     layout_version=rules["version"])


def _surplus(cooperative: Cooperative, start: dt.date, end: dt.date) -> int:
    accounts = selectors.postable_accounts(cooperative=cooperative)
    return _net_over(accounts, _operations(cooperative, start, end), ["4", "5", "6"])


@_one_read_per_day
def equity_changes(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> Statement:
    """Laporan perubahan ekuitas: one column per equity group, rows from opening to closing."""
    rules = selectors.layout(cooperative)
    accounts = selectors.postable_accounts(cooperative=cooperative)
    groups = rules["equity_changes"]
    opening = _through(cooperative, start - DAY)
    closing = _through(cooperative, end)
    turnover = calc.difference(closing, opening)
    closing_lines = selectors.closing_turnover(cooperative=cooperative, start=start, end=end)
    allocation = selectors.shu_allocation_turnover(cooperative=cooperative, start=start, end=end)
    ordinary = calc.subtract(calc.subtract(turnover, closing_lines), allocation)
    surplus = _surplus(cooperative, start, end)
    result_prefixes = ["4", "5", "6"]

    def column(prefixes: list[str], is_surplus: bool) -> list[int]:
        balance_prefixes = prefixes + (result_prefixes if is_surplus else [])
        members = [a for a in accounts if calc.matches(a.code, prefixes)]
        additions = sum(ordinary.get(a.id, (0, 0))[1] for a in members)
        reductions = sum(ordinary.get(a.id, (0, 0))[0] for a in members)
        return [
            _net_over(accounts, opening, balance_prefixes),
            additions,
            -reductions,
            _net_over(accounts, allocation, prefixes),
            surplus if is_surplus else 0,
            _net_over(accounts, closing, balance_prefixes),
        ]

    last = len(groups) - 1
    matrix = [column([str(p) for p in g["prefixes"]], i == last) for i, g in enumerate(groups)]
    labels = [_("Saldo awal"), _("Penambahan (setoran)"), _("Pengurangan (penarikan)"),
              _("Pembagian SHU"), _("SHU periode berjalan"), _("Saldo akhir")]
    keys = ["opening", "additions", "reductions", "distribution", "surplus", "closing"]
    lines = []
    for r, (label, key) in enumerate(zip(labels, keys, strict=True)):
        values: list[int | None] = [matrix[c][r] for c in range(len(groups))]
        values.append(sum(v or 0 for v in values))
        lines.append(Line("total" if key == "closing" else "group", label, values, key=key))
    checks = [
        Check(
            _("Saldo awal + perubahan = saldo akhir ({group})").format(group=_(g["label"])),
            sum(matrix[c][:5]) == matrix[c][5],
        )
        for c, g in enumerate(groups)
    ]
    return Statement("equity-changes", _("Laporan Perubahan Ekuitas"), cooperative, start, end,
                     [_(str(g["label"])) for g in groups] + [_("Jumlah")], lines, checks,
                     layout_version=rules["version"])


@_one_read_per_day
def cash_flow(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> Statement:
    """Laporan arus kas, indirect method, for [start, end] beside the same dates a year earlier."""
    rules = selectors.layout(cooperative)
    accounts = selectors.postable_accounts(cooperative=cooperative)
    spec = rules["cash_flow"]
    cash = [str(c) for c in spec["cash"]]
    sections = {str(k): str(v) for k, v in spec["sections"].items()}
    periods = [(start, end), (year_earlier(start), year_earlier(end))]
    data = []
    for a, b in periods:
        opening = _through(cooperative, a - DAY)
        closing = _through(cooperative, b)
        turnover = calc.subtract(
            calc.difference(closing, opening),
            selectors.closing_turnover(cooperative=cooperative, start=a, end=b),
        )
        data.append((opening, closing, turnover, _surplus(cooperative, a, b)))
    section_labels = {
        "operating": _("ARUS KAS DARI AKTIVITAS OPERASI"),
        "investing": _("ARUS KAS DARI AKTIVITAS INVESTASI"),
        "financing": _("ARUS KAS DARI AKTIVITAS PENDANAAN"),
    }
    section_totals: list[str] = []
    lines: list[Line] = []
    for section, label in section_labels.items():
        lines.append(Line("heading", label, [None, None]))
        formula: dict[str, int] = {}
        if section == "operating":
            lines.append(Line("group", _("SHU periode berjalan"), [d[3] for d in data],
                              key="surplus"))
            formula["surplus"] = 1
        for account in accounts:
            if account.code[0] not in "123" or calc.matches(account.code, cash):
                continue
            if calc.longest_prefix(account.code, sections) != section:
                continue
            # Cash rises when an asset falls or a liability / equity rises: net credit change.
            amounts = [calc.net(d[2].get(account.id, (0, 0)), "credit") for d in data]
            if any(amounts):
                key = f"a{account.code}"
                lines.append(Line("group", _("Perubahan %(name)s") % {"name": account.name},
                                  amounts, key=key, code=account.code))
                formula[key] = 1
        total_key = f"net_{section}"
        totals = [sum(calc.row_values(lines, k)[i] or 0 for k in formula) for i in range(2)]
        lines.append(Line("total", _("Kas bersih dari aktivitas ini"), totals, key=total_key,
                          formula=formula))
        section_totals.append(total_key)
    lines.append(Line("total", _("KENAIKAN (PENURUNAN) KAS BERSIH"),
                      [sum(calc.row_values(lines, k)[i] or 0 for k in section_totals)
                       for i in range(2)],
                      key="net_change", formula=dict.fromkeys(section_totals, 1)))
    lines.append(Line("group", _("Kas dan setara kas awal periode"),
                      [_net_over(accounts, d[0], cash, "debit") for d in data], key="opening"))
    lines.append(Line("total", _("KAS DAN SETARA KAS AKHIR PERIODE"),
                      [(calc.row_values(lines, "net_change")[i] or 0)
                       + (calc.row_values(lines, "opening")[i] or 0) for i in range(2)],
                      key="closing", formula={"net_change": 1, "opening": 1}))
    checks = [
        Check(
            _("Kas akhir = saldo kas di neraca ({day})").format(day=b.isoformat()),
            calc.row_values(lines, "closing")[i] == _net_over(accounts, d[1], cash, "debit"),
        )
        for i, ((_a, b), d) in enumerate(zip(periods, data, strict=True))
    ]
    return Statement("cash-flow", _("Laporan Arus Kas"), cooperative, start, end,
                     [_period_label(*p) for p in periods], lines, checks,
                     layout_version=rules["version"])


@_one_read_per_day
def trial_balance(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> Statement:
    """Neraca saldo: opening, the period's debits and credits, and closing, per account."""
    accounts = selectors.postable_accounts(cooperative=cooperative)
    opening = _through(cooperative, start - DAY)
    closing = _through(cooperative, end)
    turnover = calc.difference(closing, opening)
    lines = []
    totals = [0] * 6
    for account in accounts:
        o_d, o_c = calc.net_pair(opening.get(account.id, (0, 0)))
        t_d, t_c = turnover.get(account.id, (0, 0))
        c_d, c_c = calc.net_pair(closing.get(account.id, (0, 0)))
        values = [o_d, o_c, t_d, t_c, c_d, c_c]
        if not any(values):
            continue
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        lines.append(Line("account", account.name, list(values), code=account.code,
                          group="total"))
    lines.append(Line("total", _("JUMLAH"), list(totals), key="total"))
    checks = [Check(_("Jumlah debit = jumlah kredit ({column})").format(column=name),
                    totals[i] == totals[i + 1])
              for i, name in ((0, _("saldo awal")), (2, _("mutasi")), (4, _("saldo akhir")))]
    columns = [_("Saldo awal debit"), _("Saldo awal kredit"), _("Mutasi debit"),
               _("Mutasi kredit"), _("Saldo akhir debit"), _("Saldo akhir kredit")]
    return Statement("trial-balance", _("Neraca Saldo"), cooperative, start, end, columns, lines,
                     checks)


@_one_read_per_day
def general_ledger(
    *, cooperative: Cooperative, start: dt.date, end: dt.date, account: str | None = None
) -> Statement:
    """Buku besar: for each account (or one), the opening balance, every line, the closing."""
    accounts = selectors.postable_accounts(cooperative=cooperative)
    if account is not None:
        accounts = [a for a in accounts if a.code == account]
    opening = _through(cooperative, start - DAY)
    wanted = {a.id for a in accounts}
    rows = (
        JournalLine.objects.filter(cooperative=cooperative, date__gte=start, date__lte=end,
                                   account_id__in=wanted)
        .order_by("account__code", "date", "entry__number", "line_no")
        .values_list("account_id", "date", "entry__number", "entry__description", "memo",
                     "debit", "credit")
    )
    by_account: dict[int, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_account.setdefault(row[0], []).append(row)
    lines: list[Line] = []
    for info in accounts:
        debit, credit = opening.get(info.id, (0, 0))
        entries = by_account.get(info.id, [])
        if not entries and debit == credit:
            continue
        balance = debit - credit
        lines.append(Line("heading", f"{info.code} {info.name}", [None, None, None]))
        lines.append(Line("group", _("Saldo awal"), [None, None, balance], code=info.code))
        for _id, day, number, description, memo, d, c in entries:
            balance += d - c
            label = f"{day.isoformat()} #{number} {memo or description}"
            lines.append(Line("account", label, [d or None, c or None, balance], code=info.code))
        lines.append(Line("total", _("Saldo akhir"), [None, None, balance], code=info.code))
    return Statement("general-ledger", _("Buku Besar"), cooperative, start, end,
                     [_("Debit"), _("Kredit"), _("Saldo (debit +)")], lines)


def _month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        days.append(min(following - DAY, end))
        month = following
    return days


@_one_read_per_day
def member_promotion(*, cooperative: Cooperative, start: dt.date, end: dt.date) -> Statement:
    """Laporan promosi ekonomi anggota: what members gained from the savings-and-loan business
    against the outside reference rates the cooperative sets, and the SHU shared with them."""
    rules = selectors.layout(cooperative)
    spec = rules["member_promotion"]
    accounts = selectors.postable_accounts(cooperative=cooperative)
    turnover = _operations(cooperative, start, end)
    ends = _month_ends(start, end)
    month_balances = [_through(cooperative, day) for day in ends]
    years = Decimal((end - start).days + 1) / Decimal(365)

    def average(prefixes: list[str], side: str) -> int:
        amounts = [_net_over(accounts, b, prefixes, side) for b in month_balances]
        return int(sum(amounts) / len(amounts)) if amounts else 0

    savings_paid = _net_over(accounts, turnover, spec["savings_interest"], "debit")
    loan_interest = _net_over(accounts, turnover, spec["loan_interest"], "credit")
    savings_avg = average(spec["savings_balances"], "credit")
    loans_avg = average(spec["loan_balances"], "debit")
    savings_market = round_sen(savings_avg * Decimal(spec["market_savings_rate"]) * years)
    loans_market = round_sen(loans_avg * Decimal(spec["market_loan_rate"]) * years)
    allocation = selectors.shu_allocation_turnover(cooperative=cooperative, start=start, end=end)
    clearing = [a for a in accounts if a.code in spec["members_shu"]]
    members_shu = _net_over(clearing, allocation, spec["members_shu"])
    savings_benefit = max(0, savings_paid - savings_market)
    loans_benefit = max(0, loans_market - loan_interest)
    lines = [
        Line("heading", _("A. PELAYANAN SIMPANAN"), [None]),
        Line("group", _("Rata-rata simpanan anggota"), [savings_avg], key="savings_avg"),
        Line("group", _("Jasa simpanan yang diterima anggota"), [savings_paid],
             key="savings_paid"),
        Line("group", _("Jasa simpanan pada tingkat pasar"), [savings_market],
             key="savings_market"),
        Line("group", _("Manfaat ekonomi simpanan"), [savings_benefit], key="savings_benefit"),
        Line("heading", _("B. PELAYANAN PINJAMAN"), [None]),
        Line("group", _("Rata-rata pinjaman anggota"), [loans_avg], key="loans_avg"),
        Line("group", _("Jasa pinjaman yang dibayar anggota"), [loan_interest],
             key="loan_interest"),
        Line("group", _("Jasa pinjaman pada tingkat pasar"), [loans_market], key="loans_market"),
        Line("group", _("Manfaat ekonomi pinjaman"), [loans_benefit], key="loans_benefit"),
        Line("heading", _("C. SHU YANG DIBAGIKAN KEPADA ANGGOTA"), [None]),
        Line("group", _("Jasa modal dan jasa usaha anggota"), [members_shu], key="member_shu"),
        Line("total", _("JUMLAH PROMOSI EKONOMI ANGGOTA"),
             [savings_benefit + loans_benefit + members_shu], key="total",
             formula={"savings_benefit": 1, "loans_benefit": 1, "member_shu": 1}),
    ]
    notes = [
        _("Tingkat pembanding pasar: simpanan %(s)s, pinjaman %(l)s per tahun (dapat diubah; "
          "belum ada sumber resmi - %(c)s).") % {
            "s": f"{Decimal(spec['market_savings_rate']) * 100:.2f}%",
            "l": f"{Decimal(spec['market_loan_rate']) * 100:.2f}%",
            "c": spec["reference_confidence"]},
    ]
    return Statement("member-promotion", _("Laporan Promosi Ekonomi Anggota"), cooperative,
                     start, end, [_period_label(start, end)], lines, notes=notes,
                     layout_version=rules["version"])


TITLES = {
    "balance-sheet": gettext_lazy("Laporan Posisi Keuangan (Neraca)"),
    "surplus-statement": gettext_lazy("Laporan Perhitungan Hasil Usaha"),
    "equity-changes": gettext_lazy("Laporan Perubahan Ekuitas"),
    "cash-flow": gettext_lazy("Laporan Arus Kas"),
    "general-ledger": gettext_lazy("Buku Besar"),
    "trial-balance": gettext_lazy("Neraca Saldo"),
    "member-promotion": gettext_lazy("Laporan Promosi Ekonomi Anggota"),
}
Builder = Callable[..., Statement]
REPORTS: dict[str, Builder] = {
    "balance-sheet": balance_sheet,
    "surplus-statement": surplus_statement,
    "equity-changes": equity_changes,
    "cash-flow": cash_flow,
    "general-ledger": general_ledger,
    "trial-balance": trial_balance,
    "member-promotion": member_promotion,
}


def build(name: str, *, cooperative: Cooperative, start: dt.date, end: dt.date,
          **options: Any) -> Statement:
    return REPORTS[name](cooperative=cooperative, start=start, end=end, **options)
