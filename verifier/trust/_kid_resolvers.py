"""Resolvers for QR documents, which carry only ``kid`` = ``<framework>:x5t#S256:<thumbprint>``.

DOMAIN §1.8 step 4-5 (EHIC PDF QR PoC v0.5 §5-6): resolve with ``kid`` + ``countryCode`` (``ic``)
+ ``officialId`` (``ii``); the certificate MUST be valid on the document date ``di`` (calendar
dates), allowed for the institution ``ic:ii``, and the institution accredited for the document type
on ``di``. The first kid segment is a trust-framework selector: the document type's table entry
says which it accepts (:func:`verifier.qr.require_kid_framework`, the rule ``TrustedCertificates``
applies too; compared without case: the spec's own examples write ``EESSI``, ``eessi``, ``EESSi``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from verifier.jose import PublicKey
from verifier.qr import require_kid_framework
from verifier.trust._model import Accreditation, CertificateEntry, Institution, Issuer
from verifier.trust._pki import public_key_of
from verifier.trust._snapshot import Authorization, TrustSnapshot, split_kid


@dataclass(frozen=True, slots=True)
class DocumentKey:
    """A trusted key for one QR document and what the trust source says about it."""

    key: PublicKey
    kid: str
    official_id: str
    authorization: Authorization
    source: str

    @property
    def issuer(self) -> Issuer | None:
        return self.authorization.issuer

    @property
    def institution(self) -> Institution | None:
        return self.authorization.institution

    @property
    def accreditation(self) -> Accreditation | None:
        """The accreditation period (DOMAIN §1.8 step 5: ``sd..ed`` must lie inside it)."""
        return self.authorization.accreditation

    @property
    def certificate(self) -> CertificateEntry | None:
        return self.authorization.certificate


class TrustListDocumentResolver:
    """Keys of QR documents from a verified trust snapshot (the offline Resolver API): the
    trust list's implementation of :class:`verifier.qr.QrDocumentResolver`."""

    def __init__(self, snapshot: TrustSnapshot) -> None:
        self.snapshot = snapshot

    def resolve_document(
        self, kid: str, ic: str, ii: str, document_type: str, issued_on: date
    ) -> DocumentKey:
        """The key for a document of ``document_type`` (its ``sid``) signed for ``ic:ii`` on
        ``issued_on`` (``di``), or :class:`UntrustedIssuer` with the first failed step's code."""
        framework, thumbprint = split_kid(kid)
        require_kid_framework(
            document_type, framework
        )  # the type table's rule, code trust.framework
        official_id = f"{ic}:{ii}"
        decision = self.snapshot.authorize(thumbprint, document_type, official_id, issued_on)
        decision.raise_if_denied()
        assert decision.certificate is not None and decision.issuer is not None
        return DocumentKey(
            public_key_of(decision.certificate.certificate),
            kid,
            official_id,
            decision,
            f"{self.snapshot.source}: {decision.issuer.id}",
        )
