"""What ``civicred verify`` loads for a QR text: only the QR flow, never the scanner or PDF code.

Start-up is measured in bench/cli.py (docs/benchmarks.md §Start-up); this test holds the structure
that keeps it short: a QR text (or an SD-JWT) does not import ``verifier.scan``, ``verifier.pdf``
or the image/PDF routing, nor ``importlib.resources`` (zipfile, threading); the first PDF in the
same process does. Real process, committed samples.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "sample_credentials"
NOW = json.loads((SAMPLES / "manifest.json").read_text())["generated_at"]
TRUST = ["--bundle", str(SAMPLES / "bundle.jwt"), "--root", str(SAMPLES / "registry-root.pem"),
         "--now", NOW, "--json"]  # fmt: skip
HEAVY = ("verifier.scan", "verifier.pdf", "verifier.inputs._scanned", "verifier.signing._keys",
         "verifier.sdjwt", "verifier.policies", "importlib.resources", "zipfile", "PIL", "pypdfium2",
         "pyhanko")  # fmt: skip
_PROGRAM = """
import contextlib, io, json, sys
from verifier.cli import main
answers = []
for document in sys.argv[2:]:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = main(["verify", *json.loads(sys.argv[1]), document])
    loaded = sorted(m for m in sys.modules if m.startswith(tuple(HEAVY)))
    answers.append({"exit": code, "outcome": json.loads(out.getvalue())["outcome"], "loaded": loaded})
print(json.dumps(answers))
"""


def _run(*documents: Path) -> list[dict[str, object]]:
    program = f"HEAVY = {HEAVY!r}\n{_PROGRAM}"
    done = subprocess.run(
        [sys.executable, "-c", program, json.dumps(TRUST), *map(str, documents)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    answers: list[dict[str, object]] = json.loads(done.stdout)
    return answers


def test_a_qr_text_loads_no_scanner_and_no_pdf_code() -> None:
    [answer] = _run(SAMPLES / "eprc.qr.txt")
    assert answer == {"exit": 0, "outcome": "valid", "loaded": []}


def test_the_first_pdf_loads_them_in_the_same_process() -> None:
    text, pdf = _run(SAMPLES / "eprc.qr.txt", SAMPLES / "eprc.pdf")
    assert text["loaded"] == [] and text["outcome"] == "valid"
    loaded = pdf["loaded"]
    assert isinstance(loaded, list)
    assert {"verifier.inputs._scanned", "verifier.scan", "verifier.pdf"} <= set(loaded)
