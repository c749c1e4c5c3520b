"""Input auto-detection for ``civicred verify FILE|TEXT`` (stdlib only)."""

from __future__ import annotations

import pytest

from verifier.inputs import InputKind, detect_input

JWS = "eyJhbGciOiJFUzI1NiJ9.eyJzaWQiOiJ4In0.c2ln"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", InputKind.PNG),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", InputKind.JPEG),
        (b"GIF89a\x01\x00", InputKind.IMAGE),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", InputKind.IMAGE),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", InputKind.PDF),
        (b"\r\n  junk before the header %PDF-1.4\n", InputKind.PDF),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR%PDF-1.4\n", InputKind.AMBIGUOUS),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 5000 + b"%PDF-1.4\n", InputKind.AMBIGUOUS),
        (b"GIF89a" + b"\x00" * (2 << 20) + b"%PDF-1.7", InputKind.AMBIGUOUS),  # past 1 MiB
        (b"%PDF-1.7\n\xff\xd8\xff\xe0 an embedded JPEG stream", InputKind.PDF),
        ("%PDF-1.4\n1 0 obj", InputKind.PDF),
        ("6BF*ZB8XP+MKIT27G4WA0$SGX.L8A84D3/R8QDESD42A0-H4R SN7MBZ6", InputKind.QR_TEXT),
        (b"6BF*ZB8XP+MKIT27G4WA0\r\n", InputKind.QR_TEXT),
        ("HC1:6BF*ZB8XP", InputKind.QR_TEXT),  # the verifier then says qr.prefix
        (JWS, InputKind.JWS),
        (JWS + "~WyJzYWx0IiwibmFtZSIsIkFsaWNlIl0~", InputKind.SD_JWT),
        (JWS + "~WyJzYWx0IiwibmFtZSIsIkFsaWNlIl0~" + JWS, InputKind.SD_JWT),
        ('{"payload": "eyJ", "protected": "eyJ", "signature": "c2ln"}', InputKind.SD_JWT_JSON),
        ('{"payload": "x", "signatures": []}', InputKind.SD_JWT_JSON),
        ('{"keys": []}', InputKind.UNKNOWN),
        ("{" * 100_000, InputKind.UNKNOWN),
        ("", InputKind.UNKNOWN),
        ("   \n", InputKind.UNKNOWN),
        ("hello world", InputKind.UNKNOWN),
        (b"\x00\x01\x02\xff", InputKind.UNKNOWN),
        (bytearray(b"\x89PNG\r\n\x1a\n"), InputKind.PNG),
        (memoryview(b"%PDF-1.4"), InputKind.PDF),
        (12345, InputKind.UNKNOWN),
    ],
)
def test_detect_input(data: object, kind: InputKind) -> None:
    assert detect_input(data) is kind  # type: ignore[arg-type]


def test_the_spec_vector_is_qr_text() -> None:
    from conftest import conformance_path

    folder = conformance_path("eehic-prc-poc")
    assert detect_input((folder / "prc_john_doe.qr.b45").read_bytes()) is InputKind.QR_TEXT
    assert detect_input((folder / "prc_john_doe.jwt").read_text()) is InputKind.JWS
