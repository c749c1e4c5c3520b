"""The payload schema of a document type (v0.5 §5 step 3), and the findings validation reports.

The schema is a JSON Schema 2020-12 subset held in the type's data (``verifier.qr._doctypes``):
:func:`_schema` walks it and reports every mismatch precisely. Valid payloads are the common
case, so each type's schema is also compiled once into predicates (:func:`_accepts`) that accept
a valid payload without building a finding; anything they refuse goes through :func:`_schema`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from verifier import codes
from verifier._errors import MalformedInput
from verifier.qr._doctypes import DocType, get_doctype

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# RFC 3986 §3.1 scheme ":" then only characters a URI may contain (unreserved, reserved, "%").
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*", re.ASCII)
_SPEC = "EHIC PDF QR PoC v0.5"


@dataclass(frozen=True, slots=True)
class Finding:
    """One precise problem: a stable ``code``, a JSON pointer, the rule that failed, a sentence."""

    code: str
    path: str
    rule: str
    message: str
    cite: str = ""


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
        out.append(Finding(codes.QR_SCHEMA, path or "/", rule, f"{path or 'payload'}: {message}"))

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
                    Finding(
                        codes.QR_SCHEMA, f"{path}/{key}", "required", f"{path}/{key}: is required"
                    )
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
    if fmt == "date" and parse_calendar_date(value) is None:
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


def parse_calendar_date(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` naming a real day, else ``None``."""
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
            return parse_calendar_date(value) is not None
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
        return [Finding(codes.QR_SID, "/sid", "sid", exc.message, f"{_SPEC} §5 step 3")]
    if _accepts(doctype, payload):
        return []
    out: list[Finding] = []
    _schema(doctype.schema, payload, "", out)
    return [Finding(f.code, f.path, f.rule, f.message, doctype.spec) for f in out]
