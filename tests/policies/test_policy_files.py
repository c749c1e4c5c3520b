"""The shipped policy files: they follow the format (JSON Schema and the loader's own rules), and
docs/policies.md lists, for each, exactly the claims it discloses."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from verifier.policies import PolicyError, load_policy, parse_policy, policy_names

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "verifier" / "policies"
SCHEMA = json.loads((FOLDER / "policy.schema.json").read_text())
DOCS = (ROOT / "docs" / "policies.md").read_text()
SHIPPED = ("institution-ehic", "pharmacy-ehic", "venue-reduced-tariff")


def raw(name: str) -> dict[str, Any]:
    return json.loads((FOLDER / "purposes" / f"{name}.json").read_text())


def test_the_three_purposes_are_shipped() -> None:
    assert policy_names() == SHIPPED


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", SHIPPED)
def test_each_file_follows_the_schema_and_loads(name: str) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(raw(name))
    policy = load_policy(name)
    assert policy.name == name
    assert all(a.show for a in policy.accepts)


def test_an_unknown_policy_is_refused_with_the_known_names() -> None:
    with pytest.raises(PolicyError, match="venue-reduced-tariff"):
        load_policy("../venue-reduced-tariff")


Mutation = Callable[[dict[str, Any]], None]


def _first(data: dict[str, Any]) -> dict[str, Any]:
    return data["accepts"][0]  # type: ignore[no-any-return]


def _qr(data: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in data["accepts"] if a["format"] == "qr-jws")


#: (mutation of venue-reduced-tariff, message of the loader, also refused by the schema?)
MUTATIONS: list[tuple[str, Mutation, str, bool]] = [
    ("unknown member", lambda d: d.update(shown_everything=True), "unknown member", True),
    ("label missing", lambda d: d["title"].pop("de"), "exactly fr, nl, de, en", True),
    ("empty label", lambda d: d["purpose"].update(nl="  "), "non-empty text", True),
    ("bad binding", lambda d: d.update(holder_binding="sometimes"), "holder_binding", True),
    ("warn > fail", lambda d: d["freshness"]["trust"].update(warn_after_hours=20, fail_after_hours=10), "warn_after_hours <= fail_after_hours", False),
    ("fail > 24 h", lambda d: d["freshness"]["status"].update(fail_after_hours=48), "(0, 24]", True),
    ("no threshold", lambda d: d["freshness"]["status"].pop("warn_after_hours"), "lacks", True),
    ("unknown format", lambda d: _first(d).update(format="mdoc"), "format must be", True),
    ("unknown role", lambda d: _first(d).update(issuer_roles=["museum"]), "issuer_roles", True),
    ("nothing shown", lambda d: _first(d).update(show=[]), "at least one claim", True),
    ("not a pointer", lambda d: _first(d)["show"][0].update(claim="given_name"), "pointer", True),
    ("equals, not required", lambda d: _first(d)["show"][2].pop("required"), "must be required", True),
    ("unknown sid", lambda d: _qr(d).update(type="be.civicred:ssh:9.9"), "no QR document type", False),
    ("unknown QR field", lambda d: _qr(d)["show"][0].update(claim="/ssh/hi"), "not a field", False),
    ("QR request", lambda d: _qr(d).update(request=["/ssh/fn"]), "cannot be asked", True),
    ("requested, not shown", lambda d: _first(d)["request"].append("/birth_date"), "never shown", False),
    ("shown twice", lambda d: _first(d)["show"].append(copy.deepcopy(_first(d)["show"][0])), "twice", False),
    ("nested shown", lambda d: _first(d)["show"].append({**_first(d)["show"][0], "claim": "/given_name/x"}), "contains another", False),
    ("type twice", lambda d: d["accepts"].append(copy.deepcopy(_first(d))), "accepted twice", False),
    ("bad name", lambda d: d.update(name="Venue_Tariff"), "lower-case", True),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "message", "schema_too"),
                         [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])  # fmt: skip
def test_a_broken_policy_is_refused(mutate: Mutation, message: str, schema_too: bool) -> None:
    data = raw("venue-reduced-tariff")
    mutate(data)
    with pytest.raises(PolicyError, match=re.escape(message)):
        parse_policy(data)
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    assert bool(errors) is schema_too


def _section(name: str) -> str:
    match = re.search(rf"^## `{re.escape(name)}`\n(.*?)(?=^## |\Z)", DOCS, re.M | re.S)
    assert match, f"docs/policies.md has no section for {name}"
    return match.group(1)


@pytest.mark.parametrize("name", SHIPPED)
def test_the_documentation_lists_exactly_what_each_policy_discloses(name: str) -> None:
    section = _section(name)
    policy = load_policy(name)
    for accepted in policy.accepts:
        table = re.search(
            rf"^### [^\n]*`{re.escape(accepted.type)}`[^\n]*\n(.*?)(?=^###? |\Z)",
            section,
            re.M | re.S,
        )
        assert table, f"{name}: no table for {accepted.type}"
        listed = re.findall(r"^\| `(/[^`]+)` \|", table.group(1), re.M)
        assert listed == [c.pointer for c in accepted.show], accepted.type
