"""The offer's QR code as inline SVG (byte mode, level M, a 4-module quiet zone): one path of
unit squares, so it scales sharply on any screen and needs no image request."""

from __future__ import annotations

from issuer.qrcode import encode_bytes

QUIET_ZONE = 4


def qr_svg(text: str, *, title: str, title_id: str = "offer-qr-title") -> str:
    """An accessible SVG (``role="img"`` named by its ``<title>``) of ``text``."""
    code = encode_bytes(text.encode("utf-8"), "M")
    side = code.size + 2 * QUIET_ZONE
    squares = "".join(
        f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h1v1h-1z"
        for y, row in enumerate(code.rows)
        for x in range(code.size)
        if row >> x & 1
    )
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" role="img" '
        f'aria-labelledby="{title_id}" shape-rendering="crispEdges" class="qr">'
        f'<title id="{title_id}">{escaped}</title>'
        f'<rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path fill="#000" d="{squares}"/></svg>'
    )
