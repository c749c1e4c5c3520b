"""Checking a citizen record from a source that is not ours (issuer.sources._http).

A record is rebuilt from the fields the issuer knows, each checked: a source that answers with
another person, a status it does not decide, a national number whose checksum or birth date
disagrees, impossible dates or oversized text gets :class:`SourceAnswerInvalid`, and nothing is
issued from it. Messages name the field, never its value.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from issuer.errors import SourceAnswerInvalid
from issuer.sources._catalog import social_statuses
from issuer.sources._national_number import parse_national_number

#: What a source's subject id may look like (it goes into a URL path).
SUBJECT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_STATUSES = 32
MAX_NAME = 100
_DIGITS = {"municipality_nis": 5, "institution_id": 4, "card_serial": 10}


def _text(record: dict[str, Any], name: str, limit: int = MAX_NAME) -> str:
    value = record.get(name)
    if not isinstance(value, str) or not 0 < len(value.strip()) <= limit:
        raise SourceAnswerInvalid(f"the source's record has no valid {name}")
    if not value.isprintable():
        raise SourceAnswerInvalid(f"the source's {name} has control characters")
    return value


def _digits(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    if not isinstance(value, str) or len(value) != _DIGITS[name] or not value.isdigit():
        raise SourceAnswerInvalid(f"the source's {name} is not {_DIGITS[name]} digits")
    return value


def _day(record: dict[str, Any], name: str) -> date:
    value = record.get(name)
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise SourceAnswerInvalid(f"the source's {name} is not a date (YYYY-MM-DD)") from None


def _period(record: dict[str, Any], start: str, end: str) -> tuple[str, str]:
    first, last = _day(record, start), _day(record, end)
    if last < first:
        raise SourceAnswerInvalid(f"the source's {end} is before its {start}")
    return first.isoformat(), last.isoformat()


def checked_record(raw: object, person_id: str) -> dict[str, Any]:
    """The record of ``person_id`` rebuilt from ``raw`` (see the module docstring)."""
    if not isinstance(raw, dict):
        raise SourceAnswerInvalid("the source's answer is not a JSON object")
    if raw.get("person_id") != person_id:
        raise SourceAnswerInvalid("the source answered with another person's record")
    number = raw.get("personal_administrative_number")
    parsed = parse_national_number(number) if isinstance(number, str) else None
    if parsed is None:
        raise SourceAnswerInvalid("the source's national number is malformed")
    birth = _day(raw, "birth_date")
    if parsed[0] != birth:
        raise SourceAnswerInvalid("the source's birth date disagrees with its national number")
    statuses = raw.get("social_statuses")
    if not isinstance(statuses, list) or len(statuses) > MAX_STATUSES:
        raise SourceAnswerInvalid("the source's social_statuses is not a list (at most 32)")
    record: dict[str, Any] = {
        "person_id": person_id,
        "personal_administrative_number": number,
        "family_name": _text(raw, "family_name"),
        "given_name": _text(raw, "given_name"),
        "birth_date": birth.isoformat(),
        "municipality_nis": _digits(raw, "municipality_nis"),
        "social_statuses": [_status(s) for s in statuses],
    }
    insurance = raw.get("health_insurance")
    if insurance is not None:
        record["health_insurance"] = _insurance(insurance)
    return record


def _status(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SourceAnswerInvalid("a social status of the source is not an object")
    known = social_statuses().get(raw.get("code"))  # type: ignore[arg-type]
    if known is None:
        raise SourceAnswerInvalid("the source sent a social status code the issuer does not know")
    if raw.get("authentic_source") != known.source:
        raise SourceAnswerInvalid(
            f"the source names another institution than the one deciding {known.code}"
        )
    valid_from, valid_until = _period(raw, "valid_from", "valid_until")
    status: dict[str, Any] = {
        "code": known.code,
        "authentic_source": known.source,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }
    suspended = raw.get("suspended", False)
    if not isinstance(suspended, bool):
        raise SourceAnswerInvalid("the source's suspended flag is not a boolean")
    if suspended:
        status["suspended"] = True
    return status


def _insurance(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise SourceAnswerInvalid("the source's health_insurance is not an object")
    country = raw.get("country")
    if not isinstance(country, str) or re.fullmatch(r"[A-Z]{2}", country) is None:
        raise SourceAnswerInvalid("the source's insurance country is not a country code")
    coverage_from, coverage_until = _period(raw, "coverage_from", "coverage_until")
    return {
        "institution_id": _digits(raw, "institution_id"),
        "institution_name": _text(raw, "institution_name", 21),
        "country": country,
        "card_serial": _digits(raw, "card_serial"),
        "coverage_from": coverage_from,
        "coverage_until": coverage_until,
    }
