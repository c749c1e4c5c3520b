"""``Bundle.parse`` on mutated real bundles: it answers with a ``VerificationError``, never crashes.

Three kinds of mutation, as a fuzzer finds them: bytes flipped inside the certificates that are
read before any signature is checked (the ``x5c`` header of the bundle and of its trust list, the
embedded ``root``), random edits of the token text, and payloads re-signed by a registry key made
here (so the checks after the signature see arbitrary JSON).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from datetime import datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier import VerificationError
from verifier.jose import b64url_decode, b64url_encode
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import (
    BUNDLE_TYP,
    TRUST_LIST_TYP,
    Bundle,
    create_registry_certificate,
    create_root_ca,
    sign_registry_jws,
)

from ._cli_support import BUNDLE, ROOT, SAMPLE_NOW

TOKEN = BUNDLE.read_text().strip()
PINNED = x509.load_pem_x509_certificate(ROOT.read_bytes())
NOW = datetime.fromisoformat(SAMPLE_NOW)
# CIVICRED_FUZZ_EXAMPLES=20000 fuzzes deeper locally; CI runs the default.
FUZZ = settings(
    max_examples=int(os.environ.get("CIVICRED_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)


def _parse(token: str, root: x509.Certificate | None) -> None:
    """Either a bundle or a VerificationError; anything else fails the test with its type."""
    with contextlib.suppress(VerificationError):
        Bundle.parse(token, root=root, now=NOW)


def _segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature


def _join(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    def part(value: dict[str, Any]) -> str:
        return b64url_encode(json.dumps(value).encode())

    return f"{part(header)}.{part(payload)}.{signature}"


def _flip(der_b64: str, positions: list[int], values: list[int]) -> str:
    der = bytearray(base64.b64decode(der_b64))
    for position, value in zip(positions, values, strict=False):
        der[position % len(der)] = value
    return base64.b64encode(bytes(der)).decode()


BYTE_EDITS = st.tuples(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=4),
    st.lists(st.integers(0, 255), min_size=1, max_size=4),
)


@FUZZ
@given(edit=BYTE_EDITS, where=st.sampled_from(["x5c", "root", "inner_x5c"]), pinned=st.booleans())
def test_corrupt_certificates(edit: tuple[list[int], list[int]], where: str, pinned: bool) -> None:
    header, payload, signature = _segments(TOKEN)
    if where == "x5c":
        header["x5c"] = [_flip(header["x5c"][0], *edit), *header["x5c"][1:]]
    elif where == "root":
        payload["root"] = _flip(payload["root"], *edit)
    else:
        inner_header, inner_payload, inner_signature = _segments(payload["trust_list"])
        inner_header["x5c"] = [_flip(inner_header["x5c"][0], *edit)]
        payload["trust_list"] = _join(inner_header, inner_payload, inner_signature)
    _parse(_join(header, payload, signature), PINNED if pinned else None)


@FUZZ
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(TOKEN)), st.text(max_size=3)), max_size=4),
    pinned=st.booleans(),
)
def test_text_edits(cuts: list[tuple[int, str]], pinned: bool) -> None:
    token = TOKEN
    for position, replacement in cuts:
        token = token[:position] + replacement + token[position + len(replacement) :]
    _parse(token, PINNED if pinned else None)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


# -- re-signed payloads: a registry of our own signs whatever the fuzzer writes ----------------
_START = NOW - timedelta(days=30)
_ROOT_KEY, _SIGNING_KEY = generate_private_key(), generate_private_key()
_OWN_ROOT = create_root_ca(
    _ROOT_KEY, name="fuzz root", not_before=_START, not_after=NOW + timedelta(days=30)
)
_OWN_CERT = create_registry_certificate(
    _SIGNING_KEY.public_key(),
    ca_cert=_OWN_ROOT,
    ca_key=_ROOT_KEY,
    name="fuzz registry",
    uri="https://registry.fuzz.example",
    not_before=_START,
    not_after=NOW + timedelta(days=30),
)
_OWN_SIGNER = LocalSigner(_SIGNING_KEY, certificate_chain=(_OWN_CERT,))
_SAMPLE_LIST = _segments(_segments(TOKEN)[1]["trust_list"])[1]
_BASE = {
    **_segments(TOKEN)[1],
    "root": base64.b64encode(_der(_OWN_ROOT)).decode(),
    "trust_list": sign_registry_jws(_SAMPLE_LIST, typ=TRUST_LIST_TYP, signer=_OWN_SIGNER),
}

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    "issued_at", "next_update", "sequence", "root", "trust_list", "status_lists",
    "revocation_lists", "type_metadata",
]  # fmt: skip


@FUZZ
@given(edits=st.dictionaries(st.sampled_from(FIELDS), JSON, min_size=1, max_size=3))
def test_resigned_payloads(edits: dict[str, Any]) -> None:
    payload = {**_BASE, **edits}
    token = sign_registry_jws(payload, typ=BUNDLE_TYP, signer=_OWN_SIGNER)
    _parse(token, _OWN_ROOT)
    _parse(token, None)


@pytest.mark.parametrize("value", [2**63, 10**20, -1, 253402300800, 1.5, True, "1795460000", None])
def test_out_of_range_times(value: object) -> None:
    """``issued_at``/``next_update`` beyond what a datetime holds: ``trust.bundle``/``trust.list``."""
    for name in ("issued_at", "next_update"):
        token = sign_registry_jws(
            {**_BASE, name: value},
            typ=BUNDLE_TYP,
            signer=_OWN_SIGNER,
        )
        with pytest.raises(VerificationError) as caught:
            Bundle.parse(token, root=_OWN_ROOT, now=NOW)
        assert caught.value.code in {"trust.bundle", "trust.list"}


def test_the_base_payload_verifies() -> None:
    """The control: unmutated, the re-signed base is a good bundle (so mutations go deep)."""
    token = sign_registry_jws(_BASE, typ=BUNDLE_TYP, signer=_OWN_SIGNER)
    assert Bundle.parse(token, root=_OWN_ROOT, now=NOW).pinned
    assert Bundle.parse(TOKEN, root=PINNED, now=NOW).pinned


TRUST_LIST_FIELDS = ["issued_at", "next_update", "sequence", "iss", "institutions", "issuers"]


@FUZZ
@given(
    edits=st.dictionaries(st.sampled_from(TRUST_LIST_FIELDS), JSON, min_size=1, max_size=2),
    member=st.sampled_from(["institutions", "issuers"]),
    inner=st.dictionaries(st.text(max_size=12), JSON, max_size=3),
)
def test_resigned_trust_lists(edits: dict[str, Any], member: str, inner: dict[str, Any]) -> None:
    trust_list = {**_SAMPLE_LIST, **edits}
    if isinstance(_SAMPLE_LIST.get(member), list) and _SAMPLE_LIST[member]:
        trust_list[member] = [{**_SAMPLE_LIST[member][0], **inner}, *_SAMPLE_LIST[member][1:]]
    signed = sign_registry_jws(trust_list, typ=TRUST_LIST_TYP, signer=_OWN_SIGNER)
    token = sign_registry_jws({**_BASE, "trust_list": signed}, typ=BUNDLE_TYP, signer=_OWN_SIGNER)
    _parse(token, _OWN_ROOT)
