"""Mutation-derived negative tests (RFC 9901 §7.1, §7.3; draft-ietf-oauth-sd-jwt-vc §3).

RFC 9901 publishes no negative vectors; ../shared/conformance/ietf-sd-jwt-rfc9901/README.md lists
the mutations to derive. Each case below is applied to the published examples (RFC 9901 5.1/5.2
and A.3, re-signed where needed with the published A.5 issuer / holder keys) AND to a credential
issued at test time. Every mutation must give outcome ``invalid`` with exactly one failed check,
whose stable code is the expected one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from verifier.sdjwt import HeldCredential, verify_sd_jwt
from verifier.signing import LocalSigner, generate_private_key

from ._forge import (
    Attempt,
    Material,
    b64,
    b64_json,
    disclosure,
    flip_salt_char,
    random_digest,
    salt,
    sd_jwt_of,
    sha256_b64,
    signed_jws,
    unsigned_jws,
)
from ._materials import MATERIAL_FEATURES, NOW, issued_material, vector_material


@pytest.fixture
def material(
    request: pytest.FixtureRequest, issuer_signer: LocalSigner, holder_signer: LocalSigner
) -> Material:
    if request.param == "issued":
        return issued_material(issuer_signer, holder_signer)
    return vector_material(request.param)


# -- small payload edits ---------------------------------------------------------------------------
def add_sd(payload: dict[str, Any], digest: str) -> None:
    payload.setdefault("_sd", []).append(digest)


def hostile_disclosure(m: Material, elements: tuple[Any, ...], place: str = "_sd") -> str:
    """Append a Disclosure of ``elements`` referenced from the top-level ``_sd`` or from an
    array element ``{"...": digest}``, re-signed by the issuer."""
    encoded, digest = disclosure(*elements)

    def edit(payload: dict[str, Any]) -> None:
        if place == "_sd":
            add_sd(payload, digest)
        else:
            payload["hostile_list"] = [{"...": digest}]

    return m.bind(m.resign(edit), [*m.parts.disclosures, encoded])


def with_payload(m: Material, edit: Callable[[dict[str, Any]], object]) -> str:
    return m.bind(m.resign(edit), m.parts.disclosures)


def with_header(m: Material, edit: Callable[[dict[str, Any]], object]) -> str:
    return m.bind(m.resign(edit_header=edit), m.parts.disclosures)


def with_kb(m: Material, **kb: Any) -> str:
    return m.bind(m.parts.jwt, m.parts.disclosures, **kb)


def with_disclosures(m: Material, disclosures: list[str]) -> str:
    return m.bind(m.parts.jwt, disclosures)


def nested_arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


# -- cases: disclosures (RFC 9901 §4.2, §7.1 steps 3-5) -------------------------------------------
def flipped_char(m: Material) -> str:
    first, *rest = m.parts.disclosures
    return with_disclosures(m, [flip_salt_char(first), *rest])


def duplicated(m: Material) -> str:
    return with_disclosures(m, [*m.parts.disclosures, m.parts.disclosures[0]])


def unreferenced(m: Material) -> str:
    return with_disclosures(m, [*m.parts.disclosures, disclosure(salt(), "extra", "x")[0]])


def child_without_parent(m: Material) -> str:
    held = HeldCredential.parse(m.issuance)
    locations = set(held.paths.values())
    child = next(
        d
        for d in held.disclosures
        if any(held.paths[d.digest][:k] in locations for k in range(1, len(held.paths[d.digest])))
    )
    return with_disclosures(m, [child.encoded])


def not_json(m: Material) -> str:
    return with_disclosures(m, [*m.parts.disclosures, b64("not json")])


def deep_disclosure(m: Material) -> str:
    """10,000 nested arrays: beyond what the JSON decoder will recurse into."""
    encoded = b64(f'["{salt()}","deep",{nested_arrays(10_000)}]')
    return m.bind(
        m.resign(lambda p: add_sd(p, sha256_b64(encoded))), [*m.parts.disclosures, encoded]
    )


def over_depth_limit(m: Material) -> str:
    """Parseable, but deeper than Limits.max_depth (32) once placed in the claims."""
    encoded = b64(f'["{salt()}","deep",{nested_arrays(64)}]')
    return m.bind(
        m.resign(lambda p: add_sd(p, sha256_b64(encoded))), [*m.parts.disclosures, encoded]
    )


DISCLOSURE_CASES = [
    ("disclosure.flipped_char", "sdjwt.disclosure.unreferenced", flipped_char),
    ("disclosure.duplicated", "sdjwt.disclosure.duplicate", duplicated),
    ("disclosure.unreferenced_appended", "sdjwt.disclosure.unreferenced", unreferenced),
    ("disclosure.not_json", "sdjwt.disclosure.format", not_json),
    (
        "disclosure.not_an_array",
        "sdjwt.disclosure.format",
        lambda m: with_disclosures(m, [*m.parts.disclosures, b64_json({"salt": "x"})]),
    ),
    (
        "disclosure.four_elements",
        "sdjwt.disclosure.format",
        lambda m: hostile_disclosure(m, (salt(), "a", "b", "c")),
    ),
    (
        "disclosure.salt_not_a_string",
        "sdjwt.disclosure.format",
        lambda m: hostile_disclosure(m, (42, "name", "value")),
    ),
    (
        "disclosure.base64_padding",
        "sdjwt.disclosure.format",
        lambda m: with_disclosures(m, [m.parts.disclosures[0] + "=="]),
    ),
    (
        "disclosure.base64_standard_alphabet",
        "sdjwt.disclosure.format",
        lambda m: with_disclosures(m, ["+/" + m.parts.disclosures[0][2:]]),
    ),
    (
        "disclosure.name_is__sd",
        "sdjwt.disclosure.reserved_name",
        lambda m: hostile_disclosure(m, (salt(), "_sd", ["x"])),
    ),
    (
        "disclosure.name_is_ellipsis",
        "sdjwt.disclosure.reserved_name",
        lambda m: hostile_disclosure(m, (salt(), "...", "x")),
    ),
    (
        "disclosure.array_element_referenced_from__sd",
        "sdjwt.disclosure.format",
        lambda m: hostile_disclosure(m, (salt(), "element")),
    ),
    (
        "disclosure.object_property_referenced_from_array",
        "sdjwt.disclosure.format",
        lambda m: hostile_disclosure(m, (salt(), "name", "value"), place="..."),
    ),
    (
        "disclosure.name_already_in_clear",
        "sdjwt.disclosure.duplicate_name",
        lambda m: hostile_disclosure(m, (salt(), "iss", "https://attacker.example")),
    ),
    ("disclosure.deep_nesting_10000", "sdjwt.disclosure.format", deep_disclosure),
    ("disclosure.deeper_than_limit", "input.depth", over_depth_limit),
]


# -- cases: digests and _sd_alg in the issuer-signed payload (§4.1, §7.1 step 4) -----------------
def digest_twice_in_sd(m: Material) -> str:
    return with_payload(m, lambda p: p["_sd"].append(p["_sd"][0]))


def digest_in_object_and_array(m: Material) -> str:
    """A top-level ``_sd`` digest again as an array element. Taken from the digests the holder
    did not disclose (decoys or withheld claims): plain members are processed before ``_sd``, so
    a disclosed one would first fail as an object-property disclosure in an array."""
    presented = {sha256_b64(d) for d in m.parts.disclosures}

    def edit(payload: dict[str, Any]) -> None:
        withheld = next(d for d in payload["_sd"] if d not in presented)
        payload["hostile_list"] = [{"...": withheld}]

    return with_payload(m, edit)


def decoy_in_two_arrays(m: Material) -> str:
    decoy = random_digest()
    return with_payload(m, lambda p: p.update(a=[{"...": decoy}], b=[{"...": decoy}]))


DIGEST_CASES = [
    ("digest.twice_in_one__sd", "sdjwt.digest.duplicate", digest_twice_in_sd),
    ("digest.in_object_and_array", "sdjwt.digest.duplicate", digest_in_object_and_array),
    ("digest.decoy_in_two_arrays", "sdjwt.digest.duplicate", decoy_in_two_arrays),
    (
        "digest.not_a_string",
        "sdjwt.digest.format",
        lambda m: with_payload(m, lambda p: p.update(nested={"_sd": [42]})),
    ),
    (
        "digest._sd_not_an_array",
        "sdjwt.digest.format",
        lambda m: with_payload(m, lambda p: p.update(nested={"_sd": random_digest()})),
    ),
    (
        "digest.array_entry_with_extra_key",
        "sdjwt.digest.format",
        lambda m: with_payload(m, lambda p: p.update(a=[{"...": random_digest(), "x": 1}])),
    ),
    (
        "digest.ellipsis_key_in_object",
        "sdjwt.digest.format",
        lambda m: with_payload(m, lambda p: p.update(nested={"...": random_digest(), "x": 1})),
    ),
    (
        "sd_alg.unsupported",
        "sdjwt.sd_alg",
        lambda m: with_payload(m, lambda p: p.update(_sd_alg="md5")),
    ),
    (
        "sd_alg.not_at_top_level",
        "sdjwt.sd_alg",
        lambda m: with_payload(m, lambda p: p.update(nested={"_sd_alg": "sha-256"})),
    ),
]


# -- cases: the Key Binding JWT (§4.3, §7.3) ------------------------------------------------------
def kb_dropped_disclosure(m: Material) -> str:
    """The holder's KB-JWT kept while a disclosure is removed afterwards."""
    parts = m.parts
    return sd_jwt_of(parts.jwt, parts.disclosures[:-1]) + parts.kb_jwt


