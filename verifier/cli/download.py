"""Bounded HTTP downloads for ``civicred bundle fetch``: one wall-clock deadline, one size limit.

urllib's ``timeout`` bounds each socket operation, not the download: a server that sends one byte
a second keeps a read going for ever. Here the request runs in a worker thread and the command
waits at most until the deadline, which covers connecting, the headers and the body; then every
connection the worker opened is shut down. The body is read in chunks against the size limit,
whatever ``Content-Length`` says, or when it says nothing. Standard library only.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from verifier.cli._common import CliError

MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
_CHUNK = 64 * 1024


class Deadline:
    """A wall-clock budget shared by every download of one command."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())


def download(url: str, *, deadline: Deadline, limit: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """The body of ``GET url`` (http/https), within ``deadline`` and ``limit`` bytes."""
    if not url.startswith(("http://", "https://")):
        raise CliError(f"not an http(s) URL: {url}")
    connections: list[http.client.HTTPConnection] = []
    outcome: list[bytes | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_get(url, connections, deadline, limit))
        except BaseException as exc:  # handed to the waiting thread below
            outcome.append(exc)

    worker = threading.Thread(target=work, name="civicred-download", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        for connection in list(connections):
            _abort(connection)
        raise CliError(
            f"cannot download {url}: no complete answer within {deadline.seconds:g} s "
            "(the time limit; --timeout changes it)"
        )
    result = outcome[0]
    if isinstance(result, CliError):
        raise result
    if isinstance(result, urllib.error.HTTPError):
        raise CliError(f"cannot download {url}: HTTP {result.code} {result.reason}")
    if isinstance(result, urllib.error.URLError):
        raise CliError(f"cannot download {url}: {result.reason}")
    if isinstance(result, (OSError, http.client.HTTPException, ValueError)):
        raise CliError(f"cannot download {url}: {result or type(result).__name__}")
    if isinstance(result, BaseException):
        raise result
    return result


def _get(
    url: str, connections: list[http.client.HTTPConnection], deadline: Deadline, limit: int
) -> bytes:
    timeout = max(deadline.remaining(), 0.001)
    with _opener(connections).open(url, timeout=timeout) as response:
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise CliError(f"{url} announces {int(declared)} bytes, more than the {limit} allowed")
        body = bytearray()
        while chunk := response.read(_CHUNK):
            body += chunk
            if len(body) > limit:
                raise CliError(f"{url} is larger than {limit} bytes")
    return bytes(body)


def _opener(connections: list[http.client.HTTPConnection]) -> urllib.request.OpenerDirector:
    """http(s) only (no file:, ftp: or data: even through a redirect); connections recorded."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _tracking(urllib.request.HTTPHandler, connections)(),
        _tracking(urllib.request.HTTPSHandler, connections)(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _tracking(
    base: type[urllib.request.AbstractHTTPHandler],
    connections: list[http.client.HTTPConnection],
) -> type[urllib.request.AbstractHTTPHandler]:
    class Tracking(base):  # type: ignore[valid-type,misc]
        def do_open(self, http_class: Any, req: Any, **kwargs: Any) -> Any:
            def connect(*args: Any, **options: Any) -> http.client.HTTPConnection:
                connection: http.client.HTTPConnection = http_class(*args, **options)
                connections.append(connection)
                return connection

            opened: Callable[..., Any] = super().do_open
            return opened(connect, req, **kwargs)

    return Tracking


def _abort(connection: http.client.HTTPConnection) -> None:
    """Shut the socket down under the worker's feet (its blocked read returns at once)."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    connection.close()
