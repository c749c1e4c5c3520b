"""The desk's trust data: one offline bundle, verified against a pinned registry root, refreshed
in the background when the registry answers (docs/desk.md §Offline).

The bundle and the pin store are the command line's (docs/cli.md §Pinned registry roots): the
root is ``--root``/``CIVICRED_DESK_ROOT``, else ``$CIVICRED_REGISTRY_ROOT``, else the root pinned
for the bundle's registry. The desk never pins on first use: without a pinned root it does not
start (pin it with ``civicred bundle fetch`` or ``bundle pin``). A refreshed bundle must verify
against the same root and must not be older than one already seen (``trust.rollback``); only then
is it written over the file (atomically) and used. Otherwise the desk keeps the bundle it has and
says when it last reached the registry; how old that bundle may grow is the policy's business
(``policy.trust_freshness``: a warning, then undetermined, never valid).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from verifier import OfflineVerifier, VerificationTime
from verifier.cli import EXIT_INVALID, CliError, read_file, write_atomically
from verifier.cli.download import Deadline, download
from verifier.cli.pins import PinStore
from verifier.cli.roots import (
    Anchor,
    bundle_text,
    check_rollback,
    explicit_root,
    identify,
    pinned_anchor,
    remember,
    verify_bundle,
)
from verifier.codes import TRUST_FRESHNESS
from verifier.trust import Bundle

log = logging.getLogger("desk.trust")


class DeskError(Exception):
    """The desk cannot start: no bundle, no pinned root, a bundle that does not verify."""


@dataclass(frozen=True, slots=True)
class Refresh:
    """The last attempt to reach the registry (its message names no credential)."""

    at: datetime
    ok: bool
    message: str


class DeskTrust:
    """The current bundle, the root it is pinned to, and the refresh from the registry."""

    def __init__(
        self,
        bundle: Bundle,
        anchor: Anchor,
        *,
        path: Path,
        store: PinStore,
        registry_url: str | None = None,
        timeout_seconds: float = 30.0,
    ) -> None:
        self._bundle = bundle
        self._anchor = anchor
        self._path = path
        self._store = store
        self.registry_url = registry_url
        self._timeout = timeout_seconds
        self._lock = threading.Lock()
        self.last_refresh: Refresh | None = None

    @classmethod
    def load(
        cls,
        path: Path,
        *,
        now: datetime,
        root: Path | None = None,
        registry_url: str | None = None,
        timeout_seconds: float = 30.0,
        store: PinStore | None = None,
    ) -> DeskTrust:
        """The bundle at ``path`` (or, if there is none yet, the registry's), verified."""
        store = store or PinStore.default()
        try:
            if path.exists():
                token = bundle_text(read_file(path, "the bundle"), str(path))
            elif registry_url is not None:
                token = _download_bundle(registry_url, timeout_seconds)
            else:
                raise DeskError(f"no bundle at {path} and no registry URL to fetch one from")
            identity = identify(token, str(path), exit_code=EXIT_INVALID)
            anchor = explicit_root(None if root is None else str(root)) or pinned_anchor(
                store, identity, url=registry_url
            )
            if anchor is None:
                raise DeskError(
                    f"no pinned root for the registry {identity.iss}: pin it first "
                    "(civicred bundle fetch --registry URL, or bundle pin --root PEM), or give "
                    "the root (--root, CIVICRED_DESK_ROOT)"
                )
            bundle = verify_bundle(token, anchor, now=now, failure_exit=EXIT_INVALID)
            rollback = check_rollback(store, bundle)
            if not rollback.ok:
                raise DeskError(
                    f"the bundle {path} is refused [{rollback.code}]: {rollback.message}"
                )
            if not path.exists():
                write_atomically(path, (token + "\n").encode("ascii"))
        except CliError as exc:
            raise DeskError(str(exc)) from None
        except OSError as exc:
            raise DeskError(f"cannot use the bundle {path}: {exc.strerror or exc}") from None
        remember(store, bundle, now=now)
        return cls(
            bundle.with_check(rollback), anchor, path=path, store=store,
            registry_url=registry_url, timeout_seconds=timeout_seconds,
        )  # fmt: skip

    @property
    def bundle(self) -> Bundle:
        return self._bundle

    def verifier_at(self, now: datetime) -> OfflineVerifier:
        """An offline verifier at ``now``: the bundle's age is rated at ``now`` (it was rated
        when the bundle was loaded; a desk runs for days on one bundle)."""
        bundle = self._bundle
        checks = tuple(c for c in bundle.checks if c.code != TRUST_FRESHNESS)
        # business dates (validity, visit date) are local dates (EHIC PDF QR PoC v0.5 §2.2)
        time = VerificationTime(now, now.astimezone().date())
        return OfflineVerifier(replace(bundle, checks=(*checks, bundle.freshness_at(now))), time)

    def refresh(self, now: datetime) -> Refresh:
        """Fetch ``registry_url/bundle``; use it if it verifies and is not a rollback."""
        if self.registry_url is None:
            return self._record(Refresh(now, False, "no registry configured"))
        with self._lock:
            try:
                token = _download_bundle(self.registry_url, self._timeout)
                where = f"{self.registry_url}/bundle"
                identify(token, where, exit_code=EXIT_INVALID)
                bundle = verify_bundle(token, self._anchor, now=now, failure_exit=EXIT_INVALID)
            except CliError as exc:
                log.warning("bundle refresh failed", extra={"reason": str(exc)[:200]})
                return self._record(Refresh(now, False, str(exc)[:200]))
            rollback = check_rollback(self._store, bundle)
            if not rollback.ok:
                log.warning("bundle refresh refused", extra={"reason": rollback.code})
                return self._record(Refresh(now, False, f"[{rollback.code}] {rollback.message}"))
            try:
                write_atomically(self._path, (token + "\n").encode("ascii"))
            except OSError as exc:  # keep serving the new bundle; the file is kept as it was
                log.warning("cannot write the bundle", extra={"reason": exc.strerror or str(exc)})
            remember(self._store, bundle, now=now)
            self._bundle = bundle.with_check(rollback)
        log.info("bundle refreshed", extra={"sequence": bundle.sequence})
        sequence = "-" if bundle.sequence is None else bundle.sequence
        return self._record(Refresh(now, True, f"bundle {sequence} of {bundle.issued_at}"))

    def _record(self, result: Refresh) -> Refresh:
        self.last_refresh = result
        return result


def _download_bundle(registry_url: str, timeout_seconds: float) -> str:
    where = f"{registry_url}/bundle"
    return bundle_text(download(where, deadline=Deadline(timeout_seconds)), where)
