"""Cross-check with the ``sd-jwt`` 0.10.4 reference implementation (OWF sd-jwt-python).

Both directions, over every compact YAML spec of the conformance folders:
- OUR issuer + holder (with KB-JWT) → reference ``SDJWTVerifier``;
- reference ``SDJWTIssuer`` + ``SDJWTHolder`` → OUR ``verify_sd_jwt``.
Expected payloads come from the spec oracle (:mod:`._yaml_specs`). API notes:
../shared/design/STANDARDS.md §6 (the reference checks no typ, exp or unreferenced disclosures,
so it is a cross-check of digests, disclosures and KB, not a conformance oracle).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from conftest import conformance_path

from verifier.jose import jwk_from_private_key, jwk_from_public_key, private_key_from_jwk
from verifier.sdjwt import HeldCredential, VerificationPolicy, issue_sd_jwt_vc, verify_sd_jwt
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import JwksResolver

from ._roundtrip import DEFAULT_TYP, Flavour, default_claims, expected_claims, issuer_resolver, run
from ._yaml_specs import SD, Spec, load_spec, spec_params

pytestmark = pytest.mark.interop
jwcrypto_jwk = pytest.importorskip("jwcrypto.jwk")
sd_jwt_common = pytest.importorskip("sd_jwt.common")
from sd_jwt.holder import SDJWTHolder  # noqa: E402
from sd_jwt.issuer import SDJWTIssuer  # noqa: E402
from sd_jwt.verifier import SDJWTVerifier  # noqa: E402

FOLDERS: dict[str, tuple[Flavour, tuple[str, ...]]] = {
    "testcases": ("testcase", ("sd-jwt-python-testcases", "testcases")),
    "py-examples": ("example", ("sd-jwt-python-testcases", "examples")),
    "rfc9901-specs": ("example", ("ietf-sd-jwt-rfc9901", "example-specs")),
    "sd-jwt-vc-specs": ("example", ("ietf-sd-jwt-vc", "example-specs")),
}
PARAMS = [
    pytest.param(folder, p.values[0], id=f"{folder}/{p.id}", marks=p.marks)
    for folder, (_, parts) in FOLDERS.items()
    for p in spec_params(*parts)
]
JSON_SKIP = (
    "sd-jwt 0.10.4 writes the pre-RFC JWS JSON layout (disclosures/kb_jwt at the top level, "
    "not in the unprotected header of RFC 9901 §8.1): not interoperable by design"
)


def load(folder: str, name: str) -> tuple[Spec, Flavour]:
    flavour, parts = FOLDERS[folder]
    spec = load_spec(conformance_path(*parts, name, "specification.yml"))
    if spec.json_serialization:
        pytest.skip(JSON_SKIP)
    return spec, flavour


def reference_jwk(jwk: dict[str, Any]) -> Any:
    return jwcrypto_jwk.JWK.from_json(json.dumps(jwk))


def to_reference(tree: Any) -> Any:
    """Our ``!sd`` markers as the reference's ``SDObj`` (keys and array elements)."""
    if isinstance(tree, SD):
        return sd_jwt_common.SDObj(to_reference(tree.value))
    if isinstance(tree, dict):
        return {
            (sd_jwt_common.SDObj(k.value) if isinstance(k, SD) else k): to_reference(v)
            for k, v in tree.items()
        }
    if isinstance(tree, list):
        return [to_reference(v) for v in tree]
    return tree


def kb_args(spec: Spec) -> tuple[str | None, str | None]:
    """(aud, nonce) when the spec uses key binding (the reference skips KB when both are None)."""
    if not spec.key_binding:
        return None, None
    return spec.settings["identifiers"]["verifier"], spec.settings["key_binding_nonce"]


@pytest.mark.parametrize(("folder", "name"), PARAMS)
def test_reference_verifies_our_presentation(folder: str, name: str) -> None:
    spec, flavour = load(folder, name)
    ours = run(spec, flavour)
    assert ours.report.valid, ours.report.failures
    issuer_public = reference_jwk(spec.issuer_jwks_private[0]).public()
    aud, nonce = kb_args(spec)
    verifier = SDJWTVerifier(ours.presentation, lambda iss, header: issuer_public, aud, nonce)
    assert verifier.get_verified_payload() == ours.expected


@pytest.mark.parametrize(("folder", "name"), PARAMS)
def test_we_verify_the_reference_presentation(folder: str, name: str) -> None:
    spec, flavour = load(folder, name)
    issuer_jwk, holder_jwk = spec.issuer_jwks_private[0], spec.holder_jwk_private
    typ = spec.extra_header.get("typ", DEFAULT_TYP[flavour])
    claims = {**default_claims(spec, flavour), **to_reference(spec.user_claims)}
    issuer = SDJWTIssuer(
        claims,
        reference_jwk(issuer_jwk),
        reference_jwk(holder_jwk) if spec.key_binding else None,
        add_decoy_claims=spec.decoys,
        extra_header_parameters={"typ": typ, **spec.extra_header},
    )
    holder = SDJWTHolder(issuer.sd_jwt_issuance)
    aud, nonce = kb_args(spec)
    holder.create_presentation(
        spec.holder_disclosed_claims, nonce, aud, reference_jwk(holder_jwk) if nonce else None
    )

    policy = VerificationPolicy(
        now=int(time.time()),  # the reference stamps its KB-JWT with the wall clock
        sd_jwt_vc=typ == "dc+sd-jwt",
        expected_typ=typ,
        require_key_binding=spec.key_binding,
        expected_aud=aud,
        expected_nonce=nonce,
    )
    signers = [LocalSigner(private_key_from_jwk(jwk)) for jwk in spec.issuer_jwks_private]
    report = verify_sd_jwt(
        holder.sd_jwt_presentation, policy=policy, resolver=issuer_resolver(spec, signers)
    )
    assert report.valid, report.failures
    assert dict(report.claims or {}) == expected_claims(spec, flavour)


