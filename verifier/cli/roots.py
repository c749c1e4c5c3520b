"""Which registry root a bundle is verified against, and the rollback memory (docs/cli.md).

In order: ``--root PEM``, then ``$CIVICRED_REGISTRY_ROOT``, then the pin store (the root pinned
for the bundle's registry ``iss``, else the pinned root the bundle names). With none of them the
bundle is unpinned: ``trust.root`` is undetermined. A pin store that holds a *different* root for
the bundle's registry refuses it (``trust.pin_mismatch``): that is how an impostor shows.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from verifier import codes
from verifier._errors import VerificationError
from verifier._report import Check
from verifier.cli._args import ROOT_ENV
from verifier.cli._common import EXIT_INVALID, CliError, read_file
from verifier.cli.pins import Pin, PinMismatch, PinStore
from verifier.trust import (
    Bundle,
    BundleIdentity,
    FreshnessPolicy,
    load_certificate,
    peek_bundle,
    rollback_check,
    x5t_s256,
)


@dataclass(frozen=True, slots=True)
class Anchor:
    """A root to verify against and where it came from (``--root``, the environment, a pin)."""

    root: x509.Certificate
    source: str
    pin: Pin | None = None


def explicit_root(path: str | None) -> Anchor | None:
    """``--root PEM``, else ``$CIVICRED_REGISTRY_ROOT``; ``None`` if neither is given."""
    source = "--root" if path else f"${ROOT_ENV}"
    path = path or os.environ.get(ROOT_ENV)
    if not path:
        return None
    try:
        return Anchor(load_certificate(read_file(path, "the registry root")), source)
    except VerificationError as exc:
        raise CliError(f"cannot read the registry root {path}: {exc.message}") from None


def pinned_anchor(
    store: PinStore, identity: BundleIdentity, url: str | None = None
) -> Anchor | None:
    """The pin for the bundle's registry (by ``iss``, else fetch URL), else for its root."""
    pin = store.find(iss=identity.iss, url=url) or store.find_root(x5t_s256(identity.root))
    return None if pin is None else Anchor(pin.root(), "pin store", pin)


def bundle_text(data: bytes, where: str) -> str:
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise CliError(f"{where} is not a bundle (binary data, not a compact JWS)") from None


def identify(token: str, where: str, *, exit_code: int) -> BundleIdentity:
    try:
        return peek_bundle(token)
    except VerificationError as exc:
        raise CliError(f"{where} is not a bundle: {exc.message} [{exc.code}]", exit_code) from None


def verify_bundle(
    token: str,
    anchor: Anchor | None,
    *,
    now: datetime,
    failure_exit: int,
    policy: FreshnessPolicy | None = None,
) -> Bundle:
    """``Bundle.parse`` against ``anchor``; a pinned registry offering another root is
    :class:`PinMismatch`, any other failure a :class:`CliError` with ``failure_exit``."""
    try:
        return Bundle.parse(
            token, root=None if anchor is None else anchor.root, now=now, policy=policy
        )
    except VerificationError as exc:
        if exc.code == codes.TRUST_ROOT_MISMATCH and anchor is not None and anchor.pin is not None:
            offered = x5t_s256(peek_bundle(token).root)
            raise PinMismatch(anchor.pin, offered, failure_exit) from None
        raise CliError(
            f"the bundle does not verify: {exc.message} [{exc.code}]", failure_exit
        ) from None


def check_rollback(store: PinStore, bundle: Bundle) -> Check:
    """``trust.rollback`` of a pinned bundle against the newest numbers the store has seen."""
    return rollback_check(bundle, store.watermark(bundle.root_fingerprint))


def remember(store: PinStore, bundle: Bundle, *, now: datetime) -> None:
    """Record the bundle's numbers; a store that cannot be written costs a warning only."""
    try:
        store.remember(bundle, now=now)
    except OSError as exc:
        warn(f"cannot record the bundle in {store.folder} ({exc.strerror or exc}): "
             "rollback protection is off until it can")  # fmt: skip


def warn(message: str) -> None:
    print(f"civicred: warning: {message}", file=sys.stderr)


def refuse_rollback(check: Check, out: Path | None = None) -> CliError:
    kept = f"; {out} is left as it was" if out is not None else ""
    return CliError(f"the bundle is refused [{check.code}]: {check.message}{kept}", EXIT_INVALID)
