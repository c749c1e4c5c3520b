"""QR decode rates on rendered and degraded PDFs: zxing-cpp vs pyzbar vs both (civicred[scan]).

Run: ``.venv/bin/python bench/decode_rates.py [--dpi 150 300] [--sets moderate hard]`` (~1-2 min).

Input: our test PDFs (reportlab + segno, QR drawn as vectors, 60 mm; tests/scan/_corpus.py) for
an ePRC (typical and worst case: longest names, Latin-1..4 letters), an eEHIC, a social-status
document and the spec's RS256 worked example (version 18), rendered with ``pdftoppm`` at each dpi,
then transformed with PIL: rotation 5°/15°/90°, gaussian blur, perspective warp, low contrast,
JPEG quality 30, a phone-screen moiré overlay, downscaling (moderate set) and stronger
combinations (hard set). A decode counts only when it returns exactly the issued QR text.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scan._rates import SETS, documents, run, table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    parser.add_argument("--json", type=Path, help="also write every attempt as JSON here")
    args = parser.parse_args()
    spec = (
        Path(os.environ.get("CIVICRED_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
        / "eehic-prc-poc"
    )
    docs = documents(spec_dir=spec)
    attempts = run(docs, args.dpi, {name: SETS[name] for name in args.sets})
    print(f"{len(docs)} documents × {len(args.dpi)} resolutions; cells are decoded/attempted\n")
    print(table(attempts))
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(a) for a in attempts], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
