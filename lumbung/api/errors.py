"""Refusal codes of the JSON API itself (see lumbung/core/errors.py)."""

from lumbung.core.errors import define_messages

define_messages({
    "NOT_AUTHENTICATED": (
        "Silakan masuk terlebih dahulu.",
        "Please log in first.",
    ),
    "API_HTTP_ERROR": (
        "Permintaan ditolak: {detail}",
        "Request refused: {detail}",
    ),
})
