"""PAdES B-B through the ``Signer`` seam: profile, an HSM-style signer, refusals, and edits
after signing (an incremental update that changes the text, a patched byte)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from issuer.documents import (
    DevPki,
    DocumentError,
    DocumentService,
    check_pades,
    make_dev_pki,
    sign_pdf,
)
from verifier.jose import Algorithm, PublicKey
from verifier.signing import LocalSigner, Signer, generate_private_key

from ._support import JTI, NOW, STATUS, person


@pytest.fixture(scope="module")
def unsigned(service: DocumentService, pki: DevPki) -> bytes:
    plain = DocumentService(pades=False)
    doc = plain.render(
        "prc", person(), "en", signer=pki.signer, now=NOW, revocation=JTI, status=STATUS
    )
    return doc.pdf_bytes


@pytest.fixture(scope="module")
def signed(unsigned: bytes, pki: DevPki) -> bytes:
    return sign_pdf(unsigned, pki.signer)


class HsmLikeSigner:
    """Implements the ``Signer`` protocol without being a ``LocalSigner`` (like a PKCS#11
    backend): pyHanko only ever sees ``sign()``."""

    def __init__(self, inner: LocalSigner) -> None:
        self._inner = inner
        self.calls = 0

    @property
    def algorithm(self) -> Algorithm:
        return self._inner.algorithm

    @property
    def kid(self) -> str:
        return self._inner.kid

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        return self._inner.certificate_chain

    def public_key(self) -> PublicKey:
        return self._inner.public_key()

    def sign(self, message: bytes) -> bytes:
        self.calls += 1
        return self._inner.sign(message)


def test_profile_is_pades_b_b_with_sha256(signed: bytes, pki: DevPki) -> None:
    reader = PdfFileReader(io.BytesIO(signed))
    (embedded,) = reader.embedded_signatures
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert embedded.md_algorithm == "sha256"
    assert embedded.field_name == "CivicredSeal"
    assert not embedded.sig_field.get("/Rect") or all(
        float(v) == 0 for v in embedded.sig_field["/Rect"]
    )  # invisible
    certs = embedded.signed_data["certificates"]
    assert len(certs) == 1  # the chain without the root (the trust anchor never travels)
    attrs = {a["type"].native for a in embedded.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in attrs and "signing_time" not in attrs  # PAdES B-B
    check = check_pades(signed, [pki.root])
    assert check.ok and check.modification_level == "NONE"


def test_signing_goes_through_the_signer_protocol(unsigned: bytes, pki: DevPki) -> None:
    hsm = HsmLikeSigner(pki.signer)
    assert isinstance(hsm, Signer) and not isinstance(hsm, LocalSigner)
    signed = sign_pdf(unsigned, hsm)
    assert hsm.calls == 1  # dry runs (size estimates) never reach the signer
    assert check_pades(signed, [pki.root]).ok


def test_es384_signers_use_sha384(unsigned: bytes) -> None:
    p384 = make_dev_pki(NOW, alg="ES384")
    signed = sign_pdf(unsigned, p384.signer)
    assert PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].md_algorithm == "sha384"
    assert check_pades(signed, [p384.root]).ok


def test_refusals(unsigned: bytes, pki: DevPki) -> None:
    with pytest.raises(DocumentError, match="certificate chain"):
        sign_pdf(unsigned, LocalSigner(generate_private_key("ES256")))
    stranger = LocalSigner(
        generate_private_key("ES256"), certificate_chain=pki.signer.certificate_chain
    )
    with pytest.raises(DocumentError, match="does not match"):
        sign_pdf(unsigned, stranger)
    with pytest.raises(DocumentError, match="no signature"):
        check_pades(unsigned, [pki.root])


def test_another_root_is_not_trusted(signed: bytes) -> None:
    check = check_pades(signed, [make_dev_pki(NOW).root])
    assert check.intact and check.valid and not check.trusted and not check.ok


def _overlay(signed: bytes, text: bytes) -> bytes:
    """An incremental update that paints over the page and prints other text."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page: Any = page_ref.get_object()
    stream = generic.StreamObject(
        stream_data=b"q 1 g 60 600 200 40 re f Q BT /F1 14 Tf 62 610 Td (" + text + b") Tj ET"
    )
    contents = page["/Contents"]
    parts = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*parts, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_incremental_edit_after_signing_fails(signed: bytes, pki: DevPki) -> None:
    edited = _overlay(signed, b"31/12/2099")
    check = check_pades(edited, [pki.root])
    assert check.intact and check.valid  # the signed revision itself is untouched …
    assert not check.covers_whole_file and check.modification_level == "OTHER"
    assert not check.ok  # … but the document shown is not the one signed


def test_patched_byte_fails(signed: bytes, pki: DevPki) -> None:
    assert b"civicred issuer" in signed  # /Author of the first (signed) revision
    patched = signed.replace(b"civicred issuer", b"civicred issueR", 1)
    check = check_pades(patched, [pki.root])
    assert not check.intact and not check.ok
