"""Run a YAML spec through OUR issuer → holder → verifier (RFC 9901 §4, §7.2, §7.1/§7.3).

The expected Processed SD-JWT Payload comes from :mod:`._yaml_specs` (the oracle), never from the
engine: default claims + the projection of ``user_claims`` on what the holder released (+ ``cnf``
when key binding is used).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from verifier import VerificationReport
from verifier.jose import CompactJws, private_key_from_jwk, public_jwk, public_key_from_jwk
from verifier.sdjwt import (
    HeldCredential,
    VerificationPolicy,
    issue_sd_jwt,
    to_json,
    verify_sd_jwt,
)
from verifier.signing import LocalSigner
from verifier.trust import IssuerKeyResolver, JwksResolver, ResolvedKey

from ._yaml_specs import Spec, plain_claims, project, released_paths, sd_pointers

#: A verifier clock between the settings' iat (1683000000) and exp (1883000000).
NOW = 1_700_000_000
Flavour = Literal["testcase", "example"]
DEFAULT_TYP: dict[Flavour, str] = {"testcase": "testcase+sd-jwt", "example": "example+sd-jwt"}


class AnyKidResolver:
    """Trust one key whatever the header ``kid`` (like sd-jwt-python's ``cb_get_issuer_key``).

    Needed for testcases/header_mod, whose ``kid`` is the integer 42: RFC 7515 §4.1.4 makes
    ``kid`` a string, so :class:`JwksResolver` (rightly) refuses to look it up.
    """

    def __init__(self, jwk: Mapping[str, Any]) -> None:
        self._key = public_key_from_jwk(public_jwk(jwk))

    def resolve(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> ResolvedKey:
        iss = payload.get("iss")
        return ResolvedKey(self._key, None, iss if isinstance(iss, str) else None, "test key")


@dataclass(frozen=True)
class RoundTrip:
    spec: Spec
    issued: str  # compact SD-JWT with every disclosure
    presentation: str  # compact, or JWS JSON when the spec says so
    released: int  # number of disclosures presented
    policy: VerificationPolicy
    resolver: IssuerKeyResolver
    expected: dict[str, Any]
    report: VerificationReport

    @property
    def header(self) -> dict[str, Any]:
        return CompactJws.parse(self.issued.split("~")[0]).header


def expected_claims(spec: Spec, flavour: Flavour) -> dict[str, Any]:
    released = released_paths(spec.user_claims, spec.holder_disclosed_claims)
    claims = {**default_claims(spec, flavour), **project(spec.user_claims, released)}
    if spec.key_binding:
        claims["cnf"] = {"jwk": public_jwk(spec.holder_jwk_private)}
    return claims


def default_claims(spec: Spec, flavour: Flavour) -> dict[str, Any]:
    """What the sd-jwt-python harnesses add: testcases ``iss``; examples ``iss``/``iat``/``exp``
    unless ``include_default_claims: False``."""
    issuer = spec.settings["identifiers"]["issuer"]
    if flavour == "testcase":
        return {"iss": issuer}
    if not spec.include_default_claims:
        return {}
    return {"iss": issuer, "iat": spec.settings["iat"], "exp": spec.settings["exp"]}


def run(spec: Spec, flavour: Flavour) -> RoundTrip:
    signers = [
        LocalSigner(private_key_from_jwk(jwk), kid=jwk.get("kid"))
        for jwk in spec.issuer_jwks_private
    ]
    holder = LocalSigner(private_key_from_jwk(spec.holder_jwk_private))
    identifiers = spec.settings["identifiers"]
    nonce, aud = spec.settings["key_binding_nonce"], identifiers["verifier"]

    # Issuer (RFC 9901 §4): every !sd location becomes a disclosure, nested ones recursively.
    payload = {**default_claims(spec, flavour), **plain_claims(spec.user_claims)}
    if spec.key_binding:
        payload["cnf"] = {"jwk": public_jwk(spec.holder_jwk_private)}
    header = {"typ": DEFAULT_TYP[flavour], **spec.extra_header}
    issued = issue_sd_jwt(
        payload,
        disclosable=sd_pointers(spec.user_claims),
        signer=signers[0],
        typ=header["typ"],
        header=header,
        decoys=spec.decoys,
    ).compact

    # Holder (RFC 9901 §7.2): release exactly the disclosures the spec names.
    held = HeldCredential.parse(issued)
    wanted = released_paths(spec.user_claims, spec.holder_disclosed_claims)
    chosen = [d for d in held.disclosures if held.paths[d.digest] in wanted]
    assert len(chosen) == len(wanted), "every released !sd location has exactly one disclosure"
    presentation = held.present(
        chosen,
        holder=holder if spec.key_binding else None,
        nonce=nonce if spec.key_binding else None,
        aud=aud if spec.key_binding else None,
        iat=NOW,
    )
    if spec.json_serialization:  # RFC 9901 §8: flattened, or general with every issuer key
        presentation = to_json(presentation, general=len(signers) > 1, extra_signers=signers[1:])

    # Verifier (RFC 9901 §7.1, §7.3).
    typ = header["typ"]
    policy = VerificationPolicy(
        now=NOW,
        sd_jwt_vc=typ == "dc+sd-jwt",
        expected_typ=typ,
        require_key_binding=spec.key_binding,
        expected_nonce=nonce if spec.key_binding else None,
        expected_aud=aud if spec.key_binding else None,
    )
    resolver = issuer_resolver(spec, signers)
    report = verify_sd_jwt(presentation, policy=policy, resolver=resolver)
    return RoundTrip(
        spec=spec,
        issued=issued,
        presentation=presentation,
        released=len(chosen),
        policy=policy,
        resolver=resolver,
        expected=expected_claims(spec, flavour),
        report=report,
    )


def issuer_resolver(spec: Spec, signers: list[LocalSigner]) -> IssuerKeyResolver:
    kid = spec.extra_header.get("kid", signers[0].kid)
    if not isinstance(kid, str):
        return AnyKidResolver(spec.issuer_jwks_private[0])
    keys = [
        {**public_jwk(jwk), "kid": s.kid}
        for jwk, s in zip(spec.issuer_jwks_private, signers, strict=True)
    ]
    keys[0]["kid"] = kid
    return JwksResolver({"keys": keys})


def assert_round_trip(result: RoundTrip) -> None:
    report = result.report
    assert report.valid, [f"{c.code}: {c.message}" for c in report.failures]
    assert dict(report.claims or {}) == result.expected
    codes = {c.code for c in report.checks}
    assert {"jws.signature", "sdjwt.disclosures"} <= codes
    if result.spec.key_binding:
        assert any(c.code == "kb" and c.result == "passed" for c in report.checks)
