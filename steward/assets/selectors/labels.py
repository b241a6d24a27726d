"""Asset labels: a QR code (segno, pure Python) encoding the asset's page address."""

from __future__ import annotations

import segno


def qr_svg(url: str, *, scale: int = 3) -> str:
    """An inline SVG of the QR code (no XML declaration, no inline styles: CSP-clean)."""
    code = segno.make(url, error="m")
    return code.svg_inline(scale=scale, border=2, title=url)


def qr_png(url: str, *, scale: int = 6) -> bytes:
    import io

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
