"""``civicred registry serve`` as a real process on a free localhost port, over real HTTP;
``civicred registry init`` in-process."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import entry_points
from pathlib import Path

import httpx
import pytest

from servicekit.local import free_port, server_process
from trust_registry import cli
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import load_certificate, load_pem_certificates, verify_trust_list

from ._support import public_jwk

TOKEN = "serve-test-token"


# ``civicred`` with the plugin declared in pyproject.toml, for an environment whose installed
# metadata predates that declaration (until the next ``pip install -e .``).
_LAUNCHER = """
import sys
from importlib.metadata import EntryPoint
import verifier.cli as cli
plugin = EntryPoint("registry", "trust_registry.cli:register", "civicred.cli")
cli.entry_points = lambda group: [plugin]
sys.exit(cli.main())
"""


def _command(port: int) -> list[str]:
    """``civicred registry serve``: the installed script when its metadata lists the plugin,
    else the same ``verifier.cli.main`` with the plugin declared by hand."""
    script = Path(sys.executable).parent / "civicred"
    if script.exists() and "registry" in {ep.name for ep in entry_points(group="civicred.cli")}:
        prefix = [str(script)]
    else:
        prefix = [sys.executable, "-c", _LAUNCHER]
    options = ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return [*prefix, "registry", "serve", *options]


def _environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CIVICRED_REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.db'}",
        "CIVICRED_REGISTRY_PKI_DIR": str(tmp_path / "pki"),
        "CIVICRED_REGISTRY_ADMIN_TOKENS": json.dumps([TOKEN]),
        "CIVICRED_REGISTRY_ROOT_PASSPHRASE": "serve-test-passphrase",
    }


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    log = tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    with server_process(
        _command(port), url=url, env=_environment(tmp_path), log=log, cwd=tmp_path, timeout=20
    ):
        yield url
    assert "Traceback" not in log.read_text()
    assert (tmp_path / "pki" / "root-key.pem").stat().st_mode & 0o077 == 0


def test_serve_over_real_http(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        root = load_certificate(client.get("/root.pem").content)
        trust_list = client.get("/trust-list")
        snapshot = verify_trust_list(trust_list.text, root, datetime.now(UTC))
        assert snapshot.freshness.ok
        assert [i.id for i in snapshot.trust_list.issuers] == ["BE:CBSS"]  # the dev seed
        assert (
            client.get(
                "/trust-list", headers={"If-None-Match": trust_list.headers["etag"]}
            ).status_code
            == 304
        )
        key = LocalSigner(generate_private_key("ES256"))
        body = {"use": "document_signing", "public_jwk": public_jwk(key)}
        url = "/admin/issuers/BE:CBSS/certificates"
        assert client.post(url, json=body).status_code == 401
        assert (
            client.post(url, json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
        )
        issued = client.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert issued.status_code == 201
        (leaf,) = load_pem_certificates(issued.content)
        assert leaf.public_key() == key.public_key()
        metadata = client.get("/.well-known/jwt-vc-issuer").json()
        assert metadata["jwks"]["keys"][0]["kid"] == key.kid
        resolved = client.get("/api/v1/issuers", params={"countryCode": "BE", "officialId": "0320"})
        assert resolved.json()["issuers"][0]["officialId"] == "0320"


def test_init_bootstraps_without_a_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in _environment(tmp_path).items():
        if name.startswith("CIVICRED_REGISTRY_"):
            monkeypatch.setenv(name, value)
    assert cli.main(["init"]) == 0
    assert "issuers    BE:CBSS" in capsys.readouterr().out
    assert (tmp_path / "pki" / "root.pem").exists()
    assert (tmp_path / "pki" / "registry-signing" / "private.pem").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("CIVICRED_REGISTRY_ROOT_PASSPHRASE", "wrong")
    assert cli.main(["init"]) == 2
    assert "wrong passphrase" in capsys.readouterr().err
