"""The trust list model (docs/trust-list.md §Trust list): frozen dataclasses and their JSON.

Parsing is strict on what the contract names (types, date formats, thumbprints that match the
certificate DER, no duplicate identifiers) and ignores members it does not know (forward
compatibility within a signed document).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal, get_args

from cryptography import x509

from verifier.trust._fields import (
    bad,
    read_array,
    read_date,
    read_instant,
    read_int,
    read_names,
    read_numeric_date,
    read_object,
    read_str,
    read_strings,
    unique,
)
from verifier.trust._pki import CertificateUse, b64_der, certificate_from_b64, x5t_s256

CertificateState = Literal["active", "published", "retired", "revoked"]
_STATES: frozenset[str] = frozenset(get_args(CertificateState))
_USES: frozenset[str] = frozenset(get_args(CertificateUse))


@dataclass(frozen=True, slots=True)
class Accreditation:
    """An institution may have documents of ``document_type`` issued for it in this period
    (local calendar dates, ``valid_until`` ``None`` = open-ended; DOMAIN §1.8 step 5)."""

    document_type: str
    valid_from: date
    valid_until: date | None = None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True, slots=True)
class Institution:
    """An EESSI institution (DOMAIN §5; OfficialID ``CC:<id>``) or one of our authentic sources."""

    official_id: str
    country: str
    role: str
    names: Mapping[str, str]
    accreditations: tuple[Accreditation, ...] = ()

    def accreditation_for(self, document_type: str, day: date) -> Accreditation | None:
        for accreditation in self.accreditations:
            if accreditation.document_type == document_type and accreditation.covers(day):
                return accreditation
        return None


@dataclass(frozen=True, slots=True)
class CertificateEntry:
    """One certificate of an issuer, with its registry-assigned signing window and state.

    ``not_before``/``not_after`` is the window in which the key may sign; it lies within the
    certificate's own validity (the effective window is their intersection). Retiring a
    certificate sets ``state`` to ``retired`` and ``not_after`` to the retirement instant.
    """

    certificate: x509.Certificate
    use: CertificateUse
    state: CertificateState
    not_before: datetime
    not_after: datetime
    revoked_at: datetime | None = None
    x5t_s256: str = field(init=False)

    def __post_init__(self) -> None:
        if self.use not in _USES or self.state not in _STATES:
            raise ValueError(f"bad certificate use/state {self.use!r}/{self.state!r}")
        if self.state == "revoked" and self.revoked_at is None:
            raise ValueError("a revoked certificate needs revoked_at")
        times = (self.not_before, self.not_after, self.revoked_at or self.not_before)
        if any(t.tzinfo is None for t in times):
            raise ValueError("certificate entry times must be timezone-aware")
        object.__setattr__(self, "x5t_s256", x5t_s256(self.certificate))

    @classmethod
    def of(
        cls,
        certificate: x509.Certificate,
        use: CertificateUse,
        state: CertificateState = "active",
        *,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        revoked_at: datetime | None = None,
    ) -> CertificateEntry:
        """An entry whose window defaults to the certificate's validity."""
        return cls(
            certificate,
            use,
            state,
            not_before or certificate.not_valid_before_utc,
            not_after or certificate.not_valid_after_utc,
            revoked_at,
        )

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The effective signing window: entry window ∩ certificate validity."""
        cert = self.certificate
        return (
            max(self.not_before, cert.not_valid_before_utc),
            min(self.not_after, cert.not_valid_after_utc),
        )


@dataclass(frozen=True, slots=True)
class Issuer:
    """A key holder (e.g. the CBSS) that signs for institutions (``signs_for``, DOMAIN §1.1)."""

    id: str
    country: str
    names: Mapping[str, str]
    credential_issuer: str
    signs_for: tuple[str, ...]
    status_lists: tuple[str, ...] = ()
    revocation_lists: tuple[str, ...] = ()
    certificates: tuple[CertificateEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class TrustList:
    """The payload of a ``civicred-trust-list+jwt``."""

    iss: str
    issued_at: datetime
    next_update: datetime
    sequence: int
    institutions: tuple[Institution, ...]
    issuers: tuple[Issuer, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "iss": self.iss,
            "issued_at": int(self.issued_at.timestamp()),
            "next_update": int(self.next_update.timestamp()),
            "sequence": self.sequence,
            "institutions": [_institution_json(i) for i in self.institutions],
            "issuers": [_issuer_json(i) for i in self.issuers],
        }

    @classmethod
    def from_json(cls, obj: object) -> TrustList:
        data = read_object(obj, "trust list")
        institutions = tuple(_institution(o) for o in read_array(data, "institutions"))
        issuers = tuple(_issuer(o) for o in read_array(data, "issuers"))
        unique([i.official_id for i in institutions], "institution official_id")
        unique([i.id for i in issuers], "issuer id")
        unique([i.credential_issuer for i in issuers], "issuer credential_issuer")
        unique([c.x5t_s256 for i in issuers for c in i.certificates], "certificate x5t#S256")
        issued_at, next_update = (
            read_numeric_date(data, "issued_at"),
            read_numeric_date(data, "next_update"),
        )
        if next_update <= issued_at:
            raise bad("next_update is not after issued_at")
        return cls(
            read_str(data, "iss"),
            issued_at,
            next_update,
            read_int(data, "sequence"),
            institutions,
            issuers,
        )


# -- JSON out ---------------------------------------------------------------------------------
def _date_json(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _instant_json(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _institution_json(inst: Institution) -> dict[str, Any]:
    return {
        "official_id": inst.official_id,
        "country": inst.country,
        "role": inst.role,
        "names": dict(inst.names),
        "accreditations": [
            {
                "document_type": a.document_type,
                "valid_from": _date_json(a.valid_from),
                "valid_until": _date_json(a.valid_until),
            }
            for a in inst.accreditations
        ],
    }


def _issuer_json(issuer: Issuer) -> dict[str, Any]:
    return {
        "id": issuer.id,
        "country": issuer.country,
        "names": dict(issuer.names),
        "credential_issuer": issuer.credential_issuer,
        "signs_for": list(issuer.signs_for),
        "status_lists": list(issuer.status_lists),
        "revocation_lists": list(issuer.revocation_lists),
        "certificates": [
            {
                "x5t#S256": c.x5t_s256,
                "use": c.use,
                "state": c.state,
                "not_before": _instant_json(c.not_before),
                "not_after": _instant_json(c.not_after),
                "revoked_at": _instant_json(c.revoked_at),
                "der": b64_der(c.certificate),
            }
            for c in issuer.certificates
        ],
    }


# -- JSON in ----------------------------------------------------------------------------------
def _institution(obj: object) -> Institution:
    data = read_object(obj, "an institution")
    accreditations = []
    for item in read_array(data, "accreditations"):
        acc = read_object(item, "an accreditation")
        valid_from = read_date(acc, "valid_from")
        assert valid_from is not None
        accreditations.append(
            Accreditation(
                read_str(acc, "document_type"),
                valid_from,
                read_date(acc, "valid_until", optional=True),
            )
        )
    return Institution(
        read_str(data, "official_id"),
        read_str(data, "country"),
        read_str(data, "role"),
        read_names(data),
        tuple(accreditations),
    )


def _certificate(obj: object) -> CertificateEntry:
    data = read_object(obj, "a certificate entry")
    cert = certificate_from_b64(data.get("der"), what="certificate 'der'")
    use, state = data.get("use"), data.get("state")
    if use not in _USES or state not in _STATES:
        raise bad(f"certificate use/state {use!r}/{state!r} is not known")
    not_before, not_after = read_instant(data, "not_before"), read_instant(data, "not_after")
    assert not_before is not None and not_after is not None
    try:
        entry = CertificateEntry(
            cert, use, state, not_before, not_after, read_instant(data, "revoked_at", optional=True)
        )
    except ValueError as exc:
        raise bad(str(exc)) from None
    if data.get("x5t#S256") != entry.x5t_s256:
        raise bad("a certificate's x5t#S256 does not match its DER")
    return entry


def _issuer(obj: object) -> Issuer:
    data = read_object(obj, "an issuer")
    return Issuer(
        read_str(data, "id"),
        read_str(data, "country"),
        read_names(data),
        read_str(data, "credential_issuer"),
        read_strings(data, "signs_for"),
        read_strings(data, "status_lists"),
        read_strings(data, "revocation_lists"),
        tuple(_certificate(c) for c in read_array(data, "certificates")),
    )
