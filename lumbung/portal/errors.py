"""Refusal codes of the member's app."""

from lumbung.core.errors import define_messages

define_messages({
    "PORTAL_LOGIN_FAILED": (
        "Nomor anggota/nomor HP atau PIN salah.",
        "Wrong member number/phone or PIN.",
    ),
    "PORTAL_LOGIN_THROTTLED": (
        "Terlalu banyak percobaan yang gagal. Coba lagi dalam {minutes} menit.",
        "Too many failed attempts. Try again in {minutes} minutes.",
    ),
    "PORTAL_PIN_BLOCKED": (
        "PIN Anda diblokir karena terlalu sering salah. Datanglah ke kantor koperasi untuk "
        "mengatur ulang PIN.",
        "Your PIN is blocked after too many wrong tries. Visit the cooperative's office to "
        "reset it.",
    ),
    "PORTAL_PIN_FORMAT": (
        "PIN harus tepat 6 angka dan tidak boleh terlalu mudah ditebak (misalnya 123456 atau "
        "111111).",
        "The PIN must be exactly 6 digits and not easy to guess (such as 123456 or 111111).",
    ),
    "PORTAL_NOT_A_MEMBER": (
        "Hanya anggota (bukan calon anggota atau yang sudah keluar) yang dapat memakai "
        "aplikasi anggota.",
        "Only members (not candidates or former members) can use the member's app.",
    ),
    "PORTAL_PHONE_TAKEN": (
        "Nomor HP {phone} sudah dipakai anggota lain untuk masuk aplikasi.",
        "Phone number {phone} is already used by another member to log in.",
    ),
    "PORTAL_CODE_WRONG": (
        "Kode sekali pakai salah atau sudah kedaluwarsa. Masuk ulang untuk meminta kode baru.",
        "The one-time code is wrong or has expired. Log in again for a new code.",
    ),
    "PORTAL_SESSION_ENDED": (
        "Sesi Anda sudah berakhir. Silakan masuk kembali.",
        "Your session has ended. Please log in again.",
    ),
    "PORTAL_NO_CONTACT": (
        "Nomor HP atau e-mail untuk saluran {channel} belum terdaftar di koperasi.",
        "No phone number or e-mail is registered for the {channel} channel.",
    ),
    "PORTAL_NO_SAVINGS_ACCOUNT": (
        "Anda belum memiliki rekening simpanan sukarela yang aktif.",
        "You have no open voluntary savings account.",
    ),
    "PORTAL_INSUFFICIENT": (
        "Saldo yang dapat dipakai {available}, tidak cukup untuk {amount}.",
        "Available balance {available} is not enough for {amount}.",
    ),
    "PORTAL_BILL_PRODUCT": (
        "Produk {product} atau nominal yang dipilih tidak tersedia.",
        "Product {product} or the chosen amount is not available.",
    ),
    "PORTAL_BILL_REFUSED": (
        "Biller menolak: {message} ({code}).",
        "The biller refused: {message} ({code}).",
    ),
    "PORTAL_BILLER_DOWN": (
        "Layanan pembayaran tagihan sedang tidak dapat dihubungi. Saldo Anda tidak berubah; "
        "coba lagi nanti.",
        "The bill payment service cannot be reached. Your balance is unchanged; try later.",
    ),
    "PORTAL_QUOTE_EXPIRED": (
        "Rincian tagihan sudah kedaluwarsa. Cek tagihan lagi.",
        "The bill details have expired. Check the bill again.",
    ),
    "PORTAL_TRANSFER_SELF": (
        "Tidak dapat mentransfer ke rekening sendiri.",
        "You cannot transfer to your own account.",
    ),
    "PORTAL_TRANSFER_LIMIT": (
        "Batas transfer harian {limit} terlampaui: hari ini sudah {used}.",
        "Daily transfer limit {limit} exceeded: {used} already today.",
    ),
    "PORTAL_RECIPIENT_UNKNOWN": (
        "Anggota nomor {number} tidak ditemukan atau tidak memiliki rekening sukarela.",
        "Member number {number} not found or has no voluntary savings account.",
    ),
    "PORTAL_VA_SIGNATURE": (
        "Tanda tangan callback tidak sah.",
        "The callback signature is not valid.",
    ),
    "PORTAL_VA_STALE": (
        "Callback terlalu lama atau dari masa depan (stempel waktu {timestamp}).",
        "The callback is too old or from the future (timestamp {timestamp}).",
    ),
    "PORTAL_VA_UNKNOWN": (
        "Nomor virtual account {va_number} tidak dikenal.",
        "Unknown virtual account number {va_number}.",
    ),
    "PORTAL_DOCUMENT_KIND": (
        "Jenis dokumen {kind} tidak dikenal.",
        "Unknown document kind {kind}.",
    ),
    "PORTAL_DOCUMENT_TYPE": (
        "Berkas {name} bukan foto (JPEG, PNG, WebP) atau PDF.",
        "File {name} is not a photo (JPEG, PNG, WebP) or a PDF.",
    ),
    "PORTAL_DOCUMENT_SIZE": (
        "Berkas {name} kosong atau lebih dari {limit} MB.",
        "File {name} is empty or larger than {limit} MB.",
    ),
    "PORTAL_DOCUMENT_COUNT": (
        "Paling banyak {limit} dokumen untuk satu pengajuan.",
        "At most {limit} documents for one application.",
    ),
    "PORTAL_REQUEST_BUSY": (
        "Permintaan yang sama sedang diproses. Tunggu sebentar lalu buka daftar pinjaman Anda.",
        "The same request is being processed. Wait a moment, then open your loans.",
    ),
    "PORTAL_LOAN_DECIDED": (
        "Pengajuan ini sudah diputuskan ({status}); dokumen tidak dapat ditambah lagi.",
        "This application has been decided ({status}); no more documents can be added.",
    ),
    "PORTAL_WITHDRAWAL_OPEN_LIMIT": (
        "Sudah ada {limit} permintaan tarik tunai yang menunggu. Ambil atau batalkan dulu.",
        "{limit} cash withdrawal requests are already waiting. Collect or cancel one first.",
    ),
    "PORTAL_WITHDRAWAL_TAKEN": (
        "Permintaan ini sudah dibayar, dibatalkan, atau sedang dilayani petugas lain.",
        "This request has been paid, cancelled, or is being served by another teller.",
    ),
    "PORTAL_WITHDRAWAL_EXPIRED": (
        "Permintaan ini berlaku sampai {date} dan sudah kedaluwarsa.",
        "This request was valid until {date} and has expired.",
    ),
})
