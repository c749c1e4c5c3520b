"""Defect 6: without a pinned root an attacker's own bundle made ``civicred verify`` say valid.

Now a bundle counts only through a pin: ``--root``, ``$CIVICRED_REGISTRY_ROOT`` or the pin store
that ``bundle fetch`` fills on first use (docs/cli.md §Pinned registry roots). Each test has its
own empty pin store (``$CIVICRED_CONFIG_DIR`` in ``tmp_path``).
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from verifier.trust import load_certificate, x5t_s256

from ._cli_support import (
    BUNDLE,
    QR_TEXT,
    ROOT,
    SAMPLE_NOW,
    assert_no_traceback,
    civicred,
)
from ._http_stub import serving
from ._impostor import Impostor, payload_of

ISS = payload_of(payload_of(BUNDLE.read_text().strip())["trust_list"])["iss"]
SAMPLE_ROOT = x5t_s256(load_certificate(ROOT.read_bytes()))


def _verify(bundle: Path, config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return civicred(
        "verify", str(QR_TEXT), "--bundle", str(bundle), "--now", SAMPLE_NOW, "--json", *extra,
        config=config,
    )  # fmt: skip


def _check(result: subprocess.CompletedProcess[str], code: str) -> dict[str, Any]:
    report = json.loads(result.stdout)
    return dict(next(c for c in report["checks"] if c["code"] == code))


def _pins(config: Path) -> list[dict[str, Any]]:
    result = civicred("bundle", "pins", "--json", config=config)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout)["pins"])


@pytest.fixture
def impostor() -> Impostor:
    return Impostor.create()


def test_an_unpinned_bundle_is_undetermined(tmp_path: Path, impostor: Impostor) -> None:
    """An attacker's own bundle and credential, no pin anywhere: exit 3, never 0."""
    forged = tmp_path / "forged.jwt"
    forged.write_text(impostor.bundle())
    result = _verify(forged, tmp_path / "config")
    assert_no_traceback(result)
    assert result.returncode == 3, result.stdout
    assert _check(result, "trust.root")["result"] == "undetermined"
    assert json.loads(result.stdout)["details"]["root_pinned"] is False


def test_fetch_pins_on_first_use_and_verify_uses_the_pin(tmp_path: Path) -> None:
    config, out = tmp_path / "config", tmp_path / "bundle.jwt"
    routes = {"/bundle": BUNDLE.read_bytes(), "/root.pem": ROOT.read_bytes()}
    with serving(routes) as url:
        fetched = civicred("bundle", "fetch", "--registry", url, "--out", str(out), config=config)
    assert fetched.returncode == 0, fetched.stderr
    assert "pinned the registry root" in fetched.stderr and "on first use" in fetched.stderr
    summary = json.loads(fetched.stdout)
    assert (summary["iss"], summary["root_source"]) == (ISS, "first use")
    [pin] = _pins(config)
    assert (pin["iss"], pin["root"], pin["urls"]) == (ISS, summary["root"], [url])
    # the store's files: a folder only the user may enter, files only the user may read
    folder = config / "pins"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("index.json", f"{summary['root']}.pem"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert (folder / f"{summary['root']}.pem").read_text().startswith("# civicred pinned")

    result = _verify(out, config)  # no --root: the pin store answers
    assert result.returncode == 0, result.stdout
    assert _check(result, "trust.root")["result"] == "passed"
    assert json.loads(result.stdout)["details"]["root_pinned"] is True


def test_a_different_root_for_a_pinned_registry_is_refused(
    tmp_path: Path, impostor: Impostor
) -> None:
    config = tmp_path / "config"
    pinned = civicred("bundle", "pin", "--root", str(ROOT), "--bundle", str(BUNDLE), config=config)
    assert pinned.returncode == 0, pinned.stderr
    forged = tmp_path / "forged.jwt"
    forged.write_text(impostor.bundle())

    result = _verify(forged, config)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "[trust.pin_mismatch]" in result.stderr and "ROOT HAS CHANGED" in result.stderr
    assert _pins(config)[0]["root"] in result.stderr  # both fingerprints are shown

    out = tmp_path / "fetched.jwt"
    with serving({"/bundle": forged.read_bytes(), "/root.pem": impostor.root_pem}) as url:
        fetched = civicred("bundle", "fetch", "--registry", url, "--out", str(out), config=config)
    assert fetched.returncode == 1
    assert "[trust.pin_mismatch]" in fetched.stderr
    assert not out.exists()


def test_replacing_a_pin_is_deliberate(tmp_path: Path, impostor: Impostor) -> None:
    config, forged = tmp_path / "config", tmp_path / "forged.jwt"
    forged.write_text(impostor.bundle())
    root = tmp_path / "new-root.pem"
    root.write_bytes(impostor.root_pem)
    assert civicred("bundle", "pin", "--root", str(ROOT), "--bundle", str(BUNDLE),
                    config=config).returncode == 0  # fmt: skip
    refused = civicred("bundle", "pin", "--root", str(root), "--bundle", str(forged), config=config)
    assert refused.returncode == 1 and "[trust.pin_mismatch]" in refused.stderr
    replaced = civicred(
        "bundle", "pin", "--replace", "--root", str(root), "--bundle", str(forged), config=config
    )
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads(replaced.stdout)["replaced"] is not None
    assert _check(_verify(forged, config), "trust.root")["result"] == "passed"
    assert _verify(BUNDLE, config).returncode == 2  # the old root is now the stranger

    forgotten = civicred("bundle", "unpin", ISS, config=config)
    assert forgotten.returncode == 0, forgotten.stderr
    assert _pins(config) == []
    assert _verify(forged, config).returncode == 3


def test_root_and_environment_override_the_store(tmp_path: Path, impostor: Impostor) -> None:
    config, forged = tmp_path / "config", tmp_path / "forged.jwt"
    forged.write_text(impostor.bundle())
    root = tmp_path / "other-root.pem"
    root.write_bytes(impostor.root_pem)
    assert civicred("bundle", "pin", "--root", str(ROOT), "--bundle", str(BUNDLE),
                    config=config).returncode == 0  # fmt: skip
    for extra, env in ((("--root", str(root)), {}), ((), {"CIVICRED_REGISTRY_ROOT": str(root)})):
        result = civicred(
            "verify", str(QR_TEXT), "--bundle", str(forged), "--now", SAMPLE_NOW, "--json",
            *extra, config=config, env=env,
        )  # fmt: skip
        assert_no_traceback(result)
        assert _check(result, "trust.root")["result"] == "passed", result.stderr
    assert _pins(config)[0]["root"] == SAMPLE_ROOT  # the pin itself is untouched


def test_a_damaged_pin_store_is_an_error_not_a_reset(tmp_path: Path) -> None:
    config = tmp_path / "config"
    assert civicred("bundle", "pin", "--root", str(ROOT), "--bundle", str(BUNDLE),
                    config=config).returncode == 0  # fmt: skip
    (config / "pins" / "index.json").write_text("{not json")
    result = _verify(BUNDLE, config)
    assert_no_traceback(result)
    assert result.returncode == 2 and "pin store index" in result.stderr
