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
    "REPORT_CLOSE_CHECKS_FAILED": (
        "Periode {period} belum bisa ditutup: {failures}",
        "Period {period} cannot be closed yet: {failures}",
    ),
    "REPORT_YEAR_NOT_ENDED": (
        "Tahun buku {year} belum berakhir menurut tanggal usaha.",
        "Book year {year} has not ended yet by the business date.",
    ),
    "REPORT_YEAR_ALREADY_CLOSED": (
        "Tahun buku {year} sudah ditutup (jurnal penutup sudah diposting).",
        "Book year {year} is already closed (its closing entry is posted).",
    ),
    "REPORT_NOTHING_TO_CLOSE": (
        "Tidak ada pendapatan atau beban pada tahun buku {year}.",
        "There is no income or expense in book year {year}.",
    ),
})
