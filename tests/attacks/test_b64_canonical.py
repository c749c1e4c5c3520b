"""One signature, one token text: base64url with non-zero pad bits is refused (RFC 4648 §3.5).

The last character of an unpadded base64url string of length 4n+2 (4n+3) carries 4 (2) bits
that no decoder reads; an encoder MUST set them to zero. A decoder that ignores them accepts 16
(4) texts for the same bytes, so a verified token could be re-spelled at will: a second "unique"
credential, a replayed KB-JWT that no ``jti``/``sd_hash`` comparison recognises. Every base64url
decode of the verifier goes through :func:`verifier.jose.b64url_decode`, which now refuses those
texts with ``input.base64.canonical``.
"""

from __future__ import annotations

import binascii

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verifier import MalformedInput, Outcome, VerificationReport, VerificationTime
from verifier.jose import b64_decode, b64url_decode, b64url_encode, jwk_from_public_key
from verifier.qr import decode_qr_text, encode_qr_text, verify_qr_document
from verifier.sdjwt import VerificationPolicy, issue_sd_jwt_vc, present, verify_sd_jwt
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import JwksResolver, TrustListDocumentResolver, parse_x5c, x5c_header

from ._world import NOW, TODAY, World, signed_prc

CANONICAL = "input.base64.canonical"
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
ISSUER = LocalSigner(generate_private_key("ES256"))
HOLDER = LocalSigner(generate_private_key("ES256"))
RESOLVER = JwksResolver({"keys": [{**jwk_from_public_key(ISSUER.public_key()), "kid": ISSUER.kid}]})
NONCE, AUD = "n-0S6_WzA2Mj", "https://venue.example"
POLICY = VerificationPolicy.at(NOW)
KB_POLICY = VerificationPolicy.at(
    NOW, require_key_binding=True, expected_nonce=NONCE, expected_aud=AUD
)


def respelled(text: str) -> str:
    """``text`` with its last character replaced by one that decodes to the same bytes."""
    pad_bits = {2: 4, 3: 2}[len(text) % 4]
    value = ALPHABET.index(text[-1])
    other = ALPHABET[value ^ ((1 << pad_bits) - 1)]  # flip every pad bit
    assert binascii.a2b_base64(_standard(text[:-1] + other)) == binascii.a2b_base64(_standard(text))
    return text[:-1] + other


def respelled_signature(jws: str) -> str:
    head, body, signature = jws.split(".")
    return f"{head}.{body}.{respelled(signature)}"


def _standard(text: str) -> bytes:  # an independent, lenient decoder (the old behaviour)
    return text.translate(str.maketrans("-_", "+/")).encode() + b"=" * (-len(text) % 4)


def _last_failure(report: VerificationReport) -> str:
    assert report.outcome is Outcome.INVALID, report.to_json()
    assert report.claims is None
    return report.failures[0].code


def _credential(**claims: object) -> str:
    return issue_sd_jwt_vc(
        claims,
        vct="urn:civicred:social-status:1",
        iss="https://issuer.example",
        signer=ISSUER,
        disclosable=[f"/{name}" for name in claims],
        iat=int(NOW.timestamp()) - 60,
        holder_jwk=jwk_from_public_key(HOLDER.public_key()),
    ).compact


def test_sd_jwt_with_a_respelled_signature_is_refused() -> None:
    credential = _credential(given_name="Marie")
    assert verify_sd_jwt(credential, policy=POLICY, resolver=RESOLVER).outcome is Outcome.VALID
    jwt, rest = credential.split("~", 1)
    forged = f"{respelled_signature(jwt)}~{rest}"
    report = verify_sd_jwt(forged, policy=POLICY, resolver=RESOLVER)
    assert _last_failure(report) == CANONICAL


def test_a_respelled_disclosure_is_a_canonical_encoding_failure_not_an_unreferenced_one() -> None:
    credential = _credential(given_name="Marie", family_name="Dupont", city="Liège", year=1984)
    jwt, *disclosures, kb = credential.split("~")
    index = next(i for i, d in enumerate(disclosures) if len(d) % 4)
    disclosures[index] = respelled(disclosures[index])
    forged = "~".join([jwt, *disclosures, kb])
    report = verify_sd_jwt(forged, policy=POLICY, resolver=RESOLVER)
    assert _last_failure(report) == CANONICAL


