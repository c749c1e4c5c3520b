"""Printed documents: the EU ePRC, our eEHIC card and the social-status venue attestation as
signed PDFs (QR token per EHIC PDF QR PoC v0.5 + PAdES B-B seal). See docs/documents.md.

Names are imported on first use (PEP 562): the ``civicred`` CLI registers ``pdf`` without
paying for pyHanko and reportlab on every command.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from issuer.documents._devcert import (
        DevPki,
        dev_document_signer,
        load_file_signer,
        make_dev_pki,
    )
    from issuer.documents._doctypes import (
        DOC_TYPE_ALIASES,
        ECC_POLICY,
        PRINTED_TYPES,
        PrintedType,
        build_layout,
        build_payload,
        printed_type,
        resolve_doc_type,
    )
    from issuer.documents._fonts import FONT_DIR_ENV, FontNotFoundError, Fonts, load_fonts
    from issuer.documents._layout import Layout, format_date, printed_values
    from issuer.documents._pades import (
        PadesCheck,
        SignerBridge,
        bridge_for,
        check_pades,
        sign_pdf,
        sign_writer,
    )
    from issuer.documents._payloads import DocumentError, JtiRef, JtiReference, PayloadInputs
    from issuer.documents._pdf import QR_ATTACHMENT
    from issuer.documents._qr import QrSymbol, make_symbol
    from issuer.documents._service import DocumentService, RenderedDocument

_EXPORTS: dict[str, str] = {
    "DOC_TYPE_ALIASES": "_doctypes",
    "ECC_POLICY": "_doctypes",
    "PRINTED_TYPES": "_doctypes",
    "PrintedType": "_doctypes",
    "build_layout": "_doctypes",
    "build_payload": "_doctypes",
    "printed_type": "_doctypes",
    "resolve_doc_type": "_doctypes",
    "DocumentError": "_payloads",
    "JtiRef": "_payloads",
    "JtiReference": "_payloads",
    "PayloadInputs": "_payloads",
    "QrSymbol": "_qr",
    "make_symbol": "_qr",
    "FONT_DIR_ENV": "_fonts",
    "FontNotFoundError": "_fonts",
    "Fonts": "_fonts",
    "load_fonts": "_fonts",
    "Layout": "_layout",
    "format_date": "_layout",
    "printed_values": "_layout",
    "QR_ATTACHMENT": "_pdf",
    "PadesCheck": "_pades",
    "SignerBridge": "_pades",
    "check_pades": "_pades",
    "sign_pdf": "_pades",
    "sign_writer": "_pades",
    "bridge_for": "_pades",
    "DevPki": "_devcert",
    "dev_document_signer": "_devcert",
    "load_file_signer": "_devcert",
    "make_dev_pki": "_devcert",
    "DocumentService": "_service",
    "RenderedDocument": "_service",
}

__all__ = [
    "DOC_TYPE_ALIASES",
    "ECC_POLICY",
    "FONT_DIR_ENV",
    "PRINTED_TYPES",
    "QR_ATTACHMENT",
    "DevPki",
    "DocumentError",
    "DocumentService",
    "FontNotFoundError",
    "Fonts",
    "JtiRef",
    "JtiReference",
    "Layout",
    "PadesCheck",
    "PayloadInputs",
    "PrintedType",
    "QrSymbol",
    "RenderedDocument",
    "SignerBridge",
    "bridge_for",
    "build_layout",
    "build_payload",
    "check_pades",
    "dev_document_signer",
    "format_date",
    "load_file_signer",
    "load_fonts",
    "make_dev_pki",
    "make_symbol",
    "printed_type",
    "printed_values",
    "resolve_doc_type",
    "sign_pdf",
    "sign_writer",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
