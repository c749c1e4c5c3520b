"""The README's main job: registry + issuer on SQLite, samples issued, published and verified."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servicekit.local import free_port


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    workdir = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", "demo", "--workdir", str(workdir), "--once",
         "--registry-port", str(free_port()), "--issuer-port", str(free_port()),
         "--desk-port", str(free_port())],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    return result, workdir


def test_demo_issues_publishes_and_verifies(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, workdir = demo
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [
        line for line in result.stdout.splitlines() if line.split()[:1] in (["VALID"], ["INVALID"])
    ]
    assert len(lines) >= 20 and all(line.rstrip().split()[2] == "ok" for line in lines), (
        result.stdout
    )
    samples = workdir / "samples"
    for name in ("bundle.jwt", "registry-root.pem", "issuer-jwks.json", "manifest.json"):
        assert (samples / name).is_file()
    assert list((samples / "status").glob("*.jwt")) and list((samples / "status").glob("*.cwt"))
    # The issuer's private keys stay in the state directory, never in the samples folder.
    assert not any("private" in p.name for p in samples.rglob("*"))


def test_demo_serves_the_desk(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, workdir = demo
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("desk ")]
    assert line.split()[1].startswith("http://127.0.0.1:") and "venue-reduced-tariff" in line
    assert (
        "civicred desk: venue-reduced-tariff on http://127.0.0.1:"
        in (workdir / "desk.log").read_text()
    )
    assert (workdir / "desk" / "bundle.jwt").read_text() == (
        workdir / "samples" / "bundle.jwt"
    ).read_text()


def test_museum_presentation_is_minimal(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Data minimisation: the venue sees entitlement and name, not the national number or reason."""
    _, workdir = demo
    samples = workdir / "samples"
    manifest = json.loads((samples / "manifest.json").read_text())
    sample = next(
        s for s in manifest["samples"] if s["file"] == "social-status.presentation.sd-jwt"
    )
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", "verify", str(samples / sample["file"]),
         "--bundle", str(samples / "bundle.jwt"), "--root", str(samples / "registry-root.pem"),
         "--nonce", sample["nonce"], "--aud", sample["aud"], "--now", manifest["generated_at"], "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert report["outcome"] == "valid", report
    claims = report["claims"]
    assert claims["reduced_tariff_eligible"] is True
    assert {"given_name", "family_name"} <= claims.keys()
    for hidden in (
        "personal_administrative_number",
        "social_statuses",
        "birth_date",
        "municipality_nis",
    ):
        assert hidden not in claims