def kb_alg_none(m: Material) -> str:
    sd_jwt = sd_jwt_of(m.parts.jwt, m.parts.disclosures)
    payload = m.kb_jwt(sd_jwt).split(".")[1]
    return sd_jwt + b64_json({"alg": "none", "typ": "kb+jwt"}) + "." + payload + "."


KB_CASES = [
    ("kb.sd_hash_changed", "kb.sd_hash", lambda m: with_kb(m, sd_hash=sha256_b64("other"))),
    ("kb.disclosure_removed_after_signing", "kb.sd_hash", kb_dropped_disclosure),
    ("kb.aud_changed", "kb.aud", lambda m: with_kb(m, aud="https://attacker.example")),
    ("kb.nonce_changed", "kb.nonce", lambda m: with_kb(m, nonce="replayed")),
    ("kb.nonce_missing", "kb.nonce", lambda m: with_kb(m, nonce=None)),
    ("kb.typ_changed", "kb.typ", lambda m: with_kb(m, header={"alg": "ES256", "typ": "JWT"})),
    (
        "kb.stripped_when_required",
        "kb.missing",
        lambda m: sd_jwt_of(m.parts.jwt, m.parts.disclosures),
    ),
    (
        "kb.signed_by_another_key",
        "kb.signature",
        lambda m: with_kb(m, holder=LocalSigner(generate_private_key("ES256"))),
    ),
    ("kb.alg_none", "kb.signature", kb_alg_none),
    (
        "kb.iat_too_old",
        "kb.iat",
        lambda m: Attempt(
            with_kb(m, iat=m.policy.now - 3600), policy=replace(m.policy, max_kb_age_seconds=300)
        ),
    ),
    ("kb.iat_in_the_future", "kb.iat", lambda m: with_kb(m, iat=m.policy.now + 3600)),
    ("kb.no_cnf_in_credential", "kb.cnf", lambda m: with_payload(m, lambda p: p.pop("cnf"))),
]


