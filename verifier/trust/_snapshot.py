"""A verified trust list, indexed, and the authorization rule of docs/trust-list.md.

Rule (trust-list.md §Trust list; DOMAIN §1.5 and §1.8 step 5): an issuer may sign a document of
type T for institution I on date D iff a certificate of the issuer with the right ``use`` covers D
(and was not revoked before D), I ∈ ``signs_for``, and I has an accreditation for T covering D.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from cryptography import x509

from verifier import codes
from verifier._errors import UntrustedIssuer
from verifier._report import Check, CheckResult, failed, passed
from verifier.trust._freshness import FreshnessPolicy
from verifier.trust._model import (
    Accreditation,
    CertificateEntry,
    Institution,
    Issuer,
    TrustList,
)
from verifier.trust._pki import CertificateUse, certificate_use, x5t_s256

_X5T_KIND = "x5t#S256"


def split_kid(kid: object) -> tuple[str, str]:
    """``<framework>:x5t#S256:<thumbprint>`` → (framework, thumbprint); else ``trust.unknown_kid``
    (the registry resolves only X.509 thumbprints; ``jkt`` kids name no certificate)."""
    parts = kid.split(":") if isinstance(kid, str) else []
    if len(parts) != 3 or not parts[0] or parts[1] != _X5T_KIND or len(parts[2]) != 43:
        raise UntrustedIssuer(
            f"kid {kid!r} is not <framework>:x5t#S256:<thumbprint>", code=codes.TRUST_UNKNOWN_KID
        )
    return parts[0], parts[2]


@dataclass(frozen=True, slots=True)
class Authorization:
    """The decision of :meth:`TrustSnapshot.authorize`, with one check per step."""

    steps: tuple[Check, ...]
    issuer: Issuer | None = None
    certificate: CertificateEntry | None = None
    institution: Institution | None = None
    accreditation: Accreditation | None = None

    @property
    def allowed(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    @property
    def failure(self) -> Check | None:
        return next((step for step in self.steps if not step.ok), None)

    def raise_if_denied(self) -> None:
        failure = self.failure
        if failure is not None:
            raise UntrustedIssuer(failure.message, code=failure.code)
        if not self.steps:
            raise UntrustedIssuer("nothing was authorized", code=codes.TRUST_UNKNOWN_KID)


def _day(on: date | datetime) -> date:
    return on.astimezone(UTC).date() if isinstance(on, datetime) else on


def _within(on: date | datetime, start: datetime, end: datetime) -> bool:
    if isinstance(on, datetime):
        return start <= on <= end
    return start.date() <= on <= end.date()  # DOMAIN §1.8 step 5: compare calendar dates


def _on_or_after(on: date | datetime, instant: datetime) -> bool:
    return on >= instant if isinstance(on, datetime) else on >= instant.date()


def window_step(entry: CertificateEntry, on: date | datetime) -> Check:
    """Does the certificate's effective signing window cover ``on``?"""
    start, end = entry.window
    if _within(on, start, end):
        return passed(
            codes.TRUST_CERT_WINDOW,
            f"the certificate ({entry.state}) covers {on.isoformat()} "
            f"[{start.isoformat()} .. {end.isoformat()}]",
        )
    after_end = on > end if isinstance(on, datetime) else on > end.date()
    code = codes.TRUST_CERT_NOT_VALID_ON_DATE
    if entry.state == "retired" and after_end:
        code = codes.TRUST_CERT_RETIRED
    return failed(
        code,
        f"the certificate ({entry.state}) signs only in [{start.isoformat()} .. "
        f"{end.isoformat()}], not on {on.isoformat()}",
    )


def certificate_steps(
    entry: CertificateEntry, use: CertificateUse, on: date | datetime
) -> list[Check]:
    """Use, revocation, state and signing window of one certificate at ``on``."""
    steps: list[Check] = []
    cert_use = certificate_use(entry.certificate)
    if entry.use == use and cert_use == use:
        steps.append(passed(codes.TRUST_CERT_USE, f"the certificate is a {use} certificate"))
    else:
        steps.append(
            failed(
                codes.TRUST_WRONG_USE, f"the certificate is for {entry.use}/{cert_use}, not {use}"
            )
        )
    if entry.revoked_at is not None:
        if _on_or_after(on, entry.revoked_at):
            steps.append(
                failed(
                    codes.TRUST_CERT_REVOKED,
                    f"the certificate was revoked at {entry.revoked_at.isoformat()}; "
                    f"the document is dated {on.isoformat()}",
                )
            )
        else:
            steps.append(
                Check(
                    codes.TRUST_CERT_REVOCATION,
                    CheckResult.WARNING,
                    f"the certificate was revoked at {entry.revoked_at.isoformat()}, after the "
                    "document date",
                )
            )
    steps.append(window_step(entry, on))
    return steps


