"""API v1: reports — statements as JSON, month close and re-open, year-end closing, SHU (plan,
simulation, approval, distribution, slips) and the RAT (date, package).

Amounts are integer sen. Reads are open to the cooperative's staff and, audited, to its Dinas;
writes need the role the service names (403 otherwise, nothing written). Another cooperative is
a 404. Repeating a write that may happen once (a year-end closing, a distribution) is refused
with its code, so a client retry never posts twice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.responses import Status

from lumbung.api.common import api_access
from lumbung.api.schemas import ErrorOut
from lumbung.core.errors import LumbungError
from lumbung.reports import closing, exports, rat, selectors, shu
from lumbung.reports.models import SHU_COMPONENTS, BalanceMethod, Payout, SavingsBasis, ShuPlan
from lumbung.reports.statements import REPORTS, TITLES, build
from lumbung.tenancy.access import BOOKKEEPING_ROLES
from lumbung.tenancy.models import CooperativeRole

router = Router(tags=["laporan"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
BOARD = frozenset({CooperativeRole.BOARD})


class ReportLineOut(Schema):
    kind: str
    key: str
    code: str
    label: str
    values: list[int | None]


class ReportCheckOut(Schema):
    label: str
    ok: bool
    detail: str


class ReportOut(Schema):
    report: str
    title: str
    cooperative: str
    start: dt.date
    end: dt.date
    currency: str
    unit: str
    layout: str
    columns: list[str]
    lines: list[ReportLineOut]
    checks: list[ReportCheckOut]
    ties_out: bool
    notes: list[str]


class ReportQuery(Schema):
    start: dt.date | None = None
    end: dt.date | None = None
    account: str | None = None


class CloseCheckOut(Schema):
    name: str
    label: str
    ok: bool
    problem: str | None


class PeriodOut(Schema):
    month: str
    start_date: dt.date
    end_date: dt.date
    closed: bool
    closed_at: dt.datetime | None
    reopen_count: int


class ReopenIn(Schema):
    reason: str


class YearEndOut(Schema):
    year: int
    surplus: int
    entry_number: int
    date: dt.date


class ShuPlanIn(Schema):
    reserve: Decimal
    capital_services: Decimal
    business_services: Decimal
    board: Decimal
    staff: Decimal
    education: Decimal
    social: Decimal
    regional: Decimal
    savings_basis: str = SavingsBasis.PRINCIPAL_MANDATORY
    balance_method: str = BalanceMethod.YEAR_END
    participation_purposes: list[str] = []
    payout: str = Payout.PAYABLE


class ShuMemberOut(Schema):
    member_id: int
    number: int | None
    name: str
    savings: int
    participation: int
    capital: int
    business: int
    total: int


class ShuOut(Schema):
    year: int
    percentages: dict[str, Decimal]
    savings_basis: str
    balance_method: str
    participation_purposes: list[str]
    payout: str
    approved: bool
    distributed: bool
    surplus: int
    pool: int
    components: dict[str, int]
    unallocated: dict[str, int]
    rounding_sen: int
    members_count: int
    members_total: int
    members: list[ShuMemberOut]


class RatIn(Schema):
    held_on: dt.date
    place: str = ""
    attendees: int = 0


class RatOut(Schema):
    year: int
    held_on: dt.date | None


def _month(value: str) -> dt.date:
    """`YYYY-MM` (or a full date) as the first day of its month; BAD_DATE otherwise."""
    try:
        return dt.date.fromisoformat(value + "-01" if len(value) == 7 else value).replace(day=1)
    except ValueError as exc:
        raise LumbungError("BAD_DATE", value=value[:20]) from exc


def _period_out(period: Any) -> dict[str, Any]:
    return {"month": period.label, "start_date": period.start_date,
            "end_date": period.end_date, "closed": period.is_closed,
            "closed_at": period.closed_at, "reopen_count": period.reopen_count}


@router.get("/cooperatives/{code}/reports", response=dict[str, str])
def report_list(request: HttpRequest, code: str) -> Any:
    """Laporan yang tersedia: nama (untuk URL) -> judul."""
    api_access(request, code)
    return {name: str(title) for name, title in TITLES.items()}


@router.get("/cooperatives/{code}/reports/{name}", response={200: ReportOut, **ERRORS})
def report_detail(request: HttpRequest, code: str, name: str,
                  query: Query[ReportQuery]) -> Any:
    """Satu laporan keuangan untuk periode `start`..`end` (bawaan: awal tahun s.d. tanggal
    usaha), dengan kolom pembanding dan pemeriksaan kecocokan. `account` untuk buku besar."""
    access = api_access(request, code, "reports")
    cooperative = access.cooperative
    if name not in REPORTS:
        raise LumbungError("REPORT_UNKNOWN", name=name[:40])
    end = query.end or cooperative.business_date
    start = query.start or end.replace(month=1, day=1)
    if start > end:
        raise LumbungError("REPORT_BAD_PERIOD", start=start, end=end)
    extra = {"account": query.account} if name == "general-ledger" and query.account else {}
    statement = build(name, cooperative=cooperative, start=start, end=end, **extra)
    data = statement.as_dict()
    data.update(start=statement.start, end=statement.end, ties_out=statement.ties_out)
    return data


@router.get("/cooperatives/{code}/periods/{month}/close-checks",
            response={200: list[CloseCheckOut], **ERRORS})
def close_checks(request: HttpRequest, code: str, month: str) -> Any:
    """Pemeriksaan tutup buku bulan `month` (TTTT-BB), masing-masing dengan masalahnya."""
    access = api_access(request, code, "period_close")
    results = closing.close_checks_run(cooperative=access.cooperative, month=_month(month))
    return [{"name": r.name, "label": r.label, "ok": r.ok, "problem": r.problem}
            for r in results]


@router.post("/cooperatives/{code}/periods/{month}/close", response={200: PeriodOut, **ERRORS})
def period_close(request: HttpRequest, code: str, month: str) -> Any:
    """Tutup buku satu bulan: semua pemeriksaan harus lolos (yang gagal disebut satu per satu),
    lalu bulan dikunci dan saldo akhir bulannya dicatat."""
    access = api_access(request, code)
    access.require(BOOKKEEPING_ROLES)
    period = closing.month_close(cooperative=access.cooperative, month=_month(month),
                                 acting_user=request.user)
    return _period_out(period)


@router.post("/cooperatives/{code}/periods/{month}/reopen", response={200: PeriodOut, **ERRORS})
def period_reopen(request: HttpRequest, code: str, month: str, payload: ReopenIn) -> Any:
    """Pengurus membuka kembali bulan terakhir yang ditutup (alasan wajib, tercatat di audit)."""
    access = api_access(request, code)
    access.require(BOARD)
    period = closing.month_reopen(cooperative=access.cooperative, month=_month(month),
                                  reason=payload.reason, acting_user=request.user)
    return _period_out(period)


@router.post("/cooperatives/{code}/years/{year}/closing", response={201: YearEndOut, **ERRORS})
def year_end_closing(request: HttpRequest, code: str, year: int) -> Any:
    """Jurnal penutup tahun buku: pendapatan dan beban ke SHU periode berjalan (sekali)."""
    access = api_access(request, code)
    access.require(BOOKKEEPING_ROLES)
    done = closing.year_end_close(cooperative=access.cooperative, year=year,
                                  acting_user=request.user)
    return Status(201, {"year": done.year, "surplus": done.surplus,
                        "entry_number": done.entry.number, "date": done.entry.date})


def _shu_out(plan: ShuPlan, result: shu.ShuResult, offset: int, limit: int) -> dict[str, Any]:
    return {
        "year": plan.year, "percentages": plan.percentages(),
        "savings_basis": plan.savings_basis, "balance_method": plan.balance_method,
        "participation_purposes": list(plan.participation_purposes), "payout": plan.payout,
        "approved": plan.approved_at is not None, "distributed": plan.distributed_at is not None,
        "surplus": result.surplus, "pool": result.pool, "components": result.components,
        "unallocated": result.unallocated, "rounding_sen": result.rounding_sen,
        "members_count": len(result.members), "members_total": result.members_total,
        "members": [
            {"member_id": m.member_id, "number": m.number, "name": m.name,
             "savings": m.savings_sen, "participation": m.participation, "capital": m.capital,
             "business": m.business, "total": m.total}
            for m in result.members[offset:offset + limit]
        ],
    }


def _plan(access: Any, year: int) -> ShuPlan:
    plan = shu.shu_plan(cooperative=access.cooperative, year=year)
    if plan is None:
        raise LumbungError("SHU_NO_PLAN", year=year)
    return plan


@router.get("/cooperatives/{code}/shu/{year}", response={200: ShuOut, **ERRORS})
def shu_detail(request: HttpRequest, code: str, year: int, offset: int = 0,
               limit: int = 100) -> Any:
    """Rencana pembagian SHU dan simulasinya: bagian per komponen dan per anggota
    (`offset`/`limit`, paling banyak 1000 anggota per halaman)."""
    access = api_access(request, code, "shu")
    plan = _plan(access, year)
    result = shu.shu_simulate(cooperative=access.cooperative, plan=plan)
    return _shu_out(plan, result, max(offset, 0), min(max(limit, 0), 1000))


@router.put("/cooperatives/{code}/shu/{year}/plan", response={200: ShuOut, **ERRORS})
def shu_plan_put(request: HttpRequest, code: str, year: int, payload: ShuPlanIn) -> Any:
    """Simpan pembagian SHU menurut AD/ART (jumlah harus 100%) dan dasar pembagiannya."""
    access = api_access(request, code)
    access.require(shu.SHU_ROLES)
    plan = shu.shu_plan_save(
        cooperative=access.cooperative, year=year,
        percentages={name: getattr(payload, name) for name in SHU_COMPONENTS},
        savings_basis=payload.savings_basis, balance_method=payload.balance_method,
        participation_purposes=payload.participation_purposes or None, payout=payload.payout,
        acting_user=request.user)
    return _shu_out(plan, shu.shu_simulate(cooperative=access.cooperative, plan=plan), 0, 100)


@router.post("/cooperatives/{code}/shu/{year}/approval", response={200: ShuOut, **ERRORS})
def shu_approve(request: HttpRequest, code: str, year: int) -> Any:
    """Pengurus menyetujui rencana SHU (bukan orang yang menyusunnya)."""
    access = api_access(request, code)
    access.require(BOARD)
    plan = shu.shu_plan_approve(plan=_plan(access, year), acting_user=request.user)
    return _shu_out(plan, shu.shu_simulate(cooperative=access.cooperative, plan=plan), 0, 100)


@router.post("/cooperatives/{code}/shu/{year}/distribution", response={200: ShuOut, **ERRORS})
def shu_distribution(request: HttpRequest, code: str, year: int) -> Any:
    """Bagikan SHU yang disetujui: sekali, sesudah jurnal penutup, semua atau tidak sama
    sekali."""
    access = api_access(request, code)
    access.require(BOOKKEEPING_ROLES)
    plan = shu.shu_distribute(cooperative=access.cooperative, year=year,
                              acting_user=request.user)
    return _shu_out(plan, shu.shu_simulate(cooperative=access.cooperative, plan=plan), 0, 100)


@router.get("/cooperatives/{code}/shu/{year}/members/{member_id}/slip",
            response={200: None, **ERRORS})
def shu_slip(request: HttpRequest, code: str, year: int, member_id: int) -> Any:
    """Slip SHU satu anggota (PDF)."""
    access = api_access(request, code, "shu")
    plan = _plan(access, year)
    result = shu.shu_simulate(cooperative=access.cooperative, plan=plan)
    if not any(m.member_id == member_id for m in result.members):
        raise Http404
    content = rat.shu_slip_pdf(access.cooperative, result, member_id)
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES["pdf"])
    response["Content-Disposition"] = f'inline; filename="slip-shu-{year}-{member_id}.pdf"'
    return response


@router.put("/cooperatives/{code}/rat/{year}", response={200: RatOut, **ERRORS})
def rat_put(request: HttpRequest, code: str, year: int, payload: RatIn) -> Any:
    """Catat (atau koreksi) tanggal RAT tahun buku `year`; dibaca Dinas."""
    access = api_access(request, code)
    access.require(shu.SHU_ROLES)
    meeting = rat.rat_record(cooperative=access.cooperative, year=year, held_on=payload.held_on,
                             place=payload.place, attendees=payload.attendees,
                             acting_user=request.user)
    return {"year": meeting.year, "held_on": meeting.held_on}


@router.get("/cooperatives/{code}/rat/{year}", response={200: RatOut, **ERRORS})
def rat_detail(request: HttpRequest, code: str, year: int) -> Any:
    """Tanggal RAT tahun buku `year` (kosong bila belum dicatat)."""
    access = api_access(request, code, "rat")
    return {"year": year, "held_on": selectors.rat_held_on(access.cooperative, year)}


@router.get("/cooperatives/{code}/rat/{year}/package", response={200: None, **ERRORS})
def rat_package(request: HttpRequest, code: str, year: int) -> Any:
    """Paket RAT (ZIP): laporan keuangan PDF + XLSX, pembagian SHU, daftar anggota, templat
    laporan pengurus dan pengawas."""
    access = api_access(request, code, "rat")
    content = rat.rat_package(cooperative=access.cooperative, year=year)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="paket-rat-{access.cooperative.code}-{year}.zip"')
    return response
