"""Status List Tokens: encode, decode+verify, and every way a verifier must refuse one."""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from test_status_list import zlib_bomb

from verifier import AlgorithmNotAllowed, MalformedInput, SignatureInvalid, StatusUnavailable, codes
from verifier.cose import CoseSign1, CwtClaim, HeaderParameter, encode_cwt_claims, sign1
from verifier.jose import (
    CREDENTIAL_ALGORITHMS,
    AlgorithmPolicy,
    PublicKey,
    b64url_encode,
    sign_compact_json,
)
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import (
    STATUS_LIST_CWT_MEDIA_TYPE,
    STATUS_LIST_JWT_MEDIA_TYPE,
    StatusList,
    StatusListToken,
    StatusReference,
    TokenStatus,
    decode_status_list_jwt,
    decode_status_list_token,
    encode_status_list_cwt,
    encode_status_list_jwt,
)

URI = "https://status.civicred.example/lists/7"
IAT, EXP, NOW = 1_800_000_000, 1_800_086_400, 1_800_000_100
SIGNER = LocalSigner(generate_private_key("ES256"))
KEY = SIGNER.public_key()

Encoder = Callable[..., str | bytes]
ENCODERS: dict[str, Encoder] = {"jwt": encode_status_list_jwt, "cwt": encode_status_list_cwt}


def _list() -> StatusList:
    status_list = StatusList(1024, bits=2)
    status_list.set(3, TokenStatus.INVALID)
    status_list.set(1000, TokenStatus.SUSPENDED)
    return status_list


def _encode(fmt: str, **kwargs: Any) -> str | bytes:
    args: dict[str, Any] = {"uri": URI, "signer": SIGNER, "iat": IAT, "exp": EXP, "ttl": 3600}
    args.update(kwargs)
    return ENCODERS[fmt](args.pop("status_list", _list()), **args)


def _decode(token: str | bytes, **kwargs: Any) -> StatusListToken:
    args: dict[str, Any] = {"key": KEY, "policy": CREDENTIAL_ALGORITHMS, "expected_uri": URI}
    args["now"] = NOW
    args.update(kwargs)
    return decode_status_list_token(token, **args)


def _refused(token: str | bytes, error: type[Exception], code: str, **kwargs: Any) -> None:
    with pytest.raises(error) as info:
        _decode(token, **kwargs)
    assert getattr(info.value, "code", None) == code
    assert codes.family(code) == codes.STATUS_FAMILY


