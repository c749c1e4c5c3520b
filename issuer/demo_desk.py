"""The main job's verifier desk: ``python -m desk serve`` as a real subprocess (the issuer never
imports the desk, as it never imports the registry), on a copy of the bundle the demo fetched,
pinned to the registry's root, refreshing from the running registry, with its DEV-ONLY
request-signing identity under ``workdir/desk`` (docs/desk.md)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from servicekit.local import LOCALHOST, port_in_use, server_process

DEFAULT_DESK_PORT = 8702
DESK_POLICY = "venue-reduced-tariff"


@contextmanager
def desk_process(samples: Path, workdir: Path, *, port: int, registry_url: str) -> Iterator[str]:
    """The desk on ``port`` for the samples in ``samples`` (their bundle and registry root)."""
    if port_in_use(port):
        raise RuntimeError(f"port {port} is in use (choose another with --desk-port)")
    folder = workdir / "desk"
    folder.mkdir(parents=True, exist_ok=True)
    bundle = folder / "bundle.jwt"  # the desk replaces it with each refreshed bundle
    shutil.copyfile(samples / "bundle.jwt", bundle)
    url = f"http://{LOCALHOST}:{port}"
    command = [sys.executable, "-m", "desk", "serve", "--policy", DESK_POLICY,
               "--bundle", str(bundle), "--root", str(samples / "registry-root.pem"),
               "--registry", registry_url, "--host", LOCALHOST, "--port", str(port),
               "--identity-dir", str(folder / "identity")]  # fmt: skip
    with server_process(command, url=url, env=dict(os.environ), log=workdir / "desk.log"):
        yield url
