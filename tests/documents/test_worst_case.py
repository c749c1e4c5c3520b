"""The worst-case person (S2 maximum name lengths, Latin-1..4 letters only, a truncated
institution name) still prints every letter and still decodes at 150 dpi.

Run with ``-s`` to see the QR versions (docs/documents.md §QR lists them)."""

from __future__ import annotations

import pytest

from issuer.documents import DevPki, DocumentService, printed_values
from verifier.qr import get_doctype, parse_document

from ._support import (
    JTI,
    LATIN_1_4,
    NOW,
    STATUS,
    TYPES,
    decode_page,
    page_text,
    worst_case_person,
)

#: Windows over the repertoire so that the set uses every Latin-1..4 letter.
WINDOWS = range(0, len(LATIN_1_4), 45)


def _check(service: DocumentService, pki: DevPki, doc_type: str, window: int, lang: str) -> str:
    who = worst_case_person(window)
    doc = service.render(
        doc_type, who, lang, signer=pki.signer, now=NOW, revocation=JTI, status=STATUS
    )
    body = doc.payload[get_doctype(doc.sid).body]
    assert (len(body["fn"]), len(body["gn"])) == (40, 35)
    text = page_text(doc.pdf_bytes)
    for key, value in printed_values(get_doctype(doc.sid), doc.payload).items():
        assert value in text, key
    assert decode_page(doc.pdf_bytes, 150) == [doc.qr_text]
    assert parse_document(doc.qr_text).verify_signature(pki.signer.public_key())
    line = f"{doc.sid:22} window {window:3} {len(doc.qr_text):4} chars  {doc.qr_version}-{doc.ecc}"
    print(line)
    return body["fn"] + body["gn"] + body.get("in", "")


def test_windows_use_every_latin_1_to_4_letter() -> None:
    used: set[str] = set()
    for window in WINDOWS:
        who = worst_case_person(window)
        used |= set(who["family_name"] + who["given_name"])
    assert used - {" ", "-"} == set(LATIN_1_4) and len(LATIN_1_4) > 160


@pytest.mark.parametrize("doc_type", TYPES)
def test_worst_case_decodes_at_150_dpi(
    service: DocumentService, pki: DevPki, doc_type: str
) -> None:
    _check(service, pki, doc_type, 0, "de")


@pytest.mark.parametrize("doc_type", TYPES)
def test_every_letter_prints_and_decodes(
    service: DocumentService, pki: DevPki, doc_type: str
) -> None:
    used: set[str] = set()
    for window, lang in zip(WINDOWS, ["en", "fr", "nl", "de"] * 3, strict=False):
        used |= set(_check(service, pki, doc_type, window, lang))
    assert set(LATIN_1_4) <= used
