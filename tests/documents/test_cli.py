"""``civicred pdf render`` / ``civicred pdf batch`` with the DEV ONLY signer and with files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from issuer.documents import check_pades
from issuer.documents._batch import ProgressLine, synthesise
from verifier.cli import main
from verifier.trust import load_pem_certificates

from ._support import decode_page, person

TODAY = "2026-07-01"


def _root(keys: Path) -> list[Any]:
    return list(load_pem_certificates((keys / "documents" / "root.pem").read_bytes()))


def civicred(command: str, **paths: Path) -> int:
    """Run ``civicred <command> --today 2026-07-01`` plus ``--<name> <path>`` options."""
    args = [*command.split(), "--today", TODAY]
    for name, path in paths.items():
        args += [f"--{name.replace('_', '-')}", str(path)]
    return main(args)


def test_render_with_the_dev_signer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys, out = tmp_path / "keys", tmp_path / "out" / "prc.pdf"
    code = civicred("pdf render --type prc --language nl --person p-0002", keys_dir=keys, out=out)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    info = json.loads(captured.out)
    assert info["sid"] == "eessi:prc:1.0" and info["qr"].endswith("-L")
    assert "DEV ONLY" in captured.err
    assert (keys / "documents" / "private.jwk").stat().st_mode & 0o077 == 0
    pdf = out.read_bytes()
    assert check_pades(pdf, _root(keys)).ok
    assert len(decode_page(pdf)) == 1


def test_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys, out = tmp_path / "keys", tmp_path / "batch"
    command = "pdf batch --type ssh --language fr --count 5 --workers 2"
    code = civicred(command, keys_dir=keys, out=out)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert summary["documents"] == 5 and sum(summary["qr_versions"].values()) == 5
    assert all(v.endswith("-Q") for v in summary["qr_versions"])
    files = sorted(p.name for p in out.iterdir())
    assert files == [f"ssh-fr-{i:06d}.pdf" for i in range(1, 6)]
    assert "pdf batch ssh/fr: 5/5 (100%)" in captured.err
    assert "Peeters" not in captured.err + captured.out  # no personal data on the console
    assert check_pades((out / files[-1]).read_bytes(), _root(keys)).ok


def test_key_and_chain_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keys, other = tmp_path / "keys", tmp_path / "other"
    assert civicred("pdf render --type ehic", keys_dir=keys, out=tmp_path / "a.pdf") == 0
    assert civicred("pdf render --type prc", keys_dir=other, out=tmp_path / "c.pdf") == 0
    capsys.readouterr()
    dev = keys / "documents"
    out = tmp_path / "b.pdf"
    assert civicred("pdf render --type ehic", key=dev / "private.pem", out=out) == 2
    assert "--key and --cert-chain go together" in capsys.readouterr().err
    pem, chain = dev / "private.pem", dev / "chain.pem"
    assert civicred("pdf render --type ehic", key=pem, cert_chain=chain, out=out) == 0
    assert check_pades(out.read_bytes(), _root(keys)).ok
    stranger = other / "documents" / "private.jwk"
    assert civicred("pdf render --type ehic", key=stranger, cert_chain=chain, out=out) == 2
    assert "is not for" in capsys.readouterr().err


def test_no_eligible_person_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["pdf", "batch", "--type", "ssh", "--today", "2031-01-01", "--count", "1"]
    code = main([*args, "--keys-dir", str(tmp_path / "k"), "--out", str(tmp_path / "o")])
    assert code == 2 and "no dev person" in capsys.readouterr().err


def test_synthesised_people_stay_distinct_and_valid() -> None:
    base = [person("p-0001"), person("p-0002")]
    people = [synthesise(base, i) for i in range(6)]
    assert people[:2] == base
    assert len({p["person_id"] for p in people}) == 6
    serials = {p["health_insurance"]["card_serial"] for p in people}
    assert len(serials) == 6 and all(len(s) == 10 and s.isdigit() for s in serials)


def test_progress_line_without_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    line = ProgressLine(20, "x", stream=sys.stderr)
    for done in range(1, 21):
        line.update(done)
    line.finish()
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11 and lines[-1].startswith("x: 20/20 (100%)")
