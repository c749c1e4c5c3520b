"""The fast rendering pipeline keeps the document what it was: the ``qr.txt`` attachment lives in
the signed revision (one incremental update: attachment + signature) and is covered by the
signature; the unsigned render still carries it; the QR literal fragment paints exactly what
the old per-rectangle path painted; the direct font-size fit equals the 0.25 pt search; one
PAdES bridge per signer and chain; the fixed CMS reserve fits every supported key type.
"""

from __future__ import annotations

import asyncio
import io
import random
import re
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from PIL import ImageChops
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers.pdf_cms import Signer as PyHankoSigner
from pypdf import PdfReader

from issuer.documents import (
    QR_ATTACHMENT,
    DevPki,
    DocumentError,
    DocumentService,
    QrSymbol,
    _pdf,
    build_layout,
    check_pades,
    make_dev_pki,
    make_symbol,
    sign_pdf,
)
from issuer.documents._devcert import _dev_chain
from issuer.documents._pades import CMS_OVERHEAD, SignerBridge, bridge_for
from issuer.documents._qr import QUIET_ZONE
from verifier import VerificationTime
from verifier.inputs import verify_qr_pdf
from verifier.jose import Algorithm, PublicKey
from verifier.qr import TrustedCertificates, get_doctype
from verifier.scan import render_pdf
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import create_issuer_certificate, create_root_ca

from ._support import JTI, LATIN_1_4, NOW, STATUS, TODAY, person


@pytest.fixture(scope="module")
def signed(service: DocumentService, pki: DevPki) -> Any:
    return service.render(
        "prc", person(), "en", signer=pki.signer, now=NOW, revocation=JTI, status=STATUS
    )


@pytest.fixture(scope="module")
def unsigned(pki: DevPki) -> Any:
    return DocumentService(pades=False).render(
        "prc", person(), "en", signer=pki.signer, now=NOW, revocation=JTI, status=STATUS
    )


# -- the qr.txt attachment -------------------------------------------------------------------


def _filespec(reader: PdfFileReader) -> tuple[generic.Reference, generic.DictionaryObject]:
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == QR_ATTACHMENT and len(names) == 2
    ref = names.raw_get(1)
    return ref.reference, ref.get_object()


def _check_filespec(spec: generic.DictionaryObject, qr_text: str) -> None:
    """The file spec parameters of ``qr.txt`` (unchanged by the pipeline rewrite)."""
    assert spec["/Type"] == "/Filespec"
    assert spec["/F"] == spec["/UF"] == QR_ATTACHMENT
    assert spec["/Desc"] == "QR code text: Base45(zlib(compact JWS))"
    assert spec["/AFRelationship"] == "/Data"
    stream = spec["/EF"]["/F"]
    assert stream["/Type"] == "/EmbeddedFile" and stream["/Subtype"] == "/text/plain"
    params = stream["/Params"]
    assert params["/Size"] == len(qr_text)
    expected = generic.pdf_date(NOW)
    assert params["/CreationDate"] == params["/ModDate"] == expected
    assert stream.data == qr_text.encode("ascii")


def test_the_attachment_is_in_the_signed_revision(signed: Any, pki: DevPki) -> None:
    reader = PdfFileReader(io.BytesIO(signed.pdf_bytes))
    assert reader.xrefs.total_revisions == 2  # reportlab's page + (attachment and signature)
    (embedded,) = reader.embedded_signatures
    ref, spec = _filespec(reader)
    assert reader.xrefs.get_introducing_revision(ref) == embedded.signed_revision == 1
    _check_filespec(spec, signed.qr_text)
    af = reader.root["/AF"]
    assert [a.reference for a in (af.raw_get(i) for i in range(len(af)))] == [ref]
    assert embedded.evaluate_signature_coverage().name == "ENTIRE_FILE"
    check = check_pades(signed.pdf_bytes, [pki.root])
    assert check.ok and check.covers_whole_file and check.modification_level == "NONE"
    attachments = PdfReader(io.BytesIO(signed.pdf_bytes)).attachments
    assert attachments == {QR_ATTACHMENT: [signed.qr_text.encode("ascii")]}


def test_the_verifier_accepts_the_signed_pdf(signed: Any, pki: DevPki) -> None:
    resolver = TrustedCertificates(list(pki.signer.certificate_chain))
    report = verify_qr_pdf(
        signed.pdf_bytes,
        resolver=resolver,
        time=VerificationTime(NOW, TODAY),
        pdf_trust_roots=[pki.root],
    )
    results = {c.code: c.result.value for c in report.checks}
    assert results["pdf.signature"] == results["pdf.coverage"] == "passed", report.to_json()
    assert results["scan.qr"] == results["pdf.printed_data"] == "passed"
    (signature,) = report.details["pdf"]["signatures"]
    assert signature["coverage"] == "ENTIRE_FILE"


