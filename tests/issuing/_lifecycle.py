"""Issuer services that can issue both forms (dev PKI for PDFs), and issuances made through the
real pipeline: allocated status entries in signed SD-JWT VCs, signed PDFs on jti lists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from issuer.documents import DocumentService, make_dev_pki
from issuer.paper import IssuedDocument, PaperIssuer
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from issuer.sources import DevAuthenticSource

#: Every dev person has a current status and coverage on this date (dev_citizens.json).
NOW = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)
OPERATOR_TOKEN = "lifecycle-operator-token-0123456789abcdef"
AUDITOR_TOKEN = "lifecycle-auditor-token-0123456789abcdef"
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
AUDITOR = {"Authorization": f"Bearer {AUDITOR_TOKEN}"}
_DOCUMENTS = DocumentService()


def build_services(database_url: str, **settings: Any) -> IssuerServices:
    pki = make_dev_pki(NOW)
    values: dict[str, Any] = {
        "database_url": database_url,
        "status_list_size": 2048,
        "admin_tokens": [OPERATOR_TOKEN],
        "auditor_tokens": [AUDITOR_TOKEN],
        "public_base_url": "https://testserver",
        **settings,
    }
    return IssuerServices.build(
        IssuerSettings(**values), document_signer=pki.signer, status_signer=pki.signer
    )


def sqlite_services(tmp_path: Path) -> IssuerServices:
    return build_services(f"sqlite:///{tmp_path / 'issuer.db'}")


def person(person_id: str) -> dict[str, Any]:
    return DevAuthenticSource().person(person_id)


def issue_wallet(
    services: IssuerServices,
    grant: str,
    *,
    type_id: str = "social-status",
    person_id: str = "p-0001",
    copies: int = 2,
) -> tuple[str, list[str]]:
    """A batch of ``copies`` signed SD-JWT VCs for one grant, recorded as the OpenID4VCI
    credential endpoint records them: ``(issuance reference, credential ids)``."""
    ids = []
    for _ in range(copies):
        allocation = services.status.allocate()
        services.credentials.issue(
            type_id,
            person(person_id),
            holder_jwk=None,
            now=NOW,
            status=allocation.reference.to_claim(),
        )
        ids.append(allocation.credential_id)
    reference = services.lifecycle.record(
        grant_reference=grant, credential_type=type_id, credential_ids=ids
    )
    return reference, ids


def issue_paper(
    services: IssuerServices,
    doc_type: str = "ehic",
    *,
    person_id: str = "p-0001",
    grant: str | None = None,
    language: str = "en",
) -> IssuedDocument:
    """A signed PDF through :class:`issuer.paper.PaperIssuer` (jti list for prc and ehic)."""
    paper = PaperIssuer(services, _DOCUMENTS)
    return paper.issue(doc_type, person(person_id), language, now=NOW, grant_reference=grant)
