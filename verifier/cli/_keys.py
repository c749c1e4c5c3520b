"""``civicred keys generate --alg ES256 --out DIR`` (contract: private.jwk, private.pem, jwks.json)."""

from __future__ import annotations

import argparse
import getpass
import json
import os

from verifier._errors import KeyStoreError
from verifier.cli._common import CliError
from verifier.signing import generate_private_key, write_key_dir


def generate(args: argparse.Namespace) -> int:
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
