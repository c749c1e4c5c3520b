"""The independent OpenID4VP wallet (wallet.mjs: npm ``@openid4vc/openid4vp``, ``dcql``,
``jose``, pinned in package-lock.json) and a desk served over real HTTP for it.

``npm ci`` runs once per lock file: under an exclusive ``flock`` (parallel test processes wait for
the first one), and only when ``node_modules/.civicred-lock`` does not hold the SHA-256 of
package-lock.json. Without node or npm (or the registry) the tests skip with the reason, unless
``CIVICRED_REQUIRE_NODE=1`` (CI), where they fail.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
STAMP = HERE / "node_modules" / ".civicred-lock"
NPM_CI_TIMEOUT = 600


def _unavailable(reason: str) -> None:
    if os.environ.get("CIVICRED_REQUIRE_NODE") == "1":
        pytest.fail(f"node is required (CIVICRED_REQUIRE_NODE=1): {reason}")
    pytest.skip(reason)


def _install() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("node and npm are not installed")
    assert node is not None and npm is not None
    wanted = hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()
    with open(HERE / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (STAMP.exists() and STAMP.read_text().strip() == wanted):
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HERE,
                capture_output=True, text=True, timeout=NPM_CI_TIMEOUT,
            )  # fmt: skip
            if result.returncode != 0:
                _unavailable(f"npm ci failed: {result.stderr.strip()[-400:]}")
            STAMP.write_text(wanted + "\n")
    return node


@dataclass(frozen=True)
class NodeWallet:
    node: str

    def run(self, operation: str, **data: Any) -> dict[str, Any]:
        """``node wallet.mjs OPERATION`` with ``data`` as JSON; its JSON answer (a refusal is
        ``{"error": …}``)."""
        result = subprocess.run(
            [self.node, str(HERE / "wallet.mjs"), operation], input=json.dumps(data),
            capture_output=True, text=True, timeout=60, cwd=HERE,
        )  # fmt: skip
        assert result.stdout, result.stderr
        answer: dict[str, Any] = json.loads(result.stdout)
        assert (result.returncode == 0) == ("error" not in answer), (result.returncode, answer)
        return answer


@pytest.fixture(scope="session")
def node_wallet() -> Iterator[NodeWallet]:
    yield NodeWallet(_install())
