"""Sample payloads, worst-case payloads and test certificates for the QR document tests."""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from verifier import VerificationTime
from verifier.qr import CIVICRED_EHIC_SID, CIVICRED_SSH_SID, EESSI_PRC_SID

TODAY = dt.date(2025, 3, 12)


def on(today: dt.date, treatment: dt.date | None = None) -> VerificationTime:
    """A verification at noon (UTC) of ``today``, for the treatment date ``treatment``."""
    return VerificationTime(dt.datetime.combine(today, dt.time(12), dt.UTC), today, treatment)


PRC: dict[str, Any] = {
    "sid": EESSI_PRC_SID,
    "jti": "0c5e0d8a-6a43-4d7e-9d1e-2f0a8d3c9b11",
    "rid": "https://revocation.civicred.example/eehic/lists/0042",
    "prc": {
        "ic": "BE",
        "fn": "Wonderland",
        "gn": "Alice",
        "dob": "1984-07-20",
        "hi": "84072002127",
        "in": "CM",
        "ii": "0120",
        "ci": "01200000001234567890",
        "sd": "2025-01-01",
        "ed": "2025-12-31",
        "xd": "2025-12-31",
        "di": "2025-03-12",
    },
}

EHIC: dict[str, Any] = {
    "sid": CIVICRED_EHIC_SID,
    "jti": "0c5e0d8a-6a43-4d7e-9d1e-2f0a8d3c9b12",
    "rid": "https://revocation.civicred.example/ehic/lists/0042",
    "ehic": {
        "ic": "BE",
        "fn": "Wonderland",
        "gn": "Alice",
        "dob": "1984-07-00",
        "hi": "84072002127",
        "in": "CM",
        "ii": "0120",
        "ci": "01200000001234567890",
        "sd": "2025-01-01",
        "xd": "2029-12-31",
        "di": "2025-03-12",
    },
}

SSH: dict[str, Any] = {
    "sid": CIVICRED_SSH_SID,
    "st": {"idx": 412_337, "uri": "https://status.civicred.example/ssh/lists/7"},
    "ssh": {
        "ic": "BE",
        "ii": "NIC-300",
        "fn": "Wonderland",
        "gn": "Alice",
        "by": "1984",
        "rt": True,
        "vf": "2025-01-01",
        "vu": "2026-12-31",
        "di": "2025-03-12",
    },
}

SAMPLES = {EESSI_PRC_SID: PRC, CIVICRED_EHIC_SID: EHIC, CIVICRED_SSH_SID: SSH}


def sample(sid: str) -> dict[str, Any]:
    return copy.deepcopy(SAMPLES[sid])


def with_body(sid: str, **changes: Any) -> dict[str, Any]:
    """A sample whose body fields are changed (``None`` removes a field)."""
    payload = sample(sid)
    body = payload[{EESSI_PRC_SID: "prc", CIVICRED_EHIC_SID: "ehic", CIVICRED_SSH_SID: "ssh"}[sid]]
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return payload


# -- worst case for QR sizes -------------------------------------------------------------------
#: Every letter of ISO 8859-1..4 (Latin-1..4, the EN 1387 print repertoire of Decision S2) that
#: carries a diacritic or is a non-ASCII letter used in names (ß, Æ, Ø, Þ, ĸ…).
LATIN_1_4 = "".join(
    sorted(
        {
            ch
            for codec in ("iso8859_1", "iso8859_2", "iso8859_3", "iso8859_4")
            for ch in bytes(range(0xC0, 0x100)).decode(codec, errors="ignore")
            + bytes(range(0xA1, 0xC0)).decode(codec, errors="ignore")
            if unicodedata.category(ch) in ("Lu", "Ll") and ch not in "ªºµ"
        }
    )
)


def _run(start: int, n: int) -> str:
    return "".join(LATIN_1_4[(start + i) % len(LATIN_1_4)] for i in range(n))


def worst_case(sid: str, window: int = 0) -> dict[str, Any]:
    """Every length-limited field at its maximum; names made only of Latin-1..4 letters.

    ``window`` shifts where in the repertoire the names start, so a set of windows uses every
    letter. ``ii`` (4) + ``in`` (21) = 25, the Decision S2 maximum for field 7.
    """
    names = {"fn": _run(window, 40), "gn": _run(window + 40, 35)}
    if sid == CIVICRED_SSH_SID:
        payload = with_body(sid, ii="NIC-" + "9" * 16, by="1900", **names)
        payload["st"] = {"idx": 2_147_483_647, "uri": "https://status.civicred.example/ssh/lists/7"}
        return payload
    return with_body(
        sid, ii="0120", ci="9" * 20, hi="9" * 20, **{"in": _run(window + 75, 21)}, **names
    )


# -- test certificates -------------------------------------------------------------------------
def self_signed(
    key: ec.EllipticCurvePrivateKey, cn: str = "civicred test issuer"
) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
