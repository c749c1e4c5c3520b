"""Defect 7: a bundle from before a revocation, still inside its freshness window, said valid.

Real parts: the trust registry as a subprocess, the issuer, bundles fetched over HTTP by
``civicred bundle fetch``, credentials verified by the ``civicred`` process. The pin store (its
own per test) remembers the newest bundle number seen per registry root; an older one is
``trust.rollback`` (docs/trust-list.md §Rollback).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from issuer.sources import DevAuthenticSource
from issuer.world import publish, running_world
from verifier.status import TokenStatus

from ._cli_support import assert_no_traceback, civicred
from ._http_stub import serving


def _fetch(registry: str, out: Path, config: Path) -> dict[str, object]:
    result = civicred("bundle", "fetch", "--registry", registry, "--out", str(out), config=config)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_an_older_bundle_is_refused_once_a_newer_one_was_seen(tmp_path: Path) -> None:
    config, before, after = tmp_path / "config", tmp_path / "before.jwt", tmp_path / "after.jwt"
    credential = tmp_path / "credential.sd-jwt"
    with running_world(tmp_path / "world") as world:
        now = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
        person = DevAuthenticSource().person("p-0002")
        allocation = world.services.status.allocate(group_id="holder/museum")
        credential.write_text(
            world.services.credentials.issue(
                "social-status",
                person,
                holder_jwk=None,
                now=now,
                status=allocation.reference.to_claim(),
            ).compact
        )
        publish(world)
        old = _fetch(world.registry_url, before, config)  # pins the root on first use
        verify = ("verify", str(credential), "--json")
        assert civicred(*verify, "--bundle", str(before), config=config).returncode == 0

        world.services.status.set_group_status("holder/museum", TokenStatus.INVALID, actor="test")
        publish(world)
        new = _fetch(world.registry_url, after, config)
        assert isinstance(old["sequence"], int) and isinstance(new["sequence"], int)
        assert new["sequence"] > old["sequence"]
        revoked = civicred(*verify, "--bundle", str(after), config=config)
        assert revoked.returncode == 1
        assert json.loads(revoked.stdout)["checks"][-1]["code"] == "status.revoked"

        replayed = civicred(*verify, "--bundle", str(before), config=config)
        assert_no_traceback(replayed)
        assert replayed.returncode == 3, replayed.stdout
        report = json.loads(replayed.stdout)
        rollback = next(c for c in report["checks"] if c["code"] == "trust.rollback")
        assert rollback["result"] == "undetermined"
        assert f"sequence {old['sequence']}" in rollback["message"]
        assert f"sequence {new['sequence']}" in rollback["message"]
        assert report["claims"] is None or report["outcome"] != "valid"

        # A server (or a man in the middle) replaying the old bundle: fetch keeps the newer file.
        kept = after.read_bytes()
        routes = {"/bundle": before.read_bytes(), "/root.pem": world.registry.root_pem()}
        with serving(routes) as replay:
            refused = civicred(
                "bundle", "fetch", "--registry", replay, "--out", str(after), config=config
            )
        assert refused.returncode == 1
        assert "[trust.rollback]" in refused.stderr
        numbers = set(re.findall(r"sequence (\d+)", refused.stderr))
        assert {str(old["sequence"]), str(new["sequence"])} <= numbers
        assert after.read_bytes() == kept
