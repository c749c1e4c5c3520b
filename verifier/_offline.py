"""Offline verification against a signed bundle: trust, status and freshness in one place.

The bundle (docs/trust-list.md) carries the trust list, the status lists and the revocation lists
the verifier needs; :class:`OfflineVerifier` turns them into checks. Three-valued on purpose: a
missing, stale or unverifiable list makes the answer ``undetermined``, never "revoked".
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cryptography import x509

from verifier._errors import MalformedInput, StatusUnavailable, VerificationError
from verifier._report import Check, CheckResult, Outcome, VerificationReport, failed, passed
from verifier.inputs import InputKind, verify_document_input
from verifier.jose import CREDENTIAL_ALGORITHMS, AlgorithmPolicy, CompactJws
from verifier.qr import QrDocument, extend_report
from verifier.revocation import RevocationList, certificate_chain_of, decode_revocation_list
from verifier.trust import (
    Bundle,
    FreshnessPolicy,
    QrDocumentResolver,
    SdJwtVcTrustResolver,
    load_certificate,
)

if TYPE_CHECKING:  # verifier.sdjwt and verifier.status are imported where they are used:
    # a verifier of QR documents starts without them (docs/benchmarks.md, CLI start-up)
    from verifier.sdjwt import VerificationPolicy
    from verifier.status import StatusListToken, StatusReference

STATUS_LEEWAY_SECONDS = 60
MAX_LIST_AGE_SECONDS = 24 * 3600  # EHIC PDF QR PoC v0.5 §5 step 6: cache lists for at most 24 h


def _undetermined(code: str, message: str) -> Check:
    return Check(code, CheckResult.UNDETERMINED, message)


@dataclass(frozen=True)
class OfflineVerifier:
    """A verified bundle and the verification time: everything a check may use, as inputs."""

    bundle: Bundle
    now: datetime
    algorithms: AlgorithmPolicy = CREDENTIAL_ALGORITHMS
    # Lists verified once per verifier, not once per credential: a 2^20-entry list costs a
    # signature check and an inflate. Failures are remembered too.
    _lists: dict[tuple[str, datetime], StatusListToken | RevocationList | VerificationError] = (
        field(default_factory=dict, init=False, repr=False, compare=False)
    )

    @classmethod
    def from_bundle(
        cls,
        token: str,
        *,
        root: x509.Certificate | None,
        now: datetime,
        freshness: FreshnessPolicy | None = None,
    ) -> OfflineVerifier:
        """Verify the bundle itself (raises :class:`VerificationError` when it is unusable)."""
        return cls(Bundle.parse(token, root=root, now=now, policy=freshness), now)

    # -- trust data ----------------------------------------------------------------------------
    def trust_checks(self) -> list[Check]:
        """Root pin, bundle age and trust-list age, as checks (stale → undetermined)."""
        return [*self.bundle.checks, self.bundle.snapshot.freshness_at(self.now)]

    def details(self) -> dict[str, Any]:
        return {
            "bundle_issued_at": self.bundle.issued_at.isoformat(),
            "bundle_age_seconds": int(self.bundle.age(self.now).total_seconds()),
            "registry_root": self.bundle.root_fingerprint,
            "root_pinned": self.bundle.pinned,
        }

    # -- SD-JWT VC -----------------------------------------------------------------------------
    def verify_sd_jwt(self, presentation: str, policy: VerificationPolicy) -> VerificationReport:
        from verifier.sdjwt import verify_sd_jwt

        resolver = SdJwtVcTrustResolver(self.bundle.snapshot, self.bundle.root, now=self.now)
        report = verify_sd_jwt(presentation, policy=policy, resolver=resolver)
        checks = self.trust_checks() + [c for c in report.checks if c.code != "status"]
        claims = report.claims
        # draft-ietf-oauth-status-list §8.3: the referenced token is validated first; an invalid
        # one is not looked up.
        if report.outcome is not Outcome.INVALID and claims is not None and "status" in claims:
            checks.append(self.status_of_claims(claims))
        return VerificationReport.from_checks(
            checks,
            claims=claims,
            issuer=report.issuer,
            key_id=report.key_id,
            format=report.format,
            details={**report.details, **self.details()},
        )

    # -- signed documents (QR text, photo or scan, PDF) ----------------------------------------
    def verify_document(
        self, data: bytes, kind: InputKind, *, today: date, treatment_date: date | None = None
    ) -> VerificationReport:
        """EHIC PDF QR PoC v0.5 §5 with the bundle's trust list, revocation lists and root."""
        report = verify_document_input(
            data,
            kind,
            resolver=QrDocumentResolver(self.bundle.snapshot),
            today=today,
            now=self.now,
            treatment_date=treatment_date,
            revocation=self,
            pdf_trust_roots=[self.bundle.root],
        )
        return extend_report(report, before=self.bundle.checks, details=self.details())

    # -- Token Status List ---------------------------------------------------------------------
    def status_of_claims(self, claims: Mapping[str, Any]) -> Check:
        from verifier.status import StatusReference

        try:
            reference = StatusReference.from_claims(claims)
        except MalformedInput as exc:
            return failed("status.reference", exc.message)
        if reference is None:
            return Check("status", CheckResult.NOT_APPLICABLE, "no status_list reference")
        return self.status_check(reference)

    def status_check(self, reference: StatusReference) -> Check:
        """The referenced entry's status from the bundle's copy of its list."""
        from verifier.status import StatusListToken, TokenStatus

        carried = self.bundle.status_tokens.get(reference.uri)
        if carried is None:
            return _undetermined(
                "status.unavailable", f"the bundle has no status list {reference.uri}"
            )
        token = self._remembered(
            (reference.uri, self.now),
            lambda: self._decode(reference.uri, carried.media_type, carried.token),
        )
        if isinstance(token, StatusUnavailable):
            return _undetermined(token.code, f"status undetermined: {token.message}")
        if isinstance(token, VerificationError):
            return _undetermined(token.code, f"status list unusable: {token.message}")
        assert isinstance(token, StatusListToken)
        try:
            value = token.status(reference.idx)
        except VerificationError as exc:
            # draft-ietf-oauth-status-list §8.3: an index outside the list MUST be rejected.
            return failed("status.index_out_of_range", exc.message)
        fresh_until = token.fresh_until(self.bundle.issued_at.timestamp())
        stale = fresh_until is not None and self.now.timestamp() > fresh_until
        if value == TokenStatus.VALID:
            if stale:
                return Check(
                    "status", CheckResult.WARNING, "valid on a status list older than its ttl"
                )
            return passed("status", "status list entry: VALID")
        if value == TokenStatus.INVALID:
            return failed("status.revoked", "the credential has been revoked (status INVALID)")
        if value == TokenStatus.SUSPENDED:
            return failed("status.suspended", "the credential is suspended")
        return _undetermined(
            "status.unknown_value", f"status value {value:#x} is application-specific"
        )

    # -- paper documents (the RevocationChecker protocol of verifier.qr) ---------------------
    def check(self, document: QrDocument, *, now: datetime) -> Check:
        """Revocation of a QR document from the bundle: jti lists (``jti``+``rid``, EHIC PDF QR
        PoC v0.5 §5 step 6) or the Token Status List (``st``); codes start with ``revocation``."""
        mechanism = document.doctype.revocation.mechanism
        payload = document.payload
        if mechanism == "token-status-list":
            from verifier.status import StatusReference

            st = payload.get("st")
            if st is None:
                return Check("revocation", CheckResult.NOT_APPLICABLE, "no status reference")
            try:
                reference = StatusReference.from_compact(st)
            except MalformedInput:
                return failed("revocation.reference", "the status reference is malformed")
            result = self.status_check(reference)
            return Check(f"revocation.{result.code}", result.result, result.message)
        jti, rid = payload.get("jti"), payload.get("rid")
        if not isinstance(jti, str) or not isinstance(rid, str):
            return Check(
                "revocation", CheckResult.NOT_APPLICABLE, "no jti and rid: nothing to check"
            )
        token = self.bundle.revocation_lists.get(rid)
        if token is None:
            return _undetermined(
                "revocation.unavailable", f"the bundle has no revocation list {rid}"
            )
        revocation_list = self._remembered(
            (rid, now), lambda: self._revocation_list(rid, token, now)
        )
        if isinstance(revocation_list, VerificationError):
            return _undetermined(
                "revocation.unusable", f"revocation list unusable: {revocation_list.message}"
            )
        assert isinstance(revocation_list, RevocationList)
        age = now.timestamp() - revocation_list.issued_at
        if now.timestamp() > revocation_list.next_update or age > MAX_LIST_AGE_SECONDS:
            return _undetermined("revocation.stale", "the revocation list is past its next_update")
        if revocation_list.is_revoked(jti):
            return failed("revocation.revoked", "the document has been revoked (its jti is listed)")
        return passed("revocation", f"not on revocation list {rid}")

    def _remembered(
        self,
        key: tuple[str, datetime],
        load: Callable[[], StatusListToken | RevocationList],
    ) -> StatusListToken | RevocationList | VerificationError:
        if key not in self._lists:
            try:
                self._lists[key] = load()
            except VerificationError as exc:
                self._lists[key] = exc
        return self._lists[key]

    def _revocation_list(self, rid: str, token: str, now: datetime) -> RevocationList:
        try:
            chain = [load_certificate(d) for d in certificate_chain_of(token)]
        except MalformedInput:
            raise MalformedInput(
                "revocation list certificate unreadable", code="revocation.format"
            ) from None
        key = self.bundle.status_list_resolver(now).resolve_chain(rid, chain, now).key
        return decode_revocation_list(token, key=key, policy=self.algorithms, expected_rid=rid)

    def _decode(self, uri: str, media_type: str, body: str) -> StatusListToken:
        from verifier.status import (
            STATUS_LIST_CWT_MEDIA_TYPE,
            cwt_certificate_chain,
            decode_status_list_cwt,
            decode_status_list_jwt,
        )

        now = self.now.timestamp()
        resolver = self.bundle.status_list_resolver(self.now)
        if media_type == STATUS_LIST_CWT_MEDIA_TYPE:
            try:
                data = base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise MalformedInput(
                    "the carried CWT is not base64", code="status.format"
                ) from None
            certificates = [load_certificate(d) for d in cwt_certificate_chain(data)]
            key = resolver.resolve_chain(uri, certificates, self.now).key
            return decode_status_list_cwt(
                data,
                key=key,
                policy=self.algorithms,
                expected_uri=uri,
                now=now,
                leeway=STATUS_LEEWAY_SECONDS,
            )
        jws = CompactJws.parse(body, what="status list")
        key = resolver.resolve(jws.header, jws.payload_object()).key
        return decode_status_list_jwt(
            body,
            key=key,
            policy=self.algorithms,
            expected_uri=uri,
            now=now,
            leeway=STATUS_LEEWAY_SECONDS,
        )