# -- cases: the issuer-signed JWT (§7.1 step 2, RFC 7515, RFC 8725) --------------------------------
def alg_none(m: Material) -> str:
    jwt = unsigned_jws({**m.parts.header, "alg": "none"}, m.parts.payload, b"")
    return m.bind(jwt, m.parts.disclosures)


def hs256_original_signature(m: Material) -> str:
    _, payload, signature = m.parts.jwt.split(".")
    jwt = f"{b64_json({**m.parts.header, 'alg': 'HS256'})}.{payload}.{signature}"
    return m.bind(jwt, m.parts.disclosures)


def hs256_public_key_as_secret(m: Material) -> str:
    """RFC 8725 §2.1 algorithm confusion: HMAC keyed with the issuer's public key."""
    secret = m.issuer.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{b64_json({**m.parts.header, 'alg': 'HS256'})}.{m.parts.jwt.split('.')[1]}"
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return m.bind(f"{signing_input}.{b64(mac)}", m.parts.disclosures)


def alg_header(alg: str) -> Callable[[Material], str]:
    """A P-256 issuer key with another algorithm in the header (signed as ES256 anyway)."""
    return lambda m: m.bind(
        signed_jws({**m.parts.header, "alg": alg}, m.parts.payload, m.issuer), m.parts.disclosures
    )


