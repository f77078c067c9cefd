"""The demo's portal part: see demo/services.py for when each function runs."""

from __future__ import annotations

import contextlib
import struct
import zlib

from lumbung.core.errors import LumbungError
from lumbung.demo.context import DemoCooperative
from lumbung.loans.selectors import products
from lumbung.members.models import Member
from lumbung.portal.loan_requests import DocumentUpload, member_loan_apply
from lumbung.portal.services import member_pin_set

# Printed by `make run`: members no. 1 to 3 of every demo cooperative log in with it.
DEMO_PIN = "135790"
DEMO_MEMBER_NUMBERS = (1, 2, 3)


def _placeholder_png(width: int = 48, height: int = 30) -> bytes:
    """A small plain PNG standing in for the photo of a KTP."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xc8\xdc\xf0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def today(demo: DemoCooperative) -> None:
    """After the cooperative's history is built: members 1 to 3 get the demo PIN, as if set at
    the counter by the teller; member 1 has applied for a loan in the app (with a KTP photo),
    waiting in the office's approval queue."""
    cooperative = demo.cooperative
    members = list(Member.objects.filter(cooperative=cooperative, status=Member.Status.MEMBER,
                                         number__in=DEMO_MEMBER_NUMBERS).order_by("number"))
    for member in members:
        member_pin_set(cooperative=cooperative, member=member, pin=DEMO_PIN,
                       acting_user=demo.staff["teller"])
    product = products(cooperative=cooperative).order_by("min_amount", "pk").first()
    if not members or product is None:
        return
    # A product or BMPP the demo's numbers do not fit: then no application today.
    with contextlib.suppress(LumbungError):
        member_loan_apply(
            cooperative=cooperative, member=members[0], product=product,
            amount=product.min_amount * 4, term_months=max(product.min_term, 12),
            purpose="Tambah modal dagang batik", documents=[
                DocumentUpload(kind="ktp", filename="ktp.png", content=_placeholder_png())],
            client_token="demo:portal:loan")  # noqa: S106 - a request key, not a secret
