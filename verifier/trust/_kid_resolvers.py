"""Resolvers for QR documents, which carry only ``kid`` = ``<framework>:x5t#S256:<thumbprint>``.

DOMAIN §1.8 step 4-5 (EHIC PDF QR PoC v0.5 §5-6): resolve with ``kid`` + ``countryCode`` (``ic``)
+ ``officialId`` (``ii``); the certificate MUST be valid on the document date ``di`` (calendar
dates), allowed for the institution ``ic:ii``, and the institution accredited for the document type
on ``di``. The first kid segment is a trust-framework selector, resolved here (compared without
case: the spec's own examples write ``EESSI``, ``eessi`` and ``EESSi``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cryptography import x509

from verifier._errors import UntrustedIssuer
from verifier._report import Check, CheckResult
from verifier.jose import PublicKey
from verifier.trust._model import Accreditation, CertificateEntry, Institution, Issuer
from verifier.trust._pki import parse_x5c, public_key_of, x5t_s256
from verifier.trust._resolver import ResolvedKey
from verifier.trust._snapshot import Authorization, TrustSnapshot, split_kid, window_step

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


class CertificateResolver:
    """Trust exactly the given signer certificates (``--trust-cert PEM``), matched by kid.

    No trust list: the institution and accreditation cannot be checked (reported as warnings);
    the certificate's own validity must cover the document date.
    """

    def __init__(
        self,
        certificates: Iterable[x509.Certificate],
        *,
        frameworks: Iterable[str] = DEFAULT_FRAMEWORKS,
        source: str = "trusted certificate",
    ) -> None:
        self._by_x5t = {x5t_s256(c): c for c in certificates}
        if not self._by_x5t:
            raise ValueError("CertificateResolver needs at least one certificate")
        self.frameworks = frozenset(frameworks)
        self.source = source

    def _certificate(self, thumbprint: str) -> x509.Certificate:
        cert = self._by_x5t.get(thumbprint)
        if cert is None:
            raise UntrustedIssuer(
                f"no trusted certificate with x5t#S256 {thumbprint}", code="trust.unknown_kid"
            )
        return cert

    def _window(self, cert: x509.Certificate, on: date | datetime) -> Check:
        return window_step(CertificateEntry.of(cert, "document_signing"), on)

    def resolve_document(
        self, kid: str, ic: str, ii: str, document_type: str, issued_on: date
    ) -> DocumentKey:
        cert = self._certificate(_framework(kid, self.frameworks))
        window = self._window(cert, issued_on)
        if not window.ok:
            raise UntrustedIssuer(window.message, code=window.code)
        unchecked = Check(
            "trust.accreditation",
            CheckResult.WARNING,
            f"no trust list: {ic}:{ii} and its accreditation for {document_type} were not checked",
        )
        return DocumentKey(
            public_key_of(cert), kid, f"{ic}:{ii}", Authorization((window, unchecked)), self.source
        )

    def resolve(self, header: Mapping[str, Any], payload: Mapping[str, Any]) -> ResolvedKey:
        """:class:`IssuerKeyResolver` for JWTs: by x5t kid, else by the ``x5c`` leaf; the
        certificate must cover ``iat`` when present."""
        kid = header.get("kid")
        if isinstance(kid, str) and kid.count(":") == 2:
            cert = self._certificate(_framework(kid, self.frameworks))
        else:
            cert = self._certificate(x5t_s256(parse_x5c(header.get("x5c"))[0]))
        iat = payload.get("iat")
        if type(iat) is not bool and isinstance(iat, int | float):
            window = self._window(cert, datetime.fromtimestamp(iat, UTC))
            if not window.ok:
                raise UntrustedIssuer(window.message, code=window.code)
        iss = payload.get("iss")
        return ResolvedKey(
            public_key_of(cert), x5t_s256(cert), iss if isinstance(iss, str) else None, self.source
        )
