"""DEV ONLY: a real OpenID Connect provider on 127.0.0.1 (npm ``oidc-provider``, pinned in
``dev_provider/package.json`` with its lock file) standing in for the national eID in the demo
and the tests, with sample citizens who log in with a password.

:func:`install` copies the provider into a folder and runs ``npm ci`` there once per lock file
(flock-protected, a stamp names the lock file's hash); :func:`running_provider` starts it as a
subprocess. Its signing key is generated at each start; users and passwords are fictional.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import httpx

from servicekit.local import LOCALHOST

FILES = ("package.json", "package-lock.json", "provider.mjs")
STAMP = ".civicred-npm-ci"
CLIENT_ID = "civicred-portal"


class ProviderUnavailable(RuntimeError):
    """Node or npm is missing, or ``npm ci`` failed (offline?): the message says which."""


@dataclass(frozen=True)
class SampleUser:
    login: str
    password: str
    national_number: str
    given_name: str
    family_name: str


#: The dev source's citizens (issuer/sources/dev_citizens.json). DEV ONLY.
SAMPLE_USERS = (
    SampleUser("marie", "marie-DEV-ONLY", "85073003328", "Marie-Louise", "Peeters"),
    SampleUser("zaneta", "zaneta-DEV-ONLY", "92120512345", "Żaneta", "Van den Broeck"),
)


def node_tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise ProviderUnavailable("node and npm are not installed")
    return node, npm


def install(folder: Path) -> Path:
    """The provider in ``folder`` with its ``node_modules`` (``npm ci`` when the lock changed)."""
    _, npm = node_tools()
    folder.mkdir(parents=True, exist_ok=True)
    package = resources.files("issuer.login") / "dev_provider"
    for name in FILES:
        data = (package / name).read_bytes()
        target = folder / name
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    wanted = hashlib.sha256((folder / "package-lock.json").read_bytes()).hexdigest()
    stamp = folder / "node_modules" / STAMP
    with (folder / ".npm-ci.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == wanted:
            return folder
        done = subprocess.run(  # noqa: S603 - npm from PATH, fixed arguments
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise ProviderUnavailable(f"npm ci failed (offline?): {done.stderr[-500:]}")
        stamp.write_text(wanted)
    return folder


@contextmanager
def running_provider(
    folder: Path,
    port: int,
    *,
    redirect_uris: Sequence[str],
    client_secret: str,
    users: Sequence[SampleUser] = SAMPLE_USERS,
    log: Path | None = None,
    timeout: float = 30.0,
) -> Iterator[str]:
    """The provider installed in ``folder``, on ``port``; yields its issuer URL."""
    node, _ = node_tools()
    install(folder)
    config = folder / f"config-{port}.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "clients": [
                    {
                        "client_id": CLIENT_ID,
                        "client_secret": client_secret,
                        "redirect_uris": list(redirect_uris),
                    }
                ],
                "users": [asdict(u) for u in users],
            }
        )
    )
    sink = (log or folder / f"provider-{port}.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 - node from PATH, our own script
        [node, str(folder / "provider.mjs"), str(config)],
        cwd=folder,
        stdout=sink,
        stderr=subprocess.STDOUT,
    )
    url = f"http://{LOCALHOST}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ProviderUnavailable(f"the OIDC provider exited ({process.returncode})")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise ProviderUnavailable("the OIDC provider did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        sink.close()
        config.unlink(missing_ok=True)
