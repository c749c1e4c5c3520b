"""The committed sample credentials (real signatures, a real bundle) and their verification time."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from verifier import OfflineVerifier, VerificationTime
from verifier.trust import Bundle, load_certificate

SAMPLES = Path(__file__).resolve().parents[2] / "sample_credentials"
MANIFEST: dict[str, Any] = json.loads((SAMPLES / "manifest.json").read_text())
GENERATED_AT = datetime.fromisoformat(MANIFEST["generated_at"])
BUNDLE = (SAMPLES / "bundle.jwt").read_text().strip()
ROOT = load_certificate((SAMPLES / "registry-root.pem").read_bytes())


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def manifest_entry(name: str) -> dict[str, Any]:
    return next(s for s in MANIFEST["samples"] if s["file"] == name)


def offline(now: datetime = GENERATED_AT) -> OfflineVerifier:
    """The samples' bundle, pinned to their root, evaluated at ``now``."""
    return OfflineVerifier(
        Bundle.parse(BUNDLE, root=ROOT, now=now), VerificationTime(now, now.date())
    )
