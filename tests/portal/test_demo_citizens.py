"""The main job's citizens' side: with Node, the DEV-ONLY OIDC provider and its printed logins
let a sample citizen into the portal; without it, the dev login, and the demo says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from issuer.citizen_demo import citizen_login
from issuer.world import running_world
from servicekit.local import free_port

from ._node import node_binary
from ._provider import MARIE
from ._support import browser, log_in, visible_text


def test_the_printed_login_lets_a_sample_citizen_in(tmp_path: Path) -> None:
    node_binary()  # skips (or fails in CI) without Node
    port = free_port()
    with citizen_login(tmp_path, port, start=True) as citizens:
        assert "login" in citizens.settings, citizens.lines
        assert any("marie / marie-DEV-ONLY" in line for line in citizens.lines)
        with running_world(
            tmp_path / "world", issuer_port=port, issuer_settings=citizens.settings
        ) as world:
            page = log_in(browser(), f"{world.issuer_url}/portal", MARIE)
            assert "Hello Marie-Louise Peeters" in visible_text(page.text)


def test_without_node_the_portal_offers_the_dev_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node, no npm
    with citizen_login(tmp_path, free_port(), start=True) as citizens:
        assert citizens.settings == {"dev_login": True}
        assert "node and npm are not installed" in citizens.lines[0]
        assert "DEV-ONLY login" in citizens.lines[0]


def test_once_starts_no_provider(tmp_path: Path) -> None:
    with citizen_login(tmp_path, 8999, start=False) as citizens:
        assert citizens.settings == {} and "starts without --once" in citizens.lines[0]
    assert not (tmp_path / "oidc-provider").exists()
