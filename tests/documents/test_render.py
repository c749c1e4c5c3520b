"""Every document type × language: the PDF renders, prints its values as text, carries the QR
text, its QR image decodes at 150 dpi to exactly that text, the token verifies, and the PAdES
seal validates against the dev root."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from issuer.documents import (
    QR_ATTACHMENT,
    DevPki,
    DocumentService,
    RenderedDocument,
    check_pades,
    printed_values,
)
from verifier import VerificationTime
from verifier.qr import (
    EESSI_PRC_SID,
    framework_kid,
    get_doctype,
    parse_document,
    validate_for_verification,
)

from ._support import JTI, LANGUAGES, NOW, STATUS, TODAY, TYPES, decode_page, page_text, person

EXPECTED_ECC = {"prc": "L", "ehic": "M", "ssh": "Q"}
_CACHE: dict[tuple[str, str], RenderedDocument] = {}


@pytest.fixture
def render(service: DocumentService, pki: DevPki) -> Any:
    def _render(doc_type: str, language: str) -> RenderedDocument:
        key = (doc_type, language)
        if key not in _CACHE:
            _CACHE[key] = service.render(
                doc_type,
                person("p-0002"),
                language,
                signer=pki.signer,
                now=NOW,
                revocation=JTI,
                status=STATUS,
            )
        return _CACHE[key]

    return _render


CASES = [(t, lang) for t in TYPES for lang in LANGUAGES]


@pytest.mark.parametrize(("doc_type", "language"), CASES)
def test_printed_text_matches_the_payload(render: Any, doc_type: str, language: str) -> None:
    doc = render(doc_type, language)
    doctype = get_doctype(doc.sid)
    text = page_text(doc.pdf_bytes)
    for key, value in printed_values(doctype, doc.payload).items():
        assert value in text, f"{key} not printed"
        assert doctype.label(key, language) in text, f"label of {key} not printed in {language}"
    assert doctype.name[language].upper() in " ".join(text.upper().split())
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None  # dates are DD/MM/YYYY only
    body = doc.payload[doctype.body]
    for key in ("dob", "sd", "ed", "xd", "di", "vf", "vu"):
        if key in body and len(body[key]) == 10:
            y, m, d = body[key].split("-")
            assert f"{d}/{m}/{y}" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_prc_follows_the_s2_model(render: Any, language: str) -> None:
    text = page_text(render("prc", language).pdf_bytes)
    article = {"en": "Article 25", "fr": "article 25", "nl": "artikel 25", "de": "Artikel 25"}
    assert article[language] in text and "987/2009" in text
    for number in (
        "1.",
        "2.",
        "3.",
        "4.",
        "5.",
        "6.",
        "7.",
        "8.",
        "9.",
        "(a)",
        "(b)",
        "(c)",
        "(d)",
    ):
        assert number in text
    assert "PAdES" in text  # (d) carries the "electronically signed" note
    if language == "en":
        for heading in (
            "PROVISIONAL REPLACEMENT CERTIFICATE OF THE EUROPEAN HEALTH INSURANCE CARD",
            "Issuing Member State",
            "Card holder-related information",
            "Competent institution",
            "Card-related information",
            "Certificate validity period and delivery date",
            "Signature and/or stamp of the institution",
        ):
            assert heading in " ".join(text.split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_social_status_shows_no_reason_and_no_national_number(render: Any, language: str) -> None:
    doc = render("ssh", language)
    text = page_text(doc.pdf_bytes)
    assert get_doctype(doc.sid).label("rt", language) in text  # the large statement
    who = person("p-0002")
    assert who["personal_administrative_number"] not in text
    for status in who["social_statuses"]:
        assert status["code"] not in text.split() and status["authentic_source"] not in text


@pytest.mark.parametrize(("doc_type", "language"), CASES)
def test_qr_text_is_embedded_and_drawn_as_vectors(
    render: Any, doc_type: str, language: str
) -> None:
    doc = render(doc_type, language)
    reader = PdfReader(io.BytesIO(doc.pdf_bytes))
    assert reader.attachments[QR_ATTACHMENT] == [doc.qr_text.encode("ascii")]
    page = reader.pages[0]
    assert not page.images  # no raster image: the QR is a vector path
    fonts = page["/Resources"]["/Font"]
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0]["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()  # embedded TrueType (DejaVu), no base-14
    info = reader.metadata
    assert info is not None and info.subject == doc.sid
    assert person("p-0002")["family_name"] not in str(dict(info))  # no personal data in metadata


@pytest.mark.parametrize(("doc_type", "language"), CASES)
def test_qr_decodes_at_150_dpi_and_verifies(
    render: Any, pki: DevPki, doc_type: str, language: str
) -> None:
    doc = render(doc_type, language)
    assert decode_page(doc.pdf_bytes, 150) == [doc.qr_text]
    assert doc.ecc == EXPECTED_ECC[doc_type]
    parsed = parse_document(doc.qr_text)
    assert parsed.jws == doc.jws and dict(parsed.payload) == dict(doc.payload)
    leaf = pki.signer.certificate_chain[0]
    assert str(parsed.kid) == framework_kid(parsed.doctype.kid_framework, leaf)
    assert parsed.verify_signature(pki.signer.public_key()).name == "ES256"
    validation = validate_for_verification(dict(parsed.payload), VerificationTime(NOW, TODAY))
    assert validation.ok and not validation.warnings
    if doc.sid == EESSI_PRC_SID:
        assert str(parsed.kid).startswith("EESSI:x5t#S256:")


@pytest.mark.parametrize(("doc_type", "language"), CASES)
def test_pades_seal_validates_against_the_dev_root(
    render: Any, pki: DevPki, doc_type: str, language: str
) -> None:
    check = check_pades(render(doc_type, language).pdf_bytes, [pki.root])
    assert check.ok, check
    assert check.modification_level == "NONE" and "DEV ONLY" in check.signer
