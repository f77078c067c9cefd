"""The registry: one row per cooperative in the jurisdiction, edited by form or by XLSX import.

Every change is kept as a RegistryChange (who, when, form or import, old and new values) and an
audit row. An import saves the good rows and names each bad row with its reason.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from lumbung.audit.services import audit_record
from lumbung.core.errors import LumbungError
from lumbung.core.spreadsheet import safe_cell, xlsx_bytes
from lumbung.supervision import fields
from lumbung.supervision.models import RegistryChange, RegistryEntry, ReportingStatus, Team
from lumbung.supervision.rules import registry_rules
from lumbung.tenancy.models import Cooperative, SupervisorOffice

Parser = Callable[[Any, str], Any]


@dataclass(frozen=True)
class Column:
    """One registry field: its header in the spreadsheet and how its value is read."""

    name: str
    header: str
    parse: Parser
    required: bool = False


def _text(max_length: int) -> Parser:
    return lambda value, label: fields.parse_text(value, label=label, max_length=max_length)


def _choice(choices: Any) -> Parser:
    return lambda value, label: fields.parse_choice(value, label=label, choices=choices)


def _date(value: Any, label: str) -> dt.date | None:
    return fields.parse_date(value, label=label)


def _count(value: Any, label: str) -> int:
    return fields.parse_count(value, label=label) or 0


def _phone(value: Any, label: str) -> str:
    return fields.parse_phone(value, label=label)


COLUMNS = [
    Column("code", "Kode", _text(40), required=True),
    Column("name", "Nama koperasi", _text(200), required=True),
    Column("kind", "Jenis", _choice([(k.value, k.value) for k in Cooperative.Kind]),
           required=True),
    Column("status", "Status", _choice(Cooperative.Status.choices)),
    Column("legal_entity_number", "Nomor badan hukum", _text(120)),
    Column("legal_entity_date", "Tanggal badan hukum", _date),
    Column("nik_koperasi", "NIK koperasi", _text(40)),
    Column("nik_valid_until", "NIK berlaku s.d.", _date),
    Column("licence_number", "Nomor izin USP", _text(120)),
    Column("licence_date", "Tanggal izin", _date),
    Column("street_address", "Alamat", _text(300)),
    Column("kelurahan", "Kelurahan", _text(120)),
    Column("kecamatan", "Kecamatan", _text(120)),
    Column("region_label", "Wilayah", _text(60)),
    Column("team", "Tim", _choice(Team.choices)),
    Column("chair_name", "Ketua", _text(150)),
    Column("chair_phone", "HP ketua", _phone),
    Column("secretary_name", "Sekretaris", _text(150)),
    Column("secretary_phone", "HP sekretaris", _phone),
    Column("treasurer_name", "Bendahara", _text(150)),
    Column("treasurer_phone", "HP bendahara", _phone),
    Column("supervisor_name", "Ketua pengawas", _text(150)),
    Column("members_male", "Anggota laki-laki", _count),
    Column("members_female", "Anggota perempuan", _count),
    Column("managers", "Manajer", _count),
    Column("employees", "Karyawan", _count),
    Column("rat_held_on", "Tanggal RAT", _date),
    Column("reporting_status", "Status pelaporan", _choice(ReportingStatus.choices)),
]
COLUMN_BY_NAME = {column.name: column for column in COLUMNS}


def registry_clean(raw: dict[str, Any]) -> dict[str, Any]:
    """Typed values from raw ones (form fields or cells), keyed by field name.

    Raises the first LumbungError found. Fields absent from `raw` are left out, so a partial
    import (only some columns) never blanks the others.
    """
    clean, problems = registry_check(raw)
    if problems:
        raise problems[0]
    return clean


def registry_check(raw: dict[str, Any]) -> tuple[dict[str, Any], list[LumbungError]]:
    """Like registry_clean, but every problem of the row, in column order (an import names
    them all at once, so a row is fixed in one go)."""
    clean: dict[str, Any] = {}
    problems: list[LumbungError] = []
    for column in COLUMNS:
        if column.name not in raw:
            continue
        try:
            value = column.parse(raw[column.name], column.header)
            if column.required and value in ("", None):
                raise LumbungError("SUPERVISION_FIELD_REQUIRED", field=column.header)
        except LumbungError as error:
            problems.append(error)
            continue
        clean[column.name] = value
    if clean.get("code"):
        clean["code"] = clean["code"].lower()
        if not all(ch.isalnum() or ch in "-_" for ch in clean["code"]):
            problems.append(LumbungError("SUPERVISION_BAD_VALUE", field="Kode",
                                         value=clean["code"],
                                         expected="huruf, angka dan tanda minus saja"))
    if clean.get("nik_koperasi"):
        check = fields.nik_koperasi_check(clean["nik_koperasi"], registry_rules()["nik_koperasi"])
        if check.problem:
            problems.append(LumbungError("SUPERVISION_NIK_KOPERASI_INVALID",
                                         value=clean["nik_koperasi"], reason=check.problem))
    for name in ("status", "reporting_status"):
        if name in clean and not clean[name]:
            del clean[name]  # blank keeps the current value (or the default)
    problems.sort(key=lambda error: _column_order(error))
    return clean, problems


def _column_order(error: LumbungError) -> int:
    """Where the refused field sits among the columns (code and NIK checks by their column)."""
    label = str(error.params.get("field") or "")
    if error.code == "SUPERVISION_NIK_KOPERASI_INVALID":
        label = COLUMN_BY_NAME["nik_koperasi"].header
    for index, column in enumerate(COLUMNS):
        if column.header == label:
            return index
    return 0


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _save(*, office: SupervisorOffice, entry: RegistryEntry | None, clean: dict[str, Any],
          source: str, acting_user: Any) -> RegistryEntry | None:
    """Create or update one entry inside the caller's transaction; None when nothing changed."""
    changes: dict[str, list[str]] = {}
    if entry is None:
        for column in ("code", "name", "kind"):
            if not clean.get(column):
                raise LumbungError("SUPERVISION_FIELD_REQUIRED",
                                   field=COLUMN_BY_NAME[column].header)
        entry = RegistryEntry(office=office)
        entry.cooperative = Cooperative.objects.filter(office=office, code=clean["code"]).first()
        changes["*"] = ["", "dibuat"]
    elif clean.get("code", entry.code) != entry.code and RegistryEntry.objects.filter(
            office=office, code=clean["code"]).exists():
        raise LumbungError("SUPERVISION_CODE_TAKEN", code=clean["code"])
    for name, value in clean.items():
        old = getattr(entry, name)
        if old != value:
            if "*" not in changes:
                changes[name] = [_as_text(old), _as_text(value)]
            setattr(entry, name, value)
    if not changes:
        return None
    entry.save()
    RegistryChange.objects.create(office=office, entry=entry, actor=_actor(acting_user),
                                  source=source, changes=changes)
    return entry


