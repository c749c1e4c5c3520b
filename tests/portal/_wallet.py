"""The npm @openid4vc wallet (tests/portal/wallet) as a subprocess that completes the
authorization-code flow: it prints the authorization URL, the test plays the citizen's browser
(login at the provider), hands back the redirect, and the wallet finishes."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from verifier.jose import jwk_from_private_key
from verifier.signing import generate_private_key

from ._node import node_binary, npm_ci
from ._provider import SampleUser
from ._support import log_in

WALLET_DIR = Path(__file__).parent / "wallet"
REDIRECT_URI = "http://127.0.0.1:9/wallet-callback"
CLIENT_ID = "civicred-test-wallet"


@dataclass(frozen=True)
class WalletProvider:
    """A DEV-ONLY wallet provider: its key signs the wallet attestations."""

    id: str
    private_jwk: dict[str, Any]

    @property
    def public_jwk(self) -> dict[str, Any]:
        return {k: v for k, v in self.private_jwk.items() if k != "d"}


def new_wallet_provider() -> WalletProvider:
    key = generate_private_key("ES256")
    jwk = {**jwk_from_private_key(key), "kid": "test-wallet-provider"}
    return WalletProvider("https://wallet-provider.example.test", jwk)


def run_wallet(
    workdir: Path,
    issuer: str,
    provider: WalletProvider,
    user: SampleUser,
    *,
    portal: str,
    configuration_id: str = "social-status-1",
    batch: int = 2,
) -> dict[str, Any]:
    """The whole flow; the wallet's last message (``credentials`` or ``error``)."""
    npm_ci(WALLET_DIR)
    config = workdir / f"wallet-{configuration_id}.json"
    config.write_text(
        json.dumps(
            {
                "issuer": issuer,
                "configuration_id": configuration_id,
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "batch": batch,
                "wallet_provider": {"id": provider.id, "private_jwk": provider.private_jwk},
            }
        )
    )
    process = subprocess.Popen(
        [node_binary(), str(WALLET_DIR / "wallet.mjs"), str(config)],
        cwd=WALLET_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        first = json.loads(process.stdout.readline() or '{"error": "the wallet said nothing"}')
        if "authorize" not in first:
            return dict(first)
        browser = httpx.Client(timeout=15)
        landed = log_in(browser, portal, user, start=first["authorize"], stop=REDIRECT_URI)
        assert landed.is_redirect, landed.text[:300]
        process.stdin.write(json.dumps({"redirect": landed.headers["location"]}) + "\n")
        process.stdin.flush()
        last = json.loads(process.stdout.readline() or '{"error": "the wallet said nothing"}')
        process.wait(timeout=60)
        if "error" in last:
            last["stderr"] = process.stderr.read() if process.stderr else ""
        return dict(last)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
