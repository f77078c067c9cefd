"""API v1 for the Dinas: registry, consolidated figures, health ratings, early warnings, rollout
progress and the console's exports, under /api/v1/dinas/{office}/.

Read-only (GET only). Only staff of the office get an answer; anyone else, and any cooperative
outside the office's registry, is a 404 that writes nothing. Every answered read is in the audit
log (`supervision.api.<what>`, with the cooperative when the read is about one). Amounts are
integer sen; ratios and scores are decimal strings ("9.00").
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal, cast

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from lumbung.audit.services import audit_record
from lumbung.supervision import calculations, exports, health, registry, rollout, selectors
from lumbung.supervision.access import OfficeAccess, office_access
from lumbung.supervision.models import Alert, HealthRating, PeriodFigures, RegistryEntry
from lumbung.web.screens import PDF, file_response

router = Router(tags=["dinas"])

PAGE_SIZE = 100


def _office(request: HttpRequest, office: str, what: str, *, entry: RegistryEntry | None = None,
            obj: Any = None, **data: Any) -> OfficeAccess:
    """The caller's access to `office` (Http404 when not on its staff), with the read audited."""
    access = office_access(request.user, office)
    _audit(request, access, what, entry=entry, obj=obj, **data)
    return access


def _audit(request: HttpRequest, access: OfficeAccess, what: str, *,
           entry: RegistryEntry | None = None, obj: Any = None, **data: Any) -> None:
    audit_record(action=f"supervision.api.{what}", acting_user=request.user, office=access.office,
                 cooperative=entry.cooperative if entry is not None else None,
                 obj=obj if obj is not None else entry,
                 data={"path": request.get_full_path()[:300],
                       **{k: v for k, v in data.items() if v not in (None, "")}})


def _entry(access: OfficeAccess, code: str) -> RegistryEntry:
    entry = (RegistryEntry.objects.select_related("cooperative", "facilitator")
             .filter(office=access.office, code=code).first())
    if entry is None:
        raise Http404
    return entry


def _access_then_entry(request: HttpRequest, office: str, code: str, what: str
                       ) -> tuple[OfficeAccess, RegistryEntry]:
    """Office access and the entry, audited only once both are found (a 404 writes nothing)."""
    access = office_access(request.user, office)
    entry = _entry(access, code)
    _audit(request, access, what, entry=entry)
    return access, entry


class OfficeOut(Schema):
    code: str
    name: str
    jurisdiction: str
    province: str
    roles: list[str]


@router.get("/dinas", response=list[OfficeOut])
def office_list(request: HttpRequest) -> Any:
    """Kantor Dinas tempat pengguna ini bertugas, dengan perannya (analis, pendamping)."""
    from lumbung.tenancy.models import OfficeStaff

    offices: dict[str, dict[str, Any]] = {}
    staffing = OfficeStaff.objects.filter(user=cast(Any, request.user), active=True)
    for staff in staffing.select_related("office").order_by("office__name"):
        row = offices.setdefault(staff.office.code, {
            "code": staff.office.code, "name": staff.office.name,
            "jurisdiction": staff.office.jurisdiction, "province": staff.office.province,
            "roles": []})
        row["roles"].append(staff.role)
    return list(offices.values())


# ---------------------------------------------------------------- registry


class RegistryFilters(Schema):
    q: str = ""
    kind: str = ""
    kecamatan: str = ""
    stage: str = ""
    team: str = ""
    page: int = 1


class RegistryEntryOut(Schema):
    code: str
    name: str
    kind: str
    status: str
    kecamatan: str
    kelurahan: str
    region_label: str
    team: str
    stage: str
    reporting_status: str
    on_platform: bool
    nik_koperasi: str
    nik_valid_until: dt.date | None
    members_male: int
    members_female: int
    rat_held_on: dt.date | None
    facilitator: str | None


class RegistryPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[RegistryEntryOut]


class NikStatusOut(Schema):
    state: Literal["missing", "unknown", "expired", "expiring", "valid"]
    text: str
    warning: str | None


class RolloutStepOut(Schema):
    stage: str
    date: dt.date
    note: str


class RegistryChangeOut(Schema):
    at: dt.datetime
    actor: str | None
    source: str
    changes: dict[str, list[str]]


