"""The dev login (no authentication, a list of fictional citizens) exists in dev mode only: it
cannot be switched on under production settings, and a production portal has no such route."""

from __future__ import annotations

from pathlib import Path

import pytest

from issuer.api import create_app
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings, SettingsInvalid, load_settings
from servicekit.local import asgi_client
from verifier.signing import LocalSigner, generate_private_key


def _services(tmp_path: Path, **settings: object) -> IssuerServices:
    signer = LocalSigner(generate_private_key("ES256"))
    return IssuerServices.build(
        IssuerSettings(database_url=f"sqlite:///{tmp_path / 'issuer.db'}", **settings),  # type: ignore[arg-type]
        document_signer=signer,
        status_signer=signer,
    )


def test_the_dev_login_is_refused_under_production_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CIVICRED_ISSUER_PUBLIC_BASE_URL", "https://portal.example.be")
    monkeypatch.setenv("CIVICRED_ISSUER_DEV_LOGIN", "true")
    with pytest.raises(SettingsInvalid) as refused:
        load_settings()
    assert refused.value.problems == [
        "CIVICRED_ISSUER_DEV_LOGIN: the dev login needs dev mode (never in production)"
    ]
    # and dev mode itself needs a loopback address, so no public portal can have it
    monkeypatch.setenv("CIVICRED_ISSUER_DEV_MODE", "true")
    with pytest.raises(SettingsInvalid, match="dev mode is refused for a public host"):
        load_settings()


def test_a_production_portal_has_no_dev_login(tmp_path: Path) -> None:
    client = asgi_client(
        create_app(_services(tmp_path, public_base_url="https://portal.example.be")),
        "https://portal.example.be",
    )
    home = client.get("/portal/")
    assert home.status_code == 200 and "Development login" not in home.text
    assert "Login is not available" in home.text  # no provider configured either
    tried = client.post(
        "/portal/login/dev",
        content="subject_id=p-0001",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert tried.status_code in (404, 405) and "civicred-portal" not in tried.headers.get(
        "set-cookie", ""
    )
    assert client.get("/portal/login").status_code == 503  # login_unavailable, as a page


def test_in_dev_mode_the_dev_login_logs_a_fictional_citizen_in(tmp_path: Path) -> None:
    url = "http://127.0.0.1:8999"
    client = asgi_client(
        create_app(_services(tmp_path, public_base_url=url, dev_mode=True, dev_login=True)), url
    )
    home = client.get("/portal/")
    assert "Development login" in home.text and 'value="p-0001"' in home.text
    logged_in = client.post(
        "/portal/login/dev",
        content="subject_id=p-0002",
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=True,
    )
    assert "Hello Żaneta Ågot Łucja Van den Broeck-Ţăranu" in logged_in.text
    unknown = client.post(
        "/portal/login/dev",
        content="subject_id=p-9999",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert unknown.status_code == 403
