"""The issuer's printed document types, keyed by ``sid``: one entry per type.

The verifier's table (``verifier/qr/doctypes/<sid>.json``) owns the wire format: schema, rules,
kid frameworks, algorithms, revocation. An entry here adds what only the issuer needs: the short
name (``--type prc``), the payload builder (person record → payload), the page layout and the
QR error-correction levels. Nothing else in the issuer branches on a ``sid``: adding a document
type is a data file in the verifier, an entry here and its documentation (docs/qr-documents.md,
"How to add a document type").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from issuer.documents._layout import Cells, Layout, ehic_layout, prc_layout, ssh_layout
from issuer.documents._payloads import (
    DEFAULT_PRC_DAYS,
    DocumentError,
    JtiReference,
    PayloadInputs,
    ehic_payload,
    prc_payload,
    ssh_payload,
)
from verifier.qr import CIVICRED_EHIC_SID, CIVICRED_SSH_SID, EESSI_PRC_SID, LANGUAGES, DocType
from verifier.status import StatusReference

PayloadBuilder = Callable[[Mapping[str, Any], PayloadInputs], dict[str, Any]]
LayoutBuilder = Callable[[Cells, str, str], Layout]  # (cells, document name, language)


@dataclass(frozen=True, slots=True)
class PrintedType:
    """How the issuer prints one document type."""

    sid: str
    alias: str
    payload: PayloadBuilder
    layout: LayoutBuilder
    #: Error-correction levels to try, in order: the first whose version stays within
    #: ``PREFERRED_MAX_VERSION`` (issuer.documents._qr) wins, the last is used regardless.
    ecc: tuple[str, ...]
    #: The catalog's credential type with the same data (issuer.catalog): the paper document
    #: joins the wallet credential's issuance (issuer.lifecycle).
    credential_type: str


PRINTED_TYPES: Mapping[str, PrintedType] = MappingProxyType(
    {
        t.sid: t
        for t in (
            # ECC L, as the EU spec requires (interoperability).
            PrintedType(EESSI_PRC_SID, "prc", prc_payload, prc_layout, ("L",), "ehic-prc"),
            # ECC M: a card is printed once and carried for years (~15 % recovery against
            # creases and wear for +2 versions).
            PrintedType(CIVICRED_EHIC_SID, "ehic", ehic_payload, ehic_layout, ("M",), "ehic"),
            # ECC Q when that fits in version 25, else M: the shortest token, shown on worn
            # paper and on phone screens with glare at venue counters.
            PrintedType(
                CIVICRED_SSH_SID, "ssh", ssh_payload, ssh_layout, ("Q", "M"), "social-status"
            ),
        )
    }
)
#: Short names accepted wherever a ``sid`` is expected.
DOC_TYPE_ALIASES: Mapping[str, str] = MappingProxyType(
    {t.alias: t.sid for t in PRINTED_TYPES.values()}
)
#: The QR error-correction levels per ``sid`` (docs/documents.md §ECC).
ECC_POLICY: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {sid: t.ecc for sid, t in PRINTED_TYPES.items()}
)


def printed_type(doc_type: str) -> PrintedType:
    """The entry for a ``sid`` or a short alias (``prc``, ``ehic``, ``ssh``)."""
    found = PRINTED_TYPES.get(DOC_TYPE_ALIASES.get(doc_type, doc_type))
    if found is None:
        raise DocumentError(
            f"unknown document type {doc_type!r} (use one of {sorted(DOC_TYPE_ALIASES)})"
        )
    return found


def resolve_doc_type(doc_type: str) -> str:
    """The ``sid`` for a ``sid`` or a short alias (``prc``, ``ehic``, ``ssh``)."""
    return printed_type(doc_type).sid


def build_payload(
    doc_type: str,
    person: Mapping[str, Any],
    *,
    today: date,
    revocation: JtiReference | None = None,
    status: StatusReference | None = None,
    prc_valid_from: date | None = None,
    prc_days: int = DEFAULT_PRC_DAYS,
) -> dict[str, Any]:
    """The validated payload for ``doc_type`` (a ``sid`` or ``prc``/``ehic``/``ssh``)."""
    inputs = PayloadInputs(today, revocation, status, prc_valid_from, prc_days)
    return printed_type(doc_type).payload(person, inputs)


def build_layout(doctype: DocType, payload: Mapping[str, Any], language: str) -> Layout:
    """The printed content of one document in ``language`` (``en``/``fr``/``nl``/``de``)."""
    if language not in LANGUAGES:
        raise DocumentError(f"unsupported language {language!r} (use one of {LANGUAGES})")
    name = doctype.name.get(language, doctype.name["en"])
    return printed_type(doctype.sid).layout(Cells(doctype, payload, language), name, language)
