"""``civicred bundle fetch --registry URL --out FILE`` — a public contract (docs/cli.md).

Downloads the registry's offline bundle, verifies it (root pin from ``--root`` or
``$CIVICRED_REGISTRY_ROOT``; without one, trust on first use of the registry's ``/root.pem``, with
its fingerprint printed), and writes it only if it verifies. Standard library HTTP (the verifier
stays light); downloads are bounded in size and time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from verifier._errors import VerificationError
from verifier.cli._common import CliError
from verifier.trust import Bundle, x5t_s256

MAX_BUNDLE_BYTES = 64 * 1024 * 1024
TIMEOUT_SECONDS = 30
ROOT_ENV = "CIVICRED_REGISTRY_ROOT"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bundle = commands.add_parser("bundle", help="offline trust bundles")
    sub = bundle.add_subparsers(dest="bundle_command", required=True, metavar="ACTION")
    fetch = sub.add_parser("fetch", help="download and verify the registry's offline bundle")
    fetch.add_argument("--registry", required=True, metavar="URL")
    fetch.add_argument("--out", required=True, type=Path, metavar="FILE")
    fetch.add_argument("--root", metavar="PEM", help=f"pinned registry root (default: ${ROOT_ENV})")
    fetch.set_defaults(handler=_fetch)


def load_root(path: str | None) -> x509.Certificate | None:
    """The pinned registry root from ``--root`` or the environment; ``None`` if neither is set."""
    path = path or os.environ.get(ROOT_ENV)
    if not path:
        return None
    try:
        return x509.load_pem_x509_certificate(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read the registry root {path}: {exc}") from None


def _download(url: str) -> bytes:
    if not url.startswith(("http://", "https://")):
        raise CliError(f"not an http(s) URL: {url}")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
            data: bytes = response.read(MAX_BUNDLE_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise CliError(f"cannot download {url}: {exc}") from None
    if len(data) > MAX_BUNDLE_BYTES:
        raise CliError(f"{url} is larger than {MAX_BUNDLE_BYTES} bytes")
    return data


def _fetch(args: argparse.Namespace) -> int:
    base = args.registry.rstrip("/")
    root = load_root(args.root)
    if root is None:
        try:
            root = x509.load_pem_x509_certificate(_download(f"{base}/root.pem"))
        except ValueError:
            raise CliError(f"{base}/root.pem is not a PEM certificate") from None
        print(
            f"warning: no pinned root; trusting {base}/root.pem on first use "
            f"(x5t#S256 {x5t_s256(root)}). Pin it with --root or ${ROOT_ENV}.",
            file=sys.stderr,
        )
    token = _download(f"{base}/bundle").decode("ascii", errors="replace").strip()
    now = datetime.now(UTC)
    try:
        bundle = Bundle.parse(token, root=root, now=now)
    except VerificationError as exc:
        raise CliError(
            f"the bundle does not verify: {exc.message} [{exc.code}]", exit_code=1
        ) from None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(token + "\n")
    summary = {
        "out": str(args.out),
        "issued_at": bundle.issued_at.isoformat(),
        "next_update": bundle.next_update.isoformat(),
        "root": bundle.root_fingerprint,
        "issuers": len(bundle.snapshot.trust_list.issuers),
        "status_lists": len(bundle.status_tokens),
        "revocation_lists": len(bundle.revocation_lists),
    }
    print(json.dumps(summary))
    return 0
