"""``npm ci`` once per lock file for a folder of Node tools the tests run (flock-protected: test
processes may race; a stamp names the lock file's hash). Skips without Node unless
``CIVICRED_REQUIRE_NODE=1`` (CI), where a missing Node or a failed install fails instead."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

STAMP = ".civicred-npm-ci"


def _unavailable(reason: str) -> None:
    if os.environ.get("CIVICRED_REQUIRE_NODE") == "1":
        pytest.fail(f"Node tools required (CIVICRED_REQUIRE_NODE=1): {reason}")
    pytest.skip(reason)


def node_binary() -> str:
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        _unavailable("node and npm are not installed")
    assert node is not None
    return node


def npm_ci(folder: Path) -> Path:
    """``folder/node_modules`` installed from ``folder/package-lock.json``."""
    node_binary()
    lock = folder / "package-lock.json"
    wanted = hashlib.sha256(lock.read_bytes()).hexdigest()
    stamp = folder / "node_modules" / STAMP
    with (folder / ".npm-ci.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == wanted:
            return folder / "node_modules"
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            _unavailable(f"npm ci failed in {folder.name} (offline?): {done.stderr[-500:]}")
        stamp.write_text(wanted)
    return folder / "node_modules"
