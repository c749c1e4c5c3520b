"""Issuing paper documents: a revocation reference, the registry's decision, sign and render, then
record the issuance.

Order matters: the jti (or status entry) is assigned first so the signed token names a list that
is already published; the trust registry's decision (certificate, accreditation of ``ic:ii`` for
the document's ``sid`` on the issue date) is checked before anything is signed; the document is
recorded in its issuance (issuer.lifecycle) once it exists, so the operator API can revoke it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from issuer.catalog._claims import CLAIM_BASES
from issuer.documents import DocumentService, RenderedDocument, build_payload, printed_type
from issuer.services import IssuerServices
from verifier.qr import get_doctype


@dataclass(frozen=True)
class IssuedDocument:
    rendered: RenderedDocument
    #: The issuance the document was recorded in (the operator API's ``iss_…`` reference).
    issuance: str


@dataclass
class PaperIssuer:
    services: IssuerServices
    documents: DocumentService

    def issue(
        self,
        doc_type: str,
        person: dict[str, Any],
        language: str,
        *,
        now: datetime,
        prc_valid_from: date | None = None,
        prc_days: int = 90,
        grant_reference: str | None = None,
    ) -> IssuedDocument:
        """``grant_reference``: the grant the document belongs to (it joins the issuance of the
        wallet credential of the same grant and type); a document of its own without one."""
        printed = printed_type(doc_type)
        sid = printed.sid
        mechanism = get_doctype(sid).revocation.mechanism
        revocation = self.services.revocation.assign() if mechanism == "jti-list" else None
        allocated = self.services.status.allocate() if mechanism == "token-status-list" else None
        status = allocated.reference if allocated is not None else None
        options: dict[str, Any] = {
            "revocation": revocation,
            "status": status,
            "prc_valid_from": prc_valid_from,
            "prc_days": prc_days,
        }
        payload = build_payload(sid, person, today=now.date(), **options)
        body = next(v for k, v in payload.items() if isinstance(v, dict) and "ii" in v)
        authorize = self.services.credentials.authorize
        if authorize is not None:
            authorize(sid, f"{body['ic']}:{body['ii']}", now)
        rendered = self.documents.render(
            sid, person, language, signer=self.services.document_signer, now=now, **options
        )
        issuance = self.services.lifecycle.record(
            grant_reference=grant_reference or f"paper:{secrets.token_urlsafe(16)}",
            credential_type=printed.credential_type,
            credential_ids=[allocated.credential_id] if allocated is not None else [],
            jtis=[revocation.jti] if revocation is not None else [],
            subject_id=person.get("person_id"),
            basis=CLAIM_BASES[printed.credential_type](person, now.date()),
        )
        return IssuedDocument(rendered, issuance)
