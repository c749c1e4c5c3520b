"""Running the real ``civicred`` process against the committed samples, with its own pin store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[2] / "sample_credentials"
MANIFEST: dict[str, Any] = json.loads((SAMPLES / "manifest.json").read_text())
SAMPLE_NOW = str(MANIFEST["generated_at"])
BUNDLE = SAMPLES / "bundle.jwt"
ROOT = SAMPLES / "registry-root.pem"
QR_TEXT = SAMPLES / "eprc.qr.txt"


def civicred(
    *args: str,
    config: Path,
    stdin: bytes | str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """``python -m verifier.cli ARGS`` with ``$CIVICRED_CONFIG_DIR`` = ``config``."""
    environment = {k: v for k, v in os.environ.items() if k != "CIVICRED_REGISTRY_ROOT"}
    environment["CIVICRED_CONFIG_DIR"] = str(config)
    environment.update(env or {})
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", *args],
        input=data,
        capture_output=True,
        env=environment,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", errors="replace"),
        result.stderr.decode("utf-8", errors="replace"),
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, result.stderr[-800:]
    assert '  File "' not in output, result.stderr[-800:]


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The usage error: exit 2, one ``civicred: …`` line on stderr, nothing else."""
    assert_no_traceback(result)
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("civicred"), result.stderr
    return lines[0]
