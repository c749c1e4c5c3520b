"""The desk's OpenID4VP requests checked by independent implementations (npm, wallet.mjs): every
DCQL query the desk makes passes ``DcqlQuery.parse``/``validate`` (dcql); the request is parsed
and resolved as a wallet does by ``@openid4vc/openid4vp`` (request object by reference, typ, the
x509_hash client id against the x5c leaf, signature, 1.0 Final); and that wallet's response —
its own SD-JWT disclosure choice, its own KB-JWT and JWE (jose) — gets a valid verdict at the
desk. The desk is served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desk_web._support import NOT_FOR_THE_VENUE, SAMPLES, Desk, served_desk
from tests.desk_web._wallet import link_in, transaction_in
from verifier.jose import public_jwk
from verifier.oid4vp import dcql_query
from verifier.policies import load_policy, policy_names
from verifier.trust import dump_pem

from .conftest import NodeWallet

pytestmark = pytest.mark.interop


def _ask(desk: Desk) -> str:
    response = desk.client.post("/wallet")
    assert response.status_code == 201, response.text
    return response.text


def _root_pem(desk: Desk) -> str:
    assert desk.identity.dev_root is not None
    return dump_pem(desk.identity.dev_root).decode()


@pytest.fixture(params=["direct_post.jwt", "direct_post"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Desk]:
    with served_desk(tmp_path, wallet_response_mode=request.param) as served:
        yield served


@pytest.mark.parametrize("name", policy_names())
def test_every_query_the_desk_makes_is_valid_dcql(node_wallet: NodeWallet, name: str) -> None:
    query = dcql_query(load_policy(name))
    assert query is not None
    checked = node_wallet.run("check-query", query=query.as_json())
    # the parser adds the one default the desk leaves out (multiple: false, §6.1)
    assert checked["query"]["credentials"] == [
        {**c, "multiple": False} for c in query.as_json()["credentials"]]  # fmt: skip
    assert checked["query"].get("credential_sets") == query.as_json().get("credential_sets")


def test_a_broken_query_is_refused_by_dcql(node_wallet: NodeWallet) -> None:
    """The check is real: dcql refuses what the specification forbids."""
    broken = {"credentials": [{"id": "a b", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}
    assert "error" in node_wallet.run("check-query", query=broken)
    twice = {"credentials": [{"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}] * 2}
    assert "error" in node_wallet.run("check-query", query=twice)


def test_the_request_resolves_as_a_wallet_resolves_it(node_wallet: NodeWallet, desk: Desk) -> None:
    link = link_in(_ask(desk))
    now = int(desk.clock().timestamp())
    resolved = node_wallet.run("resolve", link=link, trustedRootPem=_root_pem(desk), now=now)
    assert resolved["provided"] == "jar"  # a request object, by reference
    assert resolved["version"] == 100  # the library's number for OpenID4VP 1.0 Final
    assert resolved["client"] == {"prefix": "x509_hash",
        "identifier": desk.identity.client_id.removeprefix("x509_hash:"),
        "effective": desk.identity.client_id}  # fmt: skip
    assert resolved["signer"] == {"method": "x5c", "alg": "ES256"}
    request = resolved["request"]
    assert request["response_mode"] == desk.settings.wallet_response_mode
    assert request["response_uri"] == f"{desk.settings.base_url}/oid4vp/response"
    assert request["dcql_query"] == dcql_query(load_policy("venue-reduced-tariff")).as_json()  # type: ignore[union-attr]


def test_a_wallet_trusting_another_root_refuses_the_request(
    node_wallet: NodeWallet, desk: Desk, tmp_path: Path
) -> None:
    from tests.oid4vp._pki import make_identity

    stranger = dump_pem(make_identity(desk.clock()).root).decode()
    link = link_in(_ask(desk))
    refused = node_wallet.run("resolve", link=link, trustedRootPem=stranger,
                              now=int(desk.clock().timestamp()))  # fmt: skip
    assert "error" in refused


def test_the_node_wallet_answers_and_the_desk_says_valid(
    node_wallet: NodeWallet, desk: Desk
) -> None:
    page = _ask(desk)
    holder = public_jwk_private(SAMPLES / "holder-key.DEV-ONLY.jwk")
    answered = node_wallet.run(
        "answer", link=link_in(page), trustedRootPem=_root_pem(desk),
        credential=(SAMPLES / "social-status.sd-jwt").read_text().strip(), holderJwk=holder,
        now=int(desk.clock().timestamp()),
    )  # fmt: skip
    assert answered["status"] == 200, answered
    assert answered["queryId"] == "social-status_1"
    encrypted = desk.settings.wallet_response_mode == "direct_post.jwt"
    assert answered["encrypted"] is encrypted
    if encrypted:
        assert answered["jweHeader"]["alg"] == "ECDH-ES"
        assert answered["jweHeader"]["enc"] == "A128GCM"
    verdict = desk.client.get(f"/wallet/{transaction_in(page)}")
    assert verdict.status_code == 200
    assert 'data-outcome="valid"' in verdict.text, re.findall(r'data-code="[^"]*"', verdict.text)
    for personal in NOT_FOR_THE_VENUE:
        assert personal not in verdict.text


def test_the_node_wallet_bending_the_audience_gets_an_invalid_verdict(
    node_wallet: NodeWallet, desk: Desk
) -> None:
    page = _ask(desk)
    answered = node_wallet.run(
        "answer", link=link_in(page), trustedRootPem=_root_pem(desk),
        credential=(SAMPLES / "social-status.sd-jwt").read_text().strip(),
        holderJwk=public_jwk_private(SAMPLES / "holder-key.DEV-ONLY.jwk"),
        bend={"aud": "x509_hash:someone-else"}, now=int(desk.clock().timestamp()),
    )  # fmt: skip
    assert answered["status"] == 200
    verdict = desk.client.get(f"/wallet/{transaction_in(page)}").text
    assert 'data-outcome="invalid"' in verdict and 'data-code="kb.aud"' in verdict


def public_jwk_private(path: Path) -> dict[str, str]:
    """The holder's private JWK as jose wants it (kty, crv, x, y, d)."""
    import json

    jwk = json.loads(path.read_text())
    assert public_jwk(jwk) != jwk  # it is the private key
    return {k: jwk[k] for k in ("kty", "crv", "x", "y", "d")}
