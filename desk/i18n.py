"""The desk speaks French, Dutch, German and English: the choice, the texts, the values.

The language is the one asked for (``?lang=``), else the best of ``Accept-Language`` (RFC 9110
§12.5.4: quality values, language ranges by their primary subtag), else the desk's default.
Every text is in ``texts.json`` in the four languages (a test checks that none is missing).
Reasons are chosen by check *code*, never from the library's English message, so a verdict never
repeats a value of the credential.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from importlib import resources
from types import MappingProxyType

from servicekit.http import negotiate_language
from verifier import codes

LANGUAGES: tuple[str, ...] = ("fr", "nl", "de", "en")
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
)
_DATE_FORMATS = {"fr": "%d/%m/%Y", "nl": "%d-%m-%Y", "de": "%d.%m.%Y", "en": "%d/%m/%Y"}

TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    json.loads(resources.files("desk").joinpath("texts.json").read_text("utf-8"))
)


def negotiate(requested: str | None, accept_language: str | None, default: str) -> str:
    """``requested`` if it is one of ours, else the best ``Accept-Language`` match, else
    ``default`` (the services' one negotiation, :func:`servicekit.http.negotiate_language`)."""
    return negotiate_language(requested, accept_language, LANGUAGES, default)


def text(key: str, lang: str, **values: str) -> str:
    entry = TEXTS[key]
    template = entry.get(lang, entry["en"])
    return template.format(**values) if values else template


def format_value(value: object, lang: str) -> str:
    """A claim as the desk prints it: dates in the language's style, booleans as words."""
    if isinstance(value, bool):
        return text("value.yes" if value else "value.no", lang)
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value).strftime(_DATE_FORMATS[lang])
        except ValueError:
            return value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def format_instant(moment: datetime, lang: str) -> str:
    local = moment.astimezone()
    return f"{local.strftime(_DATE_FORMATS[lang])} {local.strftime('%H:%M')}"


def format_age(seconds: float) -> str:
    """``3 h 05 min``; language-neutral units."""
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


#: Check code → reason text key (docs/verification-codes.md); codes not named here are explained
#: by their family (a declared attribute of the code, :mod:`verifier.codes`, never its spelling).
_REASONS: Mapping[str, str] = MappingProxyType(
    {
        codes.POLICY_TYPE: "reason.policy.type",
        codes.POLICY_ISSUER: "reason.policy.issuer",
        codes.POLICY_CLAIMS: "reason.policy.claims",
        codes.POLICY_TRUST_FRESHNESS: "reason.freshness",
        codes.POLICY_STATUS_FRESHNESS: "reason.status",
        codes.TRUST_FRESHNESS: "reason.freshness",
        codes.TRUST_ROOT: "reason.trust.root",
        codes.TRUST_PIN_MISMATCH: "reason.trust.root",
        codes.TRUST_ROLLBACK: "reason.trust.rollback",
        codes.STATUS_REVOKED: "reason.revoked",
        codes.REVOCATION_REVOKED: "reason.revoked",
        codes.STATUS_SUSPENDED: "reason.suspended",
        codes.CLAIMS_EXP: "reason.validity",
        codes.CLAIMS_NBF: "reason.validity",
        codes.CLAIMS_TIME: "reason.validity",
        codes.QR_VALIDITY: "reason.validity",
        codes.QR_TREATMENT_DATE: "reason.validity",
        codes.TRUST_ACCREDITATION_PERIOD: "reason.validity",
        codes.KB_MISSING: "reason.kb.missing",
        codes.JWS_SIGNATURE: "reason.signature",
        codes.QR_SIGNATURE: "reason.signature",
        codes.SCAN_UNAVAILABLE: "reason.scan.unavailable",
        codes.INPUT_SIZE: "reason.too_large",
        codes.CLAIMS_VCT: "reason.policy.type",
        codes.OID4VP_WALLET_ERROR: "reason.wallet.declined",
    }
)
_REASONS_BY_FAMILY: Mapping[str, str] = MappingProxyType(
    {
        codes.STATUS_FAMILY: "reason.status",
        codes.REVOCATION_FAMILY: "reason.status",
        codes.KB_FAMILY: "reason.kb",
        codes.SDJWT_FAMILY: "reason.signature",
        codes.JWS_FAMILY: "reason.signature",
        codes.ISSUER_FAMILY: "reason.trust",
        codes.TRUST_FAMILY: "reason.trust",
        codes.SCAN_FAMILY: "reason.scan",
        codes.PDF_FAMILY: "reason.pdf",
        codes.INPUT_FAMILY: "reason.input",
        codes.QR_FAMILY: "reason.input",
        codes.CLAIMS_FAMILY: "reason.input",
        codes.OID4VP_FAMILY: "reason.wallet",
    }
)
_WARNINGS: Mapping[str, str] = MappingProxyType(
    {
        codes.POLICY_TRUST_FRESHNESS: "reason.freshness.warning",
        codes.TRUST_FRESHNESS: "reason.freshness.warning",
        codes.POLICY_STATUS_FRESHNESS: "reason.status.warning",
    }
)
_WARNINGS_BY_FAMILY: Mapping[str, str] = MappingProxyType(
    {
        codes.STATUS_FAMILY: "reason.status.warning",
        codes.REVOCATION_FAMILY: "reason.status.warning",
        codes.KB_FAMILY: "reason.kb.warning",
    }
)


def reason_key(code: str) -> str:
    """The text key explaining a failed or undetermined check ``code``."""
    return _REASONS.get(code) or _REASONS_BY_FAMILY.get(codes.family(code), "reason.other")


def warning_key(code: str) -> str | None:
    """The text key of a remark on a valid verdict, for the warnings a clerk should know."""
    return _WARNINGS.get(code) or _WARNINGS_BY_FAMILY.get(codes.family(code))