def _actor(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def registry_entry_save(*, office: SupervisorOffice, entry: RegistryEntry | None,
                        raw: dict[str, Any], acting_user: Any) -> RegistryEntry:
    """Create (entry None) or change one registry entry from a form; the change is recorded."""
    clean = registry_clean(raw)
    with transaction.atomic(durable=True):
        if entry is None and RegistryEntry.objects.filter(
                office=office, code=clean.get("code", "")).exists():
            raise LumbungError("SUPERVISION_CODE_TAKEN", code=clean["code"])
        saved = _save(office=office, entry=entry, clean=clean, source="formulir",
                      acting_user=acting_user)
        if saved is not None:
            audit_record(action="supervision.registry.saved", acting_user=acting_user,
                         office=office, cooperative=saved.cooperative, obj=saved,
                         data={"code": saved.code})
    return saved or entry  # type: ignore[return-value]


def registry_entry_for_cooperative(*, cooperative: Cooperative, acting_user: Any
                                   ) -> RegistryEntry:
    """The registry entry of an on-platform cooperative, made from its profile if missing."""
    entry = RegistryEntry.objects.filter(cooperative=cooperative).first()
    if entry is not None:
        return entry
    with transaction.atomic():
        entry = RegistryEntry.objects.filter(office=cooperative.office,
                                             code=cooperative.code).first()
        if entry is not None:
            entry.cooperative = cooperative
            entry.save(update_fields=["cooperative", "updated_at"])
            return entry
        clean = {name: getattr(cooperative, name) for name in (
            "code", "name", "kind", "status", "legal_entity_number", "legal_entity_date",
            "nik_koperasi", "street_address", "kelurahan", "kecamatan", "region_label")}
        created = _save(office=cooperative.office, entry=None, clean=clean, source="platform",
                        acting_user=acting_user)
        assert created is not None
        return created


# ---------------------------------------------------------------- XLSX import and export


@dataclass
class RowError:
    row: int
    code: str
    message: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    # Every problem found, several per row when a row has several.
    errors: list[RowError] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({error.row for error in self.errors})


def _header_map(header: tuple[Any, ...]) -> dict[int, str]:
    names = {column.header.lower(): column.name for column in COLUMNS}
    names.update({column.name: column.name for column in COLUMNS})
    found = {}
    for index, cell in enumerate(header):
        key = str(cell or "").strip().lower()
        if key in names:
            found[index] = names[key]
    for column in COLUMNS:
        if column.required and column.name not in found.values():
            raise LumbungError("SUPERVISION_BAD_HEADER", missing=column.header)
    return found


def open_workbook(content: bytes) -> Any:
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, xml, key) for a non-XLSX file
        raise LumbungError("SUPERVISION_NOT_A_WORKBOOK") from None


