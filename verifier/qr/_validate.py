"""Payload validation by ``sid``: the schema, then the business rules, then the dates of use.

All dates are local calendar dates (EHIC PDF QR PoC v0.5 §1.2 "ignoring time zones"). Nothing
reads the wall clock: ``today`` and ``treatment_date`` are inputs.

Findings carry stable codes:

``qr.sid``            unknown or missing document type
``qr.schema``         the payload does not match the type's schema (v0.5 §5 step 3)
``qr.rule``           a MUST date rule failed (v0.5 §2.3.2; the verifier MUST check them)
``qr.issuer_rule``    an issuer-only rule: an error for the issuer, a warning for a verifier
``qr.treatment_date`` the treatment/visit date input is outside [1900-01-01, today] (v0.5 §5 step 1)
``qr.validity``       the treatment/visit date is outside the validity window (v0.5 §5 step 7)
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from verifier._errors import MalformedInput
from verifier._report import Check, CheckResult
from verifier.qr._doctypes import DocType, Rule, get_doctype

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# RFC 3986 §3.1 scheme ":" then only characters a URI may contain (unreserved, reserved, "%").
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_EARLIEST_TREATMENT = dt.date(1900, 1, 1)
_STAGES = ("qr.sid", "qr.schema", "qr.rule", "qr.issuer_rule", "qr.treatment_date", "qr.validity")
_SPEC = "EHIC PDF QR PoC v0.5"


@dataclass(frozen=True, slots=True)
class Finding:
    """One precise problem: a stable ``code``, a JSON pointer, the rule that failed, a sentence."""

    code: str
    path: str
    rule: str
    message: str
    cite: str = ""


@dataclass(frozen=True, slots=True)
class Validation:
    """The result of validating one payload; ``ok`` means no errors (warnings are allowed)."""

    sid: str | None
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    evaluated: tuple[str, ...]  # the stages (codes) that ran

    @property
    def ok(self) -> bool:
        return not self.errors

    def checks(self) -> tuple[Check, ...]:
        """One :class:`Check` per stage: FAILED, WARNING, PASSED or NOT_APPLICABLE (not run)."""
        if not self.errors and not self.warnings:
            return _clean_checks(self.evaluated)
        return self.checks_from_findings()

    def checks_from_findings(self) -> tuple[Check, ...]:
        out = []
        for stage in _STAGES:
            errors = [f.message for f in self.errors if f.code == stage]
            warnings = [f.message for f in self.warnings if f.code == stage]
            if errors:
                out.append(Check(stage, CheckResult.FAILED, "; ".join(errors)))
            elif warnings:
                out.append(Check(stage, CheckResult.WARNING, "; ".join(warnings)))
            elif stage in self.evaluated:
                out.append(Check(stage, CheckResult.PASSED, f"{stage} checks passed"))
            else:
                out.append(Check(stage, CheckResult.NOT_APPLICABLE, f"{stage} was not evaluated"))
        return tuple(out)


@functools.cache
def _clean_checks(evaluated: tuple[str, ...]) -> tuple[Check, ...]:
    """The checks of a validation without findings (shared: checks are immutable)."""
    return Validation(None, (), (), evaluated).checks_from_findings()


# -- schema ------------------------------------------------------------------------------------
def _type_ok(kind: str, value: object) -> bool:
    if kind == "object":
        return isinstance(value, dict)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, int) and not isinstance(value, bool)  # integer: no floats, no bools


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b  # JSON equality: true is not 1


def _schema(node: Mapping[str, Any], value: object, path: str, out: list[Finding]) -> None:
    def bad(rule: str, message: str) -> None:
        out.append(Finding("qr.schema", path or "/", rule, f"{path or 'payload'}: {message}"))

    if not _type_ok(node["type"], value):
        bad("type", f"must be of type {node['type']}, not {type(value).__name__}")
        return
    if "const" in node and not _same(value, node["const"]):
        bad("const", f"must be {node['const']!r}")
    if "enum" in node and not any(_same(value, v) for v in node["enum"]):
        bad("enum", f"{value!r} is not one of the allowed values")
    if isinstance(value, str):
        _string(node, value, bad)
    elif isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in node and value < node["minimum"]:
            bad("minimum", f"must be ≥ {node['minimum']}")
        if "maximum" in node and value > node["maximum"]:
            bad("maximum", f"must be ≤ {node['maximum']}")
    elif isinstance(value, dict):
        props = node.get("properties", {})
        for key in node.get("required", ()):
            if key not in value:
                out.append(
                    Finding("qr.schema", f"{path}/{key}", "required", f"{path}/{key}: is required")
                )
        for key in sorted(value.keys() - props.keys()):
            shown = key if len(key) <= 40 else key[:40] + "…"
            bad("additionalProperties", f"unknown key {shown!r} (the schema is closed)")
        for key, sub in props.items():
            if key in value:
                _schema(sub, value[key], f"{path}/{key}", out)


def _string(node: Mapping[str, Any], value: str, bad: Any) -> None:
    # JSON Schema lengths count code points, as Python's len() does.
    if "minLength" in node and len(value) < node["minLength"]:
        bad("minLength", f"must have at least {node['minLength']} characters")
    if "maxLength" in node and len(value) > node["maxLength"]:
        bad("maxLength", f"must have at most {node['maxLength']} characters (has {len(value)})")
    if "pattern" in node and _pattern(node["pattern"]).search(value) is None:
        bad("pattern", f"{_short(value)} does not match {node['pattern']}")
    fmt = node.get("format")
    if fmt == "date" and _parse_date(value) is None:
        bad("format", f"{_short(value)} is not a calendar date YYYY-MM-DD")
    if fmt == "uri" and _URI.fullmatch(value) is None:
        bad("format", f"{_short(value)} is not an absolute URI")


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str]:
    """A JSON Schema ``pattern`` (ECMA-262): unanchored search, ``\\d`` ASCII only, and ``$`` only
    at the very end (Python's ``$`` would also match before a trailing newline)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern, re.ASCII)


def _short(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _parse_date(value: str) -> dt.date | None:
    if _DATE.fullmatch(value) is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# -- the fast path: one compiled predicate per document type ---------------------------------
Accept = Callable[[object], bool]


def _compile(node: Mapping[str, Any]) -> Accept:
    """A predicate that is true exactly when :func:`_schema` reports nothing for a value.

    Valid documents are the common case: these closures accept them without building a finding
    or a message; anything they refuse goes through :func:`_schema` for the precise findings.
    """
    kind = node["type"]
    if kind == "object":
        return _compile_object(node)
    if kind == "string":
        return _compile_string(node)
    const, enum = node.get("const", _ABSENT), node.get("enum")
    low, high = node.get("minimum"), node.get("maximum")

    def accept(value: object) -> bool:
        if not _type_ok(kind, value):
            return False
        if const is not _ABSENT and not _same(value, const):
            return False
        if enum is not None and not any(_same(value, v) for v in enum):
            return False
        if kind == "integer":
            assert isinstance(value, int)
            return (low is None or value >= low) and (high is None or value <= high)
        return True

    return accept


def _compile_object(node: Mapping[str, Any]) -> Accept:
    props = {key: _compile(sub) for key, sub in node.get("properties", {}).items()}
    known = props.keys()
    required = frozenset(node.get("required", ()))

    def accept(value: object) -> bool:
        if not isinstance(value, dict):
            return False
        keys = value.keys()
        if not (required <= keys and keys <= known):
            return False
        for key, item in value.items():  # noqa: SIM110 (a loop is faster than all() + genexpr)
            if not props[key](item):
                return False
        return True

    return accept


def _compile_string(node: Mapping[str, Any]) -> Accept:
    const, enum = node.get("const", _ABSENT), node.get("enum")
    low, high = node.get("minLength", 0), node.get("maxLength")
    search = _pattern(node["pattern"]).search if "pattern" in node else None
    fmt = node.get("format")

    def accept(value: object) -> bool:
        if not isinstance(value, str):
            return False
        if const is not _ABSENT and value != const:
            return False
        if enum is not None and value not in enum:  # JSON strings only equal strings
            return False
        if len(value) < low or (high is not None and len(value) > high):
            return False
        if search is not None and search(value) is None:
            return False
        if fmt == "date":
            return _parse_date(value) is not None
        if fmt == "uri":
            return _URI.fullmatch(value) is not None
        return True

    return accept


_ABSENT = object()
#: Compiled predicates by ``sid`` (the document types are fixed at import).
_ACCEPT: dict[str, Accept] = {}


def _accepts(doctype: DocType, payload: object) -> bool:
    accept = _ACCEPT.get(doctype.sid)
    if accept is None:
        accept = _ACCEPT[doctype.sid] = _compile(doctype.schema)
    return accept(payload)


def validate_schema(payload: object) -> list[Finding]:
    """Schema errors of ``payload`` by its ``sid`` (empty when it matches exactly)."""
    try:
        doctype = get_doctype(payload.get("sid") if isinstance(payload, dict) else None)
    except MalformedInput as exc:
        return [Finding("qr.sid", "/sid", "sid", exc.message, f"{_SPEC} §5 step 3")]
    if _accepts(doctype, payload):
        return []
    out: list[Finding] = []
    _schema(doctype.schema, payload, "", out)
    return [Finding(f.code, f.path, f.rule, f.message, doctype.spec) for f in out]


# -- business rules ----------------------------------------------------------------------------
def _day(kind: str | None, value: object) -> tuple[int, int, int]:
    """A date field as (year, month, day); 00 parts read as 01 (v0.5 §2.3.2), a year as 1 January.

    Only called once the schema holds: dates are ``YYYY-MM-DD`` (``format``/``pattern``)."""
    text = str(value)
    if kind == "year":
        return (int(text), 1, 1)
    year, month, day = text.split("-")
    return (int(year), int(month) or 1, int(day) or 1)


def _days(doctype: DocType, body: Mapping[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Every date field present in ``body``, read once."""
    return {
        name: _day(kind, body[name]) for name, kind in doctype.date_kinds.items() if name in body
    }


def _rule(
    doctype: DocType, rule: Rule, body: Mapping[str, Any], days: Mapping[str, tuple[int, int, int]]
) -> str | None:
    """``None`` if the rule holds (or does not apply: an optional field is absent), else why not."""
    if not all(name in body for name in rule.fields):
        return None
    label = doctype.label
    if rule.check == "order":
        first, second = rule.fields
        if days[first] <= days[second]:
            return None
        return f"{label(first)} ({body[first]}) must not be after {label(second)} ({body[second]})"
    if rule.check == "total_length":
        total = sum(len(str(body[name])) for name in rule.fields)
        if rule.max is None or total <= rule.max:
            return None
        return f"{' + '.join(rule.fields)} has {total} characters, more than {rule.max}"
    if rule.check == "digits":
        (name,) = rule.fields
        if _DIGITS.fullmatch(str(body[name])):
            return None
        return f"{label(name)} must contain digits only"
    (name,) = rule.fields  # calendar: a partial date must still name a real day
    year, month, day = (int(p) for p in str(body[name]).split("-"))
    if month == 0 and day != 0:
        return f"{label(name)} has a day but no month"
    if _parse_date(f"{year:04d}-{month or 1:02d}-{day or 1:02d}") is None:
        return f"{label(name)} ({body[name]}) is not a calendar date"
    return None


RulesHold = Callable[[Mapping[str, Any], Mapping[str, tuple[int, int, int]]], bool]


def _compile_rules(doctype: DocType) -> RulesHold:
    """A predicate that is true exactly when :func:`_rule` finds no problem with any rule of
    ``doctype`` (the fast path: date orders become tuple comparisons, lengths a sum, digits a
    regular expression; only the calendar rule goes through :func:`_rule`)."""
    orders = [rule.fields for rule in doctype.rules if rule.check == "order"]
    lengths = [
        (rule.fields, rule.max)
        for rule in doctype.rules
        if rule.check == "total_length" and rule.max is not None
    ]
    digits = [rule.fields[0] for rule in doctype.rules if rule.check == "digits"]
    others = [rule for rule in doctype.rules if rule.check == "calendar"]

    def hold(body: Mapping[str, Any], days: Mapping[str, tuple[int, int, int]]) -> bool:
        for first, second in orders:
            if first in days and second in days and days[first] > days[second]:
                return False
        for names, limit in lengths:
            if all(n in body for n in names) and sum(len(str(body[n])) for n in names) > limit:
                return False
        for name in digits:
            if name in body and _DIGITS.fullmatch(str(body[name])) is None:
                return False
        return all(_rule(doctype, rule, body, days) is None for rule in others)

    return hold


_RULES_HOLD: dict[str, RulesHold] = {}


def _rules_hold(doctype: DocType, body: Mapping[str, Any], days: Mapping[str, Any]) -> bool:
    hold = _RULES_HOLD.get(doctype.sid)
    if hold is None:
        hold = _RULES_HOLD[doctype.sid] = _compile_rules(doctype)
    return hold(body, days)


def _validate(
    payload: object,
    *,
    issuer: bool,
    today: dt.date | None,
    treatment_date: dt.date | None,
) -> Validation:
    schema_errors = validate_schema(payload)
    sid = payload.get("sid") if isinstance(payload, dict) else None
    sid = sid if isinstance(sid, str) else None
    if schema_errors:
        ran = ["qr.sid"] if schema_errors[0].code == "qr.sid" else ["qr.sid", "qr.schema"]
        return Validation(sid, tuple(schema_errors), (), tuple(ran))
    assert isinstance(payload, dict)
    doctype = get_doctype(sid)
    body = payload[doctype.body]
    errors: list[Finding] = []
    warnings: list[Finding] = []
    days = _days(doctype, body)
    for rule in doctype.rules if not _rules_hold(doctype, body, days) else ():
        problem = _rule(doctype, rule, body, days)
        if problem is None:
            continue
        code = "qr.rule" if rule.level == "must" else "qr.issuer_rule"
        finding = Finding(code, f"/{doctype.body}/{rule.fields[0]}", rule.id, problem, rule.cite)
        (errors if rule.level == "must" or issuer else warnings).append(finding)
    stages = ["qr.sid", "qr.schema", "qr.rule", "qr.issuer_rule"]
    if issuer and today is not None and body.get("di") != today.isoformat():
        errors.append(
            Finding(
                "qr.issuer_rule",
                f"/{doctype.body}/di",
                "di=signing date",
                f"di ({body.get('di')}) must be the signing date {today.isoformat()}",
                f"{_SPEC} §2.2 (di is the JWS signing date)",
            )
        )
    if treatment_date is not None and today is not None:
        stages += ["qr.treatment_date", "qr.validity"]
        errors += _dates_of_use(doctype, body, days, today, treatment_date)
    return Validation(sid, tuple(errors), tuple(warnings), tuple(stages))


def _dates_of_use(
    doctype: DocType,
    body: Mapping[str, Any],
    days: Mapping[str, tuple[int, int, int]],
    today: dt.date,
    treatment_date: dt.date,
) -> list[Finding]:
    if not _EARLIEST_TREATMENT <= treatment_date <= today:
        return [
            Finding(
                "qr.treatment_date",
                "",
                "1900-01-01<=treatment<=today",
                f"the treatment date {treatment_date.isoformat()} is not within "
                f"[1900-01-01, {today.isoformat()}]",
                f"{_SPEC} §5 step 1",
            )
        ]
    start, end = doctype.validity
    lo, hi = days[start], days[end]
    day = (treatment_date.year, treatment_date.month, treatment_date.day)
    if lo <= day <= hi:
        return []
    return [
        Finding(
            "qr.validity",
            f"/{doctype.body}/{start if day < lo else end}",
            f"{start}<=treatment<={end}",
            f"the treatment date {treatment_date.isoformat()} is outside the validity "
            f"{body[start]} .. {body[end]}",
            doctype.validity_cite,
        )
    ]


def validate_for_verification(
    payload: object, *, today: dt.date, treatment_date: dt.date | None = None
) -> Validation:
    """What a verifier checks: schema and MUST rules are errors, issuer-only rules warnings.

    ``treatment_date`` (the visit date for a venue) defaults to ``today`` (v0.5 §5 step 1) and
    must lie within the type's validity window (v0.5 §5 step 7: ``[sd, ed]``, ``xd`` ignored).
    """
    return _validate(payload, issuer=False, today=today, treatment_date=treatment_date or today)


def validate_for_issuance(payload: object, *, today: dt.date | None = None) -> Validation:
    """What the issuer enforces before signing: every rule is an error.

    With ``today`` (the signing date) given, ``di`` must equal it (v0.5 §2.2).
    """
    return _validate(payload, issuer=True, today=today, treatment_date=None)
