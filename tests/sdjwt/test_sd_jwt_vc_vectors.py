"""SD-JWT VC examples (draft-ietf-oauth-sd-jwt-vc-18) and its YAML example specs.

Source: ../shared/conformance/ietf-sd-jwt-vc/README.md. typ ``dc+sd-jwt`` (§3.2.1), issuer key =
RFC 9901 A.5 with kid ``doc-signer-05-25-2022``.
"""

from __future__ import annotations

import pytest
from conftest import conformance_path

from verifier.sdjwt import Disclosure, HeldCredential, digest_of, verify_sd_jwt

from ._roundtrip import assert_round_trip, run
from ._vectors import (
    SD_JWT_VC,
    VC_KID,
    issuer_resolver,
    load_examples,
    printed_json,
    segment,
    vector_policy,
)
from ._yaml_specs import load_spec, sd_paths, spec_params

SPECS = ("ietf-sd-jwt-vc", "example-specs")
TECHNICAL = {"iss", "iat", "exp", "cnf"}

# (section, position in ``serialized``, index of the printed JSON block it must equal, or
# "input": an issuance whose processed payload is the printed user claims + technical claims)
SERIALIZED = [
    ("2.3.1", 0, "input"),
    ("2.3.2", 0, 0),  # with KB
    ("2.3.2", 1, 1),  # without KB (a different SD-JWT, no cnf)
    ("A.1", 0, "input"),
    ("A.1", 1, -1),
]


@pytest.mark.parametrize(("section", "index", "expect"), SERIALIZED)
def test_serialized_example_verifies(section: str, index: int, expect: str | int) -> None:
    example = load_examples(*SD_JWT_VC)[section]
    value = example["serialized"][index]["value"]
    assert segment(value, 0)["typ"] == "dc+sd-jwt"
    policy = vector_policy(value, sd_jwt_vc=True, expected_typ="dc+sd-jwt")
    report = verify_sd_jwt(value, policy=policy, resolver=issuer_resolver())

    assert report.valid, [f"{c.code}: {c.message}" for c in report.failures]
    passed = {c.code for c in report.checks if c.result == "passed"}
    assert {"jws.typ", "jws.signature", "claims.vct", "claims.not_disclosable"} <= passed
    assert report.key_id == VC_KID
    claims = dict(report.claims or {})
    if expect == "input":
        user_claims = printed_json(example, 0)
        assert {name: claims.get(name) for name in user_claims} == user_claims
        assert set(claims) - set(user_claims) <= TECHNICAL
    else:
        assert claims == printed_json(example, int(expect))


def test_every_serialized_example_is_exercised() -> None:
    examples = load_examples(*SD_JWT_VC)
    found = {
        (section, index)
        for section, example in examples.items()
        for index, entry in enumerate(example["serialized"])
    }
    assert found == {(section, index) for section, index, _ in SERIALIZED}


def test_printed_disclosure_digests() -> None:
    checked = 0
    for example in load_examples(*SD_JWT_VC).values():
        for entry in example["disclosures"]:
            assert digest_of(entry["disclosure"]) == entry["digest"]
            assert Disclosure.parse(entry["disclosure"]).value == entry["decoded"][-1]
            checked += 1
    assert checked == 37


@pytest.mark.parametrize("name", spec_params(*SPECS))
def test_example_spec_round_trip(name: str) -> None:
    spec = load_spec(conformance_path(*SPECS, name, "specification.yml"))
    result = run(spec, "example")
    assert result.policy.sd_jwt_vc, "every SD-JWT VC spec sets typ dc+sd-jwt"
    assert_round_trip(result)


def test_every_example_spec_is_exercised() -> None:
    assert len(sorted(conformance_path(*SPECS).glob("*/specification.yml"))) == 3


@pytest.mark.parametrize(("name", "section"), [("01", "2.3.1"), ("03-pid", "A.1")])
def test_our_issuance_has_the_structure_of_the_printed_one(name: str, section: str) -> None:
    spec = load_spec(conformance_path(*SPECS, name, "specification.yml"))
    printed = HeldCredential.parse(load_examples(*SD_JWT_VC)[section]["serialized"][0]["value"])
    ours = HeldCredential.parse(run(spec, "example").issued)
    expected_locations = set(sd_paths(spec.user_claims))
    assert set(printed.paths.values()) == expected_locations
    assert set(ours.paths.values()) == expected_locations
    assert ours.claims == printed.claims
