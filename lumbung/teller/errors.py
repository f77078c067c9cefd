"""Refusal codes of the teller app (see lumbung/core/errors.py)."""

from lumbung.core.errors import define_messages

define_messages({
    "TELLER_DRAWER_BUSY": (
        "Laci {drawer} sedang dipakai oleh {teller}; tutup dulu sesi itu.",
        "Drawer {drawer} is in use by {teller}; close that session first.",
    ),
    "TELLER_ALREADY_OPEN": (
        "Anda masih membuka laci {drawer}; satu teller hanya boleh membuka satu laci.",
        "You still have drawer {drawer} open; a teller works one drawer at a time.",
    ),
    "TELLER_NO_OPEN_DRAWER": (
        "Anda belum membuka laci kas hari ini. Buka laci dengan modal awal dulu.",
        "You have no open cash drawer. Open one with a float first.",
    ),
    "TELLER_NOT_YOUR_DRAWER": (
        "Laci ini dibuka oleh teller lain; Anda hanya boleh bertransaksi di laci Anda sendiri.",
        "This drawer was opened by another teller; you may only use your own drawer.",
    ),
    "TELLER_SESSION_CLOSED": (
        "Sesi laci ini sudah ditutup.",
        "This drawer session is already closed.",
    ),
    "TELLER_SESSION_OLD": (
        "Sesi laci ini dibuka pada tanggal usaha {date}; tutup laci itu sebelum bertransaksi "
        "pada tanggal usaha yang baru.",
        "This drawer session was opened on business date {date}; close it before working on "
        "the new business date.",
    ),
    "TELLER_DRAWER_SHORT": (
        "Kas di laci ({balance}) tidak cukup untuk membayar {amount}.",
        "The drawer holds {balance}, not enough to pay out {amount}.",
    ),
    "TELLER_VAULT_SHORT": (
        "Kas di brankas ({balance}) tidak cukup untuk {amount}.",
        "The vault holds {balance}, not enough for {amount}.",
    ),
    "TELLER_BANK_SHORT": (
        "Saldo bank ({balance}) tidak cukup untuk {amount}.",
        "The bank account holds {balance}, not enough for {amount}.",
    ),
    "TELLER_AMOUNT_REQUIRED": (
        "Jumlah harus lebih dari nol.",
        "The amount must be above zero.",
    ),
    "TELLER_BAD_COUNT": (
        "Hitungan kas tidak valid untuk {denomination}: isi jumlah lembar/keping (angka bulat, "
        "0 atau lebih).",
        "Invalid cash count for {denomination}: give the number of notes/coins (a whole "
        "number, 0 or more).",
    ),
    "TELLER_PENDING_WITHDRAWALS": (
        "Masih ada {count} penarikan dari laci ini yang menunggu persetujuan; minta manajer "
        "memutuskannya (atau tarik permintaannya) sebelum menutup laci.",
        "{count} withdrawals from this drawer still wait for approval; have the manager decide "
        "(or withdraw them) before closing the drawer.",
    ),
    "TELLER_DRAWER_NAME_TAKEN": (
        "Nama laci {name} sudah dipakai.",
        "Drawer name {name} is already in use.",
    ),
    "TELLER_NOT_A_RECEIPT": (
        "Transaksi ini belum diposting (menunggu persetujuan atau ditolak), jadi belum ada "
        "bukti transaksinya.",
        "This transaction has not been posted (waiting for approval or refused), so it has no "
        "receipt yet.",
    ),
    "TELLER_VERIFY_THROTTLED": (
        "Terlalu banyak pemeriksaan dari alamat Anda. Coba lagi dalam satu menit.",
        "Too many checks from your address. Try again in a minute.",
    ),
})
