"""Every text of the portal exists in French, Dutch, German and English, and every key a template
or the code asks for is there."""

from __future__ import annotations

import re
from importlib import resources

from issuer.lifecycle import IssuanceState
from issuer.portal import LANGUAGES
from issuer.portal._app import SELF_REVOCATION_REASONS
from issuer.portal._i18n import texts
from issuer.sources import rules_versions, social_statuses


def test_every_text_is_in_the_four_languages() -> None:
    for key, entry in texts().items():
        assert set(entry) == set(LANGUAGES), key
        assert all(value.strip() for value in entry.values()), key
        placeholders = {lang: set(re.findall(r"\{(\w+)\}", v)) for lang, v in entry.items()}
        assert len({frozenset(p) for p in placeholders.values()}) == 1, key


def test_every_key_used_exists() -> None:
    folder = resources.files("issuer.portal")
    used: set[str] = set()
    for template in folder.joinpath("templates").iterdir():
        source = template.read_text("utf-8")
        used |= set(re.findall(r"t\('([\w.]+)'", source))
        for prefix in re.findall(r"t\('([\w.]+\.)' ~", source):
            used |= {k for k in texts() if k.startswith(prefix)}
    code = folder.joinpath("_app.py").read_text("utf-8") + folder.joinpath("_views.py").read_text(
        "utf-8"
    )
    used |= {f"document.{name}" for name in ("ssh", "ehic", "prc")}
    used |= set(re.findall(r'text\("([\w.]+)"', code))
    missing = sorted(k for k in used if not k.endswith(".") and k not in texts())
    assert not missing
    for state in ("current", "ended", "upcoming", "suspended"):
        assert f"state.{state}" in texts()
    for state in IssuanceState:
        assert f"issuance.{state.value}" in texts()
    for reason in SELF_REVOCATION_REASONS:
        assert f"reason.{reason.value}" in texts()


def test_statuses_and_entitlements_are_labelled_in_the_four_languages() -> None:
    for status in social_statuses().values():
        assert set(status.label) == set(LANGUAGES)
    for version in rules_versions():
        for entitlement in version.entitlements.values():
            assert set(entitlement.label) == set(LANGUAGES)
