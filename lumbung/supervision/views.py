"""Screens of the Dinas console, under /dinas/<office code>/.

Thin: office access (another office is a 404, a wrong role a 403), one service or selector,
render. Reads of one cooperative's detail are audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.core.errors import LumbungError
from lumbung.supervision import (
    calculations,
    consolidation,
    exports,
    fields,
    figures,
    health,
    registry,
    rollout,
    selectors,
    warnings,
)
from lumbung.supervision.access import ANALYST_ROLES, ROLLOUT_ROLES, OfficeAccess
from lumbung.supervision.models import STAGE_ORDER, RegistryEntry, Stage
from lumbung.supervision.rules import default_ruleset_name, ruleset, rulesets
from lumbung.supervision.screens import (
    audit_detail_read,
    office_screen,
    registry_entry,
    render_console,
)
from lumbung.tenancy.models import Cooperative, OfficeRole, OfficeStaff
from lumbung.web.screens import PDF, XLSX, file_response, refusal

REGISTRY_PAGE_SIZE = 50


# ---------------------------------------------------------------- registry


@office_screen()
def registry_list(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    entries = selectors.registry_filtered(access.office, request.GET)
    page = Paginator(entries, REGISTRY_PAGE_SIZE).get_page(request.GET.get("halaman"))
    kecamatan = (RegistryEntry.objects.filter(office=access.office).exclude(kecamatan="")
                 .order_by("kecamatan").values_list("kecamatan", flat=True).distinct())
    query = request.GET.copy()
    query.pop("halaman", None)
    return render_console(request, access, "supervision/registry_list.html", {
        "page": page, "kinds": Cooperative.Kind.choices, "stages": Stage.choices,
        "kecamatan_choices": list(kecamatan), "filters": request.GET,
        "query": query.urlencode(), "today": dt.date.today(),
        "can_edit": access.has_any(ANALYST_ROLES),
    })


@office_screen()
def registry_export(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    return _export(exports.registry_xlsx(access.office, request.GET))


@office_screen()
def entry_detail(request: HttpRequest, access: OfficeAccess, code: str) -> HttpResponse:
    entry = registry_entry(access, code)
    audit_detail_read(request, access, entry, "registry_entry")
    return render_console(request, access, "supervision/entry_detail.html", {
        "entry": entry,
        "nik": selectors.nik_status(entry, dt.date.today()),
        "changes": entry.changes.select_related("actor")[:50],
        "columns": registry.COLUMNS,
        **selectors.entry_overview(entry),
        "can_edit": access.has_any(ANALYST_ROLES),
        "can_rollout": access.has_any(ROLLOUT_ROLES),
        "stage_choices": [(s.value, s.label) for s in STAGE_ORDER],
        "facilitators": OfficeStaff.objects.filter(
            office=access.office, role=OfficeRole.FACILITATOR, active=True).select_related("user"),
    })


def _form_values(entry: RegistryEntry | None) -> dict[str, Any]:
    if entry is None:
        return {}
    return {column.name: getattr(entry, column.name) for column in registry.COLUMNS}


def _entry_form(request: HttpRequest, access: OfficeAccess, entry: RegistryEntry | None
                ) -> HttpResponse:
    values: dict[str, Any] = _form_values(entry)
    error = None
    if request.method == "POST":
        values = {column.name: request.POST.get(column.name, "")
                  for column in registry.COLUMNS}
        try:
            saved = registry.registry_entry_save(office=access.office, entry=entry, raw=values,
                                                 acting_user=request.user)
        except LumbungError as exc:
            error = exc
        else:
            messages.success(request, _("Data %(name)s disimpan.") % {"name": saved.name})
            return redirect("dinas_entry", office=access.office.code, code=saved.code)
    return render_console(request, access, "supervision/entry_form.html", {
        "entry": entry, "values": values, "error": error, "columns": registry.COLUMNS,
        "choices": _form_choices(),
    }, status=400 if error else 200)


def _form_choices() -> dict[str, list[tuple[str, Any]]]:
    from lumbung.supervision.models import ReportingStatus, Team

    return {
        "kind": [(k.value, k.value) for k in Cooperative.Kind],
        "status": list(Cooperative.Status.choices),
        "team": [("", "–"), *Team.choices],
        "reporting_status": list(ReportingStatus.choices),
    }


@office_screen(write=ANALYST_ROLES)
def entry_new(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    return _entry_form(request, access, None)


@office_screen(write=ANALYST_ROLES)
def entry_edit(request: HttpRequest, access: OfficeAccess, code: str) -> HttpResponse:
    return _entry_form(request, access, registry_entry(access, code))


@office_screen(write=ANALYST_ROLES)
def registry_import(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    report, error = None, None
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        try:
            if upload is None:
                raise LumbungError("SUPERVISION_FIELD_REQUIRED", field=_("Berkas XLSX"))
            report = registry.registry_import(office=access.office, content=upload.read(),
                                              acting_user=request.user)
        except LumbungError as exc:
            error = exc
        else:
            request.session["dinas_import_errors"] = [
                [e.row, e.code, e.message] for e in report.errors]
    return render_console(request, access, "supervision/registry_import.html", {
        "report": report, "error": error,
    }, status=400 if error else 200)


@office_screen(write=ANALYST_ROLES)
def registry_import_errors(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    """The rows the last import refused, as XLSX."""
    stored = request.session.get("dinas_import_errors", [])
    report = registry.ImportReport(errors=[registry.RowError(*row) for row in stored])
    return file_response(registry.import_errors_workbook(report),
                         filename="baris-ditolak.xlsx", content_type=XLSX)


@require_POST
@office_screen(write=ANALYST_ROLES)
def registry_sync(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    """Add the office's on-platform cooperatives that are not in the registry yet."""
    for cooperative in Cooperative.objects.filter(office=access.office,
                                                  registry_entry__isnull=True):
        registry.registry_entry_for_cooperative(cooperative=cooperative,
                                                acting_user=request.user)
    return redirect("dinas_registry", office=access.office.code)


