"""Our hand-written validator against the EU schema package and ``jsonschema`` (test-only).

Vectors: ../shared/conformance/eehic-prc-schema (schema-prc-v1.json, schema-prc-jws-v1.json and the
valid/invalid examples). ``jsonschema`` is never used at runtime.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import conformance_path
from qr_samples import SAMPLES, TODAY, sample, self_signed, with_body, worst_case
from referencing import Registry, Resource

from verifier.jose import CompactJws
from verifier.qr import (
    DOCTYPES,
    EESSI_PRC_SID,
    LANGUAGES,
    eessi_kid,
    framework_kid,
    get_doctype,
    sign_document,
    validate_schema,
)
from verifier.signing import LocalSigner, generate_private_key

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
EXAMPLES = ["valid.json", "invalid-ci-too-long.json", "invalid-date.json", "invalid-ic-date.json"]
EXAMPLES += ["invalid-required-missing.json", "invalid-sid.json"]


def _schema_dir() -> Path:
    return conformance_path("eehic-prc-schema", "schemes")


def _load(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def _prc_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        _load(_schema_dir() / "schema-prc-v1.json"), format_checker=FORMATS
    )


def _jws_validator() -> jsonschema.Draft202012Validator:
    folder = _schema_dir()
    registry: Registry[Any] = Registry().with_resource(
        "schema-prc-v1.json", Resource.from_contents(_load(folder / "schema-prc-v1.json"))
    )
    return jsonschema.Draft202012Validator(
        _load(folder / "schema-prc-jws-v1.json"), registry=registry, format_checker=FORMATS
    )


@pytest.mark.parametrize("name", EXAMPLES)
def test_shared_examples_agree_with_jsonschema(name: str) -> None:
    example = _load(conformance_path("eehic-prc-schema", "examples", name))
    ours = validate_schema(example)
    theirs = list(_prc_validator().iter_errors(example))
    assert (ours == []) is (theirs == []) is (name == "valid.json"), (ours, theirs)


def test_invalid_examples_fail_for_the_documented_reason() -> None:
    def rules(name: str) -> set[tuple[str, str]]:
        example = _load(conformance_path("eehic-prc-schema", "examples", name))
        return {(f.path, f.rule) for f in validate_schema(example)}

    assert rules("invalid-ci-too-long.json") == {("/prc/ci", "maxLength")}
    assert rules("invalid-date.json") == {("/prc/dob", "pattern")}
    assert rules("invalid-ic-date.json") == {
        ("/prc/ic", "enum"),
        ("/prc/sd", "format"),
        ("/prc/ed", "format"),
        ("/prc/di", "format"),
    }
    assert {r for p, r in rules("invalid-required-missing.json")} == {"required"}
    assert len(rules("invalid-required-missing.json")) == 8
    assert rules("invalid-sid.json") == {("/sid", "sid")}


@pytest.mark.parametrize(
    "payload",
    [
        {**sample(EESSI_PRC_SID), "iat": 1},  # extra top-level key
        with_body(EESSI_PRC_SID, st="x"),  # extra prc key
        with_body(EESSI_PRC_SID, ic="EL"),  # Greece is GR in this schema
        with_body(EESSI_PRC_SID, ic="GB"),  # the UK is UK
        with_body(EESSI_PRC_SID, fn="F" * 41),
        with_body(EESSI_PRC_SID, gn="G" * 36),
        with_body(EESSI_PRC_SID, hi="1" * 21),
        with_body(EESSI_PRC_SID, **{"in": "I" * 22}),
        with_body(EESSI_PRC_SID, ii="012"),
        with_body(EESSI_PRC_SID, ii="01234567890"),
        with_body(EESSI_PRC_SID, dob="1984-13-01"),
        with_body(EESSI_PRC_SID, sd="2025-02-30"),
        with_body(EESSI_PRC_SID, sd="2025-01-01\n"),
        with_body(EESSI_PRC_SID, di=20250312),
        with_body(EESSI_PRC_SID, ed=None),
        {**sample(EESSI_PRC_SID), "prc": []},
    ],
)
def test_prc_mutations_are_rejected_by_both(payload: dict[str, Any]) -> None:
    assert validate_schema(payload) != []
    assert not _prc_validator().is_valid(payload)


@pytest.mark.parametrize(
    ("payload", "rule"),
    [
        (with_body(EESSI_PRC_SID, dob="1984-07-20\n"), "pattern"),
        ({**sample(EESSI_PRC_SID), "rid": "not a uri"}, "format"),
        ({**sample(EESSI_PRC_SID), "sid": "eessi:prc:\u0661.0"}, "sid"),  # Arabic-Indic digit one
    ],
)
def test_we_are_stricter_where_python_jsonschema_is_lenient(
    payload: dict[str, Any], rule: str
) -> None:
    """ECMA-262 ``$`` does not match before a final newline (Python's ``re`` does), and jsonschema
    checks ``format: uri`` only with an optional plugin; ``\\d`` is ASCII-only in ECMA-262."""
    assert [f.rule for f in validate_schema(payload)] == [rule]
    assert _prc_validator().is_valid(payload)  # the Python reference accepts all of these


@pytest.mark.parametrize(
    "payload",
    [
        with_body(EESSI_PRC_SID, ic="GR", dob="1984-00-00", ci=None, xd=None),
        with_body(EESSI_PRC_SID, ic="UK", dob="1984-07-00", fn="F" * 40, gn="", ii="0123456789"),
        {k: v for k, v in sample(EESSI_PRC_SID).items() if k not in ("jti", "rid")},
        worst_case(EESSI_PRC_SID),
    ],
)
def test_prc_edge_cases_are_accepted_by_both(payload: dict[str, Any]) -> None:
    assert validate_schema(payload) == []
    assert _prc_validator().is_valid(payload)


def test_es256_tokens_we_sign_validate_against_the_shared_jws_schema() -> None:
    key = generate_private_key("ES256")
    signer = LocalSigner(key)
    kid = eessi_kid(self_signed(key))  # type: ignore[arg-type]
    for payload in (sample(EESSI_PRC_SID), worst_case(EESSI_PRC_SID, 17)):
        jws, _ = sign_document(payload, signer, kid, today=TODAY)
        compact = CompactJws.parse(jws)
        instance = {"protected": compact.header, "payload": compact.payload_object()}
        _jws_validator().validate(instance)


@pytest.mark.parametrize("sid", sorted(DOCTYPES))
def test_our_data_schemas_are_valid_json_schema_and_agree_with_jsonschema(sid: str) -> None:
    schema = get_doctype(sid).json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    body = get_doctype(sid).body
    good = [sample(sid), worst_case(sid), worst_case(sid, 50)]
    bad = [
        {**sample(sid), "x": 1},
        with_body(sid, fn="F" * 41),
        with_body(sid, zz="1"),
        {"sid": sid},
    ]
    bad += [{**sample(sid), body: None}, with_body(sid, di="2025-3-12")]
    for payload in good:
        assert validate_schema(payload) == [] and validator.is_valid(payload), payload
    for payload in bad:
        assert validate_schema(payload) != [] and not validator.is_valid(payload), payload


def test_the_prc_doctype_is_exactly_the_eu_schema() -> None:
    eu = _load(_schema_dir() / "schema-prc-v1.json")
    ours = get_doctype(EESSI_PRC_SID).json_schema()
    keywords = ("type", "enum", "maxLength", "minLength", "pattern", "format")

    def strip(node: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in node.items() if k in keywords}

    assert set(ours["properties"]) == set(eu["properties"]) == {"sid", "jti", "rid", "prc"}
    assert ours["required"] == eu["required"] and ours["additionalProperties"] is False
    eu_prc, our_prc = eu["$defs"]["prc"], ours["properties"]["prc"]
    assert list(our_prc["properties"]) == list(eu_prc["properties"])
    assert our_prc["required"] == eu_prc["required"] and our_prc["additionalProperties"] is False
    for key, node in eu_prc["properties"].items():
        expected = strip(eu["$defs"]["cardIssuerCountry"]) if "$ref" in node else strip(node)
        assert strip(our_prc["properties"][key]) == expected, key
    for key in ("jti", "rid"):
        assert strip(ours["properties"][key]) == strip(eu["properties"][key])
    assert (
        "GR" in our_prc["properties"]["ic"]["enum"] and "UK" in our_prc["properties"]["ic"]["enum"]
    )


@pytest.mark.parametrize("sid", sorted(DOCTYPES))
def test_every_field_has_four_labels_and_types_are_minimal(sid: str) -> None:
    doctype = get_doctype(sid)
    for info in doctype.fields:
        assert set(info.labels) == set(LANGUAGES) and all(info.labels.values()), info.path
    assert set(doctype.name) == set(LANGUAGES)
    assert doctype.label("fn", "nl") == "Naam" and doctype.label(("sid",), "de") == "Schema-Kennung"
    if sid == "be.civicred:ssh:1.0":
        keys = {info.path[-1] for info in doctype.fields}
        assert not keys & {"hi", "dob", "reason", "code", "status"}  # no national number, no reason
        assert doctype.revocation.mechanism == "token-status-list"
        assert doctype.kid_framework == "BE-SSH"
        assert framework_kid("BE-SSH", self_signed(generate_private_key("ES256"))).startswith(
            "BE-SSH:"
        )  # type: ignore[arg-type]
    else:
        assert doctype.revocation.mechanism == "jti-list" and doctype.revocation.claims == (
            "jti",
            "rid",
        )
    assert doctype.revocation.optional_per_policy


def test_sample_payloads_are_valid() -> None:
    for sid in SAMPLES:
        assert validate_schema(sample(sid)) == []
    assert dt.date.fromisoformat(sample(EESSI_PRC_SID)["prc"]["di"]) == TODAY
