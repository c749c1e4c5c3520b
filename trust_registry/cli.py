"""``civicred registry …`` (registered through the ``civicred.cli`` entry point).

``civicred registry init``   create the database, the dev PKI and the dev dataset; no server
``civicred registry serve``  the same, then serve the HTTP API (uvicorn)

Settings come from the environment (``CIVICRED_REGISTRY_*``, see docs/registry.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.util import find_spec
from typing import TYPE_CHECKING

from trust_registry.pki import PkiError
from verifier.trust import x5t_s256

if TYPE_CHECKING:
    from trust_registry.services import RegistryServices

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8700
# The server modules load lazily (``civicred verify`` stays fast) but must exist: a missing one
# makes the ``civicred`` CLI list this command as unavailable (install civicred[server]).
for _module in ("fastapi", "uvicorn", "sqlalchemy", "alembic", "pydantic_settings"):
    if find_spec(_module) is None:
        raise ImportError(f"No module named {_module!r}", name=_module)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    registry = commands.add_parser("registry", help="the trust registry (server)")
    sub = registry.add_subparsers(dest="registry_command", required=True, metavar="COMMAND")
    init = sub.add_parser("init", help="create the database, the dev PKI and the dev dataset")
    init.set_defaults(handler=_init)
    serve = sub.add_parser("serve", help="serve the registry HTTP API")
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"(default {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"(default {DEFAULT_PORT})")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.set_defaults(handler=_serve)


def _build() -> RegistryServices | None:
    from trust_registry.services import RegistryServices
    from trust_registry.settings import RegistrySettings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        return RegistryServices.build(RegistrySettings())
    except PkiError as exc:
        print(f"civicred registry: {exc}", file=sys.stderr)
        return None


def _init(_args: argparse.Namespace) -> int:
    services = _build()
    if services is None:
        return 2
    settings = services.settings
    print(f"database   {settings.database_url}")
    print(f"pki        {settings.pki_dir} (root.pem, registry-signing.pem)")
    print(f"root       x5t#S256 {x5t_s256(services.ca.root)}")
    print(f"issuers    {', '.join(i.id for i in services.directory.list_issuers()) or '-'}")
    services.close()
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from trust_registry.api import create_app

    services = _build()
    if services is None:
        return 2
    print(f"civicred registry on http://{args.host}:{args.port} "
          f"(root x5t#S256 {x5t_s256(services.ca.root)})", flush=True)  # fmt: skip
    try:
        uvicorn.run(create_app(services), host=args.host, port=args.port, log_level=args.log_level)
    finally:
        services.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m trust_registry init|serve …``: the same commands without the ``civicred``
    entry point (useful before the package metadata is reinstalled)."""
    parser = argparse.ArgumentParser(prog="civicred")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["registry", *(sys.argv[1:] if argv is None else argv)])
    return int(args.handler(args))
