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
})
