"""``civicred bundle fetch | pins | pin | unpin`` — a public contract (docs/cli.md).

``fetch`` downloads the registry's offline bundle, verifies it against the pinned root (see
``verifier.cli.roots``; a registry never seen before is pinned on first use from its
``/root.pem``), refuses one older than a bundle already seen from that root, and writes it only
if all of that holds.
Downloads share one deadline (``--timeout``) and a size limit (``verifier.cli.download``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from cryptography import x509

from verifier._errors import VerificationError
from verifier.cli._common import EXIT_INVALID, CliError, read_file, write_atomically
from verifier.cli.download import Deadline, download
from verifier.cli.pins import PinStore
from verifier.cli.roots import (
    Anchor,
    bundle_text,
    check_rollback,
    explicit_root,
    identify,
    pinned_anchor,
    refuse_rollback,
    remember,
    verify_bundle,
    warn,
)
from verifier.trust import Bundle, load_certificate, x5t_s256


def fetch(args: argparse.Namespace) -> int:
    base = args.registry.rstrip("/")
    deadline, now, store = Deadline(args.timeout), datetime.now(UTC), PinStore.default()
    explicit = explicit_root(args.root)
    where = f"{base}/bundle"
    token = bundle_text(download(where, deadline=deadline), where)
    identity = identify(token, where, exit_code=EXIT_INVALID)
    anchor = explicit or pinned_anchor(store, identity, url=base)
    first_use = anchor is None
    if anchor is None:
        anchor = Anchor(_download_root(base, deadline), "first use")
    bundle = verify_bundle(token, anchor, now=now, failure_exit=EXIT_INVALID)
    rollback = check_rollback(store, bundle)
    if not rollback.ok:
        raise refuse_rollback(rollback, args.out)
    try:
        write_atomically(args.out, (token + "\n").encode("ascii"))
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    if first_use or anchor.pin is not None:
        _pin_quietly(store, bundle, base, now, first_use=first_use)
    remember(store, bundle, now=now)
    print(json.dumps(_summary(bundle, anchor, out=str(args.out))))
    return 0


def _download_root(base: str, deadline: Deadline) -> x509.Certificate:
    where = f"{base}/root.pem"
    try:
        return load_certificate(download(where, deadline=deadline))
    except VerificationError:
        raise CliError(f"{where} is not a PEM certificate", EXIT_INVALID) from None


def _pin_quietly(
    store: PinStore, bundle: Bundle, url: str, now: datetime, *, first_use: bool
) -> None:
    try:
        store.pin(bundle.iss, bundle.root, now=now, url=url, mismatch_exit=EXIT_INVALID)
    except OSError as exc:
        warn(f"cannot write the pin store {store.folder}: {exc.strerror or exc}")
        return
    if first_use:
        warn(
            f"pinned the registry root of {bundle.iss} on first use: x5t#S256 "
            f"{bundle.root_fingerprint} (from {url}/root.pem) in {store.folder}; "
            "compare it with the fingerprint the registry's operator publishes"
        )


def _summary(bundle: Bundle, anchor: Anchor, **extra: str) -> dict[str, object]:
    return {
        **extra,
        "iss": bundle.iss,
        "issued_at": bundle.issued_at.isoformat(),
        "next_update": bundle.next_update.isoformat(),
        "sequence": bundle.sequence,
        "trust_list_sequence": bundle.snapshot.sequence,
        "root": bundle.root_fingerprint,
        "root_source": anchor.source,
        "issuers": len(bundle.snapshot.trust_list.issuers),
        "status_lists": len(bundle.status_tokens),
        "revocation_lists": len(bundle.revocation_lists),
    }


def list_pins(args: argparse.Namespace) -> int:
    store = PinStore.default()
    pins = store.pins()
    seen = {pin.fingerprint: store.watermark(pin.fingerprint) for pin in pins}
    if args.json:
        rows = []
        for pin in pins:
            mark = seen[pin.fingerprint]
            numbers = {} if mark is None else {
                "bundle_sequence": mark.bundle_sequence,
                "trust_list_sequence": mark.trust_list_sequence,
            }  # fmt: skip
            rows.append({**pin.to_json(), "seen": numbers})
        print(json.dumps({"folder": str(store.folder), "pins": rows}, indent=2))
        return 0
    if not pins:
        print(f"no pinned registry roots in {store.folder}", file=sys.stderr)
        return 0
    for pin in pins:
        mark = seen[pin.fingerprint]
        newest = "nothing yet" if mark is None else (
            f"bundle {mark.bundle_sequence if mark.bundle_sequence is not None else '-'}, "
            f"trust list {mark.trust_list_sequence}"
        )  # fmt: skip
        print(f"{pin.iss}\n  root      {pin.fingerprint}  {pin.subject}\n"
              f"  pinned    {pin.pinned_at}  ({pin.path})\n"
              f"  urls      {', '.join(pin.urls) or '-'}\n  newest    {newest}")  # fmt: skip
    return 0


def pin(args: argparse.Namespace) -> int:
    now, store = datetime.now(UTC), PinStore.default()
    anchor = explicit_root(args.root)
    assert anchor is not None  # --root is required
    url = args.registry.rstrip("/") if args.registry else None
    if url is not None:
        where = f"{url}/bundle"
        token = bundle_text(download(where, deadline=Deadline(args.timeout)), where)
    else:
        where = args.bundle
        token = bundle_text(read_file(args.bundle, "the bundle"), where)
    identify(token, where, exit_code=EXIT_INVALID)
    bundle = verify_bundle(token, anchor, now=now, failure_exit=EXIT_INVALID)
    previous = store.find(iss=bundle.iss)
    try:
        changed = store.pin(
            bundle.iss, anchor.root, now=now, url=url, replace=args.replace,
            mismatch_exit=EXIT_INVALID,
        )  # fmt: skip
        store.remember(bundle, now=now)
    except OSError as exc:
        raise CliError(
            f"cannot write the pin store {store.folder}: {exc.strerror or exc}"
        ) from None
    replaced = previous is not None and previous.fingerprint != x5t_s256(anchor.root)
    print(json.dumps({
        "iss": bundle.iss, "root": bundle.root_fingerprint, "changed": changed,
        "replaced": previous.fingerprint if replaced and previous else None,
        "folder": str(store.folder),
    }))  # fmt: skip
    return 0


def unpin(args: argparse.Namespace) -> int:
    store = PinStore.default()
    try:
        gone = store.unpin(args.registry.rstrip("/"))
    except OSError as exc:
        raise CliError(
            f"cannot write the pin store {store.folder}: {exc.strerror or exc}"
        ) from None
    if gone is None:
        raise CliError(f"no pinned registry {args.registry} in {store.folder}")
    print(json.dumps({"iss": gone.iss, "root": gone.fingerprint, "forgotten": True}))
    return 0
