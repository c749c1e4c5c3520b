"""Strict readers for the trust list's JSON members (errors: ``MalformedInput`` ``trust.list``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from verifier import codes
from verifier._errors import MalformedInput

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", re.ASCII)
_CODE = codes.TRUST_LIST
#: 9999-12-31T23:59:59Z, the last instant a ``datetime`` holds: later NumericDates are hostile.
MAX_NUMERIC_DATE = 253_402_300_799


def bad(message: str) -> MalformedInput:
    return MalformedInput(f"trust list: {message}", code=_CODE)


def read_object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise bad(f"{what} is not a JSON object")
    return value


def read_array(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise bad(f"{name!r} is not an array")
    return value


def read_str(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise bad(f"{name!r} is missing or not a non-empty string")
    return value


def read_strings(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    values = read_array(data, name)
    if not all(isinstance(v, str) and v for v in values):
        raise bad(f"{name!r} must hold non-empty strings")
    return tuple(values)


def read_names(data: Mapping[str, Any]) -> Mapping[str, str]:
    names = read_object(data.get("names", {}), "'names'")
    if not all(isinstance(v, str) for v in names.values()):
        raise bad("'names' values must be strings")
    return dict(names)


def read_int(data: Mapping[str, Any], name: str) -> int:
    value = data.get(name)
    if type(value) is not int or value < 0:
        raise bad(f"{name!r} is not a non-negative integer")
    return value


def numeric_date(value: object) -> datetime | None:
    """An RFC 7519 NumericDate (whole seconds, 1970 … 9999) as a UTC time, else ``None``."""
    if type(value) is not int or not 0 <= value <= MAX_NUMERIC_DATE:
        return None
    return datetime.fromtimestamp(value, UTC)


def read_numeric_date(data: Mapping[str, Any], name: str) -> datetime:
    moment = numeric_date(data.get(name))
    if moment is None:
        raise bad(f"{name!r} is not a NumericDate (whole seconds, 1970 to 9999)")
    return moment


def read_date(data: Mapping[str, Any], name: str, *, optional: bool = False) -> date | None:
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        raise bad(f"{name!r} is not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad(f"{name!r} is not a calendar date") from None


def read_instant(data: Mapping[str, Any], name: str, *, optional: bool = False) -> datetime | None:
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or _INSTANT.fullmatch(value) is None:
        raise bad(f"{name!r} is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SSZ)")
    try:
        return datetime.fromisoformat(value)  # the pattern above fixed the form: UTC ("Z")
    except ValueError:
        raise bad(f"{name!r} is not a valid time") from None


def unique(values: list[str], what: str) -> None:
    if len(set(values)) != len(values):
        raise bad(f"duplicate {what}")
