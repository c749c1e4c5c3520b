"""Rendering one signed document: payload → JWS/QR → PDF → PAdES. Domain logic, no HTTP.

The QR token is signed with ``kid = <doc type framework>:x5t#S256:<leaf thumbprint>`` (``EESSI``
for ePRC/eEHIC, ``BE-SSH`` for social status; docs/trust-list.md), the PDF with the same
document-signing certificate. ``di`` is the calendar date of ``now`` in ``now``'s own time zone:
pass an aware datetime in the issuer's local zone.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from issuer.documents._doctypes import build_layout, build_payload
from issuer.documents._fonts import Fonts, load_fonts
from issuer.documents._pades import sign_writer
from issuer.documents._payloads import (
    DEFAULT_PRC_DAYS,
    DocumentError,
    JtiReference,
)
from issuer.documents._pdf import draw_page, embed_qr_text, open_revision, write_revision
from issuer.documents._qr import make_symbol
from verifier.qr import framework_kid, get_doctype, sign_document
from verifier.signing import Signer
from verifier.status import StatusReference


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    pdf_bytes: bytes
    qr_text: str
    jws: str
    payload: Mapping[str, Any]
    qr_version: int
    ecc: str
    sid: str = ""
    language: str = ""
    timings_ms: Mapping[str, float] = field(default_factory=dict)


class DocumentService:
    """Renders PDF documents (ePRC, eEHIC, social status) in en/fr/nl/de."""

    def __init__(self, *, font_dir: Path | str | None = None, pades: bool = True) -> None:
        self._font_dir = font_dir
        self._fonts: Fonts | None = None
        self.pades = pades

    @property
    def fonts(self) -> Fonts:
        if self._fonts is None:
            self._fonts = load_fonts(self._font_dir)
        return self._fonts

    def render(
        self,
        doc_type: str,
        person: Mapping[str, Any],
        language: str,
        *,
        signer: Signer,
        now: datetime,
        revocation: JtiReference | None = None,
        status: StatusReference | None = None,
        prc_valid_from: date | None = None,
        prc_days: int = DEFAULT_PRC_DAYS,
    ) -> RenderedDocument:
        """Build, sign and render one document for ``person`` in ``language``.

        ``revocation`` (jti + rid) is required for the eEHIC and optional for the ePRC;
        ``status`` (Token Status List entry) is required for social status.
        """
        if now.tzinfo is None:
            raise DocumentError("now must be timezone-aware")
        if not signer.certificate_chain:
            raise DocumentError("the signer has no document-signing certificate chain")
        fonts = self.fonts
        today = now.date()
        started = time.perf_counter()
        payload = build_payload(
            doc_type,
            person,
            today=today,
            revocation=revocation,
            status=status,
            prc_valid_from=prc_valid_from,
            prc_days=prc_days,
        )
        doctype = get_doctype(payload["sid"])
        kid = framework_kid(doctype.kid_framework, signer.certificate_chain[0])
        jws, qr_text = sign_document(payload, signer, kid, today=today)
        tokened = time.perf_counter()
        symbol = make_symbol(doctype.sid, qr_text)
        encoded = time.perf_counter()
        page = draw_page(build_layout(doctype, payload, language), symbol, fonts)
        # One incremental revision on reportlab's page: the qr.txt attachment and (with PAdES)
        # the signature, so the signature covers the attachment and the PDF is parsed once.
        drawn = time.perf_counter()
        writer = open_revision(page)
        embed_qr_text(writer, qr_text, now=now)
        rendered = time.perf_counter()
        if self.pades:
            pdf = sign_writer(writer, signer, reason=doctype.name["en"])
        else:
            pdf = write_revision(writer)
        signed = time.perf_counter()
        return RenderedDocument(
            pdf_bytes=pdf,
            qr_text=qr_text,
            jws=jws,
            payload=payload,
            qr_version=symbol.version,
            ecc=symbol.ecc,
            sid=doctype.sid,
            language=language,
            timings_ms={
                # stages: token (payload + JWS), qr (symbol), page (reportlab), attach (qr.txt),
                # pades (signature, or writing the unsigned revision); render = token..attach
                "token": (tokened - started) * 1000,
                "qr": (encoded - tokened) * 1000,
                "page": (drawn - encoded) * 1000,
                "attach": (rendered - drawn) * 1000,
                "render": (rendered - started) * 1000,
                "pades": (signed - rendered) * 1000,
            },
        )