@dataclass(frozen=True, slots=True)
class TrustSnapshot:
    """A verified trust list, its freshness at load time and the root it chained to."""

    trust_list: TrustList
    freshness: Check
    root: x509.Certificate | None = None
    registry_certificate: x509.Certificate | None = None
    _by_x5t: Mapping[str, tuple[Issuer, CertificateEntry]] = field(
        init=False, repr=False, compare=False
    )
    _by_credential_issuer: Mapping[str, Issuer] = field(init=False, repr=False, compare=False)
    _by_issuer_id: Mapping[str, Issuer] = field(init=False, repr=False, compare=False)
    _by_official_id: Mapping[str, Institution] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        issuers = self.trust_list.issuers
        setattr_ = object.__setattr__
        setattr_(self, "_by_x5t", {c.x5t_s256: (i, c) for i in issuers for c in i.certificates})
        setattr_(self, "_by_credential_issuer", {i.credential_issuer: i for i in issuers})
        setattr_(self, "_by_issuer_id", {i.id: i for i in issuers})
        setattr_(self, "_by_official_id", {i.official_id: i for i in self.trust_list.institutions})

    # -- facts ----------------------------------------------------------------------------------
    @property
    def issued_at(self) -> datetime:
        return self.trust_list.issued_at

    @property
    def next_update(self) -> datetime:
        return self.trust_list.next_update

    @property
    def sequence(self) -> int:
        return self.trust_list.sequence

    @property
    def root_fingerprint(self) -> str | None:
        """``x5t#S256`` of the root this snapshot was verified against."""
        return None if self.root is None else x5t_s256(self.root)

    @property
    def source(self) -> str:
        return f"trust list #{self.sequence} of {self.issued_at.date().isoformat()}"

    def freshness_at(self, now: datetime, policy: FreshnessPolicy | None = None) -> Check:
        """Freshness re-evaluated at ``now`` (a snapshot outlives the moment it was loaded)."""
        return (policy or FreshnessPolicy()).check(
            "the trust list", self.issued_at, now=now, next_update=self.next_update
        )

    # -- indexes --------------------------------------------------------------------------------
    def certificate(self, x5t: str) -> tuple[Issuer, CertificateEntry] | None:
        return self._by_x5t.get(x5t)

    def certificate_for_kid(self, kid: str) -> tuple[Issuer, CertificateEntry] | None:
        """By ``<framework>:x5t#S256:<thumbprint>``; the framework is not checked here."""
        return self._by_x5t.get(split_kid(kid)[1])

    def issuer_for(self, credential_issuer: str) -> Issuer | None:
        return self._by_credential_issuer.get(credential_issuer)

    def issuer(self, issuer_id: str) -> Issuer | None:
        return self._by_issuer_id.get(issuer_id)

    def institution(self, official_id: str) -> Institution | None:
        return self._by_official_id.get(official_id)

    def list_signers(self, uri: str) -> tuple[tuple[Issuer, CertificateEntry], ...]:
        """The ``status_signing`` certificates allowed to sign the status or revocation list at
        ``uri``: those of every issuer whose ``status_lists``/``revocation_lists`` names it."""
        return tuple(
            (issuer, entry)
            for issuer in self.trust_list.issuers
            if uri in issuer.status_lists or uri in issuer.revocation_lists
            for entry in issuer.certificates
            if entry.use == "status_signing"
        )

    # -- decisions ------------------------------------------------------------------------------
    def _lookup(
        self, certificate: CertificateEntry | str
    ) -> tuple[Issuer, CertificateEntry] | Authorization:
        x5t = certificate if isinstance(certificate, str) else certificate.x5t_s256
        found = self._by_x5t.get(x5t)
        if found is None:
            return Authorization(
                (failed(codes.TRUST_UNKNOWN_KID, f"no certificate {x5t} in the {self.source}"),)
            )
        return found

    def authorize(
        self,
        certificate: CertificateEntry | str,
        document_type: str,
        institution: str,
        on: date | datetime,
    ) -> Authorization:
        """May the holder of ``certificate`` (entry or ``x5t#S256``) sign a ``document_type`` for
        ``institution`` (OfficialID) dated ``on``? Every step is evaluated and reported."""
        found = self._lookup(certificate)
        if isinstance(found, Authorization):
            return found
        issuer, entry = found
        steps = certificate_steps(entry, "document_signing", on)
        if institution in issuer.signs_for:
            steps.append(
                passed(codes.TRUST_INSTITUTION, f"{issuer.id} signs for institution {institution}")
            )
        else:
            steps.append(
                failed(
                    codes.TRUST_NOT_FOR_INSTITUTION, f"{issuer.id} does not sign for {institution}"
                )
            )
        inst = self._by_official_id.get(institution)
        accreditation = None if inst is None else inst.accreditation_for(document_type, _day(on))
        if accreditation is not None:
            steps.append(
                passed(
                    codes.TRUST_ACCREDITATION,
                    f"{institution} is accredited for {document_type} on {_day(on).isoformat()}",
                )
            )
        else:
            known = "" if inst is not None else " (institution not in the trust list)"
            steps.append(
                failed(
                    codes.TRUST_NOT_ACCREDITED,
                    f"{institution} is not accredited for {document_type} on "
                    f"{_day(on).isoformat()}{known}",
                )
            )
        return Authorization(tuple(steps), issuer, entry, inst, accreditation)

    def authorize_list_signer(
        self, uri: str, certificate: CertificateEntry | str, on: date | datetime
    ) -> Authorization:
        """May ``certificate`` sign the status/revocation list at ``uri`` at ``on``? The issuer
        must name ``uri``; the certificate must be a ``status_signing`` one covering ``on``."""
        found = self._lookup(certificate)
        if isinstance(found, Authorization):
            return found
        issuer, entry = found
        steps = certificate_steps(entry, "status_signing", on)
        if uri in issuer.status_lists or uri in issuer.revocation_lists:
            steps.append(passed(codes.TRUST_LIST_URI, f"{issuer.id} publishes the list {uri}"))
        else:
            steps.append(
                failed(codes.TRUST_NOT_FOR_LIST, f"{issuer.id} does not publish the list {uri}")
            )
        return Authorization(tuple(steps), issuer, entry)
