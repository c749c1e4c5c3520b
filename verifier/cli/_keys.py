"""``civicred keys generate --alg ES256 --out DIR`` (contract: private.jwk, private.pem, jwks.json)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
from pathlib import Path

from verifier._errors import KeyStoreError
from verifier.cli._common import CliError
from verifier.jose import ALGORITHMS
from verifier.signing import generate_private_key, write_key_dir

GENERATABLE = sorted(name for name, alg in ALGORITHMS.items() if not alg.legacy)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("keys", help="generate and inspect signing keys")
    sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    gen = sub.add_parser("generate", help="write DIR/private.jwk, DIR/private.pem, DIR/jwks.json")
    gen.add_argument("--alg", default="ES256", choices=GENERATABLE)
    gen.add_argument("--out", required=True, type=Path, metavar="DIR")
    gen.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="encrypt private.pem with the passphrase in this environment variable",
    )
    gen.add_argument("--ask-passphrase", action="store_true", help="prompt for a passphrase")
    gen.set_defaults(handler=_generate)


def _generate(args: argparse.Namespace) -> int:
    passphrase = None
    if args.passphrase_env:
        value = os.environ.get(args.passphrase_env)
        if not value:
            raise CliError(f"environment variable {args.passphrase_env} is empty or unset")
        passphrase = value.encode()
    elif args.ask_passphrase:
        passphrase = getpass.getpass("passphrase for private.pem: ").encode()
    try:
        public = write_key_dir(
            args.out, generate_private_key(args.alg), alg=args.alg, passphrase=passphrase
        )
    except (KeyStoreError, OSError) as exc:
        raise CliError(f"cannot write keys to {args.out}: {exc}") from None
    print(json.dumps({"kid": public["kid"], "alg": args.alg, "dir": str(args.out)}))
    return 0
