"""Key resolution for signed QR documents (EHIC PDF QR PoC v0.5 §5 step 4, §6 Resolver API).

The verifier hands ``kid``, ``ic`` (countryCode), ``ii`` (officialId), the document type and
``di`` to a :class:`QrDocumentResolver` and gets back the trusted key, or an
:class:`~verifier.UntrustedIssuer`. The trust snapshot (``verifier.trust``) implements it from
the signed registry data; :class:`TrustedCertificates` implements it for ad-hoc checks
(``--trust-cert PEM``): the operator trusts a signer certificate directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography import x509

from verifier import codes
from verifier._errors import MalformedInput, UntrustedIssuer
from verifier._report import Check, CheckResult, failed, passed
from verifier.jose import PublicKey, describe_key, jwk_from_public_key, jwk_thumbprint, key_type
from verifier.qr._doctypes import require_kid_framework
from verifier.qr._document import QrDocument
from verifier.qr._kid import JKT, X5T_S256, certificate_thumbprint, parse_kid


class ResolvedDocumentKey(Protocol):
    """What a resolver returns. Only ``key`` is required; the verifier also reads, when present:
    ``name`` (institution name) or ``institution.names``, ``source``, ``accreditation`` (an
    object with ``valid_from``/``valid_until`` dates: the accreditation period covering ``di``,
    for the "sd..ed inside the accreditation" rule) and ``checks`` (extra
    :class:`~verifier.Check` objects, e.g. a ``trust.freshness`` warning) or
    ``authorization.steps`` (the trust snapshot's per-step decisions)."""

    @property
    def key(self) -> PublicKey: ...


class QrDocumentResolver(Protocol):
    """v0.5 §5 steps 4-5: the key registered for ``kid`` and institution ``ic:ii``, allowed for
    ``document_type`` (the ``sid``) on ``issued_on`` (= ``di``, a local date).

    MUST raise :class:`~verifier.UntrustedIssuer` (never return) when: the kid is unknown
    (``trust.unknown_kid``), the key belongs to another institution (``trust.institution``), the
    certificate is not valid, retired or revoked on ``di`` (``trust.certificate``,
    ``trust.cert_*``), or the institution is not accredited for the type on ``di``
    (``trust.accreditation``). Stale trust data is :class:`~verifier.StatusUnavailable` (or
    code ``trust.freshness``): reported as undetermined, not as untrusted.
    """

    def resolve_document(
        self, kid: str, ic: str, ii: str, document_type: str, issued_on: dt.date
    ) -> ResolvedDocumentKey: ...


@dataclass(frozen=True, slots=True)
class AccreditationPeriod:
    """An institution may have documents of ``document_type`` issued in this period."""

    document_type: str
    valid_from: dt.date
    valid_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ResolvedDocumentIssuer:
    """The answer of :class:`TrustedCertificates` (and a model for other resolvers)."""

    key: PublicKey
    kid: str
    country: str
    official_id: str
    name: str | None = None
    certificate: x509.Certificate | None = None
    accreditation: AccreditationPeriod | None = None
    source: str = ""


def _public_key(cert: x509.Certificate) -> PublicKey:
    """The certificate's key if the crypto policy knows its type and curve (ES256 is P-256 only,
    RFC 7518 §3.4); else ``trust.certificate`` naming the key (P-521, secp256k1, DSA…)."""
    key = cert.public_key()
    if key_type(key) is None:
        raise UntrustedIssuer(
            f"the certificate of {_subject(cert)} holds a {describe_key(key)} key, which the "
            "crypto policy does not accept",
            code=codes.TRUST_CERTIFICATE,
        )
    return key  # type: ignore[return-value]


def _load_pem(data: bytes, what: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise MalformedInput(
            f"{what} is not a PEM certificate: {exc}", code=codes.TRUST_CERTIFICATE
        ) from None


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


@dataclass(frozen=True, slots=True)
class _TrustedCertificate:
    """A trusted certificate with what every resolution reads, computed once."""

    certificate: x509.Certificate
    key: PublicKey
    subject: str
    valid_from: dt.date  # UTC calendar dates of notBefore/notAfter
    valid_until: dt.date


class TrustedCertificates:
    """Trust signer certificates directly (ad hoc, no registry): ``--trust-cert PEM``.

    A certificate matches a kid ``<framework>:x5t#S256:<SHA-256 of its DER>`` (v0.5 §2.3.1) or
    ``<framework>:jkt:<RFC 7638 thumbprint of its key>``, where ``framework`` is one the document
    type accepts (:func:`~verifier.qr.require_kid_framework`: ``EESSI`` for ePRC/eEHIC,
    ``BE-SSH`` for the venue document, the same rule as the trust snapshot's resolver). The
    certificate MUST be valid on ``di`` (v0.5 §5 step 5, local dates). There is no accreditation
    data: the verifier reports that rule as a warning. ``official_ids`` (``"BE:0120"``…)
    optionally binds the certificates to institutions.
    """

    def __init__(
        self,
        certificates: Iterable[x509.Certificate],
        *,
        official_ids: Collection[str] | None = None,
        source: str = "trusted certificate (ad hoc)",
    ) -> None:
        self._by_thumbprint: dict[tuple[str, str], _TrustedCertificate] = {}
        for cert in certificates:
            key = _public_key(cert)
            entry = _TrustedCertificate(
                cert,
                key,
                _subject(cert),
                cert.not_valid_before_utc.date(),
                cert.not_valid_after_utc.date(),
            )
            self._by_thumbprint[(X5T_S256, certificate_thumbprint(cert))] = entry
            self._by_thumbprint[(JKT, jwk_thumbprint(jwk_from_public_key(key)))] = entry
        if not self._by_thumbprint:
            raise ValueError("TrustedCertificates needs at least one certificate")
        self._official_ids = frozenset(official_ids) if official_ids is not None else None
        self._source = source

    @classmethod
    def from_pem(
        cls,
        data: bytes,
        *,
        official_ids: Collection[str] | None = None,
    ) -> TrustedCertificates:
        """Every certificate of a PEM bundle."""
        return cls(_load_pem(data, "PEM data"), official_ids=official_ids)

    @classmethod
    def from_files(
        cls,
        paths: Iterable[Path | str],
        *,
        official_ids: Collection[str] | None = None,
    ) -> TrustedCertificates:
        """Every certificate of the PEM files at ``paths`` (``--trust-cert`` may repeat)."""
        certs: list[x509.Certificate] = []
        for path in paths:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise MalformedInput(
                    f"cannot read {path}: {exc}", code=codes.TRUST_CERTIFICATE
                ) from None
            certs.extend(_load_pem(data, str(path)))
        return cls(certs, official_ids=official_ids)

    def resolve_document(
        self, kid: str, ic: str, ii: str, document_type: str, issued_on: dt.date
    ) -> ResolvedDocumentIssuer:
        key_id = parse_kid(kid)
        require_kid_framework(document_type, key_id.framework)
        entry = self._by_thumbprint.get((key_id.kind, key_id.thumbprint))
        if entry is None:
            raise UntrustedIssuer(
                f"no trusted certificate matches kid {kid}", code=codes.TRUST_UNKNOWN_KID
            )
        official_id = f"{ic}:{ii}"
        if self._official_ids is not None and official_id not in self._official_ids:
            raise UntrustedIssuer(
                f"the trusted certificate is not bound to institution {official_id}",
                code=codes.TRUST_INSTITUTION,
            )
        start, end = entry.valid_from, entry.valid_until
        if not start <= issued_on <= end:
            raise UntrustedIssuer(
                f"the certificate {entry.subject} is valid {start} .. {end}, not on di {issued_on}",
                code=codes.TRUST_CERTIFICATE,
            )
        return ResolvedDocumentIssuer(
            key=entry.key,
            kid=kid,
            country=ic,
            official_id=official_id,
            certificate=entry.certificate,
            source=f"{self._source}: {entry.subject}",
        )


def resolver_steps(resolved: object) -> list[Check]:
    """The per-step decisions a resolver reports (``checks``, or ``authorization.steps`` of the
    trust snapshot's ``DocumentKey``)."""
    steps = getattr(resolved, "checks", None)
    if steps is None:
        steps = getattr(getattr(resolved, "authorization", None), "steps", ())
    return [step for step in steps or () if isinstance(step, Check)]


def trust_freshness(resolver: object, now: dt.datetime) -> Check | None:
    """``trust.freshness`` of the resolver's trust data at ``now``, when it can tell (its own
    ``freshness_at`` or its ``snapshot``'s; trust-list.md §Freshness policy)."""
    method = getattr(resolver, "freshness_at", None)
    if method is None:
        method = getattr(getattr(resolver, "snapshot", None), "freshness_at", None)
    if not callable(method):
        return None
    try:
        check = method(now)
    except Exception as exc:  # a trust source bug must not become a traceback
        return Check(codes.TRUST_FRESHNESS, CheckResult.UNDETERMINED, f"{type(exc).__name__}")
    return check if isinstance(check, Check) else None


def institution_name(resolved: object) -> str | None:
    """The institution's name from the resolver's answer (``name`` or ``institution.names``)."""
    name = getattr(resolved, "name", None)
    if isinstance(name, str) and name:
        return name
    institution = getattr(resolved, "institution", None)
    names = getattr(institution, "names", None)
    if isinstance(names, Mapping) and names:
        value = names.get("en") or next(iter(names.values()))
        return str(value)
    return None


def accreditation_check(document: QrDocument, period: object) -> Check:
    """v0.5 §5 step 5: ``sd..ed`` (the validity window) lies inside the accreditation period."""
    cite = "(EHIC PDF QR PoC v0.5 §5 step 5)"
    if period is None:
        return Check(
            codes.TRUST_ACCREDITATION_PERIOD,
            CheckResult.WARNING,
            f"the trust source gives no accreditation period; not checked {cite}",
        )
    start_name, end_name = document.doctype.validity
    body = document.body
    start = dt.date.fromisoformat(body[start_name])
    end = dt.date.fromisoformat(body[end_name])
    valid_from = getattr(period, "valid_from", None)
    valid_until = getattr(period, "valid_until", None)
    if not isinstance(valid_from, dt.date) or not isinstance(valid_until, dt.date | None):
        return Check(
            codes.TRUST_ACCREDITATION_PERIOD, CheckResult.UNDETERMINED, "unreadable accreditation"
        )
    shown = f"{valid_from} .. {valid_until or 'open-ended'}"
    if valid_from <= start and (valid_until is None or end <= valid_until):
        return passed(
            codes.TRUST_ACCREDITATION_PERIOD,
            f"{start_name}..{end_name} ({start} .. {end}) lies inside the accreditation {shown}",
        )
    return failed(
        codes.TRUST_ACCREDITATION_PERIOD,
        f"{start_name}..{end_name} ({start} .. {end}) is not inside the accreditation {shown} {cite}",
    )
