"""Document types of signed QR documents, as versioned data keyed by ``sid``.

Each type lives in ``doctypes/<sid>.json``: the payload schema (a JSON Schema 2020-12 subset,
annotated with FR/NL/DE/EN ``labels``, the Decision S2 field number ``s2`` and ``x-date``), the
business rules, the validity window, the allowed algorithms, the issuer's kid framework and the
revocation mechanism. Code never hard-codes a field list: the validator interprets this data.

Adding a version means adding a file; an ``sid`` is never edited once tokens exist for it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from verifier import codes
from verifier._errors import MalformedInput, UntrustedIssuer
from verifier.jose import AlgorithmPolicy

EESSI_PRC_SID = "eessi:prc:1.0"
CIVICRED_EHIC_SID = "be.civicred:ehic:1.0"
CIVICRED_SSH_SID = "be.civicred:ssh:1.0"
LANGUAGES: tuple[str, ...] = ("fr", "nl", "de", "en")

_FILES = ("eessi-prc-1.0.json", "be.civicred-ehic-1.0.json", "be.civicred-ssh-1.0.json")
#: The JSON Schema keywords the hand-written validator implements; anything else is a data bug.
SCHEMA_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "enum", "const", "minLength"}
    | {"maxLength", "pattern", "format", "minimum", "maximum"}
)
_ANNOTATIONS = frozenset({"labels", "s2", "x-date"})
_TYPES = frozenset({"object", "string", "boolean", "integer"})
_FORMATS = frozenset({"date", "uri"})

#: How a verifier's policy treats an undetermined revocation of a type (``QrVerificationPolicy``):
#: ``required``: the report is ``undetermined``; ``optional``: a WARNING (the document can still
#: be valid); ``skip``: revocation is not consulted at all (N/A).
RevocationMode = Literal["required", "optional", "skip"]
RuleLevel = Literal["must", "issuer"]
RuleCheck = Literal["order", "total_length", "digits", "calendar"]
DateKind = Literal["date", "partial", "year"]


@dataclass(frozen=True, slots=True)
class Rule:
    """A business rule over fields of the body object.

    ``must``: the issuer MUST NOT sign and the verifier MUST reject. ``issuer``: the issuer
    refuses, the verifier only warns (EHIC PDF QR PoC v0.5 §2.3.2).
    """

    id: str
    check: RuleCheck
    fields: tuple[str, ...]
    level: RuleLevel
    cite: str
    max: int | None = None


@dataclass(frozen=True, slots=True)
class Revocation:
    """How tokens of a type are revoked and whether a verifier's policy may skip the check."""

    mechanism: Literal["jti-list", "token-status-list"]
    claims: tuple[str, ...]
    required_in_token: bool
    verifier_default: Literal["check", "check-if-present"]
    optional_per_policy: bool
    cite: str
    #: The mode of ``DEFAULT_QR_POLICY`` for this type.
    default_mode: RevocationMode = "required"


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """One payload field: its JSON path, labels, Decision S2 number and whether it is required."""

    path: tuple[str, ...]
    labels: Mapping[str, str]
    required: bool
    s2: str | None


