"""Screens: Laporan (statements in every format), Tutup buku, SHU and RAT."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.reports import closing, exports, rat, selectors, shu
from lumbung.reports.models import SHU_COMPONENTS, BalanceMethod, Payout, SavingsBasis
from lumbung.reports.statements import REPORTS, build
from lumbung.tenancy.access import BOOKKEEPING_ROLES, CooperativeAccess
from lumbung.tenancy.models import CooperativeRole
from lumbung.web.screens import cooperative_screen, file_response, flash_error, render_screen

BOARD = frozenset({CooperativeRole.BOARD})
SHU_WRITERS = BOOKKEEPING_ROLES | BOARD
TITLES = {
    "balance-sheet": gettext_lazy("Neraca"),
    "surplus-statement": gettext_lazy("Perhitungan hasil usaha"),
    "equity-changes": gettext_lazy("Perubahan ekuitas"), "cash-flow": gettext_lazy("Arus kas"),
    "general-ledger": gettext_lazy("Buku besar"), "trial-balance": gettext_lazy("Neraca saldo"),
    "member-promotion": gettext_lazy("Promosi ekonomi anggota"),
}


def _date(value: str | None, default: dt.date) -> dt.date:
    if value and len(value) == 7:  # <input type="month">: YYYY-MM
        value += "-01"
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError as exc:
        raise LumbungError("BAD_DATE", value=value) from exc


def _back(name: str, access: CooperativeAccess, query: str = "") -> HttpResponse:
    return redirect(reverse(name, kwargs={"code": access.cooperative.code}) + query)


@cooperative_screen("reports")
def statement_view(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    """One statement for a period, on screen or as PDF, XLSX, CSV or JSON."""
    cooperative = access.cooperative
    name = request.GET.get("laporan", "balance-sheet")
    fmt = request.GET.get("format", "html")
    error = None
    statement = None
    try:
        if name not in REPORTS:
            raise LumbungError("REPORT_UNKNOWN", name=name[:40])
        end = _date(request.GET.get("sampai"), cooperative.business_date)
        start = _date(request.GET.get("dari"), end.replace(month=1, day=1))
        if start > end:
            raise LumbungError("REPORT_BAD_PERIOD", start=start, end=end)
        account = request.GET.get("akun") or None
        extra = {"account": account} if name == "general-ledger" else {}
        statement = build(name, cooperative=cooperative, start=start, end=end, **extra)
    except LumbungError as exc:
        error = exc
    if statement is not None and fmt in exports.CONTENT_TYPES:
        extension = "txt" if fmt == "text" else fmt
        return file_response(exports.render(statement, fmt),
                             filename=f"{name}-{cooperative.code}-{statement.end}.{extension}",
                             content_type=exports.CONTENT_TYPES[fmt], inline=fmt == "pdf")
    return render_screen(request, access, "reports/statement.html", {
        "statement": statement, "error": error, "reports": TITLES, "current": name,
        "query": request.GET.urlencode(),
    }, status=400 if error else 200)


@cooperative_screen("period_close")
def close_view(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    last_month = cooperative.business_date.replace(day=1) - dt.timedelta(days=1)
    try:
        month = _date(request.GET.get("bulan"), last_month).replace(day=1)
    except LumbungError:
        month = last_month.replace(day=1)
    return render_screen(request, access, "reports/close.html", {
        "month": month,
        "checks": closing.close_checks_run(cooperative=cooperative, month=month),
        "periods": selectors.closed_periods(cooperative=cooperative),
        "closings": selectors.year_end_closings(cooperative=cooperative),
        "can_close": access.has_any(BOOKKEEPING_ROLES),
        "is_board": access.has_any(BOARD),
        "last_year": cooperative.business_date.year - 1,
    })


@require_POST
@cooperative_screen(write=BOOKKEEPING_ROLES | BOARD)
def close_action(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    action = request.POST.get("aksi", "")
    try:
        month = _date(request.POST.get("bulan"), cooperative.business_date).replace(day=1)
        if action == "tutup":
            closing.month_close(cooperative=cooperative, month=month, acting_user=request.user)
            messages.success(request, _("Periode {month} ditutup.").format(month=f"{month:%Y-%m}"))
        elif action == "buka":
            closing.month_reopen(cooperative=cooperative, month=month,
                                 reason=request.POST.get("alasan", ""), acting_user=request.user)
            messages.success(request, _("Periode {month} dibuka kembali.").format(
                month=f"{month:%Y-%m}"))
        elif action == "tutup-tahun":
            year = int(request.POST.get("tahun", "0"))
            closing.year_end_close(cooperative=cooperative, year=year, acting_user=request.user)
            messages.success(request, _("Jurnal penutup tahun {year} diposting.").format(year=year))
    except (LumbungError, ValueError) as exc:
        flash_error(request, exc if isinstance(exc, LumbungError)
                    else LumbungError("BAD_INPUT", detail=str(exc)))
    return _back("period_close", access, f"?bulan={request.POST.get('bulan', '')}")


def _year(request: HttpRequest, access: CooperativeAccess) -> int:
    try:
        return int(request.GET.get("tahun") or request.POST.get("tahun")
                   or access.cooperative.business_date.year - 1)
    except ValueError:
        return access.cooperative.business_date.year - 1


@cooperative_screen("shu")
def shu_view(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    year = _year(request, access)
    plan = shu.shu_plan(cooperative=cooperative, year=year)
    result = shu.shu_simulate(cooperative=cooperative, plan=plan) if plan else None
    fmt = request.GET.get("format")
    if result is not None and fmt == "xlsx":
        return file_response(rat.shu_list_xlsx(cooperative, result),
                             filename=f"shu-{cooperative.code}-{year}.xlsx",
                             content_type=exports.CONTENT_TYPES["xlsx"])
    if result is not None and fmt == "slip":
        try:
            member = int(request.GET.get("anggota", "0"))
            return file_response(rat.shu_slip_pdf(cooperative, result, member),
                                 filename=f"slip-shu-{year}-{member}.pdf",
                                 content_type=exports.CONTENT_TYPES["pdf"], inline=True)
        except (LumbungError, ValueError):
            pass
    percentages = plan.percentages() if plan else shu.DEFAULT_SPLIT
    return render_screen(request, access, "reports/shu.html", {
        "year": year, "plan": plan, "result": result,
        "fields": [(name, rat.COMPONENT_LABELS[name], percentages[name],
                    result.components[name] if result else None) for name in SHU_COMPONENTS],
        "savings_bases": SavingsBasis.choices, "balance_methods": BalanceMethod.choices,
        "payouts": Payout.choices, "can_edit": access.has_any(SHU_WRITERS),
        "is_board": access.has_any(BOARD), "can_book": access.has_any(BOOKKEEPING_ROLES),
        "members": result.members[:200] if result else [],
    })


@require_POST
@cooperative_screen(write=SHU_WRITERS)
def shu_action(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    year = _year(request, access)
    action = request.POST.get("aksi", "")
    try:
        if action == "simpan":
            try:
                percentages = {name: Decimal(request.POST.get(name, "0").replace(",", "."))
                               for name in SHU_COMPONENTS}
            except InvalidOperation as exc:
                raise LumbungError("SHU_SPLIT_NOT_100", total="?") from exc
            shu.shu_plan_save(
                cooperative=cooperative, year=year, percentages=percentages,
                savings_basis=request.POST.get("dasar_simpanan", SavingsBasis.PRINCIPAL_MANDATORY),
                balance_method=request.POST.get("metode_saldo", BalanceMethod.YEAR_END),
                payout=request.POST.get("pembayaran", Payout.PAYABLE), acting_user=request.user)
            messages.success(request, _("Rencana pembagian SHU disimpan."))
        elif action == "setujui":
            plan = shu.shu_plan(cooperative=cooperative, year=year)
            if plan is None:
                raise LumbungError("SHU_NO_PLAN", year=year)
            shu.shu_plan_approve(plan=plan, acting_user=request.user)
            messages.success(request, _("Rencana pembagian SHU disetujui."))
        elif action == "bagikan":
            shu.shu_distribute(cooperative=cooperative, year=year, acting_user=request.user)
            messages.success(request, _("SHU tahun {year} dibagikan.").format(year=year))
    except LumbungError as exc:
        flash_error(request, exc)
    return _back("shu", access, f"?tahun={year}")


@cooperative_screen("rat")
def rat_view(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    cooperative = access.cooperative
    year = _year(request, access)
    if request.GET.get("format") == "zip":
        try:
            content = rat.rat_package(cooperative=cooperative, year=year)
        except LumbungError as exc:
            flash_error(request, exc)
        else:
            return file_response(content, filename=f"paket-rat-{cooperative.code}-{year}.zip",
                                 content_type="application/zip")
    return render_screen(request, access, "reports/rat.html", {
        "year": year, "held_on": selectors.rat_held_on(cooperative, year),
        "can_edit": access.has_any(SHU_WRITERS),
    })


@require_POST
@cooperative_screen(write=SHU_WRITERS)
def rat_action(request: HttpRequest, access: CooperativeAccess) -> HttpResponse:
    year = _year(request, access)
    try:
        held_on = _date(request.POST.get("tanggal"), access.cooperative.business_date)
        rat.rat_record(cooperative=access.cooperative, year=year, held_on=held_on,
                       place=request.POST.get("tempat", ""), acting_user=request.user)
        messages.success(request, _("Tanggal RAT dicatat."))
    except LumbungError as exc:
        flash_error(request, exc)
    return _back("rat", access, f"?tahun={year}")
