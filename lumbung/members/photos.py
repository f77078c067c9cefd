"""KTP photos: checked, cleaned and kept outside anything the web server serves.

A photo of an identity card is personal data (UU 27/2022). What is kept is a re-encoded JPEG
(at most PHOTO_MAX_SIDE pixels a side, turned upright, every metadata field such as EXIF
location dropped) under LUMBUNG_VAR_DIR/media/ktp/<cooperative>/ with a random name; there is
no URL to it. Staff who may see it get it inline in one page, after an audit row
(savings.views.member_ktp_photo).
"""

from __future__ import annotations

import base64
import io
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from PIL import Image, ImageOps, UnidentifiedImageError

from lumbung.core.errors import LumbungError

# Uploads larger than this are refused before they are opened.
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 1600
FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# A decompression bomb (a tiny file claiming a huge canvas) is refused by pixel count.
MAX_PIXELS = 40_000_000


def private_storage() -> FileSystemStorage:
    """Where KTP photos live: LUMBUNG_VAR_DIR/media, with no base URL (never served)."""
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "media", base_url=None)


def photo_name(cooperative_id: int) -> str:
    return f"ktp/{cooperative_id}/{uuid.uuid4().hex}.jpg"


def clean_photo(data: bytes) -> bytes:
    """The upload as a clean upright JPEG. Raises MEMBER_KTP_TOO_LARGE, MEMBER_KTP_NOT_IMAGE."""
    if len(data) > PHOTO_MAX_BYTES:
        raise LumbungError("MEMBER_KTP_TOO_LARGE", limit="5 MB")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS or probe.width * probe.height > MAX_PIXELS:
                raise LumbungError("MEMBER_KTP_NOT_IMAGE")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise LumbungError("MEMBER_KTP_NOT_IMAGE") from exc
    upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def photo_data_uri(name: str) -> str:
    """The stored photo inline (data: URI), so no address to it exists outside the page."""
    with private_storage().open(name, "rb") as handle:
        return "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode("ascii")
