"""Running the registry and the issuer locally for the main job and integration tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

LOCALHOST = "127.0.0.1"


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((LOCALHOST, port)) == 0


def wait_healthy(
    url: str, *, timeout: float = 60.0, process: subprocess.Popen[bytes] | None = None
) -> None:
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
        time.sleep(0.2)
    raise ServerError(f"{url} did not become healthy within {timeout:.0f} s")


@contextmanager
def registry_process(workdir: Path, port: int, *, log: Path) -> Iterator[str]:
    """``civicred registry serve`` as a real subprocess with its state under ``workdir``."""
    url = f"http://{LOCALHOST}:{port}"
    env: Mapping[str, str] = {
        **os.environ,
        "CIVICRED_REGISTRY_DATABASE_URL": f"sqlite:///{workdir / 'registry.db'}",
        "CIVICRED_REGISTRY_PKI_DIR": str(workdir / "pki"),
        "CIVICRED_REGISTRY_PUBLIC_BASE_URL": url,
    }
    workdir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "trust_registry",
        "serve",
        "--host",
        LOCALHOST,
        "--port",
        str(port),
    ]
    with log.open("ab") as sink:
        process = subprocess.Popen(command, env=dict(env), stdout=sink, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        wait_healthy(url, process=process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


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