@dataclass(frozen=True, slots=True)
class DocType:
    sid: str
    name: Mapping[str, str]
    body: str
    algorithms: tuple[str, ...]
    #: The kid trust frameworks a verifier accepts for this type; our issuer signs under the
    #: first (:attr:`kid_framework`). See :func:`require_kid_framework`.
    kid_frameworks: tuple[str, ...]
    kid_kind: str
    validity: tuple[str, str]  # body fields bounding the treatment/visit date, inclusive
    validity_cite: str
    revocation: Revocation
    rules: tuple[Rule, ...]
    fields: tuple[FieldInfo, ...]
    spec: str
    schema: Mapping[str, Any]  # read-only view; use json_schema() for a copy
    date_kinds: Mapping[str, DateKind]  # body fields read as dates, derived from the schema
    #: The verifier's algorithm policy for this type (``alg`` MUST be one of ``algorithms``).
    policy: AlgorithmPolicy

    @property
    def kid_framework(self) -> str:
        """The framework our issuer writes in the kid of this type (``EESSI``, ``BE-SSH``)."""
        return self.kid_frameworks[0]

    def accepts_kid_framework(self, framework: str) -> bool:
        """Compared without case: the EU material writes ``EESSI``, ``eessi`` and ``EESSi``."""
        folded = framework.casefold()
        return any(folded == accepted.casefold() for accepted in self.kid_frameworks)

    def field(self, *path: str) -> FieldInfo:
        for info in self.fields:
            if info.path == path:
                return info
        raise KeyError("/".join(path))

    def label(self, path: tuple[str, ...] | str, lang: str = "en") -> str:
        """The label of a field (a body field name or a full path) in ``lang``, else English."""
        full = (self.body, path) if isinstance(path, str) else path
        labels = self.field(*full).labels
        return labels.get(lang, labels["en"])

    def date_kind(self, name: str) -> DateKind | None:
        """How a body field is read as a date, or ``None`` if it is not a date."""
        return self.date_kinds.get(name)

    def json_schema(self) -> dict[str, Any]:
        """A standalone JSON Schema 2020-12 document (annotations kept; validators ignore them)."""
        doc = copy.deepcopy(_thaw(self.schema))
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": self.sid, **doc}


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _check_schema(node: dict[str, Any], path: tuple[str, ...], sid: str) -> None:
    where = f"{sid} /{'/'.join(path)}"
    unknown = node.keys() - SCHEMA_KEYWORDS - _ANNOTATIONS
    if unknown:
        raise ValueError(f"{where}: unsupported schema keyword(s) {sorted(unknown)}")
    if node.get("type") not in _TYPES:
        raise ValueError(f"{where}: type must be one of {sorted(_TYPES)}")
    if "format" in node and node["format"] not in _FORMATS:
        raise ValueError(f"{where}: unsupported format {node['format']!r}")
    if path and set(node.get("labels", {})) != set(LANGUAGES):
        raise ValueError(f"{where}: labels must be given in exactly {LANGUAGES}")
    if node["type"] == "object":
        if node.get("additionalProperties") is not False:
            raise ValueError(f"{where}: objects must be closed (additionalProperties false)")
        props = node.get("properties", {})
        if not set(node.get("required", ())) <= props.keys():
            raise ValueError(f"{where}: a required key has no property schema")
        for key, sub in props.items():
            _check_schema(sub, (*path, key), sid)


def _fields(node: Mapping[str, Any], path: tuple[str, ...]) -> list[FieldInfo]:
    out: list[FieldInfo] = []
    required = set(node.get("required", ()))
    for key, sub in node.get("properties", {}).items():
        out.append(FieldInfo((*path, key), sub["labels"], key in required, sub.get("s2")))
        if sub["type"] == "object":
            out.extend(_fields(sub, (*path, key)))
    return out


def _date_kinds(body_props: Mapping[str, Any]) -> dict[str, DateKind]:
    """``format: date`` fields are full dates; ``x-date`` marks partial dates and years."""
    kinds: dict[str, DateKind] = {}
    for name, spec in body_props.items():
        if spec.get("format") == "date":
            kinds[name] = "date"
        elif spec.get("x-date") in ("partial", "year"):
            kinds[name] = spec["x-date"]
    return kinds


