"""Production is the default: each development convenience is refused outside dev mode, dev mode
is refused off loopback, and every URL derives from ``public_base_url``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from issuer.keyring import DEV_ONLY_MARKER, Keyring, KeyringProblem
from issuer.settings import (
    DEV_ADMIN_TOKEN,
    DEV_REGISTRY_ADMIN_TOKEN,
    IssuerSettings,
    SettingsInvalid,
    load_settings,
)

from ._support import PUBLIC_URL, issuer_command, issuer_env, provision_keys


def problems(**settings: object) -> list[str]:
    with pytest.raises(SettingsInvalid) as caught:
        load_settings(**settings)
    return caught.value.problems


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in [n for n in os.environ if n.startswith("CIVICRED_ISSUER_")]:
        monkeypatch.delenv(name)


@pytest.mark.parametrize(
    "url",
    ["http://issuer.example.be", "http://127.0.0.1:8701", "http://localhost", "ftp://x.example"],
)
def test_production_refuses_http_even_on_loopback(url: str) -> None:
    assert problems(public_base_url=url) == [
        f"CIVICRED_ISSUER_PUBLIC_BASE_URL: {message}"
        for message in (
            [f"must be an absolute https URL (got '{url}')"]
            if url.startswith("ftp")
            else ["must use https (http only for a loopback host in dev mode)"]
        )
    ]


def test_public_base_url_is_required_and_plain() -> None:
    assert problems() == ["CIVICRED_ISSUER_PUBLIC_BASE_URL: required"]
    for url in ("https://u:p@issuer.example", "https://issuer.example/?a=1", "https://i.example#f"):
        assert problems(public_base_url=url) == [
            "CIVICRED_ISSUER_PUBLIC_BASE_URL: must have no credentials, query or fragment"
        ]


def test_production_refuses_dev_tokens_and_short_tokens() -> None:
    found = problems(
        public_base_url=PUBLIC_URL,
        admin_tokens=[DEV_ADMIN_TOKEN],
        registry_admin_token=DEV_REGISTRY_ADMIN_TOKEN,
    )
    assert sorted(found) == [
        "CIVICRED_ISSUER_ADMIN_TOKENS: a DEV-ONLY token is refused outside dev mode",
        "CIVICRED_ISSUER_REGISTRY_ADMIN_TOKEN: a DEV-ONLY token is refused outside dev mode",
    ]
    assert problems(public_base_url=PUBLIC_URL, admin_tokens=["short"]) == [
        "CIVICRED_ISSUER_ADMIN_TOKENS: tokens must have at least 32 characters outside dev mode"
    ]


def test_production_defaults_hold_no_dev_secret() -> None:
    settings = load_settings(public_base_url=PUBLIC_URL)
    assert settings.admin_tokens == [] and settings.registry_admin_token is None
    assert not settings.dev_mode and not settings.dev_login and not settings.uses_dev_secrets()
    assert settings.dev_request_delay_seconds == 0


def test_production_refuses_dev_login_and_the_delay_hook() -> None:
    assert problems(public_base_url=PUBLIC_URL, dev_login=True, dev_request_delay_seconds=1) == [
        "CIVICRED_ISSUER_DEV_LOGIN: the dev login needs dev mode (never in production)",
        "CIVICRED_ISSUER_DEV_REQUEST_DELAY_SECONDS: the request-delay hook needs dev mode "
        "(never in production)",
    ]


def test_dev_mode_is_refused_for_a_public_service() -> None:
    assert problems(dev_mode=True, public_base_url="https://issuer.example.be") == [
        "CIVICRED_ISSUER_PUBLIC_BASE_URL: dev mode is refused for a public host "
        "(issuer.example.be): use a loopback address"
    ]
    assert problems(dev_mode=True, public_base_url="http://127.0.0.1", host="0.0.0.0") == [  # noqa: S104
        "CIVICRED_ISSUER_HOST: dev mode serves on a loopback address only (got '0.0.0.0')"
    ]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8701", "http://[::1]:8701", "http://a.localhost"]
)
def test_dev_mode_on_loopback_works_with_dev_defaults(url: str) -> None:
    settings = load_settings(dev_mode=True, public_base_url=url, dev_login=True)
    assert settings.credential_issuer == url and settings.uses_dev_secrets()
    assert [t.get_secret_value() for t in settings.admin_tokens] == [DEV_ADMIN_TOKEN]


def test_every_url_derives_from_public_base_url(tmp_path: Path) -> None:
    from issuer.status import JtiRevocationService, StatusService
    from issuer.storage import Database
    from verifier.signing import LocalSigner, generate_private_key

    settings = IssuerSettings(
        public_base_url="https://issuer.example.be/tenant/",
        database_url=f"sqlite:///{tmp_path / 'i.db'}",
        status_list_size=1024,
    )
    assert settings.credential_issuer == "https://issuer.example.be/tenant"
    assert settings.endpoint("/token") == settings.endpoint("token")
    assert settings.endpoint("token") == "https://issuer.example.be/tenant/token"
    assert (
        settings.well_known("openid-credential-issuer")
        == "https://issuer.example.be/.well-known/openid-credential-issuer/tenant"
    )
    db = Database(settings.database_url)
    db.migrate()
    signer = LocalSigner(generate_private_key("ES256"))
    allocation = StatusService(db, settings, signer).allocate()
    assert allocation.uri == settings.endpoint(f"status/{allocation.list_id}")
    assert (
        JtiRevocationService(db, settings, signer)
        .assign()
        .rid.startswith("https://issuer.example.be/tenant/revocation/")
    )


def test_credential_issuer_is_not_a_second_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    hint = "unknown setting (the credential issuer identifier is public_base_url)"
    assert problems(public_base_url=PUBLIC_URL, credential_issuer="https://other.example") == [
        f"CIVICRED_ISSUER_CREDENTIAL_ISSUER: {hint}"
    ]
    monkeypatch.setenv("CIVICRED_ISSUER_PUBLIC_BASE_URL", PUBLIC_URL)
    monkeypatch.setenv("CIVICRED_ISSUER_CREDENTIAL_ISSUER", "https://other.example")
    monkeypatch.setenv("CIVICRED_ISSUER_PUBLIC_BASEURL", "typo")
    assert problems() == [
        f"CIVICRED_ISSUER_CREDENTIAL_ISSUER: {hint}",
        "CIVICRED_ISSUER_PUBLIC_BASEURL: unknown setting",
    ]


def test_a_settings_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / "issuer.env"
    env_file.write_text(
        f"CIVICRED_ISSUER_PUBLIC_BASE_URL={PUBLIC_URL}\nCIVICRED_ISSUER_WORKERS=3\n"
    )
    settings = load_settings(env_file)
    assert settings.public_base_url == PUBLIC_URL and settings.workers == 3
    assert problems(env_file=tmp_path / "absent.env", public_base_url=PUBLIC_URL) == [
        f"CIVICRED_ISSUER_ENV_FILE: {tmp_path / 'absent.env'} is not a readable file"
    ]


def test_production_refuses_missing_and_dev_only_keys(tmp_path: Path) -> None:
    with pytest.raises(KeyringProblem) as missing:
        Keyring.load(tmp_path / "none", allow_dev_keys=False)
    assert [p.split(":")[0] for p in missing.value.problems] == [
        "document_signing",
        "status_signing",
    ]
    keys = provision_keys(tmp_path / "dev", dev_only=True)
    with pytest.raises(KeyringProblem) as dev:
        Keyring.load(keys, allow_dev_keys=False)
    assert all("DEV-ONLY key (refused outside dev mode)" in p for p in dev.value.problems)
    assert Keyring.load(keys, allow_dev_keys=True).document.certificate_chain
    (keys / "status_signing" / "chain.pem").unlink()
    (keys / "status_signing" / DEV_ONLY_MARKER).unlink()
    with pytest.raises(KeyringProblem) as chainless:
        Keyring.load(keys, allow_dev_keys=True)
    assert chainless.value.problems == [
        f"status_signing: no certificate chain {keys / 'status_signing' / 'chain.pem'}"
    ]


def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        issuer_command("check"), env=env, capture_output=True, text=True, timeout=60
    )


def test_cli_reports_one_line_per_problem_and_exits_2(tmp_path: Path) -> None:
    env = issuer_env(
        tmp_path,
        public_base_url="http://issuer.example.be",
        dev_login=True,
        admin_tokens=f'["{DEV_ADMIN_TOKEN}"]',
        workers=0,
    )
    result = check(env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "civicred issuer check: CIVICRED_ISSUER_PUBLIC_BASE_URL: must use https "
        "(http only for a loopback host in dev mode)",
        "civicred issuer check: CIVICRED_ISSUER_ADMIN_TOKENS: a DEV-ONLY token is refused "
        "outside dev mode",
        "civicred issuer check: CIVICRED_ISSUER_DEV_LOGIN: the dev login needs dev mode "
        "(never in production)",
        "civicred issuer check: CIVICRED_ISSUER_WORKERS: Input should be greater than or equal to 1",
    ]


def test_cli_refuses_missing_then_dev_keys_and_accepts_provisioned_ones(tmp_path: Path) -> None:
    env = issuer_env(tmp_path)
    missing = check(env)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert len(missing.stderr.splitlines()) == 2 and "no private key" in missing.stderr
    provision_keys(tmp_path / "keys", dev_only=True)
    dev = check(env)
    assert dev.returncode == 2 and dev.stderr.count("DEV-ONLY key") == 2
    for use in ("document_signing", "status_signing"):
        (tmp_path / "keys" / use / DEV_ONLY_MARKER).unlink()
    ok = check(env)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout == f"settings and keys ok (production); credential issuer {PUBLIC_URL}\n"


def test_the_command_line_imports_no_server_module_to_parse() -> None:
    code = (
        "import argparse, sys\n"
        "from issuer.cli import register_issuer\n"
        "parser = argparse.ArgumentParser()\n"
        "register_issuer(parser.add_subparsers())\n"
        "parser.parse_args(['issuer', 'serve', '--workers', '2'])\n"
        "heavy = {'fastapi', 'uvicorn', 'sqlalchemy', 'starlette', 'prometheus_client'}\n"
        "print(sorted(heavy & sys.modules.keys()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_the_issuer_command_group_is_an_entry_point() -> None:
    import tomllib

    from issuer.cli import register_issuer

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    plugins = tomllib.loads(pyproject.read_text())["project"]["entry-points"]["civicred.cli"]
    assert plugins["issuer"] == f"{register_issuer.__module__}:{register_issuer.__name__}"
