"""``python -m desk serve …``: ``civicred desk serve`` without the entry point (before the
package metadata is reinstalled)."""

from __future__ import annotations

import argparse
import sys

from desk.cli import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civicred")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(["desk", *(sys.argv[1:] if argv is None else argv)])
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