def payload_changed_without_resigning(m: Material) -> str:
    header, _, signature = m.parts.jwt.split(".")
    payload = b64_json({**m.parts.payload, "given_name": "Mallory"})
    return m.bind(f"{header}.{payload}.{signature}", m.parts.disclosures)


JWS_CASES = [
    ("jws.alg_none", "jws.alg", alg_none),
    ("jws.alg_hs256_not_resigned", "jws.alg", hs256_original_signature),
    ("jws.alg_hs256_resigned_with_public_key", "jws.alg", hs256_public_key_as_secret),
    ("jws.alg_es384_with_p256_key", "jws.alg", alg_header("ES384")),
    ("jws.alg_eddsa_with_p256_key", "jws.alg", alg_header("EdDSA")),
    (
        "jws.signed_by_another_key",
        "jws.signature",
        lambda m: m.bind(
            m.resign(signer=LocalSigner(generate_private_key("ES256"))), m.parts.disclosures
        ),
    ),
    ("jws.payload_changed_without_resigning", "jws.signature", payload_changed_without_resigning),
    (
        "jws.crit_header",
        "input.jws",
        lambda m: with_header(m, lambda h: h.update(crit=["exp"], exp=NOW)),
    ),
    ("jws.typ_wrong", "jws.typ", lambda m: with_header(m, lambda h: h.update(typ="JWT"))),
    ("jws.typ_missing", "jws.typ", lambda m: with_header(m, lambda h: h.pop("typ"))),
    (
        "issuer.unknown_kid",
        "issuer.key",
        lambda m: with_header(m, lambda h: h.update(kid="unknown-kid")),
    ),
]
VC_JWS_CASES = [
    (
        "jws.typ_legacy_vc+sd-jwt",
        "jws.typ",
        lambda m: with_header(m, lambda h: h.update(typ="vc+sd-jwt")),
    ),
]


# -- cases: claims (§7.1 step 6; SD-JWT VC §3.2.2) ------------------------------------------------
def move_into_disclosure(name: str) -> Callable[[Material], str]:
    """A claim that must never be selectively disclosable, made disclosable by a hostile issuer."""

    def build(m: Material) -> str:
        value = m.parts.payload[name]
        encoded, digest = disclosure(salt(), name, value)

        def edit(payload: dict[str, Any]) -> None:
            del payload[name]
            add_sd(payload, digest)

        return m.bind(m.resign(edit), [*m.parts.disclosures, encoded])

    return build


