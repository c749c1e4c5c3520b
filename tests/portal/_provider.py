"""The test OpenID Connect provider (tests/portal/oidc, npm oidc-provider) as a real subprocess
on 127.0.0.1, and the sample citizens who log in to it."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from ._node import node_binary, npm_ci

OIDC_DIR = Path(__file__).parent / "oidc"
CLIENT_ID = "civicred-portal"
CLIENT_SECRET = "portal-client-secret-DEV-ONLY-0123456789"


@dataclass(frozen=True)
class SampleUser:
    login: str
    password: str
    national_number: str
    given_name: str
    family_name: str

    def to_json(self) -> dict[str, str]:
        return self.__dict__.copy()


#: The dev source's citizens p-0001 and p-0002 (issuer/sources/dev_citizens.json), and one the
#: source does not know.
MARIE = SampleUser("marie", "marie-DEV-ONLY", "85073003328", "Marie-Louise", "Peeters")
ZANETA = SampleUser("zaneta", "zaneta-DEV-ONLY", "92120512345", "Żaneta", "Van den Broeck")
STRANGER = SampleUser("stranger", "stranger-DEV-ONLY", "75010112345", "Nobody", "Known")
USERS = (MARIE, ZANETA, STRANGER)


@contextmanager
def oidc_provider(
    workdir: Path, port: int, redirect_uris: Sequence[str], users: Sequence[SampleUser] = USERS
) -> Iterator[str]:
    """The provider on ``port``; yields its issuer URL."""
    npm_ci(OIDC_DIR)
    config = workdir / "oidc-provider.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "clients": [
                    {
                        "client_id": CLIENT_ID,
                        "client_secret": CLIENT_SECRET,
                        "redirect_uris": list(redirect_uris),
                    }
                ],
                "users": [u.to_json() for u in users],
            }
        )
    )
    log = (workdir / "oidc-provider.log").open("ab")
    process = subprocess.Popen(
        [node_binary(), str(OIDC_DIR / "provider.mjs"), str(config)],
        cwd=OIDC_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the OIDC provider exited ({process.returncode})")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the OIDC provider did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
