"""Refusal codes of the members app (see lumbung/core/errors.py)."""

from lumbung.core.errors import define_messages

define_messages({
    "MEMBER_NIK_INVALID": (
        "NIK {nik} tidak valid: {reason}.",
        "NIK {nik} is not valid: {reason}.",
    ),
    "MEMBER_NIK_TAKEN": (
        "NIK {nik} sudah terdaftar di koperasi ini.",
        "NIK {nik} is already registered with this cooperative.",
    ),
    "MEMBER_KTP_NOT_IMAGE": (
        "Berkas foto KTP harus gambar JPEG, PNG atau WebP.",
        "The KTP photo must be a JPEG, PNG or WebP image.",
    ),
    "MEMBER_KTP_TOO_LARGE": (
        "Foto KTP paling besar {limit}; perkecil fotonya dulu.",
        "The KTP photo may be at most {limit}; make it smaller first.",
    ),
})
