"""Printable documents: HTML templates rendered to PDF (WeasyPrint), and QR codes as SVG.

The same Django template language as the screens, so a receipt or a statement is written once
in HTML and CSS (`@page` sets the paper: A4, A6 or an 80 mm roll). Fonts come from the system
(DejaVu, installed by `make install`); nothing is fetched from the network while rendering.
"""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


def pdf_from_template(template: str, context: dict[str, Any]) -> bytes:
    """Render `template` with `context` and return the PDF bytes."""
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s at start-up

    html = render_to_string(template, context)
    pdf: bytes = HTML(string=html, base_url=None).write_pdf()
    return pdf


def qr_svg(data: str, *, scale: int = 3) -> SafeString:
    """An inline <svg> QR code of `data` (error correction M), safe to put in a template."""
    code = segno.make(data, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=scale, border=2))  # noqa: S308 - segno's own markup
