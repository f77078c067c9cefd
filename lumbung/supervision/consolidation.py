"""The consolidated view as documents: charts for the screen and the PDF, the XLSX export, the
ODS-style aggregate (what the ministry's Online Data System asks the Dinas for)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from lumbung.core.money import format_rupiah
from lumbung.core.spreadsheet import RUPIAH_FORMAT, rupiah_cell, safe_cell, xlsx_bytes
from lumbung.supervision.charts import Bar, bar_chart, line_chart
from lumbung.supervision.models import PeriodFigures
from lumbung.supervision.registry import first_sheet
from lumbung.supervision.selectors import Consolidation

# Indonesian in the XLSX (the documents' language); screens and PDFs show gettext(title).
GROUP_TITLES = {"jenis": gettext_noop("Jenis koperasi"), "kecamatan": gettext_noop("Kecamatan"),
                "wilayah": gettext_noop("Wilayah")}


def group_titles() -> dict[str, str]:
    """GROUP_TITLES in the active language."""
    return {name: gettext(title) for name, title in GROUP_TITLES.items()}
MILLION_SEN = 1_000_000 * 100


def short_rupiah(sen: int | None) -> str:
    """Rp12,3 M / Rp450 jt: short enough for a chart label."""
    amount = Decimal(sen or 0)
    if abs(amount) >= 1000 * MILLION_SEN:
        return "Rp" + f"{amount / (1000 * MILLION_SEN):,.1f}".replace(",", " ").replace(
            ".", ",").replace(" ", ".") + " M"
    return "Rp" + f"{amount / MILLION_SEN:,.0f}".replace(",", ".") + " jt"


def charts(data: Consolidation) -> dict[str, SafeString]:
    """Distribution of assets per group, and the trend of the main totals (active language)."""
    result = {}
    for name, rows in data.groups.items():
        result[name] = bar_chart(
            gettext("Aset per %(group)s") % {"group": gettext(GROUP_TITLES[name]).lower()},
            [Bar(str(row["group"] or "–"), int(row["total_assets"] or 0),
                 short_rupiah(row["total_assets"])) for row in rows[:12]])
    labels = [row["period"].strftime("%m/%Y") for row in data.trend]
    result["trend"] = line_chart(
        gettext("Tren aset, simpanan anggota dan pinjaman (Rp juta)"), labels,
        {gettext("Aset"): [(row["total_assets"] or 0) // MILLION_SEN for row in data.trend],
         gettext("Simpanan"): [(row["member_savings"] or 0) // MILLION_SEN
                               for row in data.trend],
         pgettext("dinas", "Pinjaman"): [(row["loans_outstanding"] or 0) // MILLION_SEN
                               for row in data.trend]})
    counts = [row["reporting"] for row in data.trend]
    if counts and min(counts) != max(counts):
        # Sums over fewer reporters dip: say so under the chart.
        result["trend_note"] = escape(gettext(
            "Jumlah koperasi yang melapor berbeda antar periode (%(low)s sampai %(high)s); "
            "total periode dengan pelapor lebih sedikit ikut lebih kecil.") % {
                "low": min(counts), "high": max(counts)})
    result["members"] = bar_chart(gettext("Anggota menurut jenis kelamin"), [
        Bar(gettext("Laki-laki"), int(data.totals["members_male"] or 0),
            f"{data.totals['members_male'] or 0:,}".replace(",", ".")),
        Bar(gettext("Perempuan"), int(data.totals["members_female"] or 0),
            f"{data.totals['members_female'] or 0:,}".replace(",", ".")),
    ])
    return result


TOTAL_COLUMNS = [
    ("Koperasi melapor", "reporting", "count"),
    ("Aset", "total_assets", "sen"),
    ("Simpanan anggota", "member_savings", "sen"),
    ("Pinjaman diberikan", "loans_outstanding", "sen"),
    ("NPL (%)", "npl", "percent"),
    ("Likuiditas: kas dan bank / kewajiban lancar (%)", "liquidity", "percent"),
    ("Ekuitas", "equity", "sen"),
    ("SHU tahun berjalan", "shu", "sen"),
    ("Anggota laki-laki", "members_male", "count"),
    ("Anggota perempuan", "members_female", "count"),
]


def _cell(value: Any, unit: str) -> Any:
    if value is None:
        return None
    if unit == "sen":
        return rupiah_cell(value)
    return value  # a percent stays a Decimal; openpyxl writes it as a number


def _append(sheet: Any, values: list[Any], units: list[str]) -> None:
    sheet.append(values)
    for index, unit in enumerate(units, start=1):
        if unit == "sen":
            sheet.cell(row=sheet.max_row, column=index).number_format = RUPIAH_FORMAT


def consolidation_workbook(data: Consolidation, office_name: str,
                           cooperatives: list[PeriodFigures]) -> bytes:
    """Totals, each grouping, the trend, and one row per cooperative for the period."""
    workbook = Workbook()
    sheet = first_sheet(workbook, "Ringkasan")
    period = data.period.strftime("%m/%Y") if data.period else "-"
    sheet.append([f"Konsolidasi {office_name}, periode {period}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append([f"Koperasi terdaftar: {data.registered}"])
    units = [unit for _, _, unit in TOTAL_COLUMNS]
    sheet.append(["Kelompok", *[title for title, _, _ in TOTAL_COLUMNS]])
    _append(sheet, ["Seluruh koperasi", *[_cell(data.totals.get(k), u)
                                         for _, k, u in TOTAL_COLUMNS]], ["", *units])
    for name, rows in data.groups.items():
        grouped = workbook.create_sheet(GROUP_TITLES[name])
        grouped.append([GROUP_TITLES[name], *[title for title, _, _ in TOTAL_COLUMNS]])
        for row in rows:
            _append(grouped, [safe_cell(row["group"] or "–"),
                              *[_cell(row.get(k), u) for _, k, u in TOTAL_COLUMNS]],
                    ["", *units])
    trend = workbook.create_sheet("Tren")
    trend.append(["Periode", *[title for title, _, _ in TOTAL_COLUMNS]])
    for row in data.trend:
        _append(trend, [row["period"], *[_cell(row.get(k), u) for _, k, u in TOTAL_COLUMNS]],
                ["", *units])
    detail = workbook.create_sheet("Per koperasi")
    detail.append(["Kode", "Nama", "Jenis", "Kecamatan", "Sumber", "Aset", "Simpanan anggota",
                   "Pinjaman", "Ekuitas", "SHU"])
    for figures in cooperatives:
        entry = figures.entry
        _append(detail, [entry.code, safe_cell(entry.name), entry.kind, safe_cell(entry.kecamatan),
                         figures.get_source_display(),
                         *[_cell(getattr(figures, name), "sen") for name in (
                             "total_assets", "member_savings", "loans_outstanding", "equity",
                             "shu")]], ["", "", "", "", "", "sen", "sen", "sen", "sen", "sen"])
    return xlsx_bytes(workbook)


ODS_COLUMNS = [
    ("Kode", "code", ""), ("Nama koperasi", "name", ""), ("Jenis", "kind", ""),
    ("Kecamatan", "kecamatan", ""), ("Status", "status", ""),
    ("NIK koperasi", "nik_koperasi", ""), ("RAT terakhir", "rat_held_on", ""),
    ("Anggota laki-laki", "members_male", ""), ("Anggota perempuan", "members_female", ""),
    ("Manajer", "managers", ""), ("Karyawan", "employees", ""),
    ("Modal sendiri", "equity", "sen"), ("Modal luar", "total_liabilities", "sen"),
    ("Volume usaha", "business_volume", "sen"), ("SHU", "shu", "sen"),
]


def ods_workbook(rows: list[dict[str, Any]], period: dt.date | None, office_name: str) -> bytes:
    """The ODS-style aggregate: per cooperative, members by gender, managers, employees, own and
    outside capital, business volume and SHU, with the city's total on the last row."""
    workbook = Workbook()
    sheet = first_sheet(workbook, "ODS")
    label = period.strftime("%m/%Y") if period else "-"
    sheet.append([f"Data agregat koperasi (format ODS) {office_name}, periode {label}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append([title for title, _, _ in ODS_COLUMNS])
    units = [unit for _, _, unit in ODS_COLUMNS]
    totals: dict[str, int] = {}
    for row in rows:
        values = []
        for _, key, unit in ODS_COLUMNS:
            value = row.get(key)
            if isinstance(value, int) and key not in {"code"}:
                totals[key] = totals.get(key, 0) + value
            values.append(_cell(value, unit) if unit else safe_cell(value))
        _append(sheet, values, units)
    _append(sheet, ["JUMLAH", "", "", "", "", "", "",
                    *[_cell(totals.get(key), unit) for _, key, unit in ODS_COLUMNS[7:]]], units)
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    return xlsx_bytes(workbook)


def rupiah_text(sen: int | None) -> str:
    return format_rupiah(sen or 0, decimals=False)