def test_the_unsigned_render_still_has_the_attachment(unsigned: Any) -> None:
    reader = PdfFileReader(io.BytesIO(unsigned.pdf_bytes))
    assert not reader.embedded_signatures
    _ref, spec = _filespec(reader)
    _check_filespec(spec, unsigned.qr_text)
    attachments = PdfReader(io.BytesIO(unsigned.pdf_bytes)).attachments
    assert attachments == {QR_ATTACHMENT: [unsigned.qr_text.encode("ascii")]}
    assert set(unsigned.timings_ms) >= {"render", "pades"}


def test_qr_text_in_an_unsigned_revision_on_its_own() -> None:
    page = _page_for("prc")[0]
    writer = _pdf.open_revision(page)
    _pdf.embed_qr_text(writer, "HELLO", now=NOW)
    pdf = _pdf.write_revision(writer)
    _ref, spec = _filespec(PdfFileReader(io.BytesIO(pdf)))
    _check_filespec(spec, "HELLO")


# -- the page ------------------------------------------------------------------------------


def _page_for(doc_type: str, language: str = "de") -> tuple[bytes, QrSymbol, Any]:
    pki = make_dev_pki(NOW)
    doc = DocumentService(pades=False).render(
        doc_type, person(), language, signer=pki.signer, now=NOW, revocation=JTI, status=STATUS
    )
    doctype = get_doctype(doc.sid)
    symbol = make_symbol(doc.sid, doc.qr_text)
    layout = build_layout(doctype, doc.payload, language)
    return _pdf.draw_page(layout, symbol, DocumentService().fonts), symbol, layout


def _page_stream(pdf: bytes) -> tuple[bytes, Any]:
    reader = PdfReader(io.BytesIO(pdf))
    contents = reader.pages[0]["/Contents"].get_object()
    return zlib.decompress(contents._data), contents


def test_the_qr_is_one_literal_fragment_in_module_units() -> None:
    page, symbol, _layout = _page_for("prc")
    stream, contents = _page_stream(page)
    assert contents["/Filter"] in ("/FlateDecode", ["/FlateDecode"])  # binary: no ASCII85
    module = symbol.module_pt()
    match = re.search(rb"q 0 0 0 rg ([\d.]+) 0 0 -([\d.]+) ([\d.]+) ([\d.]+) cm\n", stream)
    assert match is not None
    assert float(match[1]) == float(match[2]) == pytest.approx(module, abs=1e-6)
    rects = re.findall(rb"^(\d+) (\d+) (\d+) (\d+) re$", stream, re.MULTILINE)
    assert [tuple(int(v) for v in r) for r in rects] == list(symbol.rects)
    assert stream[match.end() :].split(b"\n")[len(rects)] == b"f Q"


def _reference_qr(canvas: Any, symbol: QrSymbol, x: float, top: float, module: float) -> None:
    """The previous drawing: one reportlab path of float rectangles in page coordinates."""
    path = canvas.beginPath()
    ox, oy = x + QUIET_ZONE * module, top - QUIET_ZONE * module
    for rx, ry, rw, rh in symbol.rects:
        path.rect(ox + rx * module, oy - (ry + rh) * module, rw * module, rh * module)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)


def _raster(pdf: bytes, dpi: int) -> Any:
    (image,) = render_pdf(pdf, dpi=dpi, max_pages=1)
    return image


