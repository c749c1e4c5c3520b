"""Resolvers for QR documents, which carry only ``kid`` = ``<framework>:x5t#S256:<thumbprint>``.

DOMAIN §1.8 step 4-5 (EHIC PDF QR PoC v0.5 §5-6): resolve with ``kid`` + ``countryCode`` (``ic``)
+ ``officialId`` (``ii``); the certificate MUST be valid on the document date ``di`` (calendar
dates), allowed for the institution ``ic:ii``, and the institution accredited for the document type
on ``di``. The first kid segment is a trust-framework selector, resolved here (compared without
case: the spec's own examples write ``EESSI``, ``eessi`` and ``EESSi``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from verifier._errors import UntrustedIssuer
from verifier.jose import PublicKey
from verifier.trust._model import Accreditation, CertificateEntry, Institution, Issuer
from verifier.trust._pki import public_key_of
from verifier.trust._snapshot import Authorization, TrustSnapshot, split_kid

#: ``EESSI`` for eEHIC/ePRC, ``BE-SSH`` for our social-status documents (trust-list.md §PKI).
DEFAULT_FRAMEWORKS = frozenset({"EESSI", "BE-SSH"})


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


def _framework(kid: str, frameworks: frozenset[str]) -> str:
    framework, thumbprint = split_kid(kid)
    if framework.casefold() not in {f.casefold() for f in frameworks}:
        raise UntrustedIssuer(
            f"kid trust framework {framework!r} is not one of {', '.join(sorted(frameworks))}",
            code="trust.unknown_kid",
        )
    return thumbprint


class QrDocumentResolver:
    """Keys of QR documents from a verified trust snapshot (the offline Resolver API)."""

    def __init__(
        self, snapshot: TrustSnapshot, *, frameworks: Iterable[str] = DEFAULT_FRAMEWORKS
    ) -> None:
        self.snapshot = snapshot
        self.frameworks = frozenset(frameworks)

    def resolve_document(
        self, kid: str, ic: str, ii: str, document_type: str, issued_on: date
    ) -> DocumentKey:
        """The key for a document of ``document_type`` (its ``sid``) signed for ``ic:ii`` on
        ``issued_on`` (``di``), or :class:`UntrustedIssuer` with the first failed step's code."""
        thumbprint = _framework(kid, self.frameworks)
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
