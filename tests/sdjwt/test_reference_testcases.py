"""sd-jwt-python YAML testcases and examples, run through OUR issuer → holder → verifier.

Source: ../shared/conformance/sd-jwt-python-testcases (README there). Each testcase gives
``user_claims`` (``!sd`` tagged), ``holder_disclosed_claims`` and ``expect_verified_user_claims``;
the verified payload must equal the latter plus ``iss`` (and ``cnf`` with key binding).
"""

from __future__ import annotations

import json

import pytest
from conftest import conformance_path

from verifier.jose import public_jwk
from verifier.sdjwt import verify_sd_jwt
from verifier.trust import JwksResolver

from ._roundtrip import assert_round_trip, run
from ._yaml_specs import load_spec, spec_params

TESTCASES = ("sd-jwt-python-testcases", "testcases")
EXAMPLES = ("sd-jwt-python-testcases", "examples")


@pytest.mark.parametrize("name", spec_params(*TESTCASES))
def test_testcase(name: str) -> None:
    spec = load_spec(conformance_path(*TESTCASES, name, "specification.yml"))
    assert spec.expected is not None, "every testcase states expect_verified_user_claims"
    result = run(spec, "testcase")

    # The oracle (projection of user_claims) agrees with the testcase's own expectation...
    expected = {**spec.expected, "iss": spec.settings["identifiers"]["issuer"]}
    if spec.key_binding:
        expected["cnf"] = {"jwk": public_jwk(spec.holder_jwk_private)}
    assert result.expected == expected
    # ...and our verifier outputs exactly that.
    assert_round_trip(result)
    wanted_header = {"alg": "ES256", "typ": "testcase+sd-jwt", **spec.extra_header}
    assert {k: result.header.get(k) for k in wanted_header} == wanted_header


@pytest.mark.parametrize("name", spec_params(*EXAMPLES))
def test_example(name: str) -> None:
    spec = load_spec(conformance_path(*EXAMPLES, name, "specification.yml"))
    assert_round_trip(run(spec, "example"))


@pytest.mark.parametrize(("folder", "count"), [(TESTCASES, 17), (EXAMPLES, 15)])
def test_every_spec_is_exercised(folder: tuple[str, str], count: int) -> None:
    specs = sorted(conformance_path(*folder).glob("*/specification.yml"))
    assert len(specs) == count
    assert [p.parent.name for p in specs] == [p.values[0] for p in spec_params(*folder)]


def test_testcases_cover_key_binding_json_and_recursion() -> None:
    """Guard against a silently weaker run: the features the testcases exist for are exercised."""
    specs = [load_spec(p) for p in sorted(conformance_path(*TESTCASES).glob("*/specification.yml"))]
    results = [run(s, "testcase") for s in specs]
    assert sum(s.key_binding for s in specs) >= 4
    assert sum(s.json_serialization for s in specs) == 2
    assert sum(r.released for r in results) > 40
    assert all(r.report.valid for r in results)


def test_general_json_serialization_verifies_with_the_second_issuer_key() -> None:
    """RFC 9901 §8.3: a verifier trusting only the second signer accepts the presentation."""
    spec = load_spec(
        conformance_path(*TESTCASES, "json_serialization_general", "specification.yml")
    )
    result = run(spec, "testcase")
    document = json.loads(result.presentation)
    assert len(document["signatures"]) == 2
    assert result.report.valid  # trusting both keys, the first signature is used
    assert set(document["signatures"][0]["header"]) == {"disclosures", "kb_jwt"}
    only_second = JwksResolver({"keys": [public_jwk(spec.issuer_jwks_private[1])]})
    report = verify_sd_jwt(result.presentation, policy=result.policy, resolver=only_second)
    assert report.valid, report.failures
    assert report.key_id == "issuer-key-2"
    assert dict(report.claims or {}) == result.expected


def test_flattened_json_serialization_shape() -> None:
    """RFC 9901 §8.1: disclosures and kb_jwt are unprotected header members."""
    spec = load_spec(
        conformance_path(*TESTCASES, "json_serialization_flattened", "specification.yml")
    )
    result = run(spec, "testcase")
    document = json.loads(result.presentation)
    assert "signatures" not in document
    assert len(document["header"]["disclosures"]) == result.released == 3
    assert document["header"]["kb_jwt"].count(".") == 2
    assert_round_trip(result)


def test_integer_kid_is_refused_by_a_jwks_resolver() -> None:
    """testcases/header_mod sets ``kid: 42``; RFC 7515 §4.1.4 requires a string kid."""
    spec = load_spec(conformance_path(*TESTCASES, "header_mod", "specification.yml"))
    result = run(spec, "testcase")
    assert result.header["kid"] == 42
    jwks = JwksResolver({"keys": [{**public_jwk(spec.issuer_jwks_private[0]), "kid": "42"}]})
    report = verify_sd_jwt(result.presentation, policy=result.policy, resolver=jwks)
    assert not report.valid
    assert report.failures[0].code == "issuer.key"
