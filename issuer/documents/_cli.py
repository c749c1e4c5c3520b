"""``civicred pdf render`` / ``civicred pdf batch``.

Registration is import-light (argparse only); the handlers import reportlab/pyHanko. Signer:
``--key`` (private JWK or PEM) + ``--cert-chain`` (PEM, leaf first), or by default the DEV ONLY
document signer under ``--keys-dir``/documents (created on first use, see _devcert.py).
Exit codes: 0 done, 2 usage or input problem.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

DEFAULT_KEYS_DIR = Path("var") / "dev-keys"
LANGUAGES = ("en", "fr", "nl", "de")
EXIT_USAGE = 2


def _common(parser: argparse.ArgumentParser) -> None:
    from issuer.documents._doctypes import DOC_TYPE_ALIASES  # light: no reportlab, no pyHanko

    types = tuple(DOC_TYPE_ALIASES)
    parser.add_argument("--type", choices=types, required=True, help=", ".join(types))
    parser.add_argument("--language", choices=LANGUAGES, default="en")
    parser.add_argument("--key", type=Path, help="document-signing private key (JWK or PEM)")
    parser.add_argument("--cert-chain", type=Path, help="its certificate chain (PEM, leaf first)")
    parser.add_argument(
        "--passphrase-env", metavar="VAR", help="environment variable holding the PEM passphrase"
    )
    parser.add_argument(
        "--keys-dir",
        type=Path,
        default=DEFAULT_KEYS_DIR,
        help="where the DEV ONLY signer lives when --key is not given (default: var/dev-keys)",
    )
    parser.add_argument("--font-dir", type=Path, help="directory with DejaVuSans(-Bold).ttf")
    parser.add_argument("--today", type=date.fromisoformat, help="issue date (YYYY-MM-DD)")
    parser.add_argument("--no-pades", action="store_true", help="skip the PAdES signature")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pdf = commands.add_parser(
        "pdf", help="render signed PDF documents (ePRC, eEHIC, social status)"
    )
    sub = pdf.add_subparsers(dest="pdf_command", required=True, metavar="COMMAND")
    render = sub.add_parser("render", help="render one document for a dev person")
    _common(render)
    render.add_argument("--person", default="p-0001", help="dev person id (default p-0001)")
    render.add_argument("--out", type=Path, required=True, help="output PDF file")
    render.set_defaults(handler=_render)
    batch = sub.add_parser("batch", help="render many documents (dev people, synthesised)")
    _common(batch)
    batch.add_argument("--count", type=int, default=100)
    batch.add_argument("--out", type=Path, required=True, help="output directory")
    batch.add_argument(
        "--workers", type=int, default=min(2, os.cpu_count() or 1), help="processes (default 2)"
    )
    batch.set_defaults(handler=_batch)


def _now(args: argparse.Namespace) -> datetime:
    local = datetime.now().astimezone()
    if args.today is None:
        return local
    return datetime.combine(args.today, time(12), tzinfo=local.tzinfo)


def _signer_files(args: argparse.Namespace, now: datetime) -> tuple[Path, Path, bytes | None]:
    from issuer.documents._devcert import DEV_SUBDIR, dev_document_signer

    passphrase = None
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if value is None:
            raise ValueError(f"environment variable {args.passphrase_env} is not set")
        passphrase = value.encode()
    if (args.key is None) != (args.cert_chain is None):
        raise ValueError("--key and --cert-chain go together")
    if args.key is not None:
        return args.key, args.cert_chain, passphrase
    dev_document_signer(args.keys_dir, now=now)
    directory = args.keys_dir / DEV_SUBDIR
    print(
        f"DEV ONLY document signer in {directory} (trust anchor {directory / 'root.pem'})",
        file=sys.stderr,
    )
    return directory / "private.jwk", directory / "chain.pem", None


def _fail(message: str) -> int:
    print(f"civicred pdf: {message}", file=sys.stderr)
    return EXIT_USAGE


def _render(args: argparse.Namespace) -> int:
    from issuer.documents._batch import dev_references
    from issuer.documents._devcert import load_file_signer
    from issuer.documents._service import DocumentService
    from issuer.sources import DevAuthenticSource
    from verifier import CivicredError

    try:
        now = _now(args)
        key, chain, passphrase = _signer_files(args, now)
        signer = load_file_signer(key, chain, passphrase=passphrase)
        person = DevAuthenticSource().person(args.person)
        jti, status = dev_references()
        doc = DocumentService(font_dir=args.font_dir, pades=not args.no_pades).render(
            args.type, person, args.language, signer=signer, now=now, revocation=jti, status=status
        )
    except (CivicredError, KeyError, ValueError, OSError) as exc:
        return _fail(str(exc))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(doc.pdf_bytes)
    info: dict[str, Any] = {
        "file": str(args.out),
        "sid": doc.sid,
        "qr": f"{doc.qr_version}-{doc.ecc}",
        "qr_chars": len(doc.qr_text),
        **{f"{k}_ms": round(v, 1) for k, v in doc.timings_ms.items()},
    }
    print(json.dumps(info))
    return 0


def _batch(args: argparse.Namespace) -> int:
    from issuer.documents._batch import BatchSpec, ProgressLine, run_batch, summary
    from verifier import CivicredError

    if args.count < 1 or args.workers < 1:
        return _fail("--count and --workers must be at least 1")
    try:
        now = _now(args)
        key, chain, passphrase = _signer_files(args, now)
        spec = BatchSpec(
            doc_type=args.type,
            language=args.language,
            count=args.count,
            out=args.out,
            key_path=key,
            chain_path=chain,
            now=now,
            passphrase=passphrase,
            font_dir=args.font_dir,
            pades=not args.no_pades,
            workers=args.workers,
        )
        line = ProgressLine(args.count, f"pdf batch {args.type}/{args.language}")
        result = run_batch(spec, progress=line.update)
        line.finish()
    except (CivicredError, KeyError, ValueError, OSError) as exc:
        return _fail(str(exc))
    print(json.dumps({"out": str(args.out), **summary(result)}))
    print(
        "revocation references in these documents are DEV placeholders (not registered)",
        file=sys.stderr,
    )
    return 0
