"""Issuer commands for the ``civicred`` CLI (registered through the ``civicred.cli`` entry point).

``civicred demo`` is the main job of the README: the trust registry and the issuer on SQLite with
DEV-ONLY keys generated on first run, sample credentials issued, published and verified offline
through the registry's bundle, and the verifier desk on that bundle; then all keep serving until
Ctrl-C (``--once`` stops at once).
``civicred samples --out DIR`` does the same once and writes the samples into ``DIR``.
``civicred pdf render|batch`` renders signed PDF documents (issuer/documents, docs/documents.md).
``civicred issuer serve|migrate|check`` runs the issuer as a service (issuer/serve.py,
docs/issuer-operations.md); ``civicred issuer audit verify`` checks the hash-chained audit log
(docs/operator-api.md); ``python -m issuer serve|migrate|check|audit`` is the same.

Nothing heavy is imported here: each handler imports what it runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from issuer.documents._cli import register as register_pdf

DEFAULT_WORKDIR = Path("var")
DEFAULT_REGISTRY_PORT = 8700
DEFAULT_ISSUER_PORT = 8701
DEFAULT_DESK_PORT = 8702  # issuer.demo_desk (kept here: nothing heavy is imported at start-up)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser("demo", help="run registry + issuer, issue and verify samples")
    demo.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="state directory (default: var)"
    )
    demo.add_argument("--registry-port", type=int, default=DEFAULT_REGISTRY_PORT)
    demo.add_argument("--issuer-port", type=int, default=DEFAULT_ISSUER_PORT)
    demo.add_argument("--desk-port", type=int, default=DEFAULT_DESK_PORT,
                      help="the verifier desk's port (docs/desk.md)")  # fmt: skip
    demo.add_argument("--once", action="store_true", help="stop after verifying the samples")
    demo.set_defaults(handler=_demo)
    samples = commands.add_parser("samples", help="(re)generate sample credentials into a folder")
    samples.add_argument("--out", type=Path, required=True)
    samples.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="state directory (default: var)"
    )
    samples.add_argument("--registry-port", type=int, default=DEFAULT_REGISTRY_PORT)
    samples.add_argument("--issuer-port", type=int, default=DEFAULT_ISSUER_PORT)
    samples.set_defaults(handler=_samples)
    register_pdf(commands)


def _demo(args: argparse.Namespace) -> int:
    from issuer.demo import run

    return run(
        args.workdir / "samples",
        args.workdir,
        registry_port=args.registry_port,
        issuer_port=args.issuer_port,
        serve=not args.once,
        desk_port=args.desk_port,
    )


def _samples(args: argparse.Namespace) -> int:
    from issuer.demo import run

    return run(
        args.out,
        args.workdir,
        registry_port=args.registry_port,
        issuer_port=args.issuer_port,
        serve=False,
    )


def register_issuer(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    issuer = commands.add_parser(
        "issuer", help="the issuer service (serve, migrate, check, audit verify)"
    )
    sub = issuer.add_subparsers(dest="issuer_command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve the issuer HTTP API (uvicorn)")
    serve.add_argument("--host", help="address to listen on (setting HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (setting PORT, default 8701)")
    serve.add_argument("--workers", type=int, help="worker processes (setting WORKERS, default 1)")
    serve.set_defaults(handler=_serve)
    migrate = sub.add_parser("migrate", help="bring the database schema to the newest revision")
    migrate.set_defaults(handler=_migrate)
    check = sub.add_parser("check", help="validate the settings and the keys, then exit")
    check.set_defaults(handler=_check)
    audit = sub.add_parser("audit", help="the hash-chained audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    verify = audit_sub.add_parser(
        "verify",
        help="check every entry of the audit chain (exit 0 intact, 1 broken, 2 not checked)",
    )
    verify.add_argument("--json", action="store_true", help="one JSON object on stdout")
    verify.set_defaults(handler=_audit_verify)
    for command in (serve, migrate, check, verify):
        command.add_argument(
            "--env-file",
            type=Path,
            metavar="FILE",
            help="settings file (KEY=value lines; also CIVICRED_ISSUER_ENV_FILE)",
        )


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    names = ("host", "port", "workers")
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _serve(args: argparse.Namespace) -> int:
    from issuer import serve

    try:
        settings = serve.checked_settings(args.env_file, **_overrides(args))
        return serve.serve(settings, args.env_file)
    except serve.StartupRefused as exc:
        return serve.report_refusal("serve", exc.problems)


def _migrate(args: argparse.Namespace) -> int:
    from issuer import serve
    from issuer.settings import SettingsInvalid, load_settings

    try:
        settings = load_settings(args.env_file)
    except SettingsInvalid as exc:
        return serve.report_refusal("migrate", exc.problems)
    try:
        before, head = serve.migrate(settings)
    except Exception as exc:  # one line, no traceback: the URL may hold a password
        print(f"civicred issuer migrate: database: failed ({type(exc).__name__})", file=sys.stderr)
        return serve.EXIT_FAILURE
    print(f"database schema at {head} (was {before or 'empty'})")
    return 0


def _check(args: argparse.Namespace) -> int:
    from issuer import serve

    try:
        settings = serve.checked_settings(args.env_file)
    except serve.StartupRefused as exc:
        return serve.report_refusal("check", exc.problems)
    mode = "dev mode" if settings.dev_mode else "production"
    print(f"settings and keys ok ({mode}); credential issuer {settings.credential_issuer}")
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    """Read-only: the verification itself is not recorded (an auditor may hold read-only
    database credentials); ``GET /operator/audit/verify`` records it."""
    from issuer import serve
    from issuer.audit import AuditLog
    from issuer.services import wall_clock
    from issuer.settings import SettingsInvalid, load_settings
    from issuer.storage import Database

    try:
        settings = load_settings(args.env_file)
    except SettingsInvalid as exc:
        return serve.report_refusal("audit verify", exc.problems)
    db = Database(settings.database_url)
    try:
        current, head = db.schema_revisions()
        if current != head:
            return serve.report_refusal(
                "audit verify",
                [
                    f"database schema at {current or 'empty'}, not {head}: run civicred issuer migrate"
                ],
            )
        verdict = AuditLog(db, clock=wall_clock).verify()
    except Exception as exc:  # one line, no traceback: the URL may hold a password
        return serve.report_refusal("audit verify", [f"database: failed ({type(exc).__name__})"])
    finally:
        db.dispose()
    print(json.dumps(verdict.to_json()) if args.json else verdict.message)
    return 0 if verdict.intact else serve.EXIT_FAILURE


def main(argv: list[str] | None = None) -> int:
    """``python -m issuer serve|migrate|check|audit``: the ``civicred issuer`` commands without the
    entry point (useful before the package metadata is reinstalled)."""
    parser = argparse.ArgumentParser(prog="civicred")
    register_issuer(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["issuer", *(sys.argv[1:] if argv is None else argv)])
    return int(args.handler(args))