def test_every_compact_spec_is_cross_checked() -> None:
    compact = [
        name
        for folder, (_, parts) in FOLDERS.items()
        for name in (p.parent.name for p in conformance_path(*parts).glob("*/specification.yml"))
        if not load_spec(conformance_path(*parts, name, "specification.yml")).json_serialization
    ]
    assert len(compact) == 44


# -- a civicred-style SD-JWT VC, both directions ------------------------------------------------
VC_CLAIMS = {
    "given_name": "Marie",
    "address": {"locality": "Namur", "country": "BE"},
    "nationalities": ["BE", "FR"],
    "entitlements": [{"scheme": "reduced-tariff", "until": "2027-12-31"}],
}
VC_DISCLOSABLE = [
    "/given_name",
    "/address",
    "/address/locality",
    "/nationalities/0",
    "/entitlements/0",
]
NONCE, AUD = "interop-nonce", "x509_san_dns:verifier.example"


def test_reference_verifies_our_sd_jwt_vc(
    issuer_signer: LocalSigner, holder_signer: LocalSigner
) -> None:
    now = int(time.time())
    issued = issue_sd_jwt_vc(
        VC_CLAIMS,
        vct="urn:civicred:social-status:1",
        iss="https://issuer.example",
        signer=issuer_signer,
        disclosable=VC_DISCLOSABLE,
        iat=now,
        exp=now + 3600,
        holder_jwk=jwk_from_public_key(holder_signer.public_key()),
    )
    held = HeldCredential.parse(issued.compact)
    presentation = held.present(
        held.select(["/address/locality", "/entitlements/0"]),
        holder=holder_signer,
        nonce=NONCE,
        aud=AUD,
        iat=now,
    )
    issuer_jwk = {**jwk_from_public_key(issuer_signer.public_key()), "kid": issuer_signer.kid}
    report = verify_sd_jwt(
        presentation,
        policy=VerificationPolicy(
            now=now, require_key_binding=True, expected_nonce=NONCE, expected_aud=AUD
        ),
        resolver=JwksResolver({"keys": [issuer_jwk]}),
    )
    assert report.valid, report.failures
    reference_key = reference_jwk(issuer_jwk)
    payload = SDJWTVerifier(
        presentation, lambda iss, header: reference_key, AUD, NONCE
    ).get_verified_payload()
    assert payload == report.claims
    assert payload["address"] == {"locality": "Namur", "country": "BE"}
    assert payload["nationalities"] == ["FR"]
    assert "given_name" not in payload
    # The reference's KB check is real: another nonce is refused.
    with pytest.raises(ValueError, match="nonce"):
        SDJWTVerifier(presentation, lambda iss, header: reference_key, AUD, "other-nonce")


def test_we_verify_a_reference_sd_jwt_vc() -> None:
    now = int(time.time())
    issuer_key, holder_key = generate_private_key("ES256"), generate_private_key("ES256")
    issuer_jwk = reference_jwk(jwk_from_private_key(issuer_key))
    holder_jwk = reference_jwk(jwk_from_private_key(holder_key))
    SDObj = sd_jwt_common.SDObj
    claims = {
        "iss": "https://issuer.example",
        "vct": "urn:civicred:social-status:1",
        "iat": now,
        "exp": now + 3600,
        SDObj("given_name"): "Marie",
        SDObj("address"): {SDObj("locality"): "Namur", "country": "BE"},
        "nationalities": [SDObj("BE"), SDObj("FR")],
    }
    issuer = SDJWTIssuer(
        claims,
        issuer_jwk,
        holder_jwk,
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt", "kid": "ref-issuer"},
    )
    holder = SDJWTHolder(issuer.sd_jwt_issuance)
    holder.create_presentation(
        {"address": {"locality": True}, "nationalities": [False, True]}, NONCE, AUD, holder_jwk
    )

    report = verify_sd_jwt(
        holder.sd_jwt_presentation,
        policy=VerificationPolicy(
            now=now, require_key_binding=True, expected_nonce=NONCE, expected_aud=AUD
        ),
        resolver=JwksResolver(
            {"keys": [{**jwk_from_public_key(issuer_key.public_key()), "kid": "ref-issuer"}]}
        ),
    )
    assert report.valid, report.failures
    assert report.claims == {
        "iss": "https://issuer.example",
        "vct": "urn:civicred:social-status:1",
        "iat": now,
        "exp": now + 3600,
        "cnf": {"jwk": jwk_from_public_key(holder_key.public_key())},
        "address": {"locality": "Namur", "country": "BE"},
        "nationalities": ["FR"],
    }
