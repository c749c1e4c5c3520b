"""The npm side of the interop tests: ``npm ci`` once per lock file, and the Node scripts run as
subprocesses that read one JSON object on stdin and print one on stdout.

``npm ci`` installs exactly ``package-lock.json`` into ``tests/interop/node_modules`` (git-ignored).
It runs under an exclusive ``flock`` (pytest-xdist workers and parallel runs share the folder)
and leaves a stamp holding the lock file's SHA-256: while the stamp matches, nothing is
reinstalled; a changed lock file reinstalls. Without node/npm, or when the registry cannot be
reached, the tests skip with the reason, unless ``CIVICRED_REQUIRE_NODE=1`` (CI), where they fail.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import unavailable

HERE = Path(__file__).resolve().parent
LOCK_FILE = HERE / "package-lock.json"
NODE_MODULES = HERE / "node_modules"
STAMP = NODE_MODULES / ".civicred-lock-sha256"
#: Serialises installs; beside node_modules because ``npm ci`` deletes that folder first.
INSTALL_LOCK = HERE / ".npm-ci.lock"
REQUIRED_BY = "CIVICRED_REQUIRE_NODE"
NPM_CI_TIMEOUT = 300
SCRIPT_TIMEOUT = 120


def _lock_digest() -> str:
    return hashlib.sha256(LOCK_FILE.read_bytes()).hexdigest()


def install() -> str:
    """``node_modules`` as the lock file says (``npm ci`` when the stamp differs); the path to
    ``node``. Skips (or fails under ``CIVICRED_REQUIRE_NODE=1``) when that cannot be done."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable("node and npm are not installed (Node >= 20)", required_by=REQUIRED_BY)
    wanted = _lock_digest()
    with INSTALL_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if STAMP.is_file() and STAMP.read_text().strip() == wanted:
            return node
        try:
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=HERE, capture_output=True, text=True, timeout=NPM_CI_TIMEOUT,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            unavailable(f"npm ci took over {NPM_CI_TIMEOUT} s (offline?)", required_by=REQUIRED_BY)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no output"])[-1]
            unavailable(f"npm ci failed (offline?): {last}", required_by=REQUIRED_BY)
        STAMP.write_text(wanted + "\n")
    return node


def run_script(node: str, script: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``node <script>`` with ``payload`` on stdin; its JSON answer (which may be an error)."""
    result = subprocess.run(
        [node, str(HERE / script)], input=json.dumps(payload), cwd=HERE,
        capture_output=True, text=True, timeout=SCRIPT_TIMEOUT,
    )  # fmt: skip
    lines = result.stdout.strip().splitlines()
    assert lines, f"{script} printed nothing (exit {result.returncode}): {result.stderr}"
    answer: dict[str, Any] = json.loads(lines[-1])
    assert (result.returncode == 0) == ("error" not in answer), result.stdout + result.stderr
    return answer