def status_with_disclosable_member(m: Material) -> str:
    encoded, digest = disclosure(salt(), "idx", 7)
    status = {"status_list": {"uri": "https://status.example/1", "_sd": [digest]}}
    return m.bind(m.resign(lambda p: p.update(status=status)), [*m.parts.disclosures, encoded])


CLAIM_CASES = [
    (
        "claims.expired",
        "claims.exp",
        lambda m: Attempt(
            m.presentation, policy=replace(m.policy, now=m.parts.payload["exp"] + 3600)
        ),
    ),
    (
        "claims.not_yet_valid",
        "claims.nbf",
        lambda m: with_payload(m, lambda p: p.update(nbf=m.policy.now + 3600)),
    ),
    (
        "claims.issued_in_the_future",
        "claims.iat",
        lambda m: Attempt(
            m.presentation, policy=replace(m.policy, now=m.parts.payload["iat"] - 3600)
        ),
    ),
    (
        "claims.exp_not_numeric",
        "claims.time",
        lambda m: with_payload(m, lambda p: p.update(exp="2030-01-01")),
    ),
    (
        "claims.required_claim_missing",
        "claims.required",
        lambda m: Attempt(
            m.presentation, policy=replace(m.policy, required_claims=frozenset({"x"}))
        ),
    ),
]
VC_CLAIM_CASES = [
    ("claims.vct_missing", "claims.vct", lambda m: with_payload(m, lambda p: p.pop("vct"))),
    (
        "claims.vct_not_accepted",
        "claims.vct",
        lambda m: Attempt(
            m.presentation, policy=replace(m.policy, accepted_vcts=frozenset({"urn:x"}))
        ),
    ),
    ("claims.vct_disclosable", "claims.not_disclosable", move_into_disclosure("vct")),
    ("claims.cnf_disclosable", "claims.not_disclosable", move_into_disclosure("cnf")),
    ("claims.iss_disclosable", "claims.not_disclosable", move_into_disclosure("iss")),
    ("claims.status_member_disclosable", "claims.not_disclosable", status_with_disclosable_member),
]


# -- cases: hostile input (size, depth, encoding) -------------------------------------------------
def huge(m: Material) -> str:
    return with_disclosures(m, [*m.parts.disclosures, b64("x" * m.policy.limits.max_token_chars)])


def too_many_disclosures(m: Material) -> str:
    extra = [disclosure(salt(), f"c{i}", i)[0] for i in range(m.policy.limits.max_disclosures + 1)]
    return with_disclosures(m, extra)


def deep_payload(m: Material) -> str:
    members = json.dumps(m.parts.payload)[1:]  # the payload's members after its "{"
    text = '{"deep":' + nested_arrays(10_000) + "," + members
    return m.bind(signed_jws(m.parts.header, text.encode(), m.issuer), m.parts.disclosures)


INPUT_CASES = [
    ("input.too_large", "input.size", huge),
    ("input.too_many_disclosures", "input.size", too_many_disclosures),
    ("input.payload_nested_10000_deep", "input.depth", deep_payload),
    (
        "input.payload_not_json",
        "input.json",
        lambda m: m.bind(signed_jws(m.parts.header, b"not json", m.issuer), m.parts.disclosures),
    ),
    (
        "input.header_not_json",
        "input.json",
        lambda m: m.bind(
            b64("{not json") + m.parts.jwt[m.parts.jwt.index(".") :], m.parts.disclosures
        ),
    ),
    (
        "input.jwt_signature_standard_base64",
        "input.base64",
        lambda m: m.bind(m.parts.jwt[:-2] + "+/", m.parts.disclosures),
    ),
    (
        "input.jwt_header_padded",
        "input.base64",
        lambda m: m.bind(m.parts.jwt.replace(".", "=.", 1), m.parts.disclosures),
    ),
    ("input.jwt_two_parts", "input.jws", lambda m: m.bind("eyJhbGciOiJFUzI1NiJ9.e30", [])),
    ("input.no_tilde", "input.format", lambda m: m.parts.jwt),
    ("input.empty", "input.format", lambda m: ""),
    ("input.bytes_not_text", "input.format", lambda m: m.presentation.encode("ascii")),
]


