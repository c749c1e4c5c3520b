"""The README's main job: dev keys, sample credentials, verification — from an empty state dir."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_demo_issues_and_verifies_samples(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", "demo", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(("VALID", "INVALID"))]
    assert len(lines) >= 4 and all(line.startswith("VALID") for line in lines)
    manifest = json.loads((tmp_path / "samples" / "manifest.json").read_text())
    assert {s["file"] for s in manifest["samples"]} >= {
        "social-status.sd-jwt",
        "social-status.presentation.sd-jwt",
    }
    # The issuer's private key stays in the keys dir, never in the samples folder.
    assert not any(
        "issuer" in p.name and "private" in p.name for p in (tmp_path / "samples").iterdir()
    )


def test_museum_presentation_is_minimal(tmp_path: Path) -> None:
    """Data minimisation: the venue sees entitlement and name, not the national number or reason."""
    subprocess.run(
        [sys.executable, "-m", "verifier.cli", "demo", "--workdir", str(tmp_path)],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    samples = tmp_path / "samples"
    sample = next(
        s for s in json.loads((samples / "manifest.json").read_text())["samples"]
        if s["file"] == "social-status.presentation.sd-jwt"
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", "sdjwt", "verify", str(samples / sample["file"]),
         "--issuer-jwks", str(samples / "issuer-jwks.json"), "--nonce", sample["nonce"],
         "--aud", sample["aud"], "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    claims = json.loads(result.stdout)["claims"]
    assert claims["reduced_tariff_eligible"] is True
    assert {"given_name", "family_name"} <= claims.keys()
    for hidden in (
        "personal_administrative_number",
        "social_statuses",
        "birth_date",
        "municipality_nis",
    ):
        assert hidden not in claims
