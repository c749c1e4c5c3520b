"""Payload validation by ``sid``: the schema, then the business rules, then the dates of use.

All dates are local calendar dates (EHIC PDF QR PoC v0.5 §1.2 "ignoring time zones"). Nothing
reads the wall clock: the verification time (``today``, the treatment date) is an input.

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

from verifier import codes
from verifier._report import Check, CheckResult
from verifier._time import VerificationTime
from verifier.qr._doctypes import DocType, Rule, get_doctype
from verifier.qr._payload_schema import Finding, parse_calendar_date, validate_schema

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
#: v0.5 §5 step 1: a treatment date before this one is refused.
EARLIEST_TREATMENT_DATE = dt.date(1900, 1, 1)
_STAGES = (
    codes.QR_SID,
    codes.QR_SCHEMA,
    codes.QR_RULE,
    codes.QR_ISSUER_RULE,
    codes.QR_TREATMENT_DATE,
    codes.QR_VALIDITY,
)
_SPEC = "EHIC PDF QR PoC v0.5"


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
    if parse_calendar_date(f"{year:04d}-{month or 1:02d}-{day or 1:02d}") is None:
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
        ran = (
            [codes.QR_SID]
            if schema_errors[0].code == codes.QR_SID
            else [codes.QR_SID, codes.QR_SCHEMA]
        )
        return Validation(sid, tuple(schema_errors), (), tuple(ran))
    assert isinstance(payload, dict)
    doctype = get_doctype(sid)
    body = payload[doctype.body]
    errors: list[Finding] = []
    warnings: list[Finding] = []
    days = _days(doctype, body)
    # Only when a rule fails is each rule evaluated again, for its finding and message.
    failing = () if _rules_hold(doctype, body, days) else doctype.rules
    for rule in failing:
        problem = _rule(doctype, rule, body, days)
        if problem is None:
            continue
        code = codes.QR_RULE if rule.level == "must" else codes.QR_ISSUER_RULE
        finding = Finding(code, f"/{doctype.body}/{rule.fields[0]}", rule.id, problem, rule.cite)
        (errors if rule.level == "must" or issuer else warnings).append(finding)
    stages = [codes.QR_SID, codes.QR_SCHEMA, codes.QR_RULE, codes.QR_ISSUER_RULE]
    if issuer and today is not None and body.get("di") != today.isoformat():
        errors.append(
            Finding(
                codes.QR_ISSUER_RULE,
                f"/{doctype.body}/di",
                "di=signing date",
                f"di ({body.get('di')}) must be the signing date {today.isoformat()}",
                f"{_SPEC} §2.2 (di is the JWS signing date)",
            )
        )
    if treatment_date is not None and today is not None:
        stages += [codes.QR_TREATMENT_DATE, codes.QR_VALIDITY]
        errors += _dates_of_use(doctype, body, days, today, treatment_date)
    return Validation(sid, tuple(errors), tuple(warnings), tuple(stages))


def _dates_of_use(
    doctype: DocType,
    body: Mapping[str, Any],
    days: Mapping[str, tuple[int, int, int]],
    today: dt.date,
    treatment_date: dt.date,
) -> list[Finding]:
    if not EARLIEST_TREATMENT_DATE <= treatment_date <= today:
        return [
            Finding(
                codes.QR_TREATMENT_DATE,
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
            codes.QR_VALIDITY,
            f"/{doctype.body}/{start if day < lo else end}",
            f"{start}<=treatment<={end}",
            f"the treatment date {treatment_date.isoformat()} is outside the validity "
            f"{body[start]} .. {body[end]}",
            doctype.validity_cite,
        )
    ]


def validate_for_verification(payload: object, time: VerificationTime) -> Validation:
    """What a verifier checks: schema and MUST rules are errors, issuer-only rules warnings.

    The treatment date (the visit date for a venue; ``time.today`` when not given, v0.5 §5
    step 1) must lie within the type's validity window (v0.5 §5 step 7: ``[sd, ed]``, ``xd``
    ignored).
    """
    return _validate(payload, issuer=False, today=time.today, treatment_date=time.day_of_use)


def validate_for_issuance(payload: object, *, today: dt.date | None = None) -> Validation:
    """What the issuer enforces before signing: every rule is an error.

    With ``today`` (the signing date) given, ``di`` must equal it (v0.5 §2.2).
    """
    return _validate(payload, issuer=True, today=today, treatment_date=None)
