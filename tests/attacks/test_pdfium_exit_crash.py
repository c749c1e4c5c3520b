"""A process that verified a PDF exits cleanly: the PDFium closes it queued run before PDFium is
finalised (a document still open then, or closed by the worker after it, crashed the process
with SIGSEGV under load)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")

SAMPLE = Path(__file__).resolve().parents[2] / "sample_credentials" / "eprc.pdf"

SCRIPT = """
import sys, time
from pathlib import Path
from verifier.scan._pdf import PdfFile
from verifier.scan._pdfium import post_pdfium

pdf = PdfFile(Path(sys.argv[1]).read_bytes())
post_pdfium(lambda: time.sleep(0.5))  # PDFium still busy when the close is queued
pdf.close()
post_pdfium(lambda: Path(sys.argv[2]).write_text("closed"))  # runs only if the queue drained
"""


def test_queued_closes_run_before_the_process_exits(tmp_path: Path) -> None:
    marker = tmp_path / "closed"
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE), str(marker)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "still open" not in result.stderr
    assert marker.read_text() == "closed"
