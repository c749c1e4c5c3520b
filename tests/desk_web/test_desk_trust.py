"""The desk's trust data: a pinned root or no start, a background refresh over real HTTP that
takes only newer bundles of the same root, and offline work when the registry is gone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desk.trust import DeskError, DeskTrust
from tests.attacks._http_stub import serving
from tests.attacks._world import NOW
from verifier.cli.pins import PinStore

from ._support import ROOT_PEM, SAMPLES, Registry, sample


@pytest.fixture
def store(tmp_path: Path) -> PinStore:
    return PinStore(tmp_path / "config")  # an empty pin store of this test's own


def test_no_pinned_root_no_desk(
    tmp_path: Path, store: PinStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CIVICRED_REGISTRY_ROOT", raising=False)
    path = tmp_path / "bundle.jwt"
    shutil.copy(SAMPLES / "bundle.jwt", path)
    with pytest.raises(DeskError, match="no pinned root"):
        DeskTrust.load(path, now=NOW, store=store)


def test_no_bundle_and_no_registry(tmp_path: Path, store: PinStore) -> None:
    with pytest.raises(DeskError, match="no bundle"):
        DeskTrust.load(tmp_path / "missing.jwt", now=NOW, root=ROOT_PEM, store=store)


def test_a_bundle_of_another_root_is_refused_at_start(tmp_path: Path, store: PinStore) -> None:
    registry = Registry()
    path = tmp_path / "bundle.jwt"
    path.write_text(registry.bundle(1))
    with pytest.raises(DeskError, match="does not verify"):
        DeskTrust.load(path, now=NOW, root=ROOT_PEM, store=store)


def test_a_rolled_back_bundle_is_refused_at_start(tmp_path: Path, store: PinStore) -> None:
    registry = Registry()
    root = registry.root_pem(tmp_path)
    path = tmp_path / "bundle.jwt"
    path.write_text(registry.bundle(5))
    DeskTrust.load(path, now=NOW, root=root, store=store)
    path.write_text(registry.bundle(4))
    with pytest.raises(DeskError, match=r"trust\.rollback"):
        DeskTrust.load(path, now=NOW, root=root, store=store)


def test_the_first_bundle_comes_from_the_registry(tmp_path: Path, store: PinStore) -> None:
    registry = Registry()
    routes = {"/bundle": registry.bundle(3).encode()}
    path = tmp_path / "new" / "bundle.jwt"
    with serving(routes) as url:
        trust = DeskTrust.load(path, now=NOW, root=registry.root_pem(tmp_path),
                               registry_url=url, store=store)  # fmt: skip
    assert trust.bundle.sequence == 3 and path.read_text().strip() == routes["/bundle"].decode()


def test_refresh_takes_a_newer_bundle_refuses_older_and_works_offline(
    tmp_path: Path, store: PinStore
) -> None:
    registry = Registry()
    path = tmp_path / "bundle.jwt"
    path.write_text(registry.bundle(1))
    routes = {"/bundle": registry.bundle(2).encode()}
    with serving(routes) as url:
        trust = DeskTrust.load(path, now=NOW, root=registry.root_pem(tmp_path),
                               registry_url=url, store=store, timeout_seconds=5)  # fmt: skip
        assert trust.bundle.sequence == 1
        result = trust.refresh(NOW)
        assert result.ok and trust.bundle.sequence == 2
        assert path.read_text().strip() == routes["/bundle"].decode()  # written for next start
        routes["/bundle"] = registry.bundle(1).encode()  # an older one: a rollback
        result = trust.refresh(NOW)
        assert not result.ok and "trust.rollback" in result.message
        assert trust.bundle.sequence == 2 and "sequence" not in path.read_text()
        routes["/bundle"] = Registry().bundle(9).encode()  # another registry's root
        result = trust.refresh(NOW)
        assert not result.ok and trust.bundle.sequence == 2
    result = trust.refresh(NOW)  # the registry is gone
    assert not result.ok and "cannot download" in result.message
    assert trust.bundle.sequence == 2
    assert trust.verifier_at(NOW).bundle.sequence == 2


def test_the_page_says_when_the_registry_is_unreachable(tmp_path: Path) -> None:
    from ._support import sample_desk

    desk = sample_desk(tmp_path)
    desk.trust.registry_url = "http://127.0.0.1:9"  # nothing listens there
    desk.trust.refresh(desk.clock())
    html = desk.client.get("/", headers={"accept-language": "nl"}).text
    assert "register onbereikbaar" in html and "offline aan het werk" in html
    verdict = desk.post(sample("social-status-venue.qr.txt"), "text/plain").text
    assert 'data-outcome="valid"' in verdict  # the bundle it has is fresh enough


def test_the_verifier_rates_the_bundle_at_each_request(tmp_path: Path, store: PinStore) -> None:
    from datetime import timedelta

    path = tmp_path / "bundle.jwt"
    shutil.copy(SAMPLES / "bundle.jwt", path)
    from tests.policies._samples import GENERATED_AT

    trust = DeskTrust.load(path, now=GENERATED_AT, root=ROOT_PEM, store=store)
    later = trust.verifier_at(GENERATED_AT + timedelta(hours=25))
    rated = {c.code: c.result.value for c in later.bundle.checks}
    assert rated["trust.freshness"] == "undetermined" and rated["trust.root"] == "passed"
    assert rated["trust.rollback"] == "passed"


def test_a_served_desk_refreshes_in_the_background(tmp_path: Path, store: PinStore) -> None:
    import time

    from desk.app import create_app
    from desk.settings import DeskSettings
    from servicekit.local import app_thread, free_port

    registry = Registry()
    path = tmp_path / "bundle.jwt"
    path.write_text(registry.bundle(1))
    routes = {"/bundle": registry.bundle(2).encode()}
    with serving(routes) as url:
        trust = DeskTrust.load(path, now=NOW, root=registry.root_pem(tmp_path),
                               registry_url=url, store=store, timeout_seconds=5)  # fmt: skip
        settings = DeskSettings(bundle=path, registry_url=url, refresh_seconds=0.2,
                                identity_dir=tmp_path / "identity")  # fmt: skip
        with app_thread(create_app(settings, trust, clock=lambda: NOW), free_port()):
            deadline = time.monotonic() + 10
            while trust.bundle.sequence != 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert trust.bundle.sequence == 2
            routes["/bundle"] = registry.bundle(3).encode()
            while trust.bundle.sequence != 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert trust.bundle.sequence == 3
