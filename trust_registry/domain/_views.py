"""What the services return: frozen snapshots, detached from the database session."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from cryptography import x509

from trust_registry.storage import (
    AccreditationRow,
    AuditRow,
    CertificateRow,
    InstitutionRow,
    IssuerRow,
)
from verifier.trust import dump_pem, load_certificate


@dataclass(frozen=True, slots=True)
class AccreditationView:
    document_type: str
    valid_from: date
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class InstitutionView:
    official_id: str
    country: str
    role: str
    names: dict[str, str]
    accreditations: tuple[AccreditationView, ...]


@dataclass(frozen=True, slots=True)
class IssuerView:
    id: str
    country: str
    names: dict[str, str]
    credential_issuer: str
    signs_for: tuple[str, ...]
    status_lists: tuple[str, ...]
    revocation_lists: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CertificateView:
    issuer_id: str
    use: str
    x5t_s256: str
    state: str
    not_before: datetime
    not_after: datetime
    published_at: datetime
    activated_at: datetime | None
    retired_at: datetime | None
    revoked_at: datetime | None
    der: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return load_certificate(self.der)

    @property
    def pem(self) -> str:
        return dump_pem(self.certificate).decode("ascii")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: Any
    after: Any


def names_of(row: InstitutionRow | IssuerRow) -> dict[str, str]:
    values = {"en": row.name_en, "fr": row.name_fr, "nl": row.name_nl, "de": row.name_de}
    return {k: v for k, v in values.items() if v}


def set_names(row: InstitutionRow | IssuerRow, names: dict[str, str]) -> None:
    row.name_en = names["en"]
    row.name_fr, row.name_nl, row.name_de = names.get("fr"), names.get("nl"), names.get("de")


def accreditation_view(row: AccreditationRow) -> AccreditationView:
    return AccreditationView(row.document_type, row.valid_from, row.valid_until)


def certificate_view(row: CertificateRow) -> CertificateView:
    return CertificateView(
        row.issuer_id,
        row.use,
        row.x5t_s256,
        row.state,
        row.not_before,
        row.not_after,
        row.published_at,
        row.activated_at,
        row.retired_at,
        row.revoked_at,
        row.der,
    )


def audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(row.id, row.at, row.actor, row.action, row.target, row.before, row.after)


def jsonable(view: Any) -> Any:
    """A JSON-safe copy of a view (for audit snapshots): dates as ISO 8601, DER dropped."""
    value = asdict(view) if hasattr(view, "__dataclass_fields__") else view
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "der"}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
