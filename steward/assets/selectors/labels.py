"""Asset labels: a QR code (segno, pure Python) encoding the asset's page address."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import segno


def _make(url: str) -> segno.QRCode:
    # segno is imported on the first label, not with the URL configuration: it costs every
    # web worker ~9 MB resident (measured, branch mem15) for a page few requests ask for.
    import segno

    return segno.make(url, error="m")


def qr_svg(url: str, *, scale: int = 3) -> str:
    """An inline SVG of the QR code (no XML declaration, no inline styles: CSP-clean)."""
    code = _make(url)
    return code.svg_inline(scale=scale, border=2, title=url)


def qr_png(url: str, *, scale: int = 6) -> bytes:
    out = io.BytesIO()
    _make(url).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