@pytest.fixture(params=["jwt", "cwt"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_round_trip(fmt: str) -> None:
    token = _decode(_encode(fmt, issuer="https://issuer.example", aggregation_uri=URI + "/all"))
    assert (token.format, token.uri, token.iat, token.exp, token.ttl) == (fmt, URI, IAT, EXP, 3600)
    assert (token.issuer, token.aggregation_uri, token.kid) == (
        "https://issuer.example",
        URI + "/all",
        SIGNER.kid,
    )
    assert token.status_list == _list()
    assert token.status(3) is TokenStatus.INVALID
    assert token.lookup(StatusReference(idx=1000, uri=URI)) is TokenStatus.SUSPENDED
    assert token.fresh_until(NOW) == NOW + 3600
    assert token.fresh_until(EXP - 10) == EXP


def test_media_type_dispatch() -> None:
    jwt, cwt = _encode("jwt"), _encode("cwt")
    assert isinstance(jwt, str) and isinstance(cwt, bytes)
    assert _decode(jwt.encode(), media_type=STATUS_LIST_JWT_MEDIA_TYPE).format == "jwt"
    assert _decode(jwt.encode()).format == "jwt"
    assert _decode(cwt, media_type=STATUS_LIST_CWT_MEDIA_TYPE + "; q=1").format == "cwt"
    _refused(cwt, MalformedInput, "status.format", media_type="application/json")
    _refused(jwt, MalformedInput, "status.format", media_type=STATUS_LIST_CWT_MEDIA_TYPE)


def test_typ_variants_for_jwt() -> None:
    for typ in ("statuslist+jwt", "application/statuslist+jwt", "StatusList+JWT"):
        token = sign_compact_json({"typ": typ}, _claims_json(), SIGNER)
        assert _decode(token).uri == URI


def _claims_json(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {"iat": IAT, "exp": EXP, "sub": URI, "ttl": 60}
    claims["status_list"] = _list().json_object()
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _claims_cwt(changes: dict[Any, Any] | None = None) -> dict[Any, Any]:
    claims: dict[Any, Any] = {CwtClaim.SUB: URI, CwtClaim.IAT: IAT, CwtClaim.EXP: EXP}
    claims[CwtClaim.STATUS_LIST] = _list().cbor_map()
    claims.update(changes or {})
    return {k: v for k, v in claims.items() if v is not None}


def _jwt(typ: Any = "statuslist+jwt", **changes: Any) -> str:
    return sign_compact_json({"typ": typ}, _claims_json(**changes), SIGNER)


def _cwt(typ: Any = STATUS_LIST_CWT_MEDIA_TYPE, changes: dict[Any, Any] | None = None) -> bytes:
    payload = encode_cwt_claims(_claims_cwt(changes))
    return sign1(payload, SIGNER, protected={} if typ is None else {HeaderParameter.TYP: typ})


@pytest.mark.parametrize("typ", [None, "jwt", "statuslist+cwt", "application/statuslist+jwt+x", 1])
def test_wrong_typ_jwt(typ: Any) -> None:
    header = {} if typ is None else {"typ": typ}
    _refused(sign_compact_json(header, _claims_json(), SIGNER), MalformedInput, "status.typ")


@pytest.mark.parametrize("typ", [None, "application/statuslist+jwt", "statuslist+cwt", 61])
def test_wrong_typ_cwt(typ: Any) -> None:
    _refused(_cwt(typ), MalformedInput, "status.typ")


def test_cwt_typ_in_unprotected_header_is_not_enough() -> None:
    data = sign1(
        encode_cwt_claims(_claims_cwt()), SIGNER, unprotected={16: STATUS_LIST_CWT_MEDIA_TYPE}
    )
    _refused(data, MalformedInput, "status.typ")


def test_sub_mismatch(fmt: str) -> None:
    _refused(_encode(fmt), StatusUnavailable, "status.sub", expected_uri=URI + "x")
    token = _decode(_encode(fmt))
    with pytest.raises(StatusUnavailable) as info:
        token.lookup(StatusReference(idx=0, uri="https://elsewhere.example/1"))
    assert info.value.code == "status.sub"


def test_expired(fmt: str) -> None:
    _refused(_encode(fmt), StatusUnavailable, "status.expired", now=EXP)
    _refused(_encode(fmt), StatusUnavailable, "status.expired", now=EXP + 5, leeway=5)
    assert _decode(_encode(fmt), now=EXP + 4, leeway=5).exp == EXP
    assert _decode(_encode(fmt, exp=None)).exp is None  # exp is only RECOMMENDED


def test_not_yet_valid(fmt: str) -> None:
    _refused(_encode(fmt), StatusUnavailable, "status.not_yet_valid", now=IAT - 1)
    _refused(_jwt(nbf=NOW + 10), StatusUnavailable, "status.not_yet_valid")
    _refused(_cwt(changes={CwtClaim.NBF: NOW + 10}), StatusUnavailable, "status.not_yet_valid")


def test_signature_by_another_key(fmt: str) -> None:
    other = LocalSigner(generate_private_key("ES256"))
    _refused(_encode(fmt, signer=other), SignatureInvalid, "status.signature")


def test_tampered_token(fmt: str) -> None:
    token = _encode(fmt)
    if isinstance(token, str):
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["status_list"] = StatusList(1024, 2).json_object()  # "un-revoke" everything
        tampered: str | bytes = f"{header}.{b64url_encode(json.dumps(claims).encode())}.{signature}"
    else:
        message = CoseSign1.decode(token)
        clean = encode_cwt_claims(_claims_cwt({CwtClaim.STATUS_LIST: StatusList(1024).cbor_map()}))
        tampered = cbor2.dumps(
            cbor2.CBORTag(18, [message.protected_bytes, {}, clean, message.signature])
        )
    _refused(tampered, SignatureInvalid, "status.signature")


def test_algorithm_policy_and_key_type(fmt: str) -> None:
    _refused(_encode(fmt), AlgorithmNotAllowed, "status.alg", policy=AlgorithmPolicy.of(["EdDSA"]))
    ed = generate_private_key("EdDSA").public_key()
    _refused(_encode(fmt), SignatureInvalid, "status.alg", key=ed)


def test_other_algorithms_round_trip(fmt: str) -> None:
    for alg in ("EdDSA", "ES384", "ML-DSA-44"):
        signer = LocalSigner(generate_private_key(alg))
        assert _decode(_encode(fmt, signer=signer), key=signer.public_key()).uri == URI


def test_out_of_range_index(fmt: str) -> None:
    token = _decode(_encode(fmt))
    assert token.status_list.size == 1024
    assert token.status(1023) == TokenStatus.VALID
    for index in (1024, 10**9, -1, True):
        with pytest.raises(StatusUnavailable) as info:
            token.status(index)
        assert info.value.code == "status.index_out_of_range"
    with pytest.raises(StatusUnavailable):
        token.lookup(StatusReference(idx=1024, uri=URI))


@pytest.mark.parametrize(
    "changes",
    [
        {"sub": None},
        {"sub": 7},
        {"iat": None},
        {"iat": "yesterday"},
        {"exp": True},
        {"iss": 5},
        {"status_list": None},
        {"status_list": "eNrbuRgAAhcBXQ"},
        {"status_list": {"bits": 1}},
        {"status_list": {"bits": 1, "lst": 5}},
        {"status_list": {"bits": 1, "lst": "eNrbuRgAAhcBXQ", "aggregation_uri": 3}},
    ],
)
def test_missing_or_mistyped_claims_jwt(changes: dict[str, Any]) -> None:
    _refused(_jwt(**changes), MalformedInput, "status.claims")


@pytest.mark.parametrize(
    "changes",
    [
        {CwtClaim.SUB: None},
        {CwtClaim.SUB: b"bytes"},
        {CwtClaim.IAT: None},
        {CwtClaim.IAT: "yesterday"},
        {CwtClaim.STATUS_LIST: None},
        {CwtClaim.STATUS_LIST: {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}},  # lst must be a bstr
        {CwtClaim.STATUS_LIST: [1, b"x"]},
    ],
)
def test_missing_or_mistyped_claims_cwt(changes: dict[Any, Any]) -> None:
    _refused(_cwt(changes=changes), MalformedInput, "status.claims")


@pytest.mark.parametrize("ttl", [0, -5, True, "60"])
def test_ttl_must_be_positive(ttl: Any) -> None:
    _refused(_jwt(ttl=ttl), MalformedInput, "status.ttl")
    _refused(_cwt(changes={CwtClaim.TTL: ttl}), MalformedInput, "status.ttl")
    _refused(_cwt(changes={CwtClaim.TTL: 1.5}), MalformedInput, "status.ttl")
    assert _decode(_jwt(ttl=1.5)).ttl == 1.5  # JSON: "a positive number"


@pytest.mark.parametrize("bits", [3, 0, 16, "2", True])
def test_bits_must_be_1_2_4_8(bits: Any) -> None:
    body = {"bits": bits, "lst": "eNrbuRgAAhcBXQ"}
    _refused(_jwt(status_list=body), MalformedInput, "status.bits")
    cbor_body = {"bits": bits, "lst": bytes.fromhex("78dadbb918000217015d")}
    _refused(_cwt(changes={CwtClaim.STATUS_LIST: cbor_body}), MalformedInput, "status.bits")


@pytest.mark.parametrize("lst", ["eNrbuRgAAhcB", "eNrbuRgAAhcBXQ==", "not base64!", "", "AAAA"])
def test_bad_lst(lst: str) -> None:
    _refused(_jwt(status_list={"bits": 1, "lst": lst}), MalformedInput, "status.lst")


def test_zlib_bomb_inside_a_signed_token(fmt: str) -> None:
    """A (compromised or buggy) issuer's signature does not make a 1 GiB list acceptable."""
    bomb = zlib_bomb()
    if fmt == "jwt":
        token: str | bytes = _jwt(status_list={"bits": 2, "lst": b64url_encode(bomb)})
    else:
        token = _cwt(changes={CwtClaim.STATUS_LIST: {"bits": 2, "lst": bomb}})
    _refused(token, MalformedInput, "status.inflate_limit")
    _refused(_encode(fmt), MalformedInput, "status.inflate_limit", max_entries=1000)


def test_size_limit(fmt: str) -> None:
    token = _encode(fmt)
    _refused(token, MalformedInput, "status.size", max_token_bytes=len(token) - 1)


@pytest.mark.parametrize(
    "token",
    ["", "a.b", "e30.e30.", b"", b"\xd2\x84", cbor2.dumps(cbor2.CBORTag(61, 1)), b"eyJ\xff"],
)
def test_garbage(token: str | bytes) -> None:
    with pytest.raises(MalformedInput) as info:
        _decode(token)
    assert info.value.code in {"status.format", "status.typ"}


def test_cwt_must_be_tagged() -> None:
    untagged = cbor2.dumps(cbor2.loads(_encode("cwt")).value)
    _refused(untagged, MalformedInput, "status.format")


def test_now_is_required_to_be_a_number() -> None:
    with pytest.raises(TypeError):
        _decode(_encode("jwt"), now=None)
    with pytest.raises(TypeError):
        decode_status_list_jwt(
            str(_encode("jwt")), key=KEY, policy=CREDENTIAL_ALGORITHMS, expected_uri=URI, now="2027"
        )


@pytest.mark.parametrize(
    "kwargs",
    [{"uri": "not a uri"}, {"ttl": 0}, {"exp": IAT}, {"iat": "now"}],
)
def test_encoder_refuses_bad_arguments(fmt: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        _encode(fmt, **kwargs)


def _certificate(subject_key: PublicKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "status signer")])
    key = generate_private_key("ES256")
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(subject_key)  # type: ignore[arg-type]
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("chain_length", [1, 2])
def test_certificate_chain_in_x5c_and_x5chain(fmt: str, chain_length: int) -> None:
    private_key = generate_private_key("ES256")
    cert = _certificate(private_key.public_key())
    signer = LocalSigner(private_key, certificate_chain=(cert,) * chain_length)
    token = _encode(fmt, signer=signer)
    der = cert.public_bytes(Encoding.DER)
    assert _decode(token, key=signer.public_key()).certificate_chain == (der,) * chain_length
    if isinstance(token, str):
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        assert header["x5c"] == [base64.b64encode(der).decode()] * chain_length
    else:
        x5chain = CoseSign1.decode(token).protected[HeaderParameter.X5CHAIN]
        assert x5chain == (der if chain_length == 1 else [der, der])


def _immutable(value: Any) -> Any:
    """The shapes cbor2 6.x may hand back: tuples for arrays, read-only maps."""
    if isinstance(value, cbor2.CBORTag):
        return cbor2.CBORTag(value.tag, _immutable(value.value))
    if isinstance(value, list):
        return tuple(_immutable(v) for v in value)
    if isinstance(value, dict):
        return MappingProxyType({k: _immutable(v) for k, v in value.items()})
    return value


def test_cwt_path_does_not_depend_on_cbor2_5_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    original = cbor2.loads
    monkeypatch.setattr(cbor2, "loads", lambda data: _immutable(original(data)))
    private_key = generate_private_key("ES256")
    chain = (_certificate(private_key.public_key()),) * 2
    signer = LocalSigner(private_key, certificate_chain=chain)
    token = _decode(_encode("cwt", signer=signer), key=signer.public_key())
    assert token.status_list == _list() and len(token.certificate_chain) == 2
    _refused(_cwt(changes={CwtClaim.STATUS_LIST: [1, b"x"]}), MalformedInput, "status.claims")