# ---------------------------------------------------------------- consolidation


def _period_param(request: HttpRequest) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get("periode", ""))
    except ValueError:
        return None


@office_screen()
def dashboard(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    data = selectors.consolidation(access.office, _period_param(request))
    return render_console(request, access, "supervision/dashboard.html", {
        "data": data, "charts": consolidation.charts(data),
        "group_titles": consolidation.group_titles(),
    })


@office_screen()
def group_detail(request: HttpRequest, access: OfficeAccess, dimension: str, value: str
                 ) -> HttpResponse:
    if dimension not in selectors.DIMENSIONS:
        raise Http404
    data = selectors.consolidation(access.office, _period_param(request))
    if data.period is None:
        raise Http404
    rows = selectors.group_members(access.office, data.period, dimension,
                                   "" if value == "-" else value)
    return render_console(request, access, "supervision/group_detail.html", {
        "rows": rows, "dimension_title": consolidation.group_titles()[dimension],
        "value": value, "period": data.period,
    })


@office_screen()
def consolidation_xlsx(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    return _export(exports.consolidation_xlsx(access.office, _period_param(request)))


@office_screen()
def ods_xlsx(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    return _export(exports.ods_xlsx(access.office, _period_param(request)))


@office_screen()
def briefing_pdf(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    return _export(exports.briefing_pdf(access.office, _period_param(request)))


def _export(document: exports.Document) -> HttpResponse:
    return file_response(document.content, filename=document.filename,
                         content_type=document.content_type,
                         inline=document.content_type == PDF)


# ---------------------------------------------------------------- reports from cooperatives


@office_screen()
def reports_page(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    error, saved = None, None
    if request.method == "POST":
        try:
            access.require(ANALYST_ROLES)
            upload = request.FILES.get("berkas")
            if upload is None:
                raise LumbungError("SUPERVISION_FIELD_REQUIRED", field=_("Berkas XLSX"))
            saved = figures.figures_upload(office=access.office, content=upload.read(),
                                           acting_user=request.user)
        except LumbungError as exc:
            if exc.code == "PERMISSION_DENIED":
                return refusal(request, exc)
            error = exc
    return render_console(request, access, "supervision/reports.html", {
        "error": error, "problems": getattr(error, "problems", []), "saved": saved,
        "coverage": selectors.reporting_coverage(access.office),
        "can_edit": access.has_any(ANALYST_ROLES),
    }, status=400 if error else 200)


@office_screen()
def upload_template(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    entry = None
    if request.GET.get("kode"):
        entry = registry_entry(access, request.GET["kode"])
    content = figures.upload_template(entry, _period_param(request))
    name = f"templat-laporan-{entry.code if entry else access.office.code}.xlsx"
    return file_response(content, filename=name, content_type=XLSX)


# ---------------------------------------------------------------- health ratings


@office_screen()
def ratings_list(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    known = selectors.periods(access.office)
    period = _period_param(request)
    if period not in known:
        period = known[-1] if known else None
    rows = health.office_ratings(access.office, period) if period else []
    return render_console(request, access, "supervision/ratings.html", {
        "rows": rows, "period": period, "periods": known,
        "can_edit": access.has_any(ANALYST_ROLES),
    })


@office_screen(write=ANALYST_ROLES)
def rating_new(request: HttpRequest, access: OfficeAccess, code: str) -> HttpResponse:
    entry = registry_entry(access, code)
    names = [name for name, data in rulesets().items() if entry.kind in data["kinds"]]
    chosen = request.POST.get("ruleset") or request.GET.get("aturan") or \
        default_ruleset_name(entry.kind)
    periods = list(entry.figures.order_by("-period").values_list("period", flat=True))
    error = None
    if request.method == "POST":
        rules = ruleset(chosen) if chosen in rulesets() else None
        checklist = {item["code"]: item["code"] in request.POST.getlist("checklist")
                     for indicator in health.checklist_items(rules or {"aspects": []})
                     for item in indicator["items"]}
        try:
            period = dt.date.fromisoformat(request.POST.get("period", ""))
        except ValueError:
            error = LumbungError("SUPERVISION_FIELD_REQUIRED", field=_("Periode"))
        else:
            try:
                saved = health.rating_save(entry=entry, period=period, ruleset_name=chosen,
                                           checklist=checklist, acting_user=request.user)
            except LumbungError as exc:
                error = exc
            else:
                return redirect("dinas_rating", office=access.office.code, pk=saved.pk)
    rules = ruleset(chosen) if chosen in rulesets() else ruleset(default_ruleset_name(entry.kind))
    return render_console(request, access, "supervision/rating_form.html", {
        "entry": entry, "names": names, "chosen": rules["name"], "rules": rules,
        "checklists": health.checklist_items(rules), "periods": periods, "error": error,
    }, status=400 if error else 200)


def _rating(access: OfficeAccess, pk: int) -> Any:
    from lumbung.supervision.models import HealthRating

    rating = HealthRating.objects.select_related("entry", "rated_by").filter(
        office=access.office, pk=pk).first()
    if rating is None:
        raise Http404
    return rating


@office_screen()
def rating_detail(request: HttpRequest, access: OfficeAccess, pk: int) -> HttpResponse:
    rating = _rating(access, pk)
    audit_detail_read(request, access, rating.entry, "rating")
    return render_console(request, access, "supervision/rating_detail.html", {
        "rating": rating, "result": rating.result, "entry": rating.entry,
        "ratio_labels": calculations.RATIO_LABELS,
    })


@office_screen()
def rating_pdf(request: HttpRequest, access: OfficeAccess, pk: int) -> HttpResponse:
    rating = _rating(access, pk)
    audit_detail_read(request, access, rating.entry, "rating_pdf")
    return _export(exports.rating_pdf(rating))


# ---------------------------------------------------------------- early warnings


@office_screen()
def alerts_list(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    from lumbung.supervision.models import Alert

    status = request.GET.get("status", "aktif")
    alerts = Alert.objects.filter(office=access.office).select_related(
        "entry", "acknowledged_by", "resolved_by")
    if status == "aktif":
        alerts = alerts.exclude(status=Alert.Status.RESOLVED)
    elif status in Alert.Status.values:
        alerts = alerts.filter(status=status)
    page = Paginator(alerts.order_by("-severity", "entry__name", "pk"), 50).get_page(
        request.GET.get("halaman"))
    return render_console(request, access, "supervision/alerts.html", {
        "page": page, "status": status, "statuses": Alert.Status.choices,
        "can_edit": access.has_any(ANALYST_ROLES),
    })


@require_POST
@office_screen(write=ANALYST_ROLES)
def alerts_refresh(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    new = warnings.alerts_refresh(office=access.office, today=dt.date.today(),
                                  acting_user=request.user)
    messages.success(request, _("%(count)s peringatan baru.") % {"count": new})
    return redirect("dinas_alerts", office=access.office.code)


@require_POST
@office_screen(write=ANALYST_ROLES)
def alert_update(request: HttpRequest, access: OfficeAccess, pk: int) -> HttpResponse:
    from lumbung.supervision.models import Alert

    alert = Alert.objects.select_related("entry", "office").filter(
        office=access.office, pk=pk).first()
    if alert is None:
        raise Http404
    action = "resolve" if request.POST.get("action") == "resolve" else "acknowledge"
    try:
        warnings.alert_update(alert=alert, action=action, note=request.POST.get("note", ""),
                              acting_user=request.user)
    except LumbungError as error:
        messages.error(request, f"{error.message} ({error.code})")
    return redirect("dinas_alerts", office=access.office.code)


# ---------------------------------------------------------------- rollout


@office_screen()
def rollout_page(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    from lumbung.supervision.charts import funnel_chart
    from lumbung.supervision.models import RolloutEvent

    data = rollout.progress(access.office)
    return render_console(request, access, "supervision/rollout.html", {
        "progress": data,
        "funnel": funnel_chart(_("Corong program digitalisasi"), data["funnel"]),
        "events": RolloutEvent.objects.filter(office=access.office)
        .prefetch_related("cooperatives").order_by("-date", "-pk")[:30],
        "can_edit": access.has_any(ROLLOUT_ROLES),
    })


@office_screen(write=ROLLOUT_ROLES)
def event_new(request: HttpRequest, access: OfficeAccess) -> HttpResponse:
    from lumbung.supervision.models import RolloutEvent, Team

    error, values = None, request.POST
    if request.method == "POST":
        try:
            date = fields.parse_date(values.get("date"), label=_("Tanggal"))
            count = fields.parse_count(values.get("attendee_count"), label=_("Jumlah peserta"))
            if date is None:
                raise LumbungError("SUPERVISION_FIELD_REQUIRED", field=_("Tanggal"))
            codes = [c.strip().lower() for c in values.get("cooperatives", "").replace(
                "\n", ",").split(",") if c.strip()]
            rollout.rollout_event_record(
                office=access.office, kind=values.get("kind", ""), date=date,
                kelurahan=values.get("kelurahan", ""), team=values.get("team", ""),
                title=values.get("title", ""), attendee_count=count or 0,
                notes=values.get("notes", ""), cooperative_codes=codes,
                acting_user=request.user)
        except LumbungError as exc:
            error = exc
        else:
            messages.success(request, _("Kegiatan dicatat."))
            return redirect("dinas_rollout", office=access.office.code)
    return render_console(request, access, "supervision/event_form.html", {
        "error": error, "values": values, "kinds": RolloutEvent.Kind.choices,
        "teams": Team.choices,
    }, status=400 if error else 200)


@require_POST
@office_screen(write=ROLLOUT_ROLES)
def stage_record(request: HttpRequest, access: OfficeAccess, code: str) -> HttpResponse:
    entry = registry_entry(access, code)
    try:
        date = fields.parse_date(request.POST.get("date"), label=_("Tanggal"))
        if date is None:
            raise LumbungError("SUPERVISION_FIELD_REQUIRED", field=_("Tanggal"))
        rollout.rollout_step_record(entry=entry, stage=request.POST.get("stage", ""), date=date,
                                    note=request.POST.get("note", ""), acting_user=request.user)
    except LumbungError as error:
        messages.error(request, f"{error.message} ({error.code})")
    return redirect("dinas_entry", office=access.office.code, code=entry.code)


@require_POST
@office_screen(write=ANALYST_ROLES)
def facilitator_set(request: HttpRequest, access: OfficeAccess, code: str) -> HttpResponse:
    from lumbung.tenancy.models import User

    entry = registry_entry(access, code)
    user = User.objects.filter(username=request.POST.get("facilitator", "")).first()
    try:
        rollout.facilitator_assign(entry=entry, facilitator=user, acting_user=request.user)
    except LumbungError as error:
        messages.error(request, f"{error.message} ({error.code})")
    return redirect("dinas_entry", office=access.office.code, code=entry.code)
