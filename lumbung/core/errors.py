"""Every refusal has a stable code and a message in Bahasa Indonesia (English available).

Each code is defined once: the foundation's codes here, each domain app's in its own
`errors.py` through `define_messages` (loaded when Django starts, see core/apps.py). Tests assert
on `code`; screens and the API show `message`.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

# code: (Indonesian, English). Placeholders are str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    "NOT_FOUND": ("Data tidak ditemukan.", "Not found."),
    "PERMISSION_DENIED": (
        "Anda tidak berwenang melakukan tindakan ini.",
        "You are not allowed to do this.",
    ),
    "LOGIN_THROTTLED": (
        "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
        "Too many failed logins. Try again in {minutes} minutes.",
    ),
    "LOGIN_FAILED": (
        "Nama pengguna atau kata sandi salah.",
        "Wrong username or password.",
    ),
    "LEDGER_UNBALANCED": (
        "Jurnal tidak seimbang: total debit {debit} tidak sama dengan total kredit {credit}.",
        "Unbalanced entry: total debit {debit} differs from total credit {credit}.",
    ),
    "LEDGER_TOO_FEW_LINES": (
        "Jurnal harus memiliki paling sedikit dua baris.",
        "A journal entry needs at least two lines.",
    ),
    "LEDGER_BAD_LINE_AMOUNT": (
        "Setiap baris harus berisi debit atau kredit (bilangan bulat sen, lebih dari nol), "
        "tidak keduanya.",
        "Each line holds either a debit or a credit (whole sen, above zero), not both.",
    ),
    "LEDGER_UNKNOWN_ACCOUNT": (
        "Akun {account} tidak ada di bagan akun koperasi ini.",
        "Account {account} is not in this cooperative's chart of accounts.",
    ),
    "LEDGER_ACCOUNT_NOT_POSTABLE": (
        "Akun {account} adalah akun induk (kelompok); posting ke akun rinciannya.",
        "Account {account} is a heading; post to one of its detail accounts.",
    ),
    "LEDGER_ACCOUNT_INACTIVE": (
        "Akun {account} sudah tidak aktif.",
        "Account {account} is inactive.",
    ),
    "LEDGER_PERIOD_CLOSED": (
        "Periode {period} sudah ditutup; tidak boleh ada posting ke tanggal {date}.",
        "Period {period} is closed; nothing can be posted on {date}.",
    ),
    "LEDGER_FUTURE_DATE": (
        "Tanggal {date} melewati tanggal usaha koperasi ({business_date}).",
        "Date {date} is after the cooperative's business date ({business_date}).",
    ),
    "LEDGER_BACKDATE_FORBIDDEN": (
        "Posting mundur ke tanggal {date} memerlukan wewenang manajer.",
        "Back-dating to {date} needs a manager's permission.",
    ),
    "LEDGER_IDEMPOTENCY_CONFLICT": (
        "Kunci idempotensi {key} sudah dipakai untuk transaksi yang berbeda.",
        "Idempotency key {key} was already used for a different transaction.",
    ),
    "LEDGER_MANUAL_SUBLEDGER": (
        "Jurnal manual tidak boleh memakai akun kontrol buku pembantu atau rujukan anggota "
        "(akun {account}); simpanan dan pinjaman anggota bergerak lewat transaksinya sendiri.",
        "A manual entry cannot use a sub-ledger control account or a member reference "
        "(account {account}); member savings and loans move through their own transactions.",
    ),
    "LEDGER_ALREADY_REVERSED": (
        "Jurnal nomor {number} sudah pernah dibatalkan (dibalik).",
        "Entry number {number} has already been reversed.",
    ),
    "LEDGER_CANNOT_REVERSE_REVERSAL": (
        "Jurnal pembalik tidak dapat dibalik lagi; buat jurnal baru.",
        "A reversing entry cannot itself be reversed; post a new entry.",
    ),
    "LEDGER_ACCOUNT_CODE_TAKEN": (
        "Kode akun {account} sudah dipakai.",
        "Account code {account} is already in use.",
    ),
    "LEDGER_ACCOUNT_IN_USE": (
        "Akun {account} sudah dipakai dalam jurnal dan tidak dapat dihapus.",
        "Account {account} has postings and cannot be deleted.",
    ),
    "LEDGER_BAD_PARENT": (
        "Akun induk {account} tidak cocok (jenis berbeda atau bukan akun kelompok).",
        "Parent account {account} does not fit (different type or not a heading).",
    ),
    "LEDGER_DESCRIPTION_REQUIRED": (
        "Keterangan jurnal wajib diisi.",
        "The entry needs a description.",
    ),
    "LEDGER_PERIOD_ORDER": (
        "Periode {period} tidak dapat ditutup sebelum periode sebelumnya ditutup.",
        "Period {period} cannot be closed before the previous one.",
    ),
    "LEDGER_PERIOD_NOT_ENDED": (
        "Periode {period} belum berakhir menurut tanggal usaha ({business_date}).",
        "Period {period} has not ended yet by the business date ({business_date}).",
    ),
    "LEDGER_PERIOD_NOT_CLOSED": (
        "Periode {period} belum ditutup, jadi tidak bisa dibuka kembali.",
        "Period {period} is not closed, so it cannot be re-opened.",
    ),
    "LEDGER_PERIOD_NOT_LATEST": (
        "Periode {period} bukan periode tertutup terakhir; buka kembali periode sesudahnya dulu.",
        "Period {period} is not the latest closed period; re-open the later ones first.",
    ),
    "APPROVAL_REQUIRED": (
        "Jumlah {amount} melebihi batas wewenang Anda ({limit}); menunggu persetujuan.",
        "Amount {amount} is above your limit ({limit}); it waits for approval.",
    ),
    "APPROVAL_SELF": (
        "Pembuat transaksi tidak boleh menyetujui transaksinya sendiri.",
        "The maker cannot approve their own request.",
    ),
    "APPROVAL_LIMIT": (
        "Batas wewenang Anda ({limit}) tidak cukup untuk menyetujui {amount}.",
        "Your limit ({limit}) does not cover approving {amount}.",
    ),
    "APPROVAL_NOT_PENDING": (
        "Permintaan ini sudah diproses.",
        "This request has already been decided.",
    ),
    "BAD_INPUT": ("Isian tidak valid: {detail}", "Invalid input: {detail}"),
    "BAD_AMOUNT": (
        "Jumlah uang tidak valid: {value}. Contoh: 1.250.000 atau 1.250.000,50",
        "Invalid amount: {value}. Example: 1.250.000 or 1.250.000,50",
    ),
    "BAD_DATE": (
        "Tanggal tidak valid: {value}. Gunakan format TTTT-BB-HH.",
        "Invalid date: {value}. Use YYYY-MM-DD.",
    ),
    "UNKNOWN_COOPERATIVE": (
        "Koperasi dengan kode {code} tidak ditemukan.",
        "No cooperative with code {code}.",
    ),
    "BATCH_STEP_FAILED": (
        "Langkah {step} gagal untuk {cooperative} tanggal {date}: {detail}",
        "Step {step} failed for {cooperative} on {date}: {detail}",
    ),
}


def define_messages(messages: dict[str, tuple[str, str]]) -> None:
    """Add an app's codes; a code defined twice is a programming error."""
    taken = MESSAGES.keys() & messages.keys()
    if taken:
        raise KeyError(f"error codes defined twice: {sorted(taken)}")
    MESSAGES.update(messages)


class LumbungError(Exception):
    """A refusal a person can read: stable `code`, message in the active language."""

    def __init__(self, code: str, /, **params: Any) -> None:
        if code not in MESSAGES:
            raise KeyError(f"unknown error code {code}")
        self.code = code
        self.params = params
        super().__init__(f"{code}: {self.message_in('id')}")

    def message_in(self, language: str) -> str:
        indonesian, english = MESSAGES[self.code]
        template = english if language.startswith("en") else indonesian
        return template.format(**self.params)

    @property
    def message(self) -> str:
        return self.message_in(translation.get_language() or "id")