@pytest.mark.parametrize("doc_type", ["prc", "ehic", "ssh"])
def test_the_fragment_paints_what_the_path_painted(
    doc_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page, symbol, layout = _page_for(doc_type)
    monkeypatch.setattr(_pdf, "_draw_qr", _reference_qr)
    reference = _pdf.draw_page(layout, symbol, DocumentService().fonts)
    for dpi in (150, 300):
        ours, theirs = _raster(page, dpi), _raster(reference, dpi)
        # The same modules pixel for pixel, up to anti-aliasing rounding: PDFium sums edge
        # coverage in another order for a path under ``cm`` than for the same path in page
        # coordinates, so edge pixels may differ by a few grey levels (a missing module: 255).
        assert ImageChops.difference(ours, theirs).getextrema()[1] <= 4


def _reference_fit(value: str, font: str, size: float, width: float) -> float | None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > _pdf.MIN_VALUE_SIZE and stringWidth(value, font, size) > width:
        size -= 0.25
    return None if stringWidth(value, font, size) > width else size


def test_fit_equals_the_step_search(service: DocumentService) -> None:
    page = _pdf._Page(None, service.fonts)
    rng = random.Random(1387)
    alphabet = LATIN_1_4 + "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz0123456789-/.'"
    for _ in range(3000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        font = rng.choice([service.fonts.regular, service.fonts.bold])
        size = rng.choice([5.0, 6.0, 6.1, 7.5, 8.5, 11.0, 13.0, 26.0])
        width = rng.uniform(5, 500)
        expected = _reference_fit(value, font, size, width)
        if expected is None:
            with pytest.raises(DocumentError, match="too long"):
                page.fit(value, font, size, width)
        else:
            assert page.fit(value, font, size, width) == expected, (value, size, width)


def test_concurrent_renders_in_threads(service: DocumentService, pki: DevPki) -> None:
    from reportlab import rl_config

    a85 = rl_config.useA85

    def render(i: int) -> Any:
        lang = ("en", "fr", "nl", "de")[i % 4]
        return service.render(
            "prc", person(), lang, signer=pki.signer, now=NOW, revocation=JTI, status=STATUS
        )

    with ThreadPoolExecutor(4) as pool:
        docs = list(pool.map(render, range(12)))
    assert rl_config.useA85 == a85  # the global reportlab setting is restored
    for doc in docs:
        assert check_pades(doc.pdf_bytes, [pki.root]).ok
        assert PdfReader(io.BytesIO(doc.pdf_bytes)).attachments[QR_ATTACHMENT] == [
            doc.qr_text.encode("ascii")
        ]


# -- PAdES bridge ----------------------------------------------------------------------------


class _RotatingSigner:
    """One signer object whose key stays and whose certificate chain is renewed."""

    def __init__(self, inner: LocalSigner) -> None:
        self._inner = inner
        self.chain = inner.certificate_chain

    @property
    def algorithm(self) -> Algorithm:
        return self._inner.algorithm

    @property
    def kid(self) -> str:
        return self._inner.kid

    @property
    def certificate_chain(self) -> tuple[x509.Certificate, ...]:
        return self.chain

    def public_key(self) -> PublicKey:
        return self._inner.public_key()

    def sign(self, message: bytes) -> bytes:
        return self._inner.sign(message)


def test_one_bridge_per_signer_and_chain(pki: DevPki) -> None:
    assert bridge_for(pki.signer) is bridge_for(pki.signer)
    rotated = make_dev_pki(NOW)  # a new key and certificate
    assert bridge_for(rotated.signer) is not bridge_for(pki.signer)
    with pytest.raises(DocumentError, match="certificate chain"):
        bridge_for(LocalSigner(generate_private_key("ES256")))

    key = generate_private_key("ES256")
    leaf, _root = _dev_chain(key, NOW, alg="ES256", days=30)
    renewed, root = _dev_chain(key, NOW, alg="ES256", days=60)
    signer = _RotatingSigner(LocalSigner(key, certificate_chain=(leaf,)))
    first = bridge_for(signer)
    assert bridge_for(signer) is first
    signer.chain = (renewed,)
    second = bridge_for(signer)
    assert second is not first
    assert second.signing_cert.dump() == renewed.public_bytes(Encoding.DER)
    page = _page_for("prc")[0]
    assert check_pades(sign_pdf(page, signer), [root]).ok


def test_signed_attributes_equal_pyhankos_pades_set(pki: DevPki) -> None:
    bridge = bridge_for(pki.signer)
    plain = SignerBridge(pki.signer)
    plain.signed_attr_prov_spec = None  # pyHanko's own CAdES/PAdES provider spec
    digest = bytes(range(32))

    async def both() -> tuple[Any, Any]:
        ours = await bridge.signed_attrs(digest, "sha256", use_pades=True)
        theirs = await PyHankoSigner.signed_attrs(plain, digest, "sha256", use_pades=True)
        return ours, theirs

    ours, theirs = asyncio.run(both())
    assert ours.dump() == theirs.dump()
    types = [a["type"].native for a in ours]
    assert sorted(types) == ["content_type", "message_digest", "signing_certificate_v2"]


def _rsa_or_ed_pki(key: Any) -> DevPki:
    wall = datetime.now(UTC)
    start, end = min(NOW, wall) - timedelta(days=1), max(NOW, wall) + timedelta(days=30)
    if isinstance(key, rsa.RSAPrivateKey):
        root_key: Any = rsa.generate_private_key(65537, 2048)
    else:
        root_key = ed25519.Ed25519PrivateKey.generate()
    root = create_root_ca(root_key, name="test root", not_before=start, not_after=end)
    leaf = create_issuer_certificate(
        key.public_key(),
        ca_cert=root,
        ca_key=root_key,
        use="document_signing",
        name="test document signer",
        issuer_id="BE:TEST",
        country="BE",
        credential_issuer="https://issuer.example",
        not_before=start,
        not_after=end,
    )
    return DevPki(LocalSigner(key, certificate_chain=(leaf,)), root)


@pytest.mark.parametrize("kind", ["ES256", "ES384", "RSA-2048", "RSA-4096", "Ed25519"])
def test_the_reserved_space_fits_the_signature(kind: str) -> None:
    if kind.startswith("ES"):
        pki = make_dev_pki(NOW, alg=kind)
    elif kind.startswith("RSA"):
        pki = _rsa_or_ed_pki(rsa.generate_private_key(65537, int(kind[4:])))
    else:
        pki = _rsa_or_ed_pki(ed25519.Ed25519PrivateKey.generate())
    page = _page_for("prc")[0]
    signed = sign_pdf(page, pki.signer)
    assert check_pades(signed, [pki.root]).ok
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    contents = bytes(embedded.sig_object["/Contents"])
    used = len(cms.ContentInfo.load(contents, strict=False).dump())
    reserved = bridge_for(pki.signer).bytes_reserved
    assert len(contents) * 2 == reserved  # /Contents is exactly the reserve (hex digits)
    assert 2 * used <= reserved <= 2 * (used + 2 * CMS_OVERHEAD)
