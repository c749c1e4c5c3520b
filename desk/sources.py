"""Where a presentation comes from: the seam between the page and the verification.

Today a presentation reaches the desk as the text of a QR code read by the page's camera, as a
photo, scan or PDF uploaded from the page, or as pasted text (a QR text or an SD-JWT). Each
becomes one :class:`Presentation`; :func:`desk.verdicts.judge` verifies it the same way whatever
its channel.

A wallet presentation over OpenID4VP is one more source (:mod:`desk.wallet`): the desk issues an
authorization request with a fresh ``nonce`` and the policy's DCQL query, the wallet posts a
``vp_token`` to the response endpoint, and the transaction it answers builds
``Presentation(sd_jwt, Channel.WALLET, nonce=…, types=…)``. With a nonce the KB-JWT is compared
with it (replay protection); without one (pasted SD-JWT+KB) it cannot be, and the verdict says
so.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    CAMERA = "camera"  # QR text decoded in the page from the device camera
    PHOTO = "photo"  # an uploaded photo, screenshot, scan or PDF
    PASTE = "paste"  # pasted text: a QR text or an SD-JWT (+KB)
    WALLET = "wallet"  # an SD-JWT VC from an OpenID4VP response (desk.wallet)


#: The channels a browser may name in ``X-Desk-Channel`` (a wallet never posts to /verify).
PAGE_CHANNELS = frozenset({Channel.CAMERA, Channel.PHOTO, Channel.PASTE})


@dataclass(frozen=True, slots=True)
class Presentation:
    """One credential as received, with what the desk asked of it. Held in memory only for the
    time of one verification, never written anywhere."""

    data: bytes
    channel: Channel
    #: The nonce this desk asked the holder to sign (OpenID4VP); ``None``: none was asked.
    nonce: str | None = None
    #: The credential types (``vct``) this desk asked for (OpenID4VP); ``None``: any the policy
    #: accepts.
    types: frozenset[str] | None = None

    def __repr__(self) -> str:  # never print the credential itself
        return f"Presentation({self.channel.value}, {len(self.data)} bytes)"


def channel_of(header: str | None, *, default: Channel) -> Channel:
    """The page's ``X-Desk-Channel`` header, if it names a page channel."""
    try:
        channel = Channel(header) if header else default
    except ValueError:
        return default
    return channel if channel in PAGE_CHANNELS else default
