"""A PDF verified, then the process exits: it must exit with the verdict, never SIGSEGV.

Found while testing start-up: ``civicred verify --json eprc.pdf`` sometimes ended with exit 139
(a segmentation fault) after printing a valid report. ``PdfFile.close`` queued the close on the
PDFium thread without waiting, so a process that exited right after left the document open, and
pypdfium2 finalised it at shutdown under the PDFium thread's feet. A script reading the exit code
saw a crash instead of "valid". Now the close is waited for (until the file's deadline).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ._cli_support import BUNDLE, ROOT, SAMPLE_NOW, SAMPLES, assert_no_traceback, civicred

pytest.importorskip("pypdfium2", reason="needs PDFium (civicred[scan])")

from verifier.scan import open_pdf
from verifier.scan._pdfium import Deadline, post_pdfium

PDF = SAMPLES / "eprc.pdf"


def test_close_returns_with_the_document_closed_even_behind_other_pdfium_work() -> None:
    pdf = open_pdf(PDF.read_bytes())
    pdf.page(0)
    document = pdf._document
    post_pdfium(lambda: time.sleep(0.3))  # the PDFium thread is busy when close() is called
    pdf.close()
    assert document.raw is None  # closed before close() returned, not some time later


def test_close_does_not_wait_past_the_files_deadline() -> None:
    pdf = open_pdf(PDF.read_bytes(), timeout=0.2)
    post_pdfium(lambda: time.sleep(1.0), wait_until=Deadline.after(0))  # a hostile page
    started = time.monotonic()
    pdf.close()
    assert time.monotonic() - started < 0.9  # the close stays queued; the caller goes on


@pytest.mark.parametrize("round_", range(8))
def test_the_cli_exits_with_the_verdict_after_a_pdf(tmp_path: Path, round_: int) -> None:
    result = civicred(
        "verify", "--bundle", str(BUNDLE), "--root", str(ROOT), "--now", SAMPLE_NOW, "--json",
        str(PDF), config=tmp_path,
    )  # fmt: skip
    assert_no_traceback(result)
    assert result.returncode == 0, (result.returncode, result.stderr[-400:])
    assert '"outcome": "valid"' in result.stdout
    assert "still open" not in result.stderr  # pypdfium2's word for a document left open