def _load(raw: dict[str, Any]) -> DocType:
    sid = raw["sid"]
    schema = raw["schema"]
    _check_schema(schema, (), sid)
    body = raw["body"]
    body_props = schema["properties"][body]["properties"]
    rules = tuple(
        Rule(r["id"], r["check"], tuple(r["fields"]), r["level"], r["cite"], r.get("max"))
        for r in raw["rules"]
    )
    for rule in rules:
        if rule.level not in ("must", "issuer") or not set(rule.fields) <= body_props.keys():
            raise ValueError(f"{sid}: rule {rule.id} names an unknown level or field")
    rev = raw["revocation"]
    doctype = DocType(
        sid=sid,
        name=MappingProxyType(dict(raw["name"])),
        body=body,
        algorithms=tuple(raw["algorithms"]),
        kid_frameworks=tuple(raw["issuer_kid"]["frameworks"]),
        kid_kind=raw["issuer_kid"]["kind"],
        validity=(raw["validity"]["from"], raw["validity"]["to"]),
        validity_cite=raw["validity"]["cite"],
        revocation=Revocation(
            rev["mechanism"],
            tuple(rev["claims"]),
            bool(rev["required_in_token"]),
            rev["verifier_default"],
            bool(rev["optional_per_policy"]),
            rev["cite"],
            rev["default_mode"],
        ),
        rules=rules,
        fields=tuple(_fields(schema, ())),
        spec=raw["spec"],
        schema=_freeze(schema),
        date_kinds=MappingProxyType(_date_kinds(body_props)),
        # Unknown algorithm names fail here, at import, not at verification time.
        policy=AlgorithmPolicy.of(raw["algorithms"]),
    )
    for rule in rules:
        if rule.check == "order" and not set(rule.fields) <= doctype.date_kinds.keys():
            raise ValueError(f"{sid}: order rule {rule.id} compares a field that is not a date")
    if doctype.revocation.default_mode not in ("required", "optional", "skip"):
        raise ValueError(f"{sid}: unknown revocation default_mode")
    if not doctype.kid_frameworks:
        raise ValueError(f"{sid}: issuer_kid.frameworks names no trust framework")
    for name in doctype.validity:
        if doctype.date_kind(name) != "date":
            raise ValueError(f"{sid}: validity bound {name} is not a full date")
    return doctype


def _load_all() -> Mapping[str, DocType]:
    # Package data beside this module (an installed wheel unpacks it there): read as plain files,
    # since importlib.resources would import zipfile and threading on every start-up.
    folder = Path(__file__).with_name("doctypes")
    loaded = [_load(json.loads((folder / name).read_text("utf-8"))) for name in _FILES]
    return MappingProxyType({d.sid: d for d in loaded})


#: Every document type this verifier knows, by ``sid``.
DOCTYPES: Mapping[str, DocType] = _load_all()


def get_doctype(sid: object) -> DocType:
    """The document type for ``sid``; an unknown or missing sid is ``qr.sid``.

    EHIC PDF QR PoC v0.5 §5 step 3: the verifier resolves the schema by ``sid``. An unknown
    version (even a new minor one) is refused rather than half-validated.
    """
    if not isinstance(sid, str):
        raise MalformedInput("the payload has no string 'sid'", code=codes.QR_SID)
    try:
        return DOCTYPES[sid]
    except KeyError:
        shown = sid if len(sid) <= 40 else sid[:40] + "…"
        raise MalformedInput(f"unknown document type sid {shown!r}", code=codes.QR_SID) from None


def require_kid_framework(document_type: str, framework: str) -> DocType:
    """The one kid-framework rule of every QR resolver (the trust snapshot's and
    ``TrustedCertificates``): the type's table entry lists the frameworks it accepts (EHIC PDF
    QR PoC v0.5 §2.3.1: ``EESSI`` for the ePRC; ``BE-SSH`` for the venue document). Anything
    else, or a type without an entry, is :class:`UntrustedIssuer` with code ``trust.framework``.
    """
    doctype = DOCTYPES.get(document_type)
    if doctype is None:
        raise UntrustedIssuer(
            f"no kid trust framework is defined for document type {document_type[:40]!r}",
            code=codes.TRUST_FRAMEWORK,
        )
    if not doctype.accepts_kid_framework(framework):
        raise UntrustedIssuer(
            f"kid trust framework {framework!r} is not accepted for {doctype.sid} "
            f"(expected {' or '.join(doctype.kid_frameworks)})",
            code=codes.TRUST_FRAMEWORK,
        )
    return doctype
