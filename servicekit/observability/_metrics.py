"""Prometheus exposition for one process or several worker processes.

With several workers (uvicorn multi-process mode) each process writes its counters and histograms
to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode); a scrape, which
any worker may answer, aggregates every process's files. The directory must be set before the
workers start (prometheus-client reads it when it is imported) and emptied before each run.
Values read from the database at scrape time (list sizes…) come from a per-scrape registry, the
same whichever worker answers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir(directory: Path) -> None:
    """Empty (or create) ``directory`` and name it in the environment the workers inherit;
    call it before any worker process imports prometheus-client."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, mode=0o700)
    os.environ[MULTIPROCESS_DIR_VARIABLE] = str(directory)


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_DIR_VARIABLE))


def exposition(scrape_time: Callable[[], Collector] | None = None) -> bytes:
    """The text exposition of this process (or all workers), plus ``scrape_time()``'s metrics."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    if scrape_time is not None:
        extra = CollectorRegistry()
        extra.register(scrape_time())
        body += generate_latest(extra)
    return body


def metrics_endpoint(
    scrape_time: Callable[[], Collector] | None = None,
) -> Callable[[Request], Response]:
    """A route handler answering :func:`exposition` in the Prometheus text format."""

    def metrics(_request: Request) -> Response:
        return Response(exposition(scrape_time), media_type=CONTENT_TYPE_LATEST)

    return metrics
