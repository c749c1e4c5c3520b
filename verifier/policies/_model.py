"""A purpose-bound policy, as data: what a verifier at one kind of desk accepts and shows.

A policy file (``purposes/<name>.json``, docs/policies.md) names the credentials the purpose
accepts (format and type: an SD-JWT VC ``vct`` or a QR document ``sid``), the trust-list roles of
the institutions that may issue them, the claims requested from a holder and the claims shown,
whether holder binding is required, and how old the trust and status data may be. Parsing is
strict: an unknown member, a missing label or a threshold beyond what the specifications allow is
a :class:`PolicyError` when the file is loaded, never a surprise at verification time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal, get_args

from verifier.qr import DOCTYPES, LANGUAGES, QR_FORMAT
from verifier.sdjwt import VerificationPolicy, format_pointer, parse_pointer
from verifier.trust import FreshnessPolicy

SD_JWT_VC_FORMAT = "dc+sd-jwt"
#: ``report.format`` values a policy may accept: SD-JWT VCs and signed QR documents.
FORMATS: tuple[str, ...] = (SD_JWT_VC_FORMAT, QR_FORMAT)
HolderBinding = Literal["required", "optional"]
Scalar = str | int | bool
#: EHIC PDF QR PoC v0.5 §5 step 4 and DOMAIN §1.8: trust and revocation data are cached at most
#: 24 h. A policy may be stricter, never looser (the library's own 24 h limit stays in force).
MAX_AGE = timedelta(hours=24)
#: Trust-list roles (docs/trust-list.md §Trust list: ``Institution.role``).
ROLES: tuple[str, ...] = ("authentic_source", "competent_institution")
_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
_POLICY_KEYS = frozenset(
    {"name", "version", "title", "purpose", "holder_binding", "freshness", "accepts"}
)
_ACCEPT_KEYS = frozenset({"format", "type", "issuer_roles", "request", "show"})
_SHOW_KEYS = frozenset({"claim", "labels", "required", "equals"})
_FRESHNESS_KEYS = frozenset({"trust", "status"})
_LIMIT_KEYS = frozenset({"warn_after_hours", "fail_after_hours"})


class PolicyError(ValueError):
    """A policy file is unknown or does not follow the policy format (docs/policies.md)."""


@dataclass(frozen=True, slots=True)
class ShownClaim:
    """A claim the purpose shows: its path in the verified claims and its FR/NL/DE/EN label.
    ``required``: a verdict needs it (absent → invalid); ``equals``: the value it must have."""

    path: tuple[str, ...]
    labels: Mapping[str, str]
    required: bool = False
    equals: Scalar | None = None

    @property
    def pointer(self) -> str:
        return format_pointer(self.path)

    def label(self, lang: str) -> str:
        return self.labels.get(lang, self.labels["en"])


@dataclass(frozen=True, slots=True)
class Accepted:
    """One kind of credential the purpose accepts and what of it is requested and shown."""

    format: str
    type: str
    issuer_roles: tuple[str, ...]
    #: SD-JWT VC: the selectively disclosable claims a holder is asked to disclose (the claims
    #: a presentation request names); QR documents cannot disclose selectively: empty.
    request: tuple[tuple[str, ...], ...]
    show: tuple[ShownClaim, ...]

    @property
    def shown_paths(self) -> tuple[tuple[str, ...], ...]:
        return tuple(claim.path for claim in self.show)


@dataclass(frozen=True, slots=True)
class AgeLimits:
    """Past ``warn_after`` the data is used with a warning; past ``fail_after`` it answers
    nothing (undetermined, never valid)."""

    warn_after: timedelta
    fail_after: timedelta

    @property
    def freshness(self) -> FreshnessPolicy:
        return FreshnessPolicy(max_age=self.fail_after, warn_after=self.warn_after)


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: int
    title: Mapping[str, str]
    purpose: Mapping[str, str]
    #: For SD-JWT VCs: a KB-JWT proving the holder key is ``required``, or ``optional`` (not
    #: evaluated). Paper documents carry no holder key: the clerk compares the name with an ID.
    holder_binding: HolderBinding
    trust: AgeLimits
    status: AgeLimits
    accepts: tuple[Accepted, ...]

    def accepted(self, format: str | None, type: str | None) -> Accepted | None:
        return next((a for a in self.accepts if a.format == format and a.type == type), None)

    def types(self, format: str) -> tuple[str, ...]:
        return tuple(a.type for a in self.accepts if a.format == format)

    def sd_jwt_policy(
        self,
        now: datetime,
        *,
        expected_nonce: str | None = None,
        expected_aud: str | None = None,
        require_key_binding: bool = False,
        **options: Any,
    ) -> VerificationPolicy:
        """The SD-JWT VC verification policy of this purpose at ``now`` (RFC 9901 §7.3 step 1:
        key binding is required by the verifier's policy, never by the presentation)."""
        return VerificationPolicy.at(
            now,
            require_key_binding=require_key_binding or self.holder_binding == "required",
            expected_nonce=expected_nonce,
            expected_aud=expected_aud,
            **options,
        )


# -- loading -----------------------------------------------------------------------------------
def policy_names() -> tuple[str, ...]:
    """The policies this verifier ships, by name (the files of ``purposes/``)."""
    folder = resources.files("verifier.policies").joinpath("purposes")
    return tuple(
        sorted(e.name.removesuffix(".json") for e in folder.iterdir() if e.name.endswith(".json"))
    )


def load_policy(name: str) -> Policy:
    """The shipped policy ``name``; an unknown name is a :class:`PolicyError`."""
    if not isinstance(name, str) or name not in policy_names():
        raise PolicyError(f"unknown policy {str(name)[:40]!r} (known: {', '.join(policy_names())})")
    text = resources.files("verifier.policies").joinpath("purposes", f"{name}.json")
    policy = parse_policy(json.loads(text.read_text("utf-8")))
    if policy.name != name:
        raise PolicyError(f"the file {name}.json names the policy {policy.name!r}")
    return policy


def parse_policy(data: object) -> Policy:
    """A policy from its JSON value; every rule of docs/policies.md §Format is checked."""
    raw = _object(data, "the policy", _POLICY_KEYS, required=_POLICY_KEYS)
    name = raw["name"]
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise PolicyError("name must be lower-case words joined by '-'")
    version = raw["version"]
    if type(version) is not int or version < 1:
        raise PolicyError(f"{name}: version must be a positive integer")
    binding = raw["holder_binding"]
    if binding not in get_args(HolderBinding):
        raise PolicyError(f"{name}: holder_binding must be 'required' or 'optional'")
    freshness = _object(raw["freshness"], f"{name}: freshness", _FRESHNESS_KEYS, _FRESHNESS_KEYS)
    accepts = raw["accepts"]
    if not isinstance(accepts, list) or not accepts:
        raise PolicyError(f"{name}: accepts must be a non-empty array")
    parsed = tuple(_accepted(item, name) for item in accepts)
    kinds = [(a.format, a.type) for a in parsed]
    if len(set(kinds)) != len(kinds):
        raise PolicyError(f"{name}: a credential type is accepted twice")
    return Policy(
        name,
        version,
        _labels(raw["title"], f"{name}: title"),
        _labels(raw["purpose"], f"{name}: purpose"),
        binding,
        _limits(freshness["trust"], f"{name}: freshness.trust"),
        _limits(freshness["status"], f"{name}: freshness.status"),
        parsed,
    )


def _object(
    value: object, what: str, allowed: frozenset[str], required: frozenset[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PolicyError(f"{what} must be an object")
    unknown = value.keys() - allowed
    if unknown:
        raise PolicyError(f"{what} has unknown member(s) {sorted(unknown)}")
    missing = required - value.keys()
    if missing:
        raise PolicyError(f"{what} lacks {sorted(missing)}")
    return value


def _labels(value: object, what: str) -> Mapping[str, str]:
    if (
        not isinstance(value, dict)
        or set(value) != set(LANGUAGES)
        or not all(isinstance(v, str) and v.strip() for v in value.values())
    ):
        raise PolicyError(f"{what} needs a non-empty text in exactly {', '.join(LANGUAGES)}")
    return MappingProxyType(dict(value))


def _hours(value: object, what: str) -> timedelta:
    if not (type(value) in (int, float) and 0 < float(value) <= MAX_AGE / timedelta(hours=1)):  # type: ignore[arg-type]
        raise PolicyError(f"{what} must be a number of hours in (0, 24]")
    return timedelta(hours=float(value))  # type: ignore[arg-type]


def _limits(value: object, what: str) -> AgeLimits:
    raw = _object(value, what, _LIMIT_KEYS, _LIMIT_KEYS)
    warn = _hours(raw["warn_after_hours"], f"{what}.warn_after_hours")
    fail = _hours(raw["fail_after_hours"], f"{what}.fail_after_hours")
    if not warn <= fail <= MAX_AGE:
        raise PolicyError(f"{what}: need warn_after_hours <= fail_after_hours <= 24")
    return AgeLimits(warn, fail)


def _path(value: object, what: str) -> tuple[str, ...]:
    try:
        path = parse_pointer(value) if isinstance(value, str) else None
    except ValueError:
        path = None
    if not path or any(not segment for segment in path):
        raise PolicyError(f"{what} must be a JSON pointer to a claim (e.g. /given_name)")
    return path


def _accepted(value: object, name: str) -> Accepted:
    raw = _object(value, f"{name}: an accepted credential", _ACCEPT_KEYS, _ACCEPT_KEYS)
    fmt, kind = raw["format"], raw["type"]
    if fmt not in FORMATS:
        raise PolicyError(f"{name}: format must be one of {', '.join(FORMATS)}")
    if not isinstance(kind, str) or not kind:
        raise PolicyError(f"{name}: type must be a vct or a QR document sid")
    where = f"{name}: {kind}"
    if fmt == QR_FORMAT and kind not in DOCTYPES:
        raise PolicyError(f"{where}: no QR document type has this sid")
    roles = raw["issuer_roles"]
    if not isinstance(roles, list) or not roles or not set(roles) <= set(ROLES):
        raise PolicyError(f"{where}: issuer_roles must name roles among {', '.join(ROLES)}")
    request = raw["request"]
    if not isinstance(request, list):
        raise PolicyError(f"{where}: request must be an array of JSON pointers")
    requested = tuple(_path(p, f"{where}: request") for p in request)
    if fmt == QR_FORMAT and requested:
        raise PolicyError(f"{where}: a QR document cannot be asked for single claims")
    show = raw["show"]
    if not isinstance(show, list) or not show:
        raise PolicyError(f"{where}: show must name at least one claim")
    shown = tuple(_shown(item, where) for item in show)
    paths = [claim.path for claim in shown]
    if len(set(paths)) != len(paths):
        raise PolicyError(f"{where}: a claim is shown twice")
    for path in paths:  # nested paths would show a claim twice, or half of one
        if any(other != path and other[: len(path)] == path for other in paths):
            raise PolicyError(f"{where}: {format_pointer(path)} contains another shown claim")
    if fmt == QR_FORMAT:
        known = {info.path for info in DOCTYPES[kind].fields}
        for path in paths:
            if path not in known:
                raise PolicyError(f"{where}: {format_pointer(path)} is not a field of {kind}")
    else:  # a purpose asks a holder for nothing it does not show
        for path in requested:
            if not any(path[: len(p)] == p or p[: len(path)] == path for p in paths):
                raise PolicyError(f"{where}: {format_pointer(path)} is requested, never shown")
    return Accepted(fmt, kind, tuple(roles), requested, shown)


def _shown(value: object, where: str) -> ShownClaim:
    raw = _object(value, f"{where}: a shown claim", _SHOW_KEYS, frozenset({"claim", "labels"}))
    path = _path(raw["claim"], f"{where}: claim")
    required = raw.get("required", False)
    if type(required) is not bool:
        raise PolicyError(f"{where}: required must be true or false")
    equals = raw.get("equals")
    if equals is not None and type(equals) not in (str, int, bool):
        raise PolicyError(f"{where}: equals must be a string, an integer or a boolean")
    if equals is not None and not required:
        raise PolicyError(f"{where}: a claim with equals must be required")
    return ShownClaim(path, _labels(raw["labels"], f"{where}: {raw['claim']}"), required, equals)
