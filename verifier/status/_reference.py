"""The ``status`` claim of a Referenced Token (draft-ietf-oauth-status-list-20 §6), and the
compact form printed documents carry: the one status-reference wire model of civicred.

JOSE (§6.2): ``"status": {"status_list": {"idx": <non-negative int>, "uri": "<URI>"}}``.
CWT (§6.3): claim 65535 = ``{"status_list": {"idx": uint, "uri": tstr}}`` (text keys).
Paper (docs/qr-documents.md, ``be.civicred:ssh:1.0``): ``"st": {"idx": …, "uri": …}``, the
``status_list`` object itself (no ``status`` wrapper: every byte counts in a QR code).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verifier import codes
from verifier._errors import MalformedInput
from verifier.cose import CwtClaim

# RFC 3986 §3: URI = scheme ":" hier-part ...; no whitespace or control characters anywhere.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f]*")


def _fail(message: str) -> MalformedInput:
    return MalformedInput(message, code=codes.STATUS_REFERENCE)


@dataclass(frozen=True, slots=True)
class StatusReference:
    """Where a Referenced Token's status lives: entry ``idx`` of the list at ``uri``."""

    idx: int
    uri: str

    def __post_init__(self) -> None:
        # §6.2/§6.3: idx MUST be a non-negative integer; uri MUST be a URI (RFC 3986).
        if type(self.idx) is not int or self.idx < 0:
            raise _fail(f"status_list idx {self.idx!r} is not a non-negative integer")
        if not isinstance(self.uri, str) or not _URI.fullmatch(self.uri):
            raise _fail("status_list uri is not an absolute URI")

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> StatusReference | None:
        """From a JOSE claims set (§6.2); ``None`` if it has no status_list reference."""
        return _from_status(claims.get("status"), "status")

    @classmethod
    def from_cwt_claims(cls, claims: Mapping[Any, Any]) -> StatusReference | None:
        """From a CWT claims set (§6.3, claim 65535); ``None`` if it has no status_list."""
        return _from_status(claims.get(CwtClaim.STATUS), "CWT status claim (65535)")

    @classmethod
    def from_compact(cls, value: object) -> StatusReference:
        """From the compact form ``{"idx", "uri"}`` (a QR document's ``st``); exactly those keys."""
        if not isinstance(value, Mapping) or set(value) != {"idx", "uri"}:
            raise _fail("the status reference is not an object with exactly idx and uri")
        return cls(idx=value["idx"], uri=value["uri"])

    def to_claim(self) -> dict[str, Any]:
        """The value of the ``status`` claim (JOSE) or of CWT claim 65535 (same shape)."""
        return {"status_list": self.to_compact()}

    def to_compact(self) -> dict[str, Any]:
        """``{"idx", "uri"}``, in that order: the ``status_list`` object, a QR document's ``st``."""
        return {"idx": self.idx, "uri": self.uri}


def _from_status(status: object, what: str) -> StatusReference | None:
    if status is None:
        return None
    # §6.2/§6.3: a map that MUST include at least one status mechanism, keyed by text.
    if not isinstance(status, Mapping) or not status:
        raise _fail(f"{what} is not a non-empty object")
    if not all(isinstance(key, str) for key in status):
        raise _fail(f"{what} has a key that is not a text string")
    info = status.get("status_list")
    if info is None:
        return None  # another status mechanism only: not ours to evaluate
    if not isinstance(info, Mapping):
        raise _fail("status_list is not an object")
    if "idx" not in info or "uri" not in info:
        raise _fail("status_list needs both idx and uri")
    return StatusReference(idx=info["idx"], uri=info["uri"])
