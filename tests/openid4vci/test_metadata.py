"""Credential issuer and authorization server metadata: where they are served, what they say,
the shapes of the 1.0 Final examples, and that every URL in them (and in offers) resolves."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from issuer.catalog import LANGUAGES, credential_types
from issuer.oid4vci import PRE_AUTHORIZED_GRANT
from tests.conftest import conformance_path
from verifier.jose import CREDENTIAL_ALGORITHMS

from ._issuer import IssuerUnderTest, start_issuer
from ._wallet import offer_uri_from_link

EXAMPLES = ("openid4vci-1.0-final", "examples")


def _example(name: str) -> dict[str, object]:
    return dict(json.loads(conformance_path(*EXAMPLES, name).read_text()))


def test_issuer_metadata_describes_the_three_types_as_1_0(issuer: IssuerUnderTest) -> None:
    response = issuer.http.get("/.well-known/openid-credential-issuer")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "max-age=" in response.headers["cache-control"] and response.headers["etag"]
    metadata = response.json()
    base = issuer.services.settings.credential_issuer
    assert metadata["credential_issuer"] == base
    assert metadata["credential_endpoint"] == f"{base}/credential"
    assert metadata["nonce_endpoint"] == f"{base}/nonce"
    assert metadata["notification_endpoint"] == f"{base}/notification"
    assert metadata["batch_credential_issuance"] == {"batch_size": 3}
    assert "authorization_servers" not in metadata  # the issuer is its own AS
    assert {d["locale"] for d in metadata["display"]} == {"fr", "nl", "de", "en"}
    configurations = metadata["credential_configurations_supported"]
    assert set(configurations) == {"social-status-1", "ehic-1", "ehic-prc-1"}
    proof_algs = sorted(CREDENTIAL_ALGORITHMS.allowed)
    for cid, ctype in zip(sorted(configurations), credential_types().values(), strict=True):
        configuration = configurations[cid]
        assert configuration["format"] == "dc+sd-jwt" and configuration["vct"] == ctype.vct
        assert configuration["cryptographic_binding_methods_supported"] == ["jwk"]
        assert configuration["credential_signing_alg_values_supported"] == ["ES256"]
        assert configuration["proof_types_supported"] == {
            "jwt": {"proof_signing_alg_values_supported": proof_algs}
        }
        display = configuration["credential_metadata"]["display"]
        assert [d["locale"] for d in display] == list(LANGUAGES)
        assert all(d["name"] for d in display)
        claims = configuration["credential_metadata"]["claims"]
        assert [c["path"] for c in claims] == [list(s.path) for s in ctype.claims]
        for claim, spec in zip(claims, ctype.claims, strict=True):
            assert {d["locale"]: d["name"] for d in claim["display"]} == dict(spec.label)
        paths = [tuple(c["path"]) for c in claims]
        assert len(paths) == len(set(paths))  # §12.2.4 / Appendix B.3: no repeated claim


def test_metadata_has_the_shape_of_the_1_0_final_examples(issuer: IssuerUnderTest) -> None:
    example = _example("credential_metadata_sd_jwt_vc.json")
    (reference,) = example["credential_configurations_supported"].values()  # type: ignore[attr-defined]
    ours = issuer.services.oid4vci.issuer_metadata()["credential_configurations_supported"]
    for configuration in ours.values():
        assert set(configuration) == set(reference)
        assert set(configuration["credential_metadata"]) <= set(reference["credential_metadata"])
        for claim in configuration["credential_metadata"]["claims"]:
            assert set(claim) <= {"path", "display", "mandatory"}
            assert all(set(d) <= {"name", "locale"} for d in claim["display"])
    offer = issuer.create_offer()["credential_offer"]
    reference_offer = _example("credential_offer_pre-authz_code.json")
    assert set(offer) == set(reference_offer)
    grant = offer["grants"][PRE_AUTHORIZED_GRANT]
    reference_grant = reference_offer["grants"][PRE_AUTHORIZED_GRANT]  # type: ignore[index]
    assert set(grant) == set(reference_grant)
    assert set(grant["tx_code"]) <= {"input_mode", "length", "description"}
    assert len(grant["tx_code"]["description"]) <= 300


def test_authorization_server_metadata(issuer: IssuerUnderTest) -> None:
    response = issuer.http.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    metadata = response.json()
    base = issuer.services.settings.credential_issuer
    assert metadata["issuer"] == base and metadata["token_endpoint"] == f"{base}/token"
    assert metadata["pre-authorized_grant_anonymous_access_supported"] is True
    assert metadata["grant_types_supported"] == [PRE_AUTHORIZED_GRANT]
    assert metadata["dpop_signing_alg_values_supported"] == sorted(CREDENTIAL_ALGORITHMS.allowed)
    assert "none" not in metadata["dpop_signing_alg_values_supported"]


def test_a_path_in_the_issuer_id_is_inserted_after_the_host(tmp_path: Path) -> None:
    issuer = start_issuer(tmp_path, public_base_url="https://issuer.example.test/tenant")
    for name in ("openid-credential-issuer", "oauth-authorization-server"):
        inserted = issuer.http.get(f"/.well-known/{name}/tenant")
        suffix = issuer.http.get(f"/.well-known/{name}")  # behind a proxy stripping /tenant
        assert inserted.status_code == suffix.status_code == 200
        assert inserted.json() == suffix.json()
        assert issuer.http.get(f"/.well-known/{name}/other").status_code == 404
    metadata = issuer.http.get("/.well-known/openid-credential-issuer/tenant").json()
    assert metadata["credential_issuer"] == "https://issuer.example.test/tenant"
    assert metadata["credential_endpoint"] == "https://issuer.example.test/tenant/credential"


@pytest.mark.parametrize("batch_size", [1, 5])
def test_batch_size_is_a_setting(tmp_path: Path, batch_size: int) -> None:
    metadata = start_issuer(tmp_path, batch_size=batch_size).services.oid4vci.issuer_metadata()
    expected = {"batch_size": batch_size} if batch_size > 1 else None
    assert metadata.get("batch_credential_issuance") == expected  # §12.2.4: >= 2 when present


def test_every_url_in_the_metadata_and_offers_resolves(issuer: IssuerUnderTest) -> None:
    """Each URL is served by this app at its path (405 would mean the wrong method, 404 a URL
    that leads nowhere): POST endpoints answer a request without credentials with a 4xx of
    their own, never 404/405."""
    base = issuer.services.settings.credential_issuer
    metadata = issuer.services.oid4vci.issuer_metadata()
    oauth = issuer.services.oid4vci.authorization_server_metadata()
    created = issuer.create_offer()
    post = [
        metadata["credential_endpoint"],
        metadata["nonce_endpoint"],
        metadata["notification_endpoint"],
        oauth["token_endpoint"],
    ]
    get = [
        created["credential_offer_uri"],
        offer_uri_from_link(created["offer_by_reference"]),
        issuer.services.settings.well_known("openid-credential-issuer"),
        issuer.services.settings.well_known("oauth-authorization-server"),
    ]
    for url in post + get:
        assert url.startswith(base), url
    for url in post:
        status = issuer.http.post(url).status_code
        assert status not in (404, 405) and (status < 300 or 400 <= status < 500), (url, status)
    for url in get:
        assert issuer.http.get(url).status_code == 200, url
    assert urlsplit(created["credential_offer_uri"]).path.startswith("/offers/")
