"""``civicred verify --policy NAME``: the purpose's checks, and a JSON report with only the
claims the purpose shows (docs/cli.md, docs/policies.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_credentials"
NOW = json.loads((SAMPLES / "manifest.json").read_text())["generated_at"]
TRUST = ["--bundle", str(SAMPLES / "bundle.jwt"), "--root", str(SAMPLES / "registry-root.pem"),
         "--now", NOW]  # fmt: skip


def civicred(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verifier.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_the_venue_report_holds_only_the_shown_claims() -> None:
    result = civicred("verify", str(SAMPLES / "social-status.presentation.sd-jwt"), *TRUST,
                      "--nonce", "sample-nonce-social-status", "--aud", "x509_san_dns:museum.example",
                      "--policy", "venue-reduced-tariff", "--json")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert set(report["claims"]) == {
        "given_name", "family_name", "reduced_tariff_eligible", "valid_from", "valid_until",
    }  # fmt: skip
    assert report["details"]["policy"] == "venue-reduced-tariff"
    assert (
        '"jwk"' not in result.stdout and "317734" not in result.stdout
    )  # holder key, status index


def test_an_ehic_document_at_the_venue_is_invalid_and_shows_no_personal_data() -> None:
    result = civicred("verify", str(SAMPLES / "eehic.pdf"), *TRUST, "--policy",
                      "venue-reduced-tariff", "--json")  # fmt: skip
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["claims"] is None
    assert next(c for c in report["checks"] if not c["ok"])["code"] == "policy.type"
    for personal in ("92120512345", "1992-12-05", "Broeck", "qr_text"):
        assert personal not in result.stdout


def test_the_pharmacy_report_has_no_personal_number(tmp_path: Path) -> None:
    result = civicred("verify", str(SAMPLES / "eehic.qr.txt"), str(SAMPLES / "eprc.qr.png"),
                      *TRUST, "--policy", "pharmacy-ehic")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["outcome"] for line in lines] == ["valid", "valid"]
    assert "hi" not in lines[0]["claims"]["ehic"] and "ci" not in lines[1]["claims"]["prc"]


def test_the_human_output_lists_the_policy_checks() -> None:
    result = civicred("verify", str(SAMPLES / "social-status-venue.qr.txt"), *TRUST,
                      "--policy", "venue-reduced-tariff")  # fmt: skip
    assert result.returncode == 0
    assert "policy.issuer" in result.stdout and "1951" not in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--policy", "museum"], "invalid choice"),
        (
            ["--policy", "venue-reduced-tariff", "--report", "r.json"],
            "cannot be used with --policy",
        ),
        (["--policy", "venue-reduced-tariff", "--plain"], "cannot be used with --plain"),
    ],
)
def test_usage_errors(extra: list[str], message: str, tmp_path: Path) -> None:
    extra = [str(tmp_path / e) if e == "r.json" else e for e in extra]
    result = civicred("verify", str(SAMPLES / "eehic.qr.txt"), *TRUST, *extra)
    assert result.returncode == 2
    assert message in result.stderr
