"""Refusal codes of the loans app (see lumbung/core/errors.py)."""

from lumbung.core.errors import define_messages

# Collectibility, provisioning, restructuring, write-off, sharia financing.
define_messages({
    "LOAN_POLICY_INVALID": (
        "Kebijakan kolektibilitas tidak valid: {detail}.",
        "Invalid collectibility policy: {detail}.",
    ),
})
