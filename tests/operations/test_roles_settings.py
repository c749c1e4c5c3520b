"""The two roles' tokens: ``admin_tokens`` (operators, as before) and ``auditor_tokens``, both
held to the same production rules, never the same token for both roles."""

from __future__ import annotations

import os

import pytest

from issuer.settings import (
    DEV_ADMIN_TOKEN,
    DEV_AUDITOR_TOKEN,
    IssuerSettings,
    SettingsInvalid,
    load_settings,
)

from ._support import PUBLIC_URL

LONG = "auditor-token-with-at-least-32-characters"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("CIVICRED_ISSUER_")]:
        monkeypatch.delenv(name)


def problems(**settings: object) -> list[str]:
    with pytest.raises(SettingsInvalid) as caught:
        load_settings(public_base_url=PUBLIC_URL, **settings)
    return caught.value.problems


def test_auditor_tokens_follow_the_production_rules_of_operator_tokens() -> None:
    assert problems(auditor_tokens=["short"]) == [
        "CIVICRED_ISSUER_AUDITOR_TOKENS: tokens must have at least 32 characters outside dev mode"
    ]
    assert problems(auditor_tokens=[DEV_AUDITOR_TOKEN]) == [
        "CIVICRED_ISSUER_AUDITOR_TOKENS: a DEV-ONLY token is refused outside dev mode"
    ]
    assert problems(admin_tokens=[LONG], auditor_tokens=[LONG]) == [
        "CIVICRED_ISSUER_AUDITOR_TOKENS: a token cannot be both an operator and an auditor token"
    ]
    settings = load_settings(public_base_url=PUBLIC_URL, auditor_tokens=[LONG])
    assert settings.admin_tokens == [] and [
        t.get_secret_value() for t in settings.auditor_tokens
    ] == [LONG]
    assert LONG not in repr(settings)


def test_existing_deployments_keep_their_operator_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIVICRED_ISSUER_PUBLIC_BASE_URL", PUBLIC_URL)
    monkeypatch.setenv("CIVICRED_ISSUER_ADMIN_TOKENS", f'["{LONG}x"]')
    settings = load_settings()
    assert [t.get_secret_value() for t in settings.admin_tokens] == [f"{LONG}x"]
    assert settings.auditor_tokens == []


def test_dev_mode_gives_each_role_its_dev_only_token() -> None:
    settings = IssuerSettings(dev_mode=True, public_base_url="http://127.0.0.1:8701")
    assert [t.get_secret_value() for t in settings.admin_tokens] == [DEV_ADMIN_TOKEN]
    assert [t.get_secret_value() for t in settings.auditor_tokens] == [DEV_AUDITOR_TOKEN]
    assert settings.uses_dev_secrets()
    only_auditor = IssuerSettings(
        public_base_url=PUBLIC_URL, auditor_tokens=[DEV_AUDITOR_TOKEN + "x" * 32]
    )
    assert not only_auditor.uses_dev_secrets()
