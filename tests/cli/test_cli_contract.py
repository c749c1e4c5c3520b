"""The ``civicred`` command line as other tools script it: real processes, files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "verifier.cli"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("keys")
    for name in ("issuer", "holder", "other"):
        result = run("keys", "generate", "--alg", "ES256", "--out", str(base / name))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["alg"] == "ES256"
    return base


@pytest.fixture(scope="module")
def credential(keys: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cred")
    claims = folder / "claims.json"
    claims.write_text(
        json.dumps(
            {
                "given_name": "Marie",
                "family_name": "Peeters",
                "address": {"street_address": "Rue de la Loi 16", "locality": "Bruxelles"},
                "nationalities": ["BE", "FR"],
            }
        )
    )
    result = run(
        "sdjwt", "issue", "--claims", str(claims),
        "--disclosable", "/given_name", "/family_name", "/address/street_address", "/nationalities/1",
        "--issuer-key", str(keys / "issuer" / "private.pem"),
        "--holder-jwk", str(keys / "holder" / "jwks.json"),
        "--vct", "urn:civicred:test:1", "--iss", "https://issuer.example", "--exp", "3600",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("~")
    path = folder / "credential.sd-jwt"
    path.write_text(result.stdout)
    return path


def present(keys: Path, credential: Path, *disclose: str) -> str:
    result = run(
        "sdjwt", "present", str(credential), "--disclose", *disclose,
        "--holder-key", str(keys / "holder" / "private.jwk"), "--nonce", "n-1", "--aud", "https://v.example",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_keys_generate_layout(keys: Path) -> None:
    for name in ("private.jwk", "private.pem", "jwks.json"):
        assert (keys / "issuer" / name).is_file()


def test_issue_present_verify_json(keys: Path, credential: Path) -> None:
    presentation = present(keys, credential, "/given_name", "/address/street_address")
    result = run(
        "sdjwt", "verify", "-", "--issuer-jwks", str(keys / "issuer" / "jwks.json"),
        "--nonce", "n-1", "--aud", "https://v.example", "--json", stdin=presentation,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["outcome"] == "valid"
    assert all({"code", "ok", "message"} <= c.keys() for c in report["checks"])
    assert report["claims"]["given_name"] == "Marie"
    # locality is not disclosable (always shown); street_address was disclosed on request
    assert report["claims"]["address"] == {
        "street_address": "Rue de la Loi 16",
        "locality": "Bruxelles",
    }
    assert "family_name" not in report["claims"]
    assert report["claims"]["nationalities"] == ["BE"]  # FR not disclosed


def test_wrong_nonce_is_invalid_exit_1(keys: Path, credential: Path) -> None:
    presentation = present(keys, credential, "/given_name")
    result = run(
        "sdjwt", "verify", "-", "--issuer-jwks", str(keys / "issuer" / "jwks.json"),
        "--nonce", "other", "--aud", "https://v.example", "--json", stdin=presentation,
    )  # fmt: skip
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["outcome"] == "invalid"
    assert report["claims"] is None
    assert any(c["code"] == "kb.nonce" and not c["ok"] for c in report["checks"])


def test_untrusted_issuer_is_invalid(keys: Path, credential: Path) -> None:
    result = run(
        "sdjwt", "verify", str(credential), "--issuer-jwks", str(keys / "other" / "jwks.json")
    )
    assert result.returncode == 1
    assert result.stdout.startswith("INVALID")


def test_require_kb_without_kb_is_invalid(keys: Path, credential: Path) -> None:
    result = run(
        "sdjwt", "verify", str(credential), "--issuer-jwks", str(keys / "issuer" / "jwks.json"),
        "--require-kb", "--json",
    )  # fmt: skip
    assert result.returncode == 1
    assert any(c["code"] == "kb.missing" for c in json.loads(result.stdout)["checks"])


def test_now_in_the_future_expires(keys: Path, credential: Path) -> None:
    result = run(
        "sdjwt", "verify", str(credential), "--issuer-jwks", str(keys / "issuer" / "jwks.json"),
        "--now", "2099-01-01T00:00:00Z", "--json",
    )  # fmt: skip
    assert result.returncode == 1
    assert any(c["code"] == "claims.exp" for c in json.loads(result.stdout)["checks"])


@pytest.mark.parametrize("garbage", ["", "~", "a.b.c~", "\x00\xff" * 50, "{", "~" * 10_000])
def test_garbage_never_tracebacks(keys: Path, garbage: str) -> None:
    result = run("verify", "-", "--issuer-jwks", str(keys / "issuer" / "jwks.json"), stdin=garbage)
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr + result.stdout


def test_usage_errors_exit_2(keys: Path, credential: Path) -> None:
    assert run("sdjwt", "verify", str(credential)).returncode == 2  # no trust given
    assert run("sdjwt", "verify", "/nonexistent", "--issuer-jwks", "/nonexistent").returncode == 2
    assert run("keys", "generate", "--alg", "none", "--out", "/tmp/x").returncode == 2
    assert run("sdjwt", "present", str(credential), "--holder-key", "/nonexistent").returncode == 2