# -- the parametrized list ------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    id: str
    code: str
    build: Callable[[Material], Attempt | Any]
    needs: frozenset[str] = frozenset()


CASES = [
    *(Case(*c) for c in DISCLOSURE_CASES),
    Case(
        "disclosure.child_without_parent",
        "sdjwt.disclosure.unreferenced",
        child_without_parent,
        frozenset({"nested"}),
    ),
    *(Case(*c) for c in DIGEST_CASES),
    *(Case(*c) for c in KB_CASES),
    *(Case(*c) for c in JWS_CASES),
    *(Case(*c, frozenset({"vc"})) for c in VC_JWS_CASES),
    *(Case(*c) for c in CLAIM_CASES),
    *(Case(*c, frozenset({"vc"})) for c in VC_CLAIM_CASES),
    *(Case(*c) for c in INPUT_CASES),
]
PARAMS = [
    pytest.param(case, material, id=f"{case.id}@{material}")
    for case in CASES
    for material, features in MATERIAL_FEATURES.items()
    if case.needs <= features
]


@pytest.mark.parametrize(("case", "material"), PARAMS, indirect=["material"])
def test_negative_case_is_rejected(case: Case, material: Material) -> None:
    built = case.build(material)
    attempt = built if isinstance(built, Attempt) else Attempt(built)
    report = verify_sd_jwt(
        attempt.presentation,
        policy=attempt.policy or material.policy,
        resolver=attempt.resolver or material.resolver,
    )
    assert report.outcome == "invalid"
    assert report.claims is None
    assert [c.code for c in report.failures] == [case.code], report.failures


def test_negative_case_count() -> None:
    """Reported in the closing note as "N negative cases rejected"."""
    assert len({c.id for c in CASES}) == len(CASES) == 72
    assert len(PARAMS) == 208


# -- controls: the forging machinery alone does not break anything ---------------------------------
@pytest.mark.parametrize("material", list(MATERIAL_FEATURES), indirect=True)
def test_material_and_its_untouched_rebuilds_are_valid(material: Material) -> None:
    parts = material.parts
    rebuilt = [
        material.presentation,
        material.bind(parts.jwt, parts.disclosures),  # fresh KB-JWT
        material.bind(material.resign(), parts.disclosures),  # re-signed issuer JWT
    ]
    for presentation in rebuilt:
        report = verify_sd_jwt(presentation, policy=material.policy, resolver=material.resolver)
        assert report.valid, report.failures
    assert parts.jwt == material.issuance.split("~")[0]
    assert set(parts.disclosures) < set(material.issuance.split("~")[1:-1])


@pytest.mark.parametrize("material", ["rfc9901-A.3", "issued"], indirect=True)
def test_legacy_vc_typ_is_accepted_only_behind_the_flag(material: Material) -> None:
    legacy = with_header(material, lambda h: h.update(typ="vc+sd-jwt"))
    policy = replace(material.policy, legacy_vc_typ=True)
    report = verify_sd_jwt(legacy, policy=policy, resolver=material.resolver)
    assert report.valid, report.failures


@pytest.mark.parametrize("material", ["issued"], indirect=True)
def test_exp_overflowing_to_infinity_is_rejected(material: Material) -> None:
    payload = {k: v for k, v in material.parts.payload.items() if k != "exp"}
    text = json.dumps(payload)[:-1] + ', "exp": 1e999}'
    jwt = signed_jws(material.parts.header, text.encode(), material.issuer)
    year_2100 = 4_102_444_800
    presentation = material.bind(jwt, material.parts.disclosures, iat=year_2100)
    policy = replace(material.policy, now=year_2100)
    report = verify_sd_jwt(presentation, policy=policy, resolver=material.resolver)
    assert report.outcome == "invalid"
