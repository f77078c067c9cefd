"""Refusal codes of the reports app (statements, closing, SHU, RAT)."""

from lumbung.core.errors import define_messages

define_messages({
    "REPORT_BAD_PERIOD": (
        "Periode tidak valid: tanggal awal {start} sesudah tanggal akhir {end}.",
        "Invalid period: start {start} is after end {end}.",
    ),
    "REPORT_FORMAT_NEEDS_PERIOD": (
        "Format {format} untuk neraca saldo memerlukan --from dan --to.",
        "Format {format} for the trial balance needs --from and --to.",
    ),
    "REPORT_UNKNOWN": (
        "Laporan {name} tidak dikenal.",
        "Unknown report {name}.",
    ),
})