def registry_import(*, office: SupervisorOffice, content: bytes, acting_user: Any
                    ) -> ImportReport:
    """Import registry rows from the first sheet of an XLSX (header row, then one row each).

    Rows are matched on Kode: new codes are created, known ones updated (only the columns
    present). A bad row is reported with its row number and reason and skipped; the good rows
    are saved together. A file that is not a workbook, or lacks a required column, is refused.
    """
    sheet = open_workbook(content).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = _header_map(next(rows, ()))
    report = ImportReport()
    existing = {entry.code: entry for entry in RegistryEntry.objects.filter(office=office)}
    seen: dict[str, int] = {}
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(value in (None, "") for value in values):
            continue
        raw = {name: values[index] if index < len(values) else None
               for index, name in header.items()}
        clean, problems = registry_check(raw)
        if clean.get("code") in seen:
            problems.insert(0, LumbungError(
                "SUPERVISION_BAD_VALUE", field="Kode", value=clean["code"],
                expected=f"kode unik; sudah dipakai di baris {seen[clean['code']]}"))
        if problems:
            report.errors.extend(RowError(number, error.code, error.message)
                                 for error in problems)
            continue
        seen[clean["code"]] = number
        cleaned.append((number, clean))
    with transaction.atomic(durable=True):
        for _number, clean in cleaned:
            entry = existing.get(clean["code"])
            saved = _save(office=office, entry=entry, clean=clean, source="impor",
                          acting_user=acting_user)
            if saved is None:
                report.unchanged += 1
            elif entry is None:
                report.created.append(saved.code)
            else:
                report.updated.append(saved.code)
        audit_record(action="supervision.registry.imported", acting_user=acting_user,
                     office=office, data={"created": len(report.created),
                                          "updated": len(report.updated),
                                          "errors": len(report.errors)})
    return report


def first_sheet(workbook: Workbook, title: str) -> Worksheet:
    """The new workbook's sheet, named."""
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.title = title
    return sheet


def registry_workbook(entries: QuerySet[RegistryEntry] | list[RegistryEntry]) -> bytes:
    """The registry as XLSX, in the import's own columns (so an export can be re-imported)."""
    workbook = Workbook()
    sheet = first_sheet(workbook, "Register koperasi")
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry in entries:
        sheet.append([safe_cell(getattr(entry, column.name)) for column in COLUMNS])
    sheet.freeze_panes = "C2"
    return xlsx_bytes(workbook)


def import_errors_workbook(report: ImportReport) -> bytes:
    """The rows an import refused, with the reason for each."""
    workbook = Workbook()
    sheet = first_sheet(workbook, "Baris ditolak")
    sheet.append(["Baris", "Kode kesalahan", "Alasan"])
    for error in report.errors:
        sheet.append([error.row, error.code, safe_cell(error.message)])
    return xlsx_bytes(workbook)
