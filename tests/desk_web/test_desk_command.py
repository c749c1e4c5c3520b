"""``civicred desk serve`` as a real process, its refusals, its texts and its vendored files."""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from desk.cli import register
from desk.i18n import (
    _REASONS,
    _REASONS_BY_FAMILY,
    _WARNINGS,
    _WARNINGS_BY_FAMILY,
    LANGUAGES,
    TEXTS,
    reason_key,
    warning_key,
)
from servicekit.local import free_port, server_process
from tests.policies._samples import MANIFEST
from verifier import codes

from ._support import ROOT_PEM, SAMPLES

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "desk" / "static" / "vendor"


def test_the_command_is_registered_like_the_issuers() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["desk", "serve", "--policy", "pharmacy-ehic", "--port", "9000"])
    assert args.policy == "pharmacy-ehic" and args.port == 9000
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'desk = "desk.cli:register"' in pyproject


def test_serve_runs_as_a_process(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.jwt"
    bundle.write_bytes((SAMPLES / "bundle.jwt").read_bytes())
    port = free_port()
    command = [sys.executable, "-m", "desk", "serve", "--bundle", str(bundle), "--root",
               str(ROOT_PEM), "--port", str(port), "--now", MANIFEST["generated_at"],
               "--policy", "pharmacy-ehic", "--language", "de",
               "--identity-dir", str(tmp_path / "identity")]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = tmp_path / "desk.log"
    with server_process(command, url=f"http://127.0.0.1:{port}", env=env, log=log) as url:
        page = httpx.get(url + "/")
        assert '<html lang="de">' in page.text and "Apotheke" in page.text
        verdict = httpx.post(url + "/verify", content=(SAMPLES / "eprc.qr.txt").read_bytes(),
                             headers={"content-type": "text/plain", "x-desk-fragment": "1"})  # fmt: skip
        assert 'data-outcome="valid"' in verdict.text
    output = log.read_text()
    for personal in ("85073003328", "Peeters", "1951"):  # nothing of the credential is logged
        assert personal not in output


def test_serve_refuses_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "desk", "serve", "--policy", "museum"],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert result.returncode == 2
    assert "civicred desk serve: policy: Value error, unknown policy 'museum'" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_an_unpinned_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.jwt"
    bundle.write_bytes((SAMPLES / "bundle.jwt").read_bytes())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CIVICRED_CONFIG_DIR": str(tmp_path / "cfg")}
    env.pop("CIVICRED_REGISTRY_ROOT", None)
    result = subprocess.run([sys.executable, "-m", "desk", "serve", "--bundle", str(bundle)],
                            capture_output=True, text=True, timeout=60, env=env)  # fmt: skip
    assert result.returncode == 2 and "no pinned root" in result.stderr


def test_every_text_exists_in_the_four_languages() -> None:
    for key, entry in TEXTS.items():
        assert set(entry) == set(LANGUAGES), key
        placeholders = {tuple(sorted(re.findall(r"\{(\w+)\}", entry[lang]))) for lang in LANGUAGES}
        assert len(placeholders) == 1, key
    tables = (_REASONS, _REASONS_BY_FAMILY, _WARNINGS, _WARNINGS_BY_FAMILY)
    for key in (key for table in tables for key in table.values()):
        assert key in TEXTS, key
    templates = "".join(p.read_text() for p in (ROOT / "desk" / "templates").glob("*.html"))
    for key in re.findall(r"""t\(["']([a-z_.]+)["']""", templates):
        assert key in TEXTS or key == "outcome.", key  # "outcome." ~ valid|invalid|undetermined
    assert {"outcome.valid", "outcome.invalid", "outcome.undetermined"} <= TEXTS.keys()


def test_the_vendored_files_are_the_ones_recorded() -> None:
    record = (VENDOR / "VENDORED.md").read_text()
    assert "zxing-wasm 3.1.6" in record and "MIT" in record
    rows = re.findall(r"^\| `(zxing-wasm/[^`]+)` \| .* \| `([0-9a-f]{64})` \|$", record, re.M)
    assert len(rows) == 3
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (VENDOR / "zxing-wasm" / "LICENSE").read_text()


@pytest.mark.parametrize(
    ("code", "key"),
    [
        (codes.TRUST_ROOT, "reason.trust.root"),
        (codes.STATUS_REVOKED, "reason.revoked"),
        (codes.QR_VALIDITY, "reason.validity"),
        (codes.INPUT_SIZE, "reason.too_large"),
        # no entry of its own: explained by its declared family
        (codes.TRUST_ROOT_MISMATCH, "reason.trust"),
        (codes.INPUT_BASE64_CANONICAL, "reason.input"),
        (codes.REVOCATION_STALE, "reason.status"),
        (codes.KB_NONCE, "reason.kb"),
        (codes.PDF_MODIFIED_AFTER_SEAL, "reason.pdf"),
        (codes.VERIFICATION, "reason.other"),
        ("trust.root.forged", "reason.other"),  # a spelling alone explains nothing
    ],
)
def test_a_reason_is_chosen_by_code_then_by_family(code: str, key: str) -> None:
    assert reason_key(code) == key


def test_remarks_on_a_valid_verdict() -> None:
    assert warning_key(codes.TRUST_FRESHNESS) == "reason.freshness.warning"
    assert warning_key(codes.REVOCATION_UNUSABLE) == "reason.status.warning"  # ePRC: optional
    assert warning_key(codes.QR_ISSUER_RULE) is None


def test_desk_md_lists_every_policy_with_what_a_wallet_is_asked_for() -> None:
    from verifier.oid4vp import dcql_query
    from verifier.policies import load_policy, policy_names

    doc = (ROOT / "docs" / "desk.md").read_text()
    for name in policy_names():
        (row,) = [line for line in doc.splitlines() if line.startswith(f"| `{name}` |")]
        query = dcql_query(load_policy(name))
        assert query is not None
        for credential in query.credentials:
            assert f"`{credential.vct}`" in row, (name, credential.vct)
            for claim in credential.claims:
                assert f"`/{'/'.join(claim.path)}`" in row, (name, claim)
