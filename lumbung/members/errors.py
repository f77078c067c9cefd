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
})
