"""``civicred desk serve`` (registered through the ``civicred.cli`` entry point, as the issuer's
commands are). Flags override the ``CIVICRED_DESK_*`` settings (docs/desk.md). Nothing heavy is
imported until the command runs."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

EXIT_USAGE = 2
_FLAGS = ("policy", "bundle", "root", "registry_url", "host", "port", "audience",
          "default_language", "refresh_seconds", "public_url", "wallet_response_mode",
          "identity_dir", "request_key", "request_certificates")  # fmt: skip


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    desk = commands.add_parser("desk", help="the verifier desk: a scanning web page (docs/desk.md)")
    sub = desk.add_subparsers(dest="desk_command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve the desk for one purpose (policy)")
    serve.add_argument(
        "--policy", metavar="NAME", help="the purpose (default venue-reduced-tariff)"
    )
    serve.add_argument("--bundle", type=Path, metavar="FILE", help="the offline trust bundle")
    serve.add_argument("--root", type=Path, metavar="PEM",
                       help="the pinned registry root (default: $CIVICRED_REGISTRY_ROOT, else the pin store)")  # fmt: skip
    serve.add_argument("--registry", dest="registry_url", metavar="URL",
                       help="refresh the bundle from URL/bundle in the background")  # fmt: skip
    serve.add_argument("--refresh-seconds", type=float, metavar="S", help="refresh period")
    serve.add_argument("--audience", metavar="AUD", help="the KB-JWT aud this desk expects")
    serve.add_argument("--language", dest="default_language", metavar="LANG",
                       help="fr, nl, de or en when the browser asks for none of them")  # fmt: skip
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8702)")
    serve.add_argument("--public-url", dest="public_url", metavar="URL",
                       help="the desk's URL as wallets reach it (default http://HOST:PORT)")  # fmt: skip
    serve.add_argument("--response-mode", dest="wallet_response_mode",
                       choices=("direct_post.jwt", "direct_post"),
                       help="how wallets answer (default direct_post.jwt: encrypted)")  # fmt: skip
    serve.add_argument("--request-key", type=Path, metavar="PEM",
                       help="the key that signs wallet requests (with --request-certificates)")  # fmt: skip
    serve.add_argument("--request-certificates", type=Path, metavar="PEM",
                       help="its certificate chain, leaf first (the client id is its x509_hash)")  # fmt: skip
    serve.add_argument("--identity-dir", type=Path, metavar="DIR",
                       help="where a DEV-ONLY request-signing identity is kept (default var/desk/identity)")  # fmt: skip
    serve.add_argument("--now", metavar="ISO8601",
                       help="a fixed verification time (demonstrations with the committed samples)")  # fmt: skip
    serve.set_defaults(handler=_serve)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name in _FLAGS if getattr(args, name, None) is not None}


def _serve(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from desk.app import create_app, system_clock
    from desk.identity import IdentityError, load_identity
    from desk.settings import DeskSettings
    from desk.trust import DeskError, DeskTrust
    from verifier.cli import CliError, parse_now

    try:
        settings = DeskSettings(**_overrides(args))
        fixed = parse_now(args.now) if args.now else None
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            print(f"civicred desk serve: {where}: {error['msg']}", file=sys.stderr)
        return EXIT_USAGE
    except CliError as exc:
        print(f"civicred desk serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    clock = system_clock if fixed is None else (lambda: _fixed(fixed))
    try:
        trust = DeskTrust.load(
            settings.bundle, now=clock(), root=settings.root, registry_url=settings.registry_url,
            timeout_seconds=settings.fetch_timeout_seconds,
        )  # fmt: skip
        identity = load_identity(
            key=settings.request_key, certificates=settings.request_certificates,
            dev_dir=settings.identity_dir, dns_name=urlsplit(settings.base_url).hostname or "localhost",
            now=clock(),
        )  # fmt: skip
    except (DeskError, IdentityError) as exc:
        print(f"civicred desk serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    import uvicorn

    from servicekit.observability import configure_logging

    configure_logging("INFO", fields=("reason", "sequence"))
    print(f"civicred desk: {settings.policy} on http://{settings.host}:{settings.port}/ "
          f"(wallets: {identity.client_id})", file=sys.stderr)  # fmt: skip
    app = create_app(settings, trust, clock=clock, identity=identity)
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_config=None)
    return 0


def _fixed(moment: datetime) -> datetime:
    return moment
