"""Identifier and URL rules shared by the domain services and the HTTP models."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from trust_registry.domain._errors import InvalidInput

#: EESSI Institution Repository identifier (AC Decision E8): ``CC:<4-10 alphanumerics>``.
OFFICIAL_ID_PATTERN = r"^[A-Z]{2}:[A-Za-z0-9]{4,10}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
DOCUMENT_TYPE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9:._/-]{0,127}$"
ROLES = frozenset(
    {
        "competent_institution",
        "liaison_body",
        "authentic_source",
        "institution_of_residence",
        "institution_of_stay",
    }
)
LANGUAGES = ("en", "fr", "nl", "de")
USES = frozenset({"document_signing", "status_signing"})
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


def official_id(value: str, what: str = "official_id") -> str:
    if not isinstance(value, str) or re.fullmatch(OFFICIAL_ID_PATTERN, value) is None:
        raise InvalidInput(f"{what} {value!r} is not CC:<4-10 letters or digits> (e.g. BE:0120)")
    return value


def country_of(identifier: str, country: str | None) -> str:
    """The country of an ``CC:…`` identifier; a given ``country`` must agree with it."""
    prefix = identifier.split(":", 1)[0]
    if country is not None and country != prefix:
        raise InvalidInput(f"country {country!r} does not match the identifier {identifier!r}")
    return prefix


def role(value: str) -> str:
    if value not in ROLES:
        raise InvalidInput(f"role {value!r} is not one of {', '.join(sorted(ROLES))}")
    return value


def names(value: Mapping[str, str | None]) -> dict[str, str]:
    cleaned = {k: v.strip() for k, v in value.items() if v is not None and v.strip()}
    unknown = set(cleaned) - set(LANGUAGES)
    if unknown:
        raise InvalidInput(f"names: unsupported language(s) {', '.join(sorted(unknown))}")
    if "en" not in cleaned:
        raise InvalidInput("names: an English name ('en') is required")
    if any(len(v) > 256 for v in cleaned.values()):
        raise InvalidInput("names: at most 256 characters each")
    return {lang: cleaned[lang] for lang in LANGUAGES if lang in cleaned}


def document_type(value: str) -> str:
    if re.fullmatch(DOCUMENT_TYPE_PATTERN, value) is None:
        raise InvalidInput(f"document_type {value!r} is not a vct or QR sid")
    return value


def use(value: str) -> str:
    if value not in USES:
        raise InvalidInput(f"use {value!r} is not document_signing or status_signing")
    return value


def url(value: str, what: str, *, max_length: int = 512) -> str:
    """An https URL (http only on loopback hosts, for development); no credentials, no fragment."""
    parts = urlsplit(value)
    host = parts.hostname or ""
    loopback = host in _LOOPBACK or host.endswith(".localhost")
    if len(value) > max_length or not host or parts.username or parts.password or parts.fragment:
        raise InvalidInput(f"{what} {value!r} is not an absolute URL without credentials")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise InvalidInput(f"{what} {value!r} must use https (http only on localhost)")
    return value


def urls(values: list[str], what: str) -> list[str]:
    checked = [url(v, what, max_length=1024) for v in values]
    if len(set(checked)) != len(checked):
        raise InvalidInput(f"{what}: duplicate URIs")
    return checked
