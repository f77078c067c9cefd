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

define_messages({
    "SHU_SPLIT_NOT_100": (
        "Pembagian SHU harus berjumlah 100% (sekarang {total}%), tiap bagian 0-100%.",
        "The SHU split must total 100% (now {total}%), each part 0-100%.",
    ),
    "SHU_PLAN_APPROVED": (
        "Rencana pembagian SHU {year} sudah disetujui dan tidak bisa diubah.",
        "The SHU plan for {year} is approved and cannot be changed.",
    ),
    "SHU_NO_PLAN": (
        "Belum ada rencana pembagian SHU untuk tahun {year}.",
        "There is no SHU plan for {year} yet.",
    ),
    "SHU_NOT_APPROVED": (
        "Rencana pembagian SHU {year} belum disetujui pengurus.",
        "The SHU plan for {year} is not approved by the board yet.",
    ),
    "SHU_YEAR_NOT_CLOSED": (
        "Tahun buku {year} belum ditutup; posting jurnal penutup dulu.",
        "Book year {year} is not closed; post the closing entry first.",
    ),
    "SHU_NOTHING": (
        "Tidak ada SHU positif untuk dibagikan pada tahun {year}.",
        "There is no positive SHU to distribute for {year}.",
    ),
    "SHU_ALREADY_DISTRIBUTED": (
        "SHU tahun {year} sudah dibagikan; pembagian tidak bisa diulang.",
        "SHU for {year} has already been distributed; it cannot be repeated.",
    ),
})

define_messages({
    "RAT_BAD_DATE": (
        "Tanggal RAT {date} tidak valid untuk tahun buku {year}: harus sesudah tahun buku "
        "berakhir dan tidak melewati tanggal usaha.",
        "RAT date {date} is not valid for book year {year}: it must be after the year ended "
        "and not after the business date.",
    ),
})