class RegistryEntryDetailOut(RegistryEntryOut):
    legal_entity_number: str
    legal_entity_date: dt.date | None
    licence_number: str
    licence_date: dt.date | None
    street_address: str
    chair_name: str
    chair_phone: str
    secretary_name: str
    secretary_phone: str
    treasurer_name: str
    treasurer_phone: str
    supervisor_name: str
    managers: int
    employees: int
    nik_status: NikStatusOut
    latest_period: dt.date | None
    steps: list[RolloutStepOut]
    changes: list[RegistryChangeOut]


def _entry_out(entry: RegistryEntry) -> dict[str, Any]:
    out = {column.name: getattr(entry, column.name) for column in registry.COLUMNS}
    out.update(stage=entry.stage, on_platform=entry.cooperative_id is not None,
               facilitator=entry.facilitator.username if entry.facilitator else None)
    return out


@router.get("/dinas/{office}/registry", response=RegistryPageOut)
def registry_list(request: HttpRequest, office: str, filters: Query[RegistryFilters]) -> Any:
    """Register koperasi di wilayah Dinas (100 per halaman), dengan saringan seperti layar."""
    access = _office(request, office, "registry", q=filters.q)
    entries: QuerySet[RegistryEntry] = selectors.registry_filtered(access.office, filters.dict())
    count = entries.count()
    pages = max(1, -(-count // PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    rows = entries[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    return {"count": count, "page": page, "pages": pages,
            "results": [_entry_out(entry) for entry in rows]}


@router.get("/dinas/{office}/registry/{code}", response=RegistryEntryDetailOut)
def registry_detail(request: HttpRequest, office: str, code: str) -> Any:
    """Profil satu koperasi: identitas, NIK koperasi dan masa berlakunya, pengurus, tahap
    program, riwayat perubahan (50 terakhir). Tercatat di log audit."""
    _, entry = _access_then_entry(request, office, code, "registry_entry")
    latest = entry.figures.order_by("-period").values_list("period", flat=True).first()
    return {
        **_entry_out(entry),
        "nik_status": selectors.nik_status(entry, dt.date.today()),
        "latest_period": latest,
        "steps": list(entry.steps.order_by("date", "id").values("stage", "date", "note")),
        "changes": [{"at": change.at, "actor": change.actor.username if change.actor else None,
                     "source": change.source, "changes": change.changes}
                    for change in entry.changes.select_related("actor")[:50]],
    }


class FiguresOut(Schema):
    period: dt.date
    as_of: dt.date
    source: str
    figures: dict[str, int | None]
    ratios: dict[str, Decimal | None]


def _figures_out(row: PeriodFigures, previous: PeriodFigures | None) -> dict[str, Any]:
    figures = health.figures_dict(row) or {}
    return {"period": row.period, "as_of": row.as_of, "source": row.source,
            "figures": figures, "ratios": calculations.ratios(figures,
                                                              health.figures_dict(previous))}


@router.get("/dinas/{office}/registry/{code}/figures", response=list[FiguresOut])
def figures_list(request: HttpRequest, office: str, code: str, limit: int = 36) -> Any:
    """Angka laporan bulanan satu koperasi (terbaru dahulu) dengan rasionya (pertumbuhan atas
    angka setahun sebelumnya bila ada). Tercatat di log audit. Nama angka sama dengan kolom A
    templat laporan; jumlah uang dalam sen."""
    _, entry = _access_then_entry(request, office, code, "figures")
    rows = list(entry.figures.order_by("-period")[: max(1, min(limit, 120))])
    earlier = {health.month_end_year_before(row.period) for row in rows}
    previous = {row.period: row for row in entry.figures.filter(period__in=earlier)}
    return [_figures_out(row, previous.get(health.month_end_year_before(row.period)))
            for row in rows]


# ---------------------------------------------------------------- consolidation


class GroupOut(Schema):
    group: str | None = None
    period: dt.date | None = None
    reporting: int
    total_assets: int | None
    member_savings: int | None
    loans_outstanding: int | None
    equity: int | None
    shu: int | None
    cash_and_bank: int | None
    current_liabilities: int | None
    total_liabilities: int | None
    business_volume: int | None
    share_capital: int | None
    members_male: int | None
    members_female: int | None
    managers: int | None
    employees: int | None
    members: int
    npl: Decimal | None
    liquidity: Decimal | None


class ConsolidationOut(Schema):
    period: dt.date | None
    periods: list[dt.date]
    registered: int
    totals: GroupOut
    groups: dict[str, list[GroupOut]]
    trend: list[GroupOut]


@router.get("/dinas/{office}/consolidation", response=ConsolidationOut)
def consolidation(request: HttpRequest, office: str, period: dt.date | None = None) -> Any:
    """Konsolidasi sektor untuk satu periode (bawaan: terbaru): total, per jenis, kecamatan
    dan wilayah, serta tren semua periode. NPL hanya atas koperasi yang melaporkan
    kolektibilitas; likuiditas = kas dan bank / kewajiban lancar."""
    access = _office(request, office, "consolidation", period=period and period.isoformat())
    data = selectors.consolidation(access.office, period, full_trend=True)
    return {"period": data.period, "periods": data.periods, "registered": data.registered,
            "totals": data.totals, "groups": data.groups, "trend": data.trend}


class OdsRowOut(Schema):
    code: str
    name: str
    kind: str
    kecamatan: str
    status: str
    nik_koperasi: str
    rat_held_on: dt.date | None
    members_male: int | None
    members_female: int | None
    managers: int | None
    employees: int | None
    equity: int | None = None
    total_liabilities: int | None = None
    business_volume: int | None = None
    shu: int | None = None


class OdsOut(Schema):
    period: dt.date | None
    rows: list[OdsRowOut]


@router.get("/dinas/{office}/ods", response=OdsOut)
def ods(request: HttpRequest, office: str, period: dt.date | None = None) -> Any:
    """Agregat format ODS: per koperasi anggota L/P, manajer, karyawan, modal sendiri
    (ekuitas), modal luar (kewajiban), volume usaha dan SHU periode itu."""
    access = _office(request, office, "ods", period=period and period.isoformat())
    data = selectors.consolidation(access.office, period)
    return {"period": data.period, "rows": selectors.ods_rows(access.office, data.period)}


# ---------------------------------------------------------------- health ratings


class RatingRowOut(Schema):
    code: str
    name: str
    kind: str
    ruleset: str
    final_score: Decimal
    category: str
    complete: bool
    basis: Literal["examiner", "ratios"]
    rating_id: int | None
    unconfirmed: int


class RatingsOut(Schema):
    period: dt.date | None
    periods: list[dt.date]
    results: list[RatingRowOut]


@router.get("/dinas/{office}/ratings", response=RatingsOut)
def ratings(request: HttpRequest, office: str, period: dt.date | None = None) -> Any:
    """Semua koperasi yang melapor untuk periode itu, terburuk dahulu: penilaian pemeriksa bila
    ada (`basis` examiner), selain itu rasio keuangan saja (`basis` ratios)."""
    access = _office(request, office, "ratings", period=period and period.isoformat())
    known = selectors.periods(access.office)
    if period not in known:
        period = known[-1] if known else None
    results = []
    for row in health.office_ratings(access.office, period) if period else []:
        if row.saved is not None:
            result = row.saved.result
            results.append({"ruleset": row.saved.ruleset, "final_score": row.saved.final_score,
                            "category": row.saved.category, "basis": "examiner",
                            "complete": result.get("complete", False),
                            "rating_id": row.saved.pk,
                            "unconfirmed": len(result.get("unconfirmed", []))})
        else:
            assert row.rating is not None
            results.append({"ruleset": row.rating.ruleset,
                            "final_score": row.rating.final_score,
                            "category": row.rating.category, "basis": "ratios",
                            "complete": row.rating.complete, "rating_id": None,
                            "unconfirmed": len(row.rating.unconfirmed)})
        results[-1].update(code=row.entry.code, name=row.entry.name, kind=row.entry.kind)
    return {"period": period, "periods": known, "results": results}


class RatingOut(Schema):
    id: int
    code: str
    name: str
    period: dt.date
    ruleset: str
    ruleset_version: str
    final_score: Decimal
    category: str
    rated_by: str | None
    rated_at: dt.datetime
    checklist: dict[str, bool]
    result: dict[str, Any]


def _rating(access: OfficeAccess, pk: int) -> HealthRating:
    rating = (HealthRating.objects.select_related("entry", "entry__cooperative", "rated_by",
                                                  "office")
              .filter(office=access.office, pk=pk).first())
    if rating is None:
        raise Http404
    return rating


@router.get("/dinas/{office}/ratings/{rating_id}", response=RatingOut)
def rating_detail(request: HttpRequest, office: str, rating_id: int) -> Any:
    """Satu penilaian kesehatan tersimpan: setiap rasio, skor indikator dan aspek, sumber dan
    tingkat keyakinan aturan (`result.unconfirmed` = yang belum terkonfirmasi). Tercatat."""
    access = office_access(request.user, office)
    rating = _rating(access, rating_id)
    _audit(request, access, "rating", entry=rating.entry, obj=rating)
    return {"id": rating.pk, "code": rating.entry.code, "name": rating.entry.name,
            "period": rating.period, "ruleset": rating.ruleset,
            "ruleset_version": rating.ruleset_version, "final_score": rating.final_score,
            "category": rating.category,
            "rated_by": rating.rated_by.username if rating.rated_by else None,
            "rated_at": rating.rated_at, "checklist": rating.checklist, "result": rating.result}


@router.get("/dinas/{office}/ratings/{rating_id}/pdf", response={200: None})
def rating_pdf(request: HttpRequest, office: str, rating_id: int) -> HttpResponse:
    """Laporan penilaian (PDF), aturan yang belum terkonfirmasi ditandai. Tercatat."""
    access = office_access(request.user, office)
    rating = _rating(access, rating_id)
    _audit(request, access, "rating_pdf", entry=rating.entry, obj=rating)
    return _file(exports.rating_pdf(rating))


# ---------------------------------------------------------------- early warnings


class AlertOut(Schema):
    id: int
    code: str
    name: str
    rule: str
    subject: str
    severity: int
    reason: str
    status: str
    raised_at: dt.datetime
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    resolved_by: str | None
    resolved_at: dt.datetime | None
    notes: str


@router.get("/dinas/{office}/alerts", response=list[AlertOut])
def alerts(request: HttpRequest, office: str,
           status: Literal["aktif", "terbuka", "diketahui", "selesai", "semua"] = "aktif"
           ) -> Any:
    """Peringatan dini, terberat dahulu, dengan alasannya. `aktif` = belum selesai."""
    access = _office(request, office, "alerts", status=status)
    rows = Alert.objects.filter(office=access.office).select_related(
        "entry", "acknowledged_by", "resolved_by")
    if status == "aktif":
        rows = rows.exclude(status=Alert.Status.RESOLVED)
    elif status != "semua":
        rows = rows.filter(status=status)

    def user(u: Any) -> str | None:
        return u.username if u is not None else None

    return [{"id": a.pk, "code": a.entry.code, "name": a.entry.name, "rule": a.rule,
             "subject": a.subject, "severity": a.severity, "reason": a.reason,
             "status": a.status, "raised_at": a.raised_at,
             "acknowledged_by": user(a.acknowledged_by), "acknowledged_at": a.acknowledged_at,
             "resolved_by": user(a.resolved_by), "resolved_at": a.resolved_at,
             "notes": a.notes}
            for a in rows.order_by("-severity", "entry__name", "pk")[:500]]


# ---------------------------------------------------------------- rollout


class RolloutOut(Schema):
    total: int
    funnel: list[tuple[str, int]]
    by_kelurahan: list[dict[str, Any]]
    by_team: list[dict[str, Any]]
    events: list[dict[str, Any]]


@router.get("/dinas/{office}/rollout", response=RolloutOut)
def rollout_progress(request: HttpRequest, office: str) -> Any:
    """Kemajuan program digitalisasi: corong per tahap, per kelurahan dan per tim."""
    access = _office(request, office, "rollout")
    return rollout.progress(access.office)


# ---------------------------------------------------------------- exports

EXPORTS = ("registry.xlsx", "consolidation.xlsx", "ods.xlsx", "briefing.pdf")


def _file(document: exports.Document) -> HttpResponse:
    return file_response(document.content, filename=document.filename,
                         content_type=document.content_type,
                         inline=document.content_type == PDF)


@router.get("/dinas/{office}/exports/{name}", response={200: None})
def export(request: HttpRequest, office: str,
           name: Literal["registry.xlsx", "consolidation.xlsx", "ods.xlsx", "briefing.pdf"],
           period: dt.date | None = None) -> HttpResponse:
    """Berkas yang sama dengan tombol unduh di konsol: register, konsolidasi (XLSX), agregat
    ODS (XLSX), briefing (PDF). `period` bawaan: terbaru."""
    access = _office(request, office, "export", name=name,
                     period=period and period.isoformat())
    if name == "registry.xlsx":
        return _file(exports.registry_xlsx(access.office, {}))
    if name == "consolidation.xlsx":
        return _file(exports.consolidation_xlsx(access.office, period))
    if name == "ods.xlsx":
        return _file(exports.ods_xlsx(access.office, period))
    return _file(exports.briefing_pdf(access.office, period))
