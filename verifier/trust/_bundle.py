"""The offline bundle (docs/trust-list.md §Offline bundle): one signed, cacheable file.

Verification here: the outer ``civicred-bundle+jwt`` chains to the pinned root, the inner trust
list verifies the same way, both ages are rated. The status and revocation lists are carried, not
verified (verifier/status does that, with :meth:`Bundle.status_list_resolver`). Without a pin the
embedded root proves nothing (anyone can make a root and sign a bundle with it): the bundle is
still read, so a report can show every other check, but ``trust.root`` is ``undetermined`` and so
is the outcome. Hostile input raises :class:`VerificationError` subclasses only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from cryptography import x509

from verifier import codes
from verifier._errors import MalformedInput, UntrustedIssuer, VerificationError
from verifier._report import Check, CheckResult, passed
from verifier.jose import CompactJws
from verifier.trust._fields import numeric_date
from verifier.trust._freshness import FreshnessPolicy
from verifier.trust._model import CertificateEntry, Issuer
from verifier.trust._pki import b64_der, cert_der, certificate_from_b64, x5t_s256
from verifier.trust._snapshot import TrustSnapshot
from verifier.trust._trust_list import sign_registry_jws, verify_registry_jws, verify_trust_list
from verifier.trust._x5c_resolvers import StatusListTrustResolver

if TYPE_CHECKING:
    from verifier.signing import Signer

BUNDLE_TYP = "civicred-bundle+jwt"


class StatusToken(NamedTuple):
    """A status list as carried: ``application/statuslist+jwt`` (compact JWS) or ``+cwt``
    (base64 CBOR)."""

    media_type: str
    token: str


class BundleIdentity(NamedTuple):
    """Who a bundle says it comes from, read **before** verification: only to choose the pin to
    verify it against (``iss`` of its trust list, ``None`` if unreadable; the embedded root)."""

    iss: str | None
    root: x509.Certificate


def build_bundle(
    *,
    trust_list: str,
    root: x509.Certificate,
    signer: Signer,
    issued_at: datetime,
    next_update: datetime,
    sequence: int | None = None,
    status_lists: Mapping[str, tuple[str, str]] | None = None,
    revocation_lists: Mapping[str, str] | None = None,
    type_metadata: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """Sign a bundle (served for ``civicred bundle fetch``); ``trust_list`` exactly as served.

    ``sequence`` numbers the registry's bundles: every bundle it signs gets a larger one, so a
    verifier can refuse an older bundle than one it has seen (``trust.rollback``)."""
    if next_update <= issued_at:
        raise ValueError("next_update must be after issued_at")
    if sequence is not None and (type(sequence) is not int or sequence < 0):
        raise ValueError("sequence must be a non-negative integer")
    payload: dict[str, Any] = {
        "issued_at": int(issued_at.timestamp()),
        "next_update": int(next_update.timestamp()),
        **({} if sequence is None else {"sequence": sequence}),
        "root": b64_der(root),
        "trust_list": trust_list,
        "status_lists": {
            uri: {"media_type": media_type, "token": token}
            for uri, (media_type, token) in (status_lists or {}).items()
        },
        "revocation_lists": dict(revocation_lists or {}),
        "type_metadata": {vct: dict(meta) for vct, meta in (type_metadata or {}).items()},
    }
    return sign_registry_jws(payload, typ=BUNDLE_TYP, signer=signer)


def _bad(message: str) -> MalformedInput:
    return MalformedInput(f"bundle: {message}", code=codes.TRUST_BUNDLE)


def _mapping(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = payload.get(name, {})
    if not isinstance(value, dict):
        raise _bad(f"{name!r} is not an object")
    return value


def _sequence(payload: Mapping[str, Any]) -> int | None:
    """The bundle's ``sequence`` (absent in bundles made before numbering: ``None``)."""
    value = payload.get("sequence")
    if value is None:
        return None
    if type(value) is not int or not 0 <= value < 2**63:
        raise _bad("'sequence' is not a non-negative integer")
    return value


def _status_tokens(payload: Mapping[str, Any]) -> dict[str, StatusToken]:
    tokens: dict[str, StatusToken] = {}
    for uri, item in _mapping(payload, "status_lists").items():
        media_type = item.get("media_type") if isinstance(item, dict) else None
        token = item.get("token") if isinstance(item, dict) else None
        if not isinstance(media_type, str) or not isinstance(token, str):
            raise _bad(f"status list {uri!r} needs string media_type and token")
        tokens[uri] = StatusToken(media_type, token)
    return tokens


def _numeric(payload: Mapping[str, Any], name: str) -> datetime:
    moment = numeric_date(payload.get(name))
    if moment is None:
        raise _bad(f"{name!r} is not a NumericDate")
    return moment


