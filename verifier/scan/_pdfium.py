"""PDFium (pypdfium2) in this process, bounded in time: one worker thread runs every call.

PDFium is not thread-safe and parses a page's content in one call (``FPDF_LoadPage``) that no
callback can interrupt: a hostile page — a small Flate stream that inflates to millions of
operators — can keep it busy for minutes. So every PDFium call runs on one daemon thread
(:func:`run_pdfium`), and the caller waits at most until its :class:`Deadline`: past it the
caller gets :class:`ScanError` (``scan.pdf``) at once, while PDFium finishes in the background
(later documents queue behind it and, if their own deadline passes before it is their turn, get
:class:`ScanUnavailable`: no verdict on them). Rendering itself is also progressive, with a
pause callback that stops PDFium at the deadline (:mod:`verifier.scan._pdf`). A daemon thread
never keeps the process alive: a command-line verifier exits on time. At exit, the closes still
queued are given a bounded moment to run (:meth:`_Worker.drain`): a document left open when the
interpreter finalises PDFium crashes the process (SIGSEGV) instead of letting it exit.
"""

from __future__ import annotations

import atexit
import contextlib
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from verifier import codes
from verifier.scan._errors import ScanError, ScanUnavailable

_T = TypeVar("_T")

#: Held by the worker while it runs a call (and by anyone calling PDFium directly).
PDFIUM_LOCK = threading.RLock()

#: A PDF transformation matrix ``(a, b, c, d, e, f)``: ``x' = a x + c y + e``, ``y' = b x + d y + f``.
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

#: How long the process waits at exit for queued PDFium closes.
DRAIN_SECONDS = 2.0


def multiply(first: Matrix, then: Matrix) -> Matrix:
    """``first`` followed by ``then`` (ISO 32000-1 §8.3.4: ``first × then``)."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


@dataclass(frozen=True, slots=True)
class Deadline:
    """When PDFium must be done (a ``time.monotonic()`` value) and the budget it came from: a
    resource limit, not the verification time."""

    at: float
    seconds: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds, seconds)

    def passed(self) -> bool:
        return time.monotonic() > self.at

    def left(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def error(self) -> ScanError:
        return ScanError(f"reading the PDF took more than {self.seconds:g} s", code=codes.SCAN_PDF)


def load_pdfium() -> tuple[Any, Any]:
    """``(pypdfium2, pypdfium2.raw)``, or :class:`ScanUnavailable`."""
    try:
        import pypdfium2
        import pypdfium2.raw
    except ImportError as exc:
        raise ScanUnavailable("pypdfium2 is not installed (civicred[scan])") from exc
    return pypdfium2, pypdfium2.raw


class _Worker:
    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def _loop(self) -> None:
        while True:
            future, fn = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                with PDFIUM_LOCK:
                    result = fn()
            except BaseException as exc:  # handed to the caller, whatever it is
                future.set_exception(exc)
            else:
                future.set_result(result)

    def submit(self, fn: Callable[[], _T]) -> Future[_T]:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="pdfium", daemon=True)
                self._thread.start()
                atexit.register(self.drain)  # after pypdfium2's own handler: runs before it
        future: Future[_T] = Future()
        self._jobs.put((future, fn))
        return future

    def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Wait (at most ``timeout`` s) for the jobs queued so far, closes included, to finish."""
        if self._thread is None or self.on_worker():
            return
        done: Future[None] = Future()
        self._jobs.put((done, lambda: None))
        # past the timeout PDFium is still busy with a hostile page: exit anyway, on time
        with contextlib.suppress(TimeoutError):
            done.result(timeout=timeout)

    def on_worker(self) -> bool:
        return threading.current_thread() is self._thread


_WORKER = _Worker()


def run_pdfium(fn: Callable[[], _T], deadline: Deadline) -> _T:
    """``fn()`` on the PDFium thread, waited for until ``deadline`` (see the module text)."""
    if _WORKER.on_worker():
        return fn()  # a PDFium call made by a PDFium call
    future = _WORKER.submit(fn)
    try:
        return future.result(timeout=deadline.left())
    except TimeoutError:
        if future.cancel():  # never started: another document still holds PDFium
            raise ScanUnavailable("the PDF renderer is still busy with another document") from None
        raise deadline.error() from None


def post_pdfium(fn: Callable[[], object]) -> None:
    """``fn()`` on the PDFium thread, not waited for (closing documents and pages)."""
    if _WORKER.on_worker():
        fn()
    else:
        _WORKER.submit(fn)
