"""What a verifier requires, as explicit inputs (pyca ``PolicyBuilder`` style).

The verifier never reads the wall clock: ``now`` is part of the policy. Limits bound time and
memory on hostile input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from verifier.jose import CREDENTIAL_ALGORITHMS, AlgorithmPolicy
from verifier.sdjwt._disclosure import HASH_ALGORITHMS

MAX_LEEWAY_SECONDS = 300


@dataclass(frozen=True)
class Limits:
    max_token_chars: int = 256 * 1024
    max_disclosures: int = 1024
    max_depth: int = 32


@dataclass(frozen=True)
class VerificationPolicy:
    """Verifier policy for SD-JWT / SD-JWT VC presentations.

    ``require_key_binding`` is decided here, never by whether a KB-JWT is present (RFC 9901 §7.3
    step 1, §9.5). ``expected_typ`` ``None`` skips the ``typ`` check (plain SD-JWT use); SD-JWT VC
    requires ``dc+sd-jwt`` (``legacy_vc_typ`` also admits ``vc+sd-jwt``).
    """

    now: int
    require_key_binding: bool = False
    expected_nonce: str | None = None
    expected_aud: str | None = None
    leeway_seconds: int = 60
    max_kb_age_seconds: int = 300
    algorithms: AlgorithmPolicy = CREDENTIAL_ALGORITHMS
    sd_algs: frozenset[str] = field(default_factory=lambda: frozenset(HASH_ALGORITHMS))
    sd_jwt_vc: bool = True
    legacy_vc_typ: bool = False
    expected_typ: str | None = "dc+sd-jwt"
    accepted_vcts: frozenset[str] | None = None
    required_claims: frozenset[str] = frozenset()
    limits: Limits = Limits()

    def __post_init__(self) -> None:
        if not 0 <= self.leeway_seconds <= MAX_LEEWAY_SECONDS:
            raise ValueError(f"leeway must be between 0 and {MAX_LEEWAY_SECONDS} seconds")
        if self.max_kb_age_seconds <= 0:
            raise ValueError("max_kb_age_seconds must be positive")

    @classmethod
    def at(cls, now: datetime | int | float, **kwargs: object) -> VerificationPolicy:
        """A policy evaluated at ``now`` (a timezone-aware datetime or a Unix time)."""
        if isinstance(now, datetime):
            if now.tzinfo is None:
                raise ValueError("now must be timezone-aware")
            now = now.timestamp()
        return cls(now=int(now), **kwargs)  # type: ignore[arg-type]

    @property
    def accepted_typs(self) -> frozenset[str]:
        if self.expected_typ is None:
            return frozenset()
        if self.legacy_vc_typ and self.expected_typ == "dc+sd-jwt":
            return frozenset({"dc+sd-jwt", "vc+sd-jwt"})
        return frozenset({self.expected_typ})