@dataclass(frozen=True, slots=True)
class Bundle:
    """A verified bundle. ``checks`` holds the root-pin and bundle-freshness checks, and
    ``snapshot.freshness`` the trust list's: callers copy them into their reports."""

    snapshot: TrustSnapshot
    issued_at: datetime
    next_update: datetime
    root: x509.Certificate
    pinned: bool
    checks: tuple[Check, ...]
    status_tokens: Mapping[str, StatusToken]
    revocation_lists: Mapping[str, str]
    type_metadata: Mapping[str, Mapping[str, Any]]
    token: str = field(repr=False)
    sequence: int | None = None

    @classmethod
    def parse(
        cls,
        token: str,
        *,
        root: x509.Certificate | None,
        now: datetime,
        policy: FreshnessPolicy | None = None,
    ) -> Bundle:
        """Verify ``token`` against the pinned ``root``.

        ``root=None``: the bundle is checked against its own embedded root, which proves only
        that it is consistent; ``trust.root`` is then UNDETERMINED (no pin, no trust)."""
        policy = policy or FreshnessPolicy()
        embedded = peek_bundle(token).root
        if root is None:
            anchor, pinned = embedded, False
            pin_check = Check(
                codes.TRUST_ROOT,
                CheckResult.UNDETERMINED,
                f"no pinned registry root: the bundle's own root {x5t_s256(embedded)} proves "
                "nothing by itself (pin it: civicred bundle fetch, bundle pin, or --root)",
            )
        else:
            if cert_der(embedded) != cert_der(root):
                raise UntrustedIssuer(
                    "the bundle names a different registry root than the pinned one",
                    code=codes.TRUST_ROOT_MISMATCH,
                )
            anchor, pinned = root, True
            pin_check = passed(
                codes.TRUST_ROOT, f"chains to the pinned registry root {x5t_s256(root)}"
            )
        outer = verify_registry_jws(token, typ=BUNDLE_TYP, root=anchor, what="bundle")
        payload = outer.payload
        inner = payload.get("trust_list")
        if not isinstance(inner, str):
            raise _bad("'trust_list' is not a JWS")
        snapshot = verify_trust_list(inner, anchor, now, policy=policy)
        next_update = _numeric(payload, "next_update")
        if next_update <= outer.issued_at:
            raise _bad("next_update is not after issued_at")
        revocation_lists = _mapping(payload, "revocation_lists")
        if not all(isinstance(v, str) for v in revocation_lists.values()):
            raise _bad("revocation lists must be JWS strings")
        type_metadata = _mapping(payload, "type_metadata")
        if not all(isinstance(v, dict) for v in type_metadata.values()):
            raise _bad("type metadata entries must be objects")
        freshness = policy.check("the bundle", outer.issued_at, now=now, next_update=next_update)
        return cls(
            snapshot,
            outer.issued_at,
            next_update,
            anchor,
            pinned,
            (pin_check, freshness),
            _status_tokens(payload),
            dict(revocation_lists),
            dict(type_metadata),
            token,
            _sequence(payload),
        )

    @property
    def iss(self) -> str:
        """The registry's name: the embedded trust list's ``iss``."""
        return self.snapshot.trust_list.iss

    def with_check(self, check: Check) -> Bundle:
        """This bundle with one more trust check (e.g. ``trust.rollback``) for the reports."""
        return replace(self, checks=(*self.checks, check))

    @property
    def root_fingerprint(self) -> str:
        """``x5t#S256`` of the registry root the bundle chained to (show it; compare pins)."""
        return x5t_s256(self.root)

    def age(self, now: datetime) -> timedelta:
        return now - self.issued_at

    def freshness_at(self, now: datetime, policy: FreshnessPolicy | None = None) -> Check:
        return (policy or FreshnessPolicy()).check(
            "the bundle", self.issued_at, now=now, next_update=self.next_update
        )

    def status_signers(self, uri: str) -> tuple[tuple[Issuer, CertificateEntry], ...]:
        """The ``status_signing`` certificates allowed for the list at ``uri``."""
        return self.snapshot.list_signers(uri)

    def status_list_resolver(self, now: datetime) -> StatusListTrustResolver:
        """An :class:`IssuerKeyResolver` for the carried status and revocation lists."""
        return StatusListTrustResolver(self.snapshot, self.root, now=now)


def peek_bundle(token: str) -> BundleIdentity:
    """The embedded root and trust-list ``iss``, **unverified**: only to pick the pin to verify
    against (a pin store is keyed by them). Raises ``trust.bundle``/``input.*``/``trust.certificate``.
    """
    payload = CompactJws.parse(token, what="bundle").payload_object(what="bundle payload")
    root = certificate_from_b64(payload.get("root"), what="bundle root")
    iss: str | None = None
    inner = payload.get("trust_list")
    if isinstance(inner, str):
        try:
            claimed = CompactJws.parse(inner, what="trust list").payload_object()
        except VerificationError:
            claimed = {}
        value = claimed.get("iss") if isinstance(claimed, Mapping) else None
        iss = value if isinstance(value, str) and value else None
    return BundleIdentity(iss, root)
