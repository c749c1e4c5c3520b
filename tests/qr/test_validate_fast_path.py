"""The compiled fast path of payload validation agrees with the full validator.

``_accepts`` (compiled schema predicates) and ``_rules_hold`` (compiled rules) let valid
documents through without building findings; they must never accept what the full validator
(``_schema``, ``_rule``) would report, and never refuse what it accepts. Hypothesis mutates
valid payloads field by field (types, lengths, characters, dates, extra and missing keys).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from qr_samples import EHIC, PRC, SSH

from verifier.qr import get_doctype
from verifier.qr._payload_schema import _accepts, _schema
from verifier.qr._validate import _days, _rule, _rules_hold

_SAMPLES = (PRC, EHIC, SSH)
_SIDS = tuple(sample["sid"] for sample in _SAMPLES)

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.text(alphabet="0123456789-", max_size=12),  # date-like strings
    st.sampled_from(["1984-00-00", "1984-02-30", "2025-13-01", "0000-00-00", "9999-12-31"]),
    st.sampled_from(["https://x.example/l/1", "http://127.0.0.1:8080/s", "not a uri", "a:b"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    return out


@st.composite
def _mutated(draw: st.DrawFn) -> dict[str, Any]:
    payload = copy.deepcopy(draw(st.sampled_from(_SAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(payload)
        path = draw(st.sampled_from(paths))
        parent: Any = payload
        for key in path[:-1]:
            parent = parent[key]
        if not isinstance(parent, dict):
            continue
        action = draw(st.sampled_from(["keep", "replace", "delete", "add"]))
        if action == "keep":  # so that accepted payloads are drawn too
            continue
        if action == "replace":
            parent[path[-1]] = draw(_VALUES)
        elif action == "delete":
            parent.pop(path[-1], None)
        else:
            parent[draw(st.text(min_size=1, max_size=4))] = draw(_VALUES)
    return payload


def _schema_findings(payload: dict[str, Any]) -> list[Any]:
    out: list[Any] = []
    _schema(get_doctype(payload["sid"]).schema, payload, "", out)
    return out


@settings(max_examples=600, deadline=None)
@given(_mutated())
def test_compiled_schema_accepts_exactly_what_the_validator_accepts(payload: Any) -> None:
    sid = payload.get("sid") if isinstance(payload, dict) else None
    if not isinstance(sid, str) or sid not in _SIDS:
        return  # an unknown sid never reaches the schema stage
    doctype = get_doctype(sid)
    assert _accepts(doctype, payload) == (not _schema_findings(payload))


@settings(max_examples=600, deadline=None)
@given(_mutated())
def test_compiled_rules_hold_exactly_when_no_rule_fails(payload: Any) -> None:
    sid = payload.get("sid") if isinstance(payload, dict) else None
    if not isinstance(sid, str) or sid not in _SIDS or _schema_findings(payload):
        return  # rules are only evaluated on schema-valid payloads
    doctype = get_doctype(sid)
    body = payload[doctype.body]
    days = _days(doctype, body)
    problems = [_rule(doctype, rule, body, days) for rule in doctype.rules]
    assert _rules_hold(doctype, body, days) == all(p is None for p in problems)


def test_the_samples_take_the_fast_path() -> None:
    for sample in _SAMPLES:
        doctype = get_doctype(sample["sid"])
        assert _accepts(doctype, sample)
        body = sample[doctype.body]
        assert _rules_hold(doctype, body, _days(doctype, body))


def test_a_broken_sample_is_refused_by_both_paths() -> None:
    payload = copy.deepcopy(PRC)
    payload["prc"]["sd"] = "2025-02-30"
    doctype = get_doctype(payload["sid"])
    assert not _accepts(doctype, payload)
    assert any(f.rule == "format" for f in _schema_findings(payload))
