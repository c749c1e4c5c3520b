"""The trust ``civicred verify`` uses, read once for all its inputs.

``--bundle`` (the registry's offline bundle, against the root chosen by ``verifier.cli.roots``, checked
against the pin store's rollback memory), ``--trust-cert`` (ad-hoc document-signer certificates;
each key must be one the crypto policy allows) and ``--issuer-jwks`` (ad-hoc SD-JWT keys).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from verifier import OfflineVerifier, VerificationReport, VerificationTime
from verifier._errors import VerificationError
from verifier.cli._common import EXIT_USAGE, CliError, read_file
from verifier.cli.pins import PinStore
from verifier.cli.roots import (
    bundle_text,
    check_rollback,
    explicit_root,
    identify,
    pinned_anchor,
    remember,
    verify_bundle,
)
from verifier.jose import algorithm_for_key
from verifier.qr import TrustedCertificates
from verifier.trust import JwksResolver, load_pem_certificates


@dataclass
class TrustSources:
    """Everything an input may be verified against; ``refusal`` answers every input at once."""

    offline: OfflineVerifier | None = None
    refusal: VerificationReport | None = None
    certificates: list[x509.Certificate] = field(default_factory=list)
    trusted: TrustedCertificates | None = None
    jwks: JwksResolver | None = None


def trust_sources(args: argparse.Namespace, time: VerificationTime) -> TrustSources:
    sources = TrustSources()
    if args.bundle:
        _load_bundle(args, time, sources)
    if args.trust_cert:
        sources.certificates = [c for path in args.trust_cert for c in _trust_cert(path)]
        try:
            sources.trusted = TrustedCertificates(sources.certificates, source="--trust-cert")
        except (VerificationError, ValueError) as exc:
            raise CliError(f"cannot use --trust-cert: {exc}") from None
    if args.issuer_jwks:
        sources.jwks = jwks_resolver(args.issuer_jwks)
    return sources


def jwks_resolver(path: str) -> JwksResolver:
    """``--issuer-jwks``: a JWK Set (or one JWK) file."""
    try:
        return JwksResolver.from_file(Path(path))
    except VerificationError as exc:
        raise CliError(exc.message) from None


def _load_bundle(args: argparse.Namespace, time: VerificationTime, sources: TrustSources) -> None:
    now = time.now
    where = f"the bundle {args.bundle}"
    token = bundle_text(read_file(args.bundle, "the bundle"), where)
    identity = identify(token, where, exit_code=EXIT_USAGE)
    store = PinStore.default()
    anchor = explicit_root(args.root) or pinned_anchor(store, identity)
    bundle = verify_bundle(token, anchor, now=now, failure_exit=EXIT_USAGE)
    if bundle.pinned:
        rollback = check_rollback(store, bundle)
        if not rollback.ok:  # superseded data answers nothing: every input gets this report
            sources.refusal = OfflineVerifier(bundle.with_check(rollback), time).refusal()
            return
        bundle = bundle.with_check(rollback)
        remember(store, bundle, now=now)
    sources.offline = OfflineVerifier(bundle, time)


def _trust_cert(path: str) -> list[x509.Certificate]:
    try:
        certificates = list(load_pem_certificates(read_file(path, "--trust-cert")))
    except VerificationError as exc:
        raise CliError(f"cannot read --trust-cert {path}: {exc.message}") from None
    for certificate in certificates:
        try:
            algorithm_for_key(certificate.public_key())  # type: ignore[arg-type]
        except (VerificationError, ValueError, UnsupportedAlgorithm):
            raise CliError(
                f"cannot use --trust-cert {path}: its {_key_name(certificate)} key is not "
                "allowed by the crypto policy"
            ) from None
    return certificates


def _key_name(certificate: x509.Certificate) -> str:
    try:
        key = certificate.public_key()
    except (ValueError, UnsupportedAlgorithm):  # a key that does not even parse
        return "unreadable"
    curve = getattr(key, "curve", None)
    return str(curve.name) if curve is not None else type(key).__name__.removesuffix("PublicKey")
