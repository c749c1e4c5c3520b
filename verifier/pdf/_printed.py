"""Printed data vs signed data: every field of the verified QR payload must be printed on the PDF.

EHIC PDF QR PoC v0.5 §2.1: every field visible on the PRC is in the token (no more, no less),
and §4: dates are printed DD/MM/YYYY. A PDF whose text was edited after issuance (or a valid QR
pasted onto someone else's document) shows values the QR does not sign: ``pdf.printed_data``
fails and names the fields. Only text a person can see counts (:mod:`verifier.pdf._visible`:
not invisible, tiny, off the page, covered or white on white), read from the latest revision
(what a viewer shows). Matching is tolerant to case, Unicode normalisation, whitespace and line
wrapping, and strict on the characters themselves.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from verifier import codes
from verifier._report import Check, CheckResult
from verifier.pdf._visible import VisibleText
from verifier.qr import QrDocument

_SPACES = re.compile(r"\s+")
_HYPHENS = str.maketrans({"\u00ad": None, "\u2010": "-", "\u2011": "-", "\u2212": "-"})


@dataclass(frozen=True, slots=True)
class PrintedField:
    """One body field as it should appear: accepted renderings, the first is the canonical."""

    name: str
    label: str
    renderings: tuple[str, ...]


def _date_renderings(value: str) -> tuple[str, ...]:
    year, month, day = value.split("-")
    out = [f"{day}/{month}/{year}"]  # v0.5 §4: DD/MM/YYYY
    if day == "00":  # a partial date (v0.5 §2.3.2): unknown parts may be left out
        out.append(f"{month}/{year}" if month != "00" else year)
    return (*out, value)


def printed_fields(document: QrDocument) -> list[PrintedField]:
    """The body fields a PDF prints, with their accepted renderings (booleans are not text)."""
    doctype = document.doctype
    out: list[PrintedField] = []
    for name, value in document.body.items():
        if isinstance(value, bool) or not isinstance(value, str | int):
            continue
        text = str(value)
        kind = doctype.date_kind(name)
        renderings = _date_renderings(text) if kind in ("date", "partial") else (text,)
        out.append(PrintedField(name, doctype.label(name), renderings))
    return out


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_HYPHENS).casefold()
    return _SPACES.sub(" ", text).strip()


def _found(rendering: str, text: str, compact: str) -> bool:
    value = _normalise(rendering)
    if not value:
        return True
    pattern = rf"(?<!\w){re.escape(value)}(?!\w)"
    if re.search(pattern, text) is not None:
        return True
    # A long value wrapped over two lines (or split into several text runs by the PDF writer).
    squeezed = value.replace(" ", "")
    return len(squeezed) >= 6 and squeezed in compact


def check_printed_data(text: str | VisibleText, document: QrDocument) -> Check:
    """``pdf.printed_data``: PASSED if every field is visibly printed, FAILED naming those that
    are not, WARNING if the PDF has no text layer at all (an image-only scan: compare by eye)."""
    seen = text if isinstance(text, VisibleText) else VisibleText(text)
    normalised = _normalise(seen.text)
    if not normalised and not seen.hidden:
        return Check(
            codes.PDF_PRINTED_DATA,
            CheckResult.WARNING,
            "the PDF has no text layer: compare the printed data with the QR data by eye",
        )
    compact = normalised.replace(" ", "")
    missing = [
        f
        for f in printed_fields(document)
        if not any(_found(r, normalised, compact) for r in f.renderings)
    ]
    if not missing:
        return Check(
            codes.PDF_PRINTED_DATA,
            CheckResult.PASSED,
            "every signed field is visibly printed on the PDF as signed",
        )
    shown = "; ".join(f"{f.label} ({f.name}) {f.renderings[0]!r}" for f in missing[:8])
    hidden = seen.describe_hidden()
    note = f" (text a reader cannot see was not counted: {hidden} characters)" if hidden else ""
    return Check(
        codes.PDF_PRINTED_DATA,
        CheckResult.FAILED,
        f"the PDF does not visibly print the signed value of {len(missing)} field(s): {shown}"
        + note,
    )
