"""Rendering many documents (``civicred pdf batch``): dev people, cycled and synthesised, across
worker processes, with a plain stderr progress line.

Each worker loads the signer from the key and chain files once (an HSM signer would open its
session there) and writes its PDFs itself, so only small results cross process boundaries.
Revocation references are DEV placeholders (not registered with any revocation service).
File names carry the type, language and a sequence number; never personal data.
"""

from __future__ import annotations

import copy
import multiprocessing
import secrets
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from issuer.documents._devcert import load_file_signer
from issuer.documents._doctypes import build_payload, printed_type
from issuer.documents._payloads import DocumentError, JtiRef
from issuer.documents._service import DocumentService
from issuer.sources import DevAuthenticSource
from verifier.status import StatusReference

DEV_RID = "https://issuer.civicred.localhost/revocation/dev-batch"
DEV_STATUS_URI = "https://issuer.civicred.localhost/status/dev-batch"
STATUS_LIST_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class BatchSpec:
    doc_type: str
    language: str
    count: int
    out: Path
    key_path: Path
    chain_path: Path
    now: datetime
    passphrase: bytes | None = None
    font_dir: Path | None = None
    pades: bool = True
    workers: int = 2


@dataclass
class BatchResult:
    count: int = 0
    seconds: float = 0.0
    versions: Counter[str] = field(default_factory=Counter)
    render_ms: float = 0.0
    pades_ms: float = 0.0

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def dev_references() -> tuple[JtiRef, StatusReference]:
    """DEV placeholders: a fresh jti on a dev list and a random index on a dev status list."""
    jti = JtiRef(f"urn:uuid:{uuid.uuid4()}", DEV_RID)
    return jti, StatusReference(secrets.randbelow(STATUS_LIST_SIZE), DEV_STATUS_URI)


def eligible_people(doc_type: str, now: datetime) -> list[dict[str, Any]]:
    """The dev people for whom ``doc_type`` can be issued on ``now``'s date."""
    jti, status = dev_references()
    out = []
    for person in DevAuthenticSource().people():
        try:
            build_payload(doc_type, person, today=now.date(), revocation=jti, status=status)
        except DocumentError:
            continue
        out.append(person)
    return out


def synthesise(base: list[dict[str, Any]], index: int) -> dict[str, Any]:
    """The ``index``-th person of a batch: the dev people in turn, then variants of them with
    their own person id and card serial (names and dates unchanged, so still valid)."""
    person = copy.deepcopy(base[index % len(base)])
    if index >= len(base):
        person["person_id"] = f"{person['person_id']}-s{index}"
        insurance = person["health_insurance"]
        serial = (int(insurance["card_serial"]) + index) % 10**10
        insurance["card_serial"] = f"{serial:010d}"
    return person


def file_name(spec: BatchSpec, index: int) -> str:
    alias = printed_type(spec.doc_type).alias
    return f"{alias}-{spec.language}-{index + 1:06d}.pdf"


_STATE: dict[str, Any] = {}


def _init(spec: BatchSpec, base: list[dict[str, Any]]) -> None:
    _STATE["spec"] = spec
    _STATE["base"] = base
    _STATE["signer"] = load_file_signer(spec.key_path, spec.chain_path, passphrase=spec.passphrase)
    _STATE["service"] = DocumentService(font_dir=spec.font_dir, pades=spec.pades)


def _task(index: int) -> tuple[str, float, float]:
    spec: BatchSpec = _STATE["spec"]
    jti, status = dev_references()
    doc = _STATE["service"].render(
        spec.doc_type,
        synthesise(_STATE["base"], index),
        spec.language,
        signer=_STATE["signer"],
        now=spec.now,
        revocation=jti,
        status=status,
    )
    (spec.out / file_name(spec, index)).write_bytes(doc.pdf_bytes)
    return f"{doc.qr_version}-{doc.ecc}", doc.timings_ms["render"], doc.timings_ms["pades"]


class ProgressLine:
    """``done/total (pct) rate ETA`` on one stderr line (``\\r`` on a terminal; otherwise a line
    every 10 %)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total, self.label = total, label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()
        self._last = 0.0
        self._decile = -1

    def update(self, done: int) -> None:
        now = time.perf_counter()
        decile = done * 10 // max(self.total, 1)
        if self.tty and now - self._last < 0.2 and done < self.total:
            return
        if not self.tty and decile == self._decile:
            return
        self._last, self._decile = now, decile
        rate = done / (now - self.started) if now > self.started else 0.0
        eta = (self.total - done) / rate if rate else 0.0
        line = (
            f"{self.label}: {done}/{self.total} ({100 * done // max(self.total, 1)}%) "
            f"{rate:.1f} docs/s ETA {eta:.0f} s"
        )
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def run_batch(spec: BatchSpec, progress: Callable[[int], None] | None = None) -> BatchResult:
    """Render ``spec.count`` documents into ``spec.out``; raise :class:`DocumentError` when no
    dev person qualifies for the type on that date."""
    base = eligible_people(spec.doc_type, spec.now)
    if not base:
        raise DocumentError(f"no dev person can receive {spec.doc_type} on {spec.now.date()}")
    spec.out.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    started = time.perf_counter()

    def collect(item: tuple[str, float, float]) -> None:
        result.count += 1
        result.versions[item[0]] += 1
        result.render_ms += item[1]
        result.pades_ms += item[2]
        if progress is not None:
            progress(result.count)

    if spec.workers <= 1:
        _init(spec, base)
        for index in range(spec.count):
            collect(_task(index))
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with context.Pool(spec.workers, initializer=_init, initargs=(spec, base)) as pool:
            for item in pool.imap_unordered(_task, range(spec.count), chunksize=4):
                collect(item)
    result.seconds = time.perf_counter() - started
    return result


def summary(result: BatchResult) -> Mapping[str, Any]:
    n = max(result.count, 1)
    return {
        "documents": result.count,
        "seconds": round(result.seconds, 2),
        "docs_per_second": round(result.per_second, 1),
        "render_ms_mean": round(result.render_ms / n, 1),
        "pades_ms_mean": round(result.pades_ms / n, 1),
        "qr_versions": dict(sorted(result.versions.items())),
    }
