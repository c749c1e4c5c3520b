"""RFC 9901 examples (draft-22 text = RFC 9901) and its YAML example specs.

Source and harness instructions: ../shared/conformance/ietf-sd-jwt-rfc9901/README.md.
"""

from __future__ import annotations

import json

import pytest
from conftest import conformance_path

from verifier.sdjwt import Disclosure, HeldCredential, digest_of, verify_sd_jwt

from ._roundtrip import assert_round_trip, run
from ._vectors import RFC9901, issuer_resolver, load_examples, printed_json, vector_policy
from ._yaml_specs import load_spec, sd_paths, spec_params

SPECS = ("ietf-sd-jwt-rfc9901", "example-specs")
TECHNICAL = {"iss", "iat", "exp", "cnf"}  # what an issuer adds to the user claims (§5.1)

# Every serialized SD-JWT / SD-JWT+KB (section, position in ``serialized``) and what its
# Processed SD-JWT Payload must equal (README "Harness use" 1):
#   "last"  - the last JSON block of the section (the printed processed payload);
#   "input" - an issuance: the user claims (first block) plus technical claims.
SERIALIZED = [
    ("5.1", 1, "input"),
    ("5.2", 0, "last"),
    ("A.1", 0, "last"),
    ("A.2", 0, "last"),
    ("A.3", 0, "input"),
    ("A.3", 1, "last"),
    ("A.4", 0, "input"),
    ("A.4", 1, "last"),
]


@pytest.mark.parametrize(("section", "index", "expect"), SERIALIZED)
def test_serialized_example_verifies(section: str, index: int, expect: str) -> None:
    example = load_examples(*RFC9901)[section]
    entry = example["serialized"][index]
    # typ is "example+sd-jwt" (A.3: "dc+sd-jwt"): plain SD-JWT processing, no typ check.
    policy = vector_policy(entry["value"], sd_jwt_vc=False, expected_typ=None)
    report = verify_sd_jwt(entry["value"], policy=policy, resolver=issuer_resolver())

    assert report.valid, [f"{c.code}: {c.message}" for c in report.failures]
    claims = dict(report.claims or {})
    if expect == "last":
        assert claims == printed_json(example, -1)
    else:
        user_claims = printed_json(example, 0)
        assert {name: claims.get(name) for name in user_claims} == user_claims
        assert set(claims) - set(user_claims) <= TECHNICAL
    kb = next(c for c in report.checks if c.code == "kb")
    assert kb.result == ("passed" if entry["kind"] == "sd_jwt_kb" else "not_applicable")


def test_every_serialized_example_is_exercised() -> None:
    examples = load_examples(*RFC9901)
    found = {
        (section, index)
        for section, example in examples.items()
        for index, entry in enumerate(example["serialized"])
        if entry["kind"] != "jwt"
    }
    assert found == {(section, index) for section, index, _ in SERIALIZED}


def test_printed_disclosure_digests() -> None:
    """RFC 9901 §4.2.3: digest over the ASCII of the base64url Disclosure as printed."""
    checked = 0
    for example in load_examples(*RFC9901).values():
        for entry in example["disclosures"]:
            assert digest_of(entry["disclosure"]) == entry["digest"]
            parsed = Disclosure.parse(entry["disclosure"])
            assert [parsed.salt, *([parsed.name] if parsed.name else []), parsed.value] == entry[
                "decoded"
            ]
            checked += 1
    assert checked == 87


def test_disclosure_digest_known_answers() -> None:
    """RFC 9901 §4.2.1-4.2.3: the same claim encoded differently hashes differently."""
    path = conformance_path("ietf-sd-jwt-rfc9901", "disclosure_digest_known_answers.json")
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    for item in items:
        assert digest_of(item["disclosure"]) == item["sha256_b64url"], item["name"]
        if item["expected_in_spec"] is not None:
            assert item["sha256_b64url"] == item["expected_in_spec"]
        assert Disclosure.parse(item["disclosure"]).value == item["decoded"][-1]
    assert len(items) == 5
    assert len({item["sha256_b64url"] for item in items}) == 5


@pytest.mark.parametrize("name", spec_params(*SPECS))
def test_example_spec_round_trip(name: str) -> None:
    spec = load_spec(conformance_path(*SPECS, name, "specification.yml"))
    assert_round_trip(run(spec, "example"))


def test_every_example_spec_is_exercised() -> None:
    assert len(sorted(conformance_path(*SPECS).glob("*/specification.yml"))) == 15


# Example specs whose issuance the RFC prints (README "Harness use" 4: salts are not portable,
# so compare structure: the same claims at the same disclosable locations).
PRINTED_ISSUANCE = [("simple", "5.1", 1), ("arf-pid", "A.3", 0), ("jsonld", "A.4", 0)]


@pytest.mark.parametrize(("name", "section", "index"), PRINTED_ISSUANCE)
def test_our_issuance_has_the_structure_of_the_printed_one(
    name: str, section: str, index: int
) -> None:
    spec = load_spec(conformance_path(*SPECS, name, "specification.yml"))
    printed = HeldCredential.parse(load_examples(*RFC9901)[section]["serialized"][index]["value"])
    ours = HeldCredential.parse(run(spec, "example").issued)
    expected_locations = set(sd_paths(spec.user_claims))
    assert set(printed.paths.values()) == expected_locations
    assert set(ours.paths.values()) == expected_locations
    assert ours.claims == printed.claims
