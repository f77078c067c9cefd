"""Refusal codes of the Dinas console (see lumbung/core/errors.py)."""

from lumbung.core.errors import define_messages

define_messages({
    "SUPERVISION_FIELD_REQUIRED": (
        "Kolom {field} wajib diisi.",
        "Field {field} is required.",
    ),
    "SUPERVISION_BAD_VALUE": (
        "Kolom {field}: nilai \"{value}\" tidak valid ({expected}).",
        "Field {field}: value \"{value}\" is not valid ({expected}).",
    ),
    "SUPERVISION_CODE_TAKEN": (
        "Kode {code} sudah dipakai koperasi lain di register Dinas ini.",
        "Code {code} is already used by another cooperative in this office's registry.",
    ),
    "SUPERVISION_NIK_KOPERASI_INVALID": (
        "NIK koperasi \"{value}\" tidak valid: {reason}.",
        "Cooperative NIK \"{value}\" is not valid: {reason}.",
    ),
    "SUPERVISION_NOT_A_WORKBOOK": (
        "Berkas tidak bisa dibaca sebagai XLSX. Unduh templat dari konsol lalu isi ulang.",
        "The file cannot be read as XLSX. Download the template from the console and fill it in.",
    ),
    "SUPERVISION_BAD_HEADER": (
        "Baris judul berkas tidak sesuai templat: kolom {missing} tidak ada.",
        "The file's header row does not match the template: column {missing} is missing.",
    ),
    "SUPERVISION_UPLOAD_INVALID": (
        "Laporan tidak diterima: {count} kesalahan. {first}",
        "Report not accepted: {count} errors. {first}",
    ),
    "SUPERVISION_UNBALANCED": (
        "Neraca tidak seimbang: total aset {assets} tidak sama dengan kewajiban + ekuitas "
        "{liabilities_equity}.",
        "The balance sheet does not balance: total assets {assets} differ from liabilities + "
        "equity {liabilities_equity}.",
    ),
    "SUPERVISION_UNKNOWN_COOPERATIVE": (
        "Koperasi dengan kode {code} tidak ada di register Dinas ini.",
        "No cooperative with code {code} in this office's registry.",
    ),
    "SUPERVISION_ON_PLATFORM": (
        "{name} sudah memakai Lumbung; angkanya diambil dari bukunya, bukan dari unggahan.",
        "{name} is on Lumbung; its figures come from its books, not from uploads.",
    ),
    "SUPERVISION_STAGE_ORDER": (
        "Tahap {stage} belum bisa dicatat: tahap {previous} belum dilalui.",
        "Stage {stage} cannot be recorded yet: stage {previous} has not been reached.",
    ),
    "SUPERVISION_STAGE_DATE": (
        "Tanggal tahap {stage} ({date}) tidak boleh sebelum tahap sebelumnya ({previous}).",
        "The date of stage {stage} ({date}) cannot be before the previous stage ({previous}).",
    ),
    "SUPERVISION_NOT_FACILITATOR": (
        "{name} bukan pendamping di Dinas ini.",
        "{name} is not a facilitator at this office.",
    ),
    "SUPERVISION_UNKNOWN_RULESET": (
        "Aturan penilaian \"{name}\" tidak dikenal. Pilihan: {choices}.",
        "Unknown rating rule set \"{name}\". Choices: {choices}.",
    ),
    "SUPERVISION_RULESET_KIND": (
        "Aturan {ruleset} tidak untuk koperasi jenis {kind}.",
        "Rule set {ruleset} does not apply to cooperatives of kind {kind}.",
    ),
    "SUPERVISION_NO_FIGURES": (
        "Belum ada angka laporan {name} untuk periode {period}.",
        "No report figures for {name} for period {period}.",
    ),
    "SUPERVISION_ALERT_CLOSED": (
        "Peringatan ini sudah selesai.",
        "This warning is already resolved.",
    ),
    "SUPERVISION_NOTE_REQUIRED": (
        "Tulis catatan tindak lanjut.",
        "Write a follow-up note.",
    ),
})
