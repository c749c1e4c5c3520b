"""Provisioned keys and a real ``python -m issuer serve`` subprocess for the operations tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from issuer.keyring import DEV_ONLY_MARKER, USES
from servicekit.local import LOCALHOST, free_port, wait_healthy
from verifier.signing import generate_private_key, write_key_dir
from verifier.trust import create_issuer_certificate, create_root_ca

PUBLIC_URL = "https://issuer.example.test"
ADMIN_TOKEN = "operations-test-admin-token-0123456789"
NATIONAL_NUMBER = "85073003328"
PERSONAL_DATA = (NATIONAL_NUMBER, "Peeters", "Janssens", "1985-07-30", "30/07/1985")


def provision_keys(
    keys_dir: Path,
    *,
    dev_only: bool = False,
    status_not_after: datetime | None = None,
) -> Path:
    """Both signing keys with a chain from a test root, as an operator provisions them."""
    now = datetime.now(UTC)
    root_key = generate_private_key("ES256")
    root = create_root_ca(
        root_key, name="operations test root", not_before=now - timedelta(days=2),
        not_after=now + timedelta(days=3650),
    )  # fmt: skip
    for use in USES:
        directory = keys_dir / use
        key = generate_private_key("ES256")
        write_key_dir(directory, key, alg="ES256")
        not_after = now + timedelta(days=365)
        if use == "status_signing" and status_not_after is not None:
            not_after = status_not_after
        leaf = create_issuer_certificate(
            key.public_key(), ca_cert=root, ca_key=root_key, use=use, name="test issuer",
            issuer_id="BE:CBSS", country="BE", credential_issuer=PUBLIC_URL,
            not_before=now - timedelta(days=1), not_after=not_after,
        )  # fmt: skip
        (directory / "chain.pem").write_bytes(
            leaf.public_bytes(Encoding.PEM) + root.public_bytes(Encoding.PEM)
        )
        if dev_only:
            (directory / DEV_ONLY_MARKER).write_text("test\n")
    return keys_dir


def issuer_env(tmp_path: Path, **settings: object) -> dict[str, str]:
    """This process's environment without any ``CIVICRED_ISSUER_*``, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICRED_ISSUER_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    values: dict[str, object] = {
        "public_base_url": PUBLIC_URL,
        "database_url": f"sqlite:///{tmp_path / 'issuer.db'}",
        "keys_dir": tmp_path / "keys",
        "admin_tokens": f'["{ADMIN_TOKEN}"]',
        "status_list_size": 2048,
        **settings,
    }
    for name, value in values.items():
        env[f"CIVICRED_ISSUER_{name.upper()}"] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    return env


def issuer_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "issuer", *args]


@dataclass
class RunningIssuer:
    url: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit code (killed after ``timeout``)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise

    def output(self) -> str:
        return self.stdout.read_text() + self.stderr.read_text()


@contextmanager
def running_issuer(tmp_path: Path, env: dict[str, str], *args: str) -> Iterator[RunningIssuer]:
    """``python -m issuer serve`` on a free loopback port; stdout and stderr kept apart."""
    port = free_port()
    stdout, stderr = tmp_path / "issuer.stdout", tmp_path / "issuer.stderr"
    command = issuer_command("serve", "--host", LOCALHOST, "--port", str(port), *args)
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
    running = RunningIssuer(f"http://{LOCALHOST}:{port}", process, stdout, stderr)
    try:
        wait_healthy(running.url, process=process, timeout=60)
        yield running
    finally:
        if process.poll() is None:
            running.stop()
