"""A desk on the committed samples (real signatures, the registry's bundle, its pinned root),
with a clock the test moves; and a registry of our own, made at test time, whose bundles the
desk refreshes from over real HTTP."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from desk.app import create_app
from desk.identity import VerifierIdentity, load_identity
from desk.settings import DeskSettings
from desk.trust import DeskTrust
from servicekit.local import asgi_client
from tests.attacks._world import NOW as WORLD_NOW
from tests.attacks._world import World, build_world
from tests.policies._samples import GENERATED_AT, SAMPLES
from verifier.trust import build_bundle

ROOT_PEM = SAMPLES / "registry-root.pem"
MUSEUM = "x509_san_dns:museum.example"
#: The holder's and the cards' personal data that a venue desk must never show.
NOT_FOR_THE_VENUE = ("85073003328", "1951-07-30", "30/07/1951", "92120512345", "1992-12-05",
                     "05/12/1992", "00000001200000123456", "Broeck", "BIM", "GRAPA", "44021")  # fmt: skip


@dataclass
class Clock:
    now: datetime = GENERATED_AT

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Desk:
    app: FastAPI
    trust: DeskTrust
    clock: Clock
    bundle_path: Path
    identity: VerifierIdentity
    settings: DeskSettings
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = asgi_client(self.app, base_url=self.settings.base_url)

    def post(self, data: bytes, content_type: str, **headers: str) -> httpx.Response:
        return self.client.post("/verify", content=data,
                                headers={"content-type": content_type, "x-desk-fragment": "1", **headers})  # fmt: skip


def sample_desk(
    tmp_path: Path, *, policy: str = "venue-reduced-tariff", audience: str = MUSEUM, **settings: Any
) -> Desk:
    path = tmp_path / "bundle.jwt"
    shutil.copy(SAMPLES / "bundle.jwt", path)
    clock = Clock()
    trust = DeskTrust.load(path, now=clock(), root=ROOT_PEM)
    settings.setdefault("identity_dir", tmp_path / "identity")
    config = DeskSettings(policy=policy, bundle=path, root=ROOT_PEM, audience=audience, **settings)
    identity = load_identity(key=None, certificates=None, dev_dir=config.identity_dir,
                             dns_name="127.0.0.1", now=clock())  # fmt: skip
    app = create_app(config, trust, clock=clock, identity=identity)
    return Desk(app, trust, clock, path, identity, config)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# -- a registry of our own, for the refresh ----------------------------------------------------
@dataclass
class Registry:
    """Signs bundles on demand (sequence numbers chosen by the test)."""

    world: World = field(default_factory=build_world)

    def bundle(self, sequence: int, *, issued_at: datetime | None = None) -> str:
        issued = issued_at or WORLD_NOW - timedelta(minutes=30)
        return build_bundle(
            trust_list=self.world.token, root=self.world.root, signer=self.world.registry,
            issued_at=issued, next_update=issued + timedelta(hours=23), sequence=sequence,
        )  # fmt: skip

    def root_pem(self, folder: Path) -> Path:
        from verifier.trust import dump_pem

        path = folder / "world-root.pem"
        path.write_bytes(dump_pem(self.world.root))
        return path


# -- a wallet at the desk ----------------------------------------------------------------------
def sample_wallet(desk: Desk, credentials: tuple[str, ...] = ("social-status.sd-jwt",)) -> Any:
    """A test wallet holding sample credentials, trusting the desk's DEV root, on the desk's
    clock, talking to it through the ASGI app."""
    from ._wallet import TestWallet

    root = desk.identity.dev_root
    assert root is not None
    issued = [(SAMPLES / name).read_text().strip() for name in credentials]
    return TestWallet(desk.client, [root], desk.clock, issued)


@contextmanager
def served_desk(tmp_path: Path, **settings: Any) -> Iterator[Desk]:
    """A sample desk served by uvicorn on 127.0.0.1 (real HTTP: a wallet in another process
    reaches it); ``desk.client`` talks to it over the socket."""
    from servicekit.local import app_thread, free_port

    port = free_port()
    desk = sample_desk(tmp_path, port=port, **settings)
    with app_thread(desk.app, port) as url:
        desk.client = httpx.Client(base_url=url, timeout=30)
        try:
            yield desk
        finally:
            desk.client.close()
