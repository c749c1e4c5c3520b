"""The desk speaks French, Dutch, German and English: the choice, the texts, the values.

The language is the one asked for (``?lang=``), else the best of ``Accept-Language`` (RFC 9110
§12.5.4: quality values, language ranges by their primary subtag), else the desk's default.
Every text is in ``texts.json`` in the four languages (a test checks that none is missing).
Reasons are chosen by check *code*, never from the library's English message, so a verdict never
repeats a value of the credential.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from importlib import resources
from types import MappingProxyType

LANGUAGES: tuple[str, ...] = ("fr", "nl", "de", "en")
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
)
_DATE_FORMATS = {"fr": "%d/%m/%Y", "nl": "%d-%m-%Y", "de": "%d.%m.%Y", "en": "%d/%m/%Y"}
_RANGE = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")
_MAX_RANGES = 32

TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    json.loads(resources.files("desk").joinpath("texts.json").read_text("utf-8"))
)


def negotiate(requested: str | None, accept_language: str | None, default: str) -> str:
    """``requested`` if it is one of ours, else the best ``Accept-Language`` match, else
    ``default``."""
    if requested in LANGUAGES:
        return requested
    best, best_q = default, 0.0
    for position, item in enumerate((accept_language or "").split(",")[:_MAX_RANGES]):
        match = _RANGE.fullmatch(item)
        if match is None:
            continue
        primary, quality = match.group(1).lower(), match.group(2)
        try:
            q = 1.0 if quality is None else float(quality)
        except ValueError:
            continue
        q -= position * 1e-6  # equal qualities: the first listed wins
        if primary in LANGUAGES and q > best_q:
            best, best_q = primary, q
    return best


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


#: Check code → reason text key, first match by longest prefix (docs/verification-codes.md).
_REASONS: tuple[tuple[str, str], ...] = (
    ("policy.type", "reason.policy.type"),
    ("policy.issuer", "reason.policy.issuer"),
    ("policy.claims", "reason.policy.claims"),
    ("policy.trust_freshness", "reason.freshness"),
    ("policy.status_freshness", "reason.status"),
    ("trust.freshness", "reason.freshness"),
    ("trust.root", "reason.trust.root"),
    ("trust.pin_mismatch", "reason.trust.root"),
    ("trust.rollback", "reason.trust.rollback"),
    ("status.revoked", "reason.revoked"),
    ("revocation.revoked", "reason.revoked"),
    ("status.suspended", "reason.suspended"),
    ("revocation.status.suspended", "reason.suspended"),
    ("revocation.status.revoked", "reason.revoked"),
    ("status", "reason.status"),
    ("revocation", "reason.status"),
    ("claims.exp", "reason.validity"),
    ("claims.nbf", "reason.validity"),
    ("claims.time", "reason.validity"),
    ("qr.validity", "reason.validity"),
    ("qr.treatment_date", "reason.validity"),
    ("trust.accreditation_period", "reason.validity"),
    ("claims.vct", "reason.policy.type"),
    ("oid4vp.wallet_error", "reason.wallet.declined"),
    ("oid4vp", "reason.wallet"),
    ("kb.missing", "reason.kb.missing"),
    ("kb", "reason.kb"),
    ("jws.signature", "reason.signature"),
    ("qr.signature", "reason.signature"),
    ("sdjwt", "reason.signature"),
    ("jws", "reason.signature"),
    ("issuer", "reason.trust"),
    ("trust", "reason.trust"),
    ("scan.unavailable", "reason.scan.unavailable"),
    ("scan", "reason.scan"),
    ("pdf", "reason.pdf"),
    ("input.too_large", "reason.too_large"),
    ("input", "reason.input"),
    ("qr", "reason.input"),
    ("claims", "reason.input"),
)
_WARNINGS: tuple[tuple[str, str], ...] = (
    ("policy.trust_freshness", "reason.freshness.warning"),
    ("trust.freshness", "reason.freshness.warning"),
    ("policy.status_freshness", "reason.status.warning"),
    ("status", "reason.status.warning"),
    ("revocation", "reason.status.warning"),
    ("kb", "reason.kb.warning"),
)


def _matches(code: str, prefix: str) -> bool:
    return code == prefix or code.startswith(prefix + ".")


def reason_key(code: str) -> str:
    """The text key explaining a failed or undetermined check ``code``."""
    return next((key for prefix, key in _REASONS if _matches(code, prefix)), "reason.other")


def warning_key(code: str) -> str | None:
    """The text key of a remark on a valid verdict, for the warnings a clerk should know."""
    return next((key for prefix, key in _WARNINGS if _matches(code, prefix)), None)
