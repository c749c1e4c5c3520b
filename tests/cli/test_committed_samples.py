"""The committed ``sample_credentials/`` verify with the CLI exactly as their README says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_credentials"
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text())
EXIT = {"valid": 0, "invalid": 1, "undetermined": 3}


def civicred(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verifier.cli", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("sample", MANIFEST["samples"], ids=lambda s: s["file"])
def test_sample_verifies_through_the_bundle(sample: dict[str, object]) -> None:
    now = str(sample.get("verify_at") or MANIFEST["generated_at"])
    args = ["verify", str(SAMPLES / str(sample["file"])), "--bundle", str(SAMPLES / "bundle.jwt"),
            "--root", str(SAMPLES / "registry-root.pem"), "--now", now, "--json"]  # fmt: skip
    if sample.get("require_kb"):
        args += ["--nonce", str(sample["nonce"]), "--aud", str(sample["aud"])]
    if sample.get("date"):
        args += ["--date", str(sample["date"])]
    result = civicred(*args)
    report = json.loads(result.stdout)
    assert report["outcome"] == sample["expected"], report["checks"]
    if sample.get("reason"):
        assert next(c for c in report["checks"] if not c["ok"])["code"] == sample["reason"]
    assert result.returncode == EXIT[str(sample["expected"])]
    assert report["details"]["root_pinned"] is True


def test_readme_lists_every_sample() -> None:
    readme = (SAMPLES / "README.md").read_text()
    assert all(s["file"] in readme for s in MANIFEST["samples"])


def test_documents_come_with_qr_text_png_and_certificates() -> None:
    for pdf in SAMPLES.glob("*.pdf"):
        stem = pdf.name.removesuffix(".pdf")
        assert (SAMPLES / f"{stem}.qr.txt").is_file() and (SAMPLES / f"{stem}.qr.png").is_file()
    assert {p.name for p in SAMPLES.glob("*.pdf")} >= {
        "eprc.pdf",
        "eehic.pdf",
        "social-status-venue.pdf",
    }
    for name in ("registry-root.pem", "issuer-document-signing.pem", "issuer-status-signing.pem"):
        assert (SAMPLES / name).read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_status_lists_as_served() -> None:
    jwts, cwts = list((SAMPLES / "status").glob("*.jwt")), list((SAMPLES / "status").glob("*.cwt"))
    assert jwts and cwts
    assert jwts[0].read_bytes().count(b".") == 2  # a compact JWS
    assert cwts[0].read_bytes()[:1] == b"\xd2"  # a tagged COSE_Sign1 (tag 18)


def test_issuer_jwks_still_verifies_without_a_bundle() -> None:
    """Step 1's ad-hoc path: ``sdjwt verify --issuer-jwks`` (no status check)."""
    result = civicred("sdjwt", "verify", str(SAMPLES / "social-status.sd-jwt"),
                      "--issuer-jwks", str(SAMPLES / "issuer-jwks.json"), "--now", MANIFEST["generated_at"])  # fmt: skip
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("suffix", [".json", ".pdf"])
def test_eu_verification_report_export(tmp_path: Path, suffix: str) -> None:
    """EHIC PDF QR PoC v0.5 §7: the report with the original QR and per-step results."""
    out = tmp_path / f"report{suffix}"
    result = civicred("verify", str(SAMPLES / "eprc.qr.txt"), "--bundle", str(SAMPLES / "bundle.jwt"),
                      "--root", str(SAMPLES / "registry-root.pem"), "--now", MANIFEST["generated_at"],
                      "--report", str(out))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    if suffix == ".json":
        report = json.loads(out.read_text())
        assert report["original"]["qr"] == (SAMPLES / "eprc.qr.txt").read_text().strip()
        results = {step["result"] for step in report["steps"]}
        assert "PASSED" in results and "NOT PASSED" not in results
        assert report["conclusion"] == "Approved"
    else:
        assert out.read_bytes().startswith(b"%PDF-")
