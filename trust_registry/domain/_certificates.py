"""Issuer certificates and their life cycle.

    published ──activate──▶ active ──retire──▶ retired
        │                     │                   │
        └──────retire─────────┼───────────────────┤
        └──────────────────revoke─────────────────┴──▶ revoked (final)

``published`` announces a key before it signs (verifiers cache it during the overlap); ``rotate``
activates a new certificate and retires the previously active ones of the same use. Nothing is
ever deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.domain import _validation as check
from trust_registry.domain._errors import (
    BadRequest,
    Conflict,
    InvalidInput,
    InvalidTransition,
    NotFound,
)
from trust_registry.domain._journal import Clock, record
from trust_registry.domain._keys import (
    public_key_of_certificate,
    public_key_of_csr,
    public_key_of_jwk,
)
from trust_registry.domain._rows import get_issuer_row
from trust_registry.domain._views import CertificateView, certificate_view, names_of
from trust_registry.pki import CertificateAuthority
from trust_registry.storage import CertificateRow, Database
from verifier import VerificationError
from verifier.trust import CertificateUse, dump_der, load_certificate, validate_chain, x5t_s256

_ALLOWED = {
    "activate": {"published"},
    "retire": {"published", "active"},
    "revoke": {"published", "active", "retired"},
}


class CertificateService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        ca: CertificateAuthority,
        *,
        default_validity: timedelta = timedelta(days=365),
        min_publication: timedelta = timedelta(0),
    ) -> None:
        self._db = db
        self._clock = clock
        self._ca = ca
        self._default_validity = default_validity
        self._min_publication = min_publication

    # -- adding certificates (state "published") -------------------------------------------------
    def issue(
        self,
        actor: str,
        issuer_id: str,
        *,
        use: str,
        public_jwk: dict[str, Any] | None = None,
        csr_pem: str | None = None,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> CertificateView:
        """Issue a certificate from the dev CA for a public JWK or a (self-signed) CSR."""
        check.use(use)
        if (public_jwk is None) == (csr_pem is None):
            raise InvalidInput("give exactly one of public_jwk and csr")
        if public_jwk is not None:
            key = public_key_of_jwk(public_jwk)
        else:
            key = public_key_of_csr(csr_pem or "")
        now = self._clock()
        start = not_before or now - timedelta(minutes=5)
        end = not_after or now + self._default_validity
        if end <= start or end <= now:
            raise InvalidInput("the validity window is empty or already over")
        with self._db.session() as session:
            issuer = get_issuer_row(session, issuer_id)
            cert = self._ca.issue(
                key,
                use=cast(CertificateUse, use),
                name=names_of(issuer)["en"],
                issuer_id=issuer.id,
                country=issuer.country,
                credential_issuer=issuer.credential_issuer,
                not_before=start,
                not_after=end,
            )
            return self._store(session, actor, issuer_id, use, cert, "certificate.issue")

    def add(self, actor: str, issuer_id: str, *, use: str, certificate: bytes) -> CertificateView:
        """Register a certificate issued elsewhere; it must chain to the registry root."""
        check.use(use)
        try:
            cert = load_certificate(certificate)
            validate_chain(cert, (), self._ca.root, at=self._clock(), use=cast(CertificateUse, use))
        except VerificationError as exc:
            raise BadRequest(f"certificate refused: {exc.message}") from None
        public_key_of_certificate(cert)  # the key rule of issue(): ES256 only on P-256 …
        with self._db.session() as session:
            issuer = get_issuer_row(session, issuer_id)
            organizations = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
            if [a.value for a in organizations] != [issuer.id]:
                raise BadRequest(f"the certificate subject O is not the issuer id {issuer.id!r}")
            return self._store(session, actor, issuer_id, use, cert, "certificate.add")

    def _store(
        self,
        session: Session,
        actor: str,
        issuer_id: str,
        use: str,
        cert: x509.Certificate,
        action: str,
    ) -> CertificateView:
        thumbprint = x5t_s256(cert)
        if session.scalars(select(CertificateRow).filter_by(x5t_s256=thumbprint)).first():
            raise Conflict(f"certificate {thumbprint} is already registered")
        now = self._clock()
        row = CertificateRow(
            issuer_id=issuer_id,
            use=use,
            x5t_s256=thumbprint,
            der=dump_der(cert),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            state="published",
            published_at=now,
        )
        session.add(row)
        session.flush()
        view = certificate_view(row)
        record(session, at=now, actor=actor, action=action, target=thumbprint, after=view)
        return view

    # -- life cycle -----------------------------------------------------------------------------
    def activate(self, actor: str, x5t: str) -> CertificateView:
        with self._db.session() as session:
            return self._activate(session, actor, self._row(session, x5t))

    def retire(self, actor: str, x5t: str) -> CertificateView:
        with self._db.session() as session:
            row = self._row(session, x5t)
            self._allowed(row, "retire")
            return self._change(session, actor, row, "retire", state="retired")

    def revoke(
        self, actor: str, x5t: str, *, revoked_at: datetime | None = None
    ) -> CertificateView:
        """Compromise: documents signed on or after ``revoked_at`` (default now) are refused."""
        now = self._clock()
        if revoked_at is not None and revoked_at > now:
            raise InvalidInput("revoked_at is in the future")
        with self._db.session() as session:
            row = self._row(session, x5t)
            self._allowed(row, "revoke")
            return self._change(
                session, actor, row, "revoke", state="revoked", revoked_at=revoked_at or now
            )

    def rotate(self, actor: str, issuer_id: str, *, use: str, x5t: str) -> list[CertificateView]:
        """Activate ``x5t`` and retire the issuer's other active certificates of ``use``;
        return the new one first, then the retired ones."""
        check.use(use)
        with self._db.session() as session:
            get_issuer_row(session, issuer_id)
            new = self._row(session, x5t)
            if new.issuer_id != issuer_id or new.use != use:
                raise InvalidInput(f"certificate {x5t} is not a {use} certificate of {issuer_id}")
            changed = [self._activate(session, actor, new)]
            previous = session.scalars(
                select(CertificateRow).where(
                    CertificateRow.issuer_id == issuer_id,
                    CertificateRow.use == use,
                    CertificateRow.state == "active",
                    CertificateRow.x5t_s256 != x5t,
                )
            )
            for old in list(previous):
                changed.append(self._change(session, actor, old, "retire", state="retired"))
        return changed

    def _activate(self, session: Session, actor: str, row: CertificateRow) -> CertificateView:
        self._allowed(row, "activate")
        now = self._clock()
        ready = row.published_at + self._min_publication
        if now < ready:
            raise InvalidTransition(
                f"certificate {row.x5t_s256} was published at {row.published_at.isoformat()}; "
                f"verifiers need the overlap: activate it from {ready.isoformat()}"
            )
        if not row.not_before <= now < row.not_after:
            raise InvalidTransition(
                f"certificate {row.x5t_s256} is not valid now "
                f"({row.not_before.isoformat()} to {row.not_after.isoformat()})"
            )
        return self._change(session, actor, row, "activate", state="active")

    def _change(
        self, session: Session, actor: str, row: CertificateRow, step: str, **values: Any
    ) -> CertificateView:
        before = certificate_view(row)
        now = self._clock()
        stamp = {"active": "activated_at", "retired": "retired_at", "revoked": "revoked_at"}
        values.setdefault(stamp[values["state"]], now)
        for name, value in values.items():
            setattr(row, name, value)
        session.flush()
        after = certificate_view(row)
        record(
            session,
            at=now,
            actor=actor,
            action=f"certificate.{step}",
            target=row.x5t_s256,
            before=before,
            after=after,
        )
        return after

    @staticmethod
    def _allowed(row: CertificateRow, step: str) -> None:
        if row.state not in _ALLOWED[step]:
            allowed = " or ".join(sorted(_ALLOWED[step]))
            raise InvalidTransition(
                f"cannot {step} certificate {row.x5t_s256}: it is {row.state} (needs {allowed})"
            )

    @staticmethod
    def _row(session: Session, x5t: str) -> CertificateRow:
        row = session.scalars(select(CertificateRow).filter_by(x5t_s256=x5t)).one_or_none()
        if row is None:
            raise NotFound(f"no certificate with x5t#S256 {x5t!r}")
        return row

    # -- reading --------------------------------------------------------------------------------
    def get(self, x5t: str) -> CertificateView:
        with self._db.session() as session:
            return certificate_view(self._row(session, x5t))

    def list(self, issuer_id: str | None = None) -> list[CertificateView]:
        with self._db.session() as session:
            query = select(CertificateRow).order_by(CertificateRow.id)
            if issuer_id is not None:
                get_issuer_row(session, issuer_id)
                query = query.where(CertificateRow.issuer_id == issuer_id)
            return [certificate_view(r) for r in session.scalars(query)]
