"""QR decode rates on rendered and degraded PDFs: zxing-cpp vs pyzbar vs both (civicred[scan]).

Run: ``.venv/bin/python bench/decode_rates.py [--dpi 150 300] [--sets moderate hard]`` (~1-2 min).

Input: the PDFs our issuer prints (``issuer.documents.DocumentService``: ePRC typical and worst
case — S2's longest names in Latin-1..4 letters —, eEHIC, social status; PAdES-signed with a
dev-only key made for the run), plus the scan tests' own corpus (tests/scan/_corpus.py: the same
payload kinds in a plain layout, and the spec's RS256 worked example, version 18), rendered with
PDFium (pypdfium2, in-process, grey) at each dpi,
then transformed with PIL: rotation 5°/15°/90°, gaussian blur, perspective warp, low contrast,
JPEG quality 30, a phone-screen moiré overlay, downscaling (moderate set) and stronger
combinations (hard set). A decode counts only when it returns exactly the issued QR text.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from scan._corpus import LATIN_1_4  # noqa: E402
from scan._rates import SETS, Document, available_configs, documents, run, table  # noqa: E402


def issued_documents() -> list[Document]:
    """What citizens get: PDFs from the issuer's renderer (QR from ``issuer.qrcode``)."""
    from issuer.documents import DocumentService, JtiRef, dev_document_signer
    from issuer.sources import DevAuthenticSource
    from verifier.status import StatusReference

    now = datetime.now(UTC)
    signer = dev_document_signer(Path(tempfile.mkdtemp()) / "dev-keys", now=now).signer
    service = DocumentService()
    typical = DevAuthenticSource().person("p-0002")
    worst = copy.deepcopy(typical)  # S2 maximum name lengths, 2 UTF-8 bytes per letter
    worst["family_name"] = LATIN_1_4[:19] + "-" + LATIN_1_4[19:39]
    worst["given_name"] = LATIN_1_4[39:56] + " " + LATIN_1_4[56:73]
    jti = JtiRef(
        "urn:uuid:6a1c9a55-51d7-4d4b-8d0b-0f1c1bd0c001",
        "https://issuer.civicred.localhost/revocation/0a1b2c3d4e5f6a7b",
    )
    status = StatusReference(412_337, "https://issuer.civicred.localhost/status/3f1c")
    out = []
    for name, doc_type, who in (
        ("issued ePRC typical", "prc", typical),
        ("issued ePRC worst case", "prc", worst),
        ("issued eEHIC typical", "ehic", typical),
        ("issued eEHIC worst case", "ehic", worst),
        ("issued social status", "ssh", typical),
    ):
        doc = service.render(
            doc_type, who, "fr", signer=signer, now=now, revocation=jti, status=status
        )
        label = f"{name} (v{doc.qr_version}-{doc.ecc})"
        out.append(Document(label, dict(doc.payload), doc.qr_text, doc.pdf_bytes))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    parser.add_argument("--json", type=Path, help="also write every attempt as JSON here")
    parser.add_argument(
        "--corpus", nargs="+", choices=["issued", "test"], default=["issued", "test"]
    )
    args = parser.parse_args()
    spec = (
        Path(os.environ.get("CIVICRED_CONFORMANCE_DIR", ROOT.parent / "shared" / "conformance"))
        / "eehic-prc-poc"
    )
    docs = (issued_documents() if "issued" in args.corpus else []) + (
        documents(spec_dir=spec) if "test" in args.corpus else []
    )
    configs = available_configs()
    attempts = run(docs, args.dpi, {name: SETS[name] for name in args.sets}, configs)
    print(f"{len(docs)} documents × {len(args.dpi)} resolutions; cells are decoded/attempted")
    if "pyzbar" not in configs:
        print("pyzbar and combined: skipped (libzbar0 is not installed)")
    print()
    print(table(attempts))
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(a) for a in attempts], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
