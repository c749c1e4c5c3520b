"""Running services on this machine: for the main job (``civicred demo``) and integration tests.

Everything listens on the loopback address only.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

LOCALHOST = "127.0.0.1"


class ServerError(RuntimeError):
    """A local server did not start, or exited before it was ready."""


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((LOCALHOST, port)) == 0


def wait_healthy(
    url: str, *, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll ``{url}/healthz`` until it answers 200; fail early when ``process`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServerError(
                f"the server exited with code {process.returncode} before it was ready"
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise ServerError(f"{url} did not become healthy within {timeout:.0f} s")


@contextmanager
def server_process(
    command: Sequence[str],
    *,
    url: str,
    env: Mapping[str, str],
    log: Path,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """``command`` as a real subprocess serving ``url``, its output appended to ``log``; yields
    once ``/healthz`` answers, terminates it (then kills it) on exit."""
    with log.open("ab") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own command line, no shell
            list(command), env=dict(env), cwd=cwd, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        wait_healthy(url, process=process, timeout=timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def app_thread(app: FastAPI, port: int) -> Iterator[str]:
    """An ASGI app served by uvicorn in a background thread of this process."""
    server = uvicorn.Server(uvicorn.Config(app, host=LOCALHOST, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=f"uvicorn:{port}", daemon=True)
    thread.start()
    url = f"http://{LOCALHOST}:{port}"
    try:
        wait_healthy(url)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class _SyncAsgiTransport(httpx.BaseTransport):
    """A synchronous httpx transport into an ASGI app (over ``httpx.ASGITransport``)."""

    def __init__(self, app: FastAPI) -> None:
        self._transport = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> httpx.Response:
            response = await self._transport.handle_async_request(request)
            body = await response.aread()
            return httpx.Response(
                response.status_code, headers=response.headers, content=body, request=request
            )

        return asyncio.run(call())


def asgi_client(app: FastAPI, base_url: str = "http://testserver") -> httpx.Client:
    """A synchronous ``httpx.Client`` that calls ``app`` in this process, without a socket (the
    full ASGI stack: middleware, exception handlers, real request and response bytes)."""
    return httpx.Client(transport=_SyncAsgiTransport(app), base_url=base_url)
