"""Offline verification against a signed bundle: one verifier per bundle and verification time.

The bundle (docs/trust-list.md) carries the trust list, the status lists and the revocation lists
a verifier needs. :class:`OfflineVerifier` only wires them together: the formats are verified by
:mod:`verifier.sdjwt` and :mod:`verifier.inputs`, the status of a credential is judged by
:func:`verifier.status.status_check`, the revocation of a paper document by
:func:`verifier.revocation.revocation_list_check`. What it adds is the bundle: which key may sign
a carried list, and each list verified once per verification time.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography import x509

from verifier import codes
from verifier._errors import MalformedInput, VerificationError
from verifier._report import Check, CheckResult, VerificationReport, failed
from verifier._time import VerificationTime
from verifier.inputs import InputKind, verify_document_input
from verifier.jose import CREDENTIAL_ALGORITHMS, AlgorithmPolicy, CompactJws
from verifier.qr import QrDocument, extend_report
from verifier.revocation import (
    RevocationList,
    certificate_chain_of,
    decode_revocation_list,
    revocation_list_check,
)
from verifier.trust import (
    Bundle,
    FreshnessPolicy,
    SdJwtVcTrustResolver,
    TrustListDocumentResolver,
    load_certificate,
)

if TYPE_CHECKING:  # verifier.sdjwt and verifier.status are imported where they are used:
    # a verifier of QR documents starts without them (docs/benchmarks.md, CLI start-up)
    from verifier.sdjwt import VerificationPolicy
    from verifier.status import StatusListToken, StatusReference

STATUS_LEEWAY_SECONDS = 60
_List = Any  # StatusListToken | RevocationList | VerificationError | None, remembered per key


@dataclass(frozen=True)
class OfflineVerifier:
    """A verified bundle and the verification time: everything a check may use, as inputs.

    It is the :class:`~verifier.status.StatusSource` of SD-JWT VCs and the
    :class:`~verifier.qr.RevocationChecker` of paper documents verified with it.
    """

    bundle: Bundle
    time: VerificationTime
    algorithms: AlgorithmPolicy = CREDENTIAL_ALGORITHMS
    # Lists verified once per verification time, not once per credential: a 2^20-entry list
    # costs a signature check and an inflate. Failures are remembered too. Shared by at().
    _lists: dict[tuple[str, datetime], _List] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_bundle(
        cls,
        token: str,
        *,
        root: x509.Certificate | None,
        time: VerificationTime,
        freshness: FreshnessPolicy | None = None,
    ) -> OfflineVerifier:
        """Verify the bundle itself (raises :class:`VerificationError` when it is unusable)."""
        return cls(Bundle.parse(token, root=root, now=time.now, policy=freshness), time)

    @property
    def now(self) -> datetime:
        return self.time.now

    def at(self, time: VerificationTime) -> OfflineVerifier:
        """The same bundle verified for another time (another treatment date, a later instant);
        lists already verified at that instant are not verified again."""
        other = OfflineVerifier(self.bundle, time, self.algorithms)
        object.__setattr__(other, "_lists", self._lists)
        return other

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

    def refusal(self) -> VerificationReport:
        """The report of every input when the bundle itself answers nothing (a rollback)."""
        return VerificationReport.from_checks(self.trust_checks(), details=self.details())

    # -- SD-JWT VC -----------------------------------------------------------------------------
    def verify_sd_jwt(self, presentation: str, policy: VerificationPolicy) -> VerificationReport:
        """An SD-JWT VC against the bundle's trust list and status lists. ``policy.now`` must be
        this verifier's time (one time per verification)."""
        from verifier.sdjwt import verify_sd_jwt

        if policy.now != int(self.time.timestamp):
            raise ValueError("the policy's now is not this verifier's time")
        resolver = SdJwtVcTrustResolver(self.bundle.snapshot, self.bundle.root, now=self.now)
        report = verify_sd_jwt(presentation, policy=policy, resolver=resolver, status=self)
        return report.with_checks(before=self.trust_checks(), details=self.details())

    # -- signed documents (QR text, photo or scan, PDF) ----------------------------------------
    def verify_document(self, data: bytes, kind: InputKind) -> VerificationReport:
        """EHIC PDF QR PoC v0.5 §5 with the bundle's trust list, revocation lists and root."""
        report = verify_document_input(
            data,
            kind,
            resolver=TrustListDocumentResolver(self.bundle.snapshot),
            time=self.time,
            revocation=self,
            pdf_trust_roots=[self.bundle.root],
        )
        return extend_report(report, before=self.bundle.checks, details=self.details())

    # -- Token Status List (the StatusSource of verifier.status) -------------------------------
    def status_check(self, reference: StatusReference) -> Check:
        """The referenced entry's status from the bundle's copy of its list."""
        from verifier.status import status_check

        token = self._remembered(reference.uri, lambda: self._status_list(reference.uri))
        fetched_at = self.bundle.issued_at.timestamp()
        return status_check(token, reference, now=self.time.timestamp, fetched_at=fetched_at)

    # -- paper documents (the RevocationChecker of verifier.qr) --------------------------------
    def check(self, document: QrDocument) -> Check:
        """Revocation of a QR document from the bundle, by the mechanism of its type: the Token
        Status List (``st``) or jti lists (``jti`` + ``rid``, EHIC PDF QR PoC v0.5 §5 step 6)."""
        if document.doctype.revocation.mechanism == "token-status-list":
            return self._document_status(document)
        jti, rid = document.payload.get("jti"), document.payload.get("rid")
        if not isinstance(jti, str) or not isinstance(rid, str):
            return Check(
                codes.REVOCATION, CheckResult.NOT_APPLICABLE, "no jti and rid: nothing to check"
            )
        revocation_list = self._remembered(rid, lambda: self._revocation_list(rid))
        return revocation_list_check(revocation_list, jti=jti, rid=rid, now=self.time.timestamp)

    def _document_status(self, document: QrDocument) -> Check:
        from verifier.status import StatusReference

        st = document.payload.get("st")
        if st is None:
            return Check(codes.STATUS, CheckResult.NOT_APPLICABLE, "no status reference")
        try:
            reference = StatusReference.from_compact(st)
        except MalformedInput as exc:
            return failed(codes.STATUS_REFERENCE, exc.message)
        return self.status_check(reference)

    # -- the carried lists ---------------------------------------------------------------------
    def _remembered(self, name: str, load: Callable[[], _List]) -> _List:
        key = (name, self.now)
        if key not in self._lists:
            try:
                self._lists[key] = load()
            except VerificationError as exc:
                self._lists[key] = exc
        return self._lists[key]

    def _revocation_list(self, rid: str) -> RevocationList | None:
        token = self.bundle.revocation_lists.get(rid)
        if token is None:
            return None
        try:
            chain = [load_certificate(d) for d in certificate_chain_of(token)]
        except MalformedInput:
            raise MalformedInput(
                "revocation list certificate unreadable", code=codes.REVOCATION_FORMAT
            ) from None
        resolver = self.bundle.status_list_resolver(self.now)
        key = resolver.resolve_chain(rid, chain, self.now).key
        return decode_revocation_list(token, key=key, policy=self.algorithms, expected_rid=rid)

    def _status_list(self, uri: str) -> StatusListToken | None:
        carried = self.bundle.status_tokens.get(uri)
        if carried is None:
            return None
        return self._decode(uri, carried.media_type, carried.token)

    def _decode(self, uri: str, media_type: str, body: str) -> StatusListToken:
        from verifier.status import (
            STATUS_LIST_CWT_MEDIA_TYPE,
            cwt_certificate_chain,
            decode_status_list_cwt,
            decode_status_list_jwt,
        )

        now = self.time.timestamp
        resolver = self.bundle.status_list_resolver(self.now)
        if media_type == STATUS_LIST_CWT_MEDIA_TYPE:
            try:
                data = base64.b64decode(body, validate=True)
            except (binascii.Error, ValueError):
                raise MalformedInput(
                    "the carried CWT is not base64", code=codes.STATUS_FORMAT
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
