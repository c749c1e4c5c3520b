"""Inputs that made ``civicred verify`` print a traceback: each now gets a typed answer.

A report (exit 1/3) where the input was verifiable, otherwise one ``civicred: …`` line and exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448
from cryptography.x509.oid import NameOID

from ._cli_support import (
    BUNDLE,
    QR_TEXT,
    ROOT,
    SAMPLE_NOW,
    assert_no_traceback,
    civicred,
    one_line_error,
)

EXOTIC_KEYS: dict[str, Callable[[], object]] = {
    "P-521": lambda: ec.generate_private_key(ec.SECP521R1()),
    "secp256k1": lambda: ec.generate_private_key(ec.SECP256K1()),
    "brainpoolP256r1": lambda: ec.generate_private_key(ec.BrainpoolP256R1()),
    "DSA": lambda: dsa.generate_private_key(2048),
    "Ed448": ed448.Ed448PrivateKey.generate,
}


def _self_signed_pem(key: object) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "exotic signer")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())  # type: ignore[attr-defined]
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2040, 1, 1, tzinfo=dt.UTC))
    )
    digest = None if isinstance(key, ed448.Ed448PrivateKey) else hashes.SHA256()
    return builder.sign(key, digest).public_bytes(serialization.Encoding.PEM)  # type: ignore[arg-type]


def _first_failure(result: subprocess.CompletedProcess[str]) -> str:
    report = json.loads(result.stdout)
    return str(next(c for c in report["checks"] if not c["ok"])["code"])


def test_qr_text_longer_than_a_file_name(tmp_path: Path) -> None:
    """The token itself as the argument, with no ``/`` to cut it into path components: probing
    it as a file name raised ENAMETOOLONG. Now it is verified (and is bad Base45)."""
    text = QR_TEXT.read_text().strip().replace("/", "")
    assert len(text) > 255
    result = civicred(
        "verify", text, "--bundle", str(BUNDLE), "--root", str(ROOT), "--now", SAMPLE_NOW,
        "--json", config=tmp_path,
    )  # fmt: skip
    assert_no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert _first_failure(result) == "qr.base45"


def test_real_qr_text_as_an_argument(tmp_path: Path) -> None:
    """The control: the sample's QR text, given as the argument, is valid."""
    result = civicred(
        "verify", QR_TEXT.read_text().strip(), "--bundle", str(BUNDLE), "--root", str(ROOT),
        "--now", SAMPLE_NOW, "--json", config=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outcome"] == "valid"


def test_longer_than_a_path_may_be(tmp_path: Path) -> None:
    """5000 characters: past PATH_MAX as well; the QR size limit answers."""
    result = civicred("verify", "A" * 5000, "--trust-cert", str(ROOT), "--json", config=tmp_path)
    assert_no_traceback(result)
    assert result.returncode == 1
    assert _first_failure(result) == "qr.size"


@pytest.mark.parametrize("curve", sorted(EXOTIC_KEYS))
def test_trust_cert_with_an_exotic_key(tmp_path: Path, curve: str) -> None:
    pem = tmp_path / "signer.pem"
    pem.write_bytes(_self_signed_pem(EXOTIC_KEYS[curve]()))
    result = civicred(
        "verify", str(QR_TEXT), "--trust-cert", str(pem), "--now", SAMPLE_NOW, config=tmp_path
    )
    line = one_line_error(result)
    assert "--trust-cert" in line and "crypto policy" in line


def test_binary_file_as_bundle(tmp_path: Path) -> None:
    garbage = tmp_path / "bundle.bin"
    garbage.write_bytes(bytes(range(256)) * 8)
    result = civicred(
        "verify", str(QR_TEXT), "--bundle", str(garbage), "--root", str(ROOT), config=tmp_path
    )
    assert "bundle" in one_line_error(result)


def test_report_into_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.json"
    result = civicred(
        "verify", str(QR_TEXT), "--bundle", str(BUNDLE), "--root", str(ROOT), "--now", SAMPLE_NOW,
        "--report", str(target), config=tmp_path,
    )  # fmt: skip
    assert "--report" in one_line_error(result)
    assert not target.exists()


def test_an_unexpected_exception_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last resort in ``main``: a defect still gives one line and exit 2, no traceback."""
    import verifier.cli._keys as keys
    from verifier.cli import main

    def broken(_args: object) -> int:
        raise KeyError("secp521r1")

    monkeypatch.setattr(keys, "generate", broken)
    assert main(["keys", "generate", "--out", "/nonexistent/never-written"]) == 2
    err = capsys.readouterr().err
    assert err == "civicred: internal error (KeyError): 'secp521r1'\n"