def test_a_respelled_kb_jwt_is_refused() -> None:
    presented = present(
        _credential(given_name="Marie"),
        ["/given_name"],
        holder=HOLDER,
        nonce=NONCE,
        aud=AUD,
        iat=int(NOW.timestamp()),
    )
    assert verify_sd_jwt(presented, policy=KB_POLICY, resolver=RESOLVER).outcome is Outcome.VALID
    sd_jwt, kb_jwt = presented.rsplit("~", 1)
    forged = f"{sd_jwt}~{respelled_signature(kb_jwt)}"
    report = verify_sd_jwt(forged, policy=KB_POLICY, resolver=RESOLVER)
    assert _last_failure(report) == CANONICAL


def test_an_eprc_whose_qr_jws_is_respelled_is_refused(world: World) -> None:
    resolver = TrustListDocumentResolver(world.snapshot)
    text = signed_prc(world)
    assert verify_qr_document(text, resolver=resolver, time=VerificationTime(NOW, TODAY)).valid
    forged = encode_qr_text(respelled_signature(decode_qr_text(text)))
    report = verify_qr_document(forged, resolver=resolver, time=VerificationTime(NOW, TODAY))
    assert _last_failure(report) == CANONICAL


@given(st.binary(max_size=70), st.sampled_from(ALPHABET))
def test_only_the_canonical_encoding_of_some_bytes_decodes(data: bytes, last: str) -> None:
    encoded = b64url_encode(data)
    assert b64url_decode(encoded) == data
    if not encoded:
        return
    variant = encoded[:-1] + last
    try:
        decoded = b64url_decode(variant)
    except MalformedInput as exc:  # a lenient decoder reads it, as another text's bytes
        assert exc.code == CANONICAL
        assert b64url_encode(binascii.a2b_base64(_standard(variant))) != variant
        return
    assert b64url_encode(decoded) == variant  # whatever decodes is the canonical text
    assert (decoded == data) == (variant == encoded)


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_decoding_is_injective(text: str) -> None:
    try:
        decoded = b64url_decode(text)
    except MalformedInput as exc:
        assert exc.code in ("input.base64", CANONICAL)
        return
    assert b64url_encode(decoded) == text


@pytest.mark.parametrize("text", ["QR", "QUF", "AAB", "_-"])
def test_pad_bits_set(text: str) -> None:
    with pytest.raises(MalformedInput) as info:
        b64url_decode(text, what="test value")
    assert info.value.code == CANONICAL
    assert "test value" in info.value.message


def test_x5c_is_standard_base64_held_to_the_same_rule(world: World) -> None:
    """RFC 7515 §4.1.6: x5c members are base64 (RFC 4648 §4, padded), not base64url."""
    (text,) = x5c_header([world.cert("P-256")])
    assert parse_x5c([text]) == (world.cert("P-256"),)
    assert b64_decode("QQ==") == b"A"
    for bad, code in (("QR==", CANONICAL), ("QQ", "input.base64"), ("Q-==", "input.base64")):
        with pytest.raises(MalformedInput) as info:
            b64_decode(bad)
        assert info.value.code == code
    # A certificate whose base64 ends in padding, so its last character has pad bits (each DER
    # length is 0, 1 or 2 mod 3; among seven certificates one is almost surely not 0).
    text = next(t for t in x5c_header([world.root, *world.certs.values()]) if t.endswith("="))
    unpadded = text.rstrip("=")
    respelled_text = respelled(unpadded.translate(str.maketrans("+/", "-_")))
    forged = respelled_text.translate(str.maketrans("-_", "+/")) + text[len(unpadded) :]
    with pytest.raises(MalformedInput) as info:
        parse_x5c([forged])
    assert info.value.code == "trust.certificate" and "canonical" in info.value.message
