"""The portal speaks French, Dutch, German and English: every text in ``texts.json`` in the four
languages (a test checks none is missing), dates in each language's style. The language is the
one chosen on the page (``?lang=``, then kept in a cookie), else the browser's
``Accept-Language``, else English."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType

LANGUAGES: tuple[str, ...] = ("fr", "nl", "de", "en")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES: Mapping[str, str] = MappingProxyType(
    {"fr": "Français", "nl": "Nederlands", "de": "Deutsch", "en": "English"}
)
_DATE_FORMATS = {"fr": "%d/%m/%Y", "nl": "%d-%m-%Y", "de": "%d.%m.%Y", "en": "%d %b %Y"}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@cache
def texts() -> Mapping[str, Mapping[str, str]]:
    raw = json.loads(resources.files("issuer.portal").joinpath("texts.json").read_text("utf-8"))
    return MappingProxyType(raw)


def text(key: str, lang: str, **values: str) -> str:
    entry = texts()[key]
    template = entry.get(lang, entry["en"])
    return template.format(**values) if values else template


def format_date(value: str | date, lang: str) -> str:
    day = date.fromisoformat(value) if isinstance(value, str) else value
    if lang == "en":  # no locale-dependent %b
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return day.strftime(_DATE_FORMATS[lang])
