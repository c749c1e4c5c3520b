"""The request object (signed, x509_hash, by reference) and the response at the endpoint: a
round trip through the holder half, and every refusal with its code."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from verifier.jose import CompactJws, b64url_decode, jwk_from_public_key
from verifier.oid4vp import (
    DIRECT_POST,
    DIRECT_POST_JWT,
    FORM_MEDIA_TYPE,
    AuthorizationRequest,
    AuthorizationResponse,
    Presented,
    ReceivedRequest,
    Refused,
    ResponseForm,
    WalletLink,
    dcql_query,
    open_response,
    parse_form,
    presentations_of,
    read_link,
    response_form,
    sign_request,
    verify_request_object,
    wallet_link,
    x509_hash_client_id,
)
from verifier.policies import load_policy

from ._pki import Identity, make_identity

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
REQUEST_URI = "https://desk.example/oid4vp/request/r-1"
RESPONSE_URI = "https://desk.example/oid4vp/response"
VENUE = dcql_query(load_policy("venue-reduced-tariff"))
PHARMACY = dcql_query(load_policy("pharmacy-ehic"))
assert VENUE is not None and PHARMACY is not None


@pytest.fixture(scope="module")
def identity() -> Identity:
    return make_identity(NOW)


def request_of(
    identity: Identity, mode: str = DIRECT_POST_JWT
) -> tuple[AuthorizationRequest, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = {**jwk_from_public_key(key.public_key()), "kid": "k-1", "use": "enc", "alg": "ECDH-ES"}
    at = int(NOW.timestamp())
    request = AuthorizationRequest(
        x509_hash_client_id(identity.leaf), RESPONSE_URI, mode, "n-1", "s-1", VENUE, at,
        at + 300, jwk if mode == DIRECT_POST_JWT else None,
    )  # fmt: skip
    return request, key


def received(identity: Identity, request: AuthorizationRequest) -> ReceivedRequest:
    link = read_link(wallet_link(request.client_id, REQUEST_URI))
    assert isinstance(link, WalletLink)
    got = verify_request_object(sign_request(request, identity.signer), link=link,
                                trusted=[identity.root], now=NOW)  # fmt: skip
    assert isinstance(got, ReceivedRequest), got
    return got


def post(form: dict[str, str]) -> ResponseForm:
    parsed = parse_form(urlencode(form).encode(), FORM_MEDIA_TYPE)
    assert isinstance(parsed, ResponseForm), parsed
    return parsed


# -- the request ---------------------------------------------------------------------------
def test_the_request_object_is_signed_by_the_x509_hash_certificate(identity: Identity) -> None:
    request, _ = request_of(identity)
    token = sign_request(request, identity.signer)
    jws = CompactJws.parse(token)
    assert jws.header["typ"] == "oauth-authz-req+jwt" and jws.header["alg"] == "ES256"
    assert len(jws.header["x5c"]) == 1  # the leaf, never the trust anchor
    claims = jws.payload_object()
    assert claims["client_id"].startswith("x509_hash:")
    assert claims["aud"] == "https://self-issued.me/v2"
    assert claims["response_type"] == "vp_token" and claims["response_mode"] == "direct_post.jwt"
    assert claims["dcql_query"] == VENUE.as_json()
    keys = claims["client_metadata"]["jwks"]["keys"]
    assert keys == [request.encryption_jwk] and "d" not in keys[0]
    assert claims["client_metadata"]["encrypted_response_enc_values_supported"] == [
        "A128GCM",
        "A256GCM",
    ]
    formats = claims["client_metadata"]["vp_formats_supported"]["dc+sd-jwt"]
    assert "ES256" in formats["sd-jwt_alg_values"] and "ES256" in formats["kb-jwt_alg_values"]
    assert claims["exp"] - claims["iat"] == 300


def test_the_link_holds_the_client_id_and_the_request_uri_only(identity: Identity) -> None:
    request, _ = request_of(identity)
    link = wallet_link(request.client_id, REQUEST_URI)
    parts = urlsplit(link)
    assert parts.scheme == "openid4vp"
    assert parse_qs(parts.query) == {"client_id": [request.client_id], "request_uri": [REQUEST_URI]}


def test_a_signer_without_the_named_certificate_cannot_sign(identity: Identity) -> None:
    request, _ = request_of(identity)
    with pytest.raises(ValueError, match="client id"):
        sign_request(request, make_identity(NOW).signer)


def test_the_wallet_refuses_a_request_it_cannot_trust(identity: Identity) -> None:
    request, _ = request_of(identity)
    token = sign_request(request, identity.signer)
    link = WalletLink(request.client_id, REQUEST_URI)
    stranger = make_identity(NOW)
    cases = {
        "untrusted issuer": verify_request_object(token, link=link, trusted=[stranger.root], now=NOW),
        "other client id": verify_request_object(token, link=WalletLink("x509_hash:AAAA", REQUEST_URI),
                                                 trusted=[identity.root], now=NOW),
        "expired": verify_request_object(token, link=link, trusted=[identity.root],
                                         now=NOW + timedelta(seconds=301)),
        "forged": verify_request_object(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
                                        link=link, trusted=[identity.root], now=NOW),
    }  # fmt: skip
    for name, result in cases.items():
        assert isinstance(result, Refused), name
    assert cases["expired"].code == "oid4vp.expired"  # type: ignore[union-attr]
    assert {r.code for n, r in cases.items() if n != "expired"} == {"oid4vp.request"}  # type: ignore[union-attr]


def test_a_mode_and_key_must_agree(identity: Identity) -> None:
    request, _ = request_of(identity)
    with pytest.raises(ValueError):
        AuthorizationRequest(request.client_id, RESPONSE_URI, DIRECT_POST, "n", "s", VENUE, 0, 1,
                             request.encryption_jwk)  # fmt: skip
    with pytest.raises(ValueError):
        AuthorizationRequest(request.client_id, RESPONSE_URI, "fragment", "n", "s", VENUE, 0, 1)


# -- the response --------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [DIRECT_POST_JWT, DIRECT_POST])
def test_round_trip(identity: Identity, mode: str) -> None:
    request, key = request_of(identity, mode)
    form = post(response_form(received(identity, request), {"social-status_1": ["x~y~kb"]}))
    assert form.kid == ("k-1" if mode == DIRECT_POST_JWT else None)
    opened = open_response(form, key if mode == DIRECT_POST_JWT else None)
    assert opened == AuthorizationResponse("s-1", vp_token={"social-status_1": ["x~y~kb"]})
    assert presentations_of(opened.vp_token, VENUE) == (Presented("social-status_1", "x~y~kb"),)


def test_an_encrypted_response_cannot_be_read_with_another_key(identity: Identity) -> None:
    request, _ = request_of(identity)
    form = post(response_form(received(identity, request), {"social-status_1": ["x~y~kb"]}))
    other = ec.generate_private_key(ec.SECP256R1())
    refused = open_response(form, other)
    assert isinstance(refused, Refused) and refused.code == "oid4vp.encryption"


def test_the_requested_mode_is_enforced(identity: Identity) -> None:
    encrypted, key = request_of(identity, DIRECT_POST_JWT)
    plain_form = post({"vp_token": json.dumps({"social-status_1": ["a~"]}), "state": "s-1"})
    refused = open_response(plain_form, key)  # direct_post.jwt asked, plain sent
    assert isinstance(refused, Refused) and refused.code == "oid4vp.response_mode"
    jwe_form = post(response_form(received(identity, encrypted), {"social-status_1": ["a~"]}))
    refused = open_response(jwe_form, None)
    assert isinstance(refused, Refused) and refused.code == "oid4vp.response_mode"


@pytest.mark.parametrize(
    ("body", "media"),
    [
        (b"vp_token=%7B%7D", "application/json"),
        (b"", FORM_MEDIA_TYPE),
        (b"state=s-1", FORM_MEDIA_TYPE),
        (b"vp_token=a&vp_token=b", FORM_MEDIA_TYPE),
        (b"response=a.b.c.d.e&vp_token=x", FORM_MEDIA_TYPE),
        ("vp_token=é".encode(), FORM_MEDIA_TYPE),
        (b"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", FORM_MEDIA_TYPE),
        (b"vp_token=" + b"x" * (512 * 1024), FORM_MEDIA_TYPE),
    ],
)
def test_malformed_forms(body: bytes, media: str) -> None:
    refused = parse_form(body, media)
    assert isinstance(refused, Refused) and refused.code == "oid4vp.response"


def test_a_wallet_error_is_an_answer() -> None:
    opened = open_response(post({"error": "access_denied", "state": "s-1"}), None)
    assert opened == AuthorizationResponse("s-1", error="access_denied")


@pytest.mark.parametrize(
    "vp_token",
    [
        [],
        {},
        "a~b~",
        {"pid": ["a~"]},
        {"social-status_1": []},
        {"social-status_1": "a~"},
        {"social-status_1": ["a~", "b~"]},
        {"social-status_1": [{"a": 1}]},
    ],
)
def test_a_vp_token_must_answer_the_query(vp_token: object) -> None:
    refused = presentations_of(vp_token, VENUE)
    assert isinstance(refused, Refused) and refused.code == "oid4vp.vp_token"


def test_one_of_the_alternatives_only() -> None:
    both = {"ehic_1": ["a~"], "ehic-prc_1": ["b~"]}
    refused = presentations_of(both, PHARMACY)
    assert isinstance(refused, Refused) and refused.code == "oid4vp.vp_token"
    assert presentations_of({"ehic-prc_1": ["b~"]}, PHARMACY) == (Presented("ehic-prc_1", "b~"),)


def test_the_kid_is_read_without_decrypting(identity: Identity) -> None:
    request, _ = request_of(identity)
    form = post(response_form(received(identity, request), {"social-status_1": ["a~"]}))
    assert form.encrypted is not None
    header = json.loads(b64url_decode(form.encrypted.split(".")[0]))
    assert header["kid"] == form.kid == "k-1" and header["alg"] == "ECDH-ES"
    assert ResponseForm("not-a-jwe", {}).kid is None
