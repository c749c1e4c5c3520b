"""``civicred verify A B C …`` and ``-`` (one input per line): JSON Lines out, one exit code.

docs/cli.md §Many inputs. Real process, committed samples, the bundle parsed once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from verifier.cli import main
from verifier.cli._common import summarise_exits
from verifier.trust import Bundle

SAMPLES = Path(__file__).resolve().parents[2] / "sample_credentials"
NOW = json.loads((SAMPLES / "manifest.json").read_text())["generated_at"]
TRUST = ["--bundle", str(SAMPLES / "bundle.jwt"), "--root", str(SAMPLES / "registry-root.pem"),
         "--now", NOW]  # fmt: skip
VALID, REVOKED = SAMPLES / "eprc.qr.txt", SAMPLES / "eprc-revoked.qr.txt"


def civicred(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", *args], input=stdin, capture_output=True,
        timeout=120, env={**os.environ},
    )  # fmt: skip
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def records(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_several_files_give_json_lines_and_one_exit_code(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.qr.txt"
    result = civicred("verify", str(VALID), str(REVOKED), *TRUST)
    assert result.returncode == 1  # one invalid: invalid
    lines = records(result)
    assert [r["input"] for r in lines] == [str(VALID), str(REVOKED)]
    assert [r["outcome"] for r in lines] == ["valid", "invalid"]
    assert all(r["checks"] and "details" in r for r in lines)

    with_error = civicred("verify", str(VALID), str(tmp_path), str(missing), *TRUST)
    assert with_error.returncode == 2  # a usage error outranks everything
    folder, unknown = records(with_error)[1:]
    assert folder["input"] == str(tmp_path) and folder["exit_code"] == 2
    assert folder["error"].startswith(f"cannot read the input {tmp_path}")
    assert unknown["input"] == "arg:3" and "unrecognised input" in unknown["error"]


def test_stdin_lines_mix_paths_and_tokens() -> None:
    lines = [str(VALID), REVOKED.read_text().strip(), "", VALID.read_text().strip()]
    result = civicred("verify", "-", *TRUST, stdin="\n".join(lines).encode())
    assert result.returncode == 1
    out = records(result)
    assert [r["input"] for r in out] == [str(VALID), "-:2", "-:4"]  # tokens are never echoed
    assert [r["outcome"] for r in out] == ["valid", "invalid", "valid"]


def test_one_input_keeps_the_single_report() -> None:
    text = civicred("verify", "-", *TRUST, stdin=VALID.read_bytes())
    assert text.returncode == 0 and text.stdout.startswith("VALID")
    as_jsonl = civicred("verify", str(VALID), *TRUST, "--jsonl")
    assert [r["input"] for r in records(as_jsonl)] == [str(VALID)]


def test_a_binary_document_on_stdin_is_one_input() -> None:
    image = (SAMPLES / "eprc.qr.png").read_bytes()
    result = civicred("verify", "-", *TRUST, "--json", stdin=image)
    assert result.returncode == 0, result.stdout[-500:]
    assert json.loads(result.stdout)["outcome"] == "valid"


def test_report_takes_one_input(tmp_path: Path) -> None:
    result = civicred(
        "verify", str(VALID), str(REVOKED), *TRUST, "--report", str(tmp_path / "r.json")
    )
    assert result.returncode == 2 and "--report" in result.stderr


def test_the_bundle_is_parsed_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[int] = []
    parse = Bundle.parse.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Bundle], *args: Any, **kwargs: Any) -> Bundle:
        calls.append(1)
        return parse(cls, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(Bundle, "parse", classmethod(counting))
    code = main(["verify", *[str(VALID)] * 5, str(REVOKED), *TRUST])
    assert code == 1
    assert len(capsys.readouterr().out.splitlines()) == 6
    assert calls == [1]


@pytest.mark.parametrize(
    ("codes", "summary"),
    [([0, 0], 0), ([0, 3], 3), ([3, 1, 0], 1), ([1, 2, 3, 0], 2), ([2], 2), ([], 0)],
)
def test_exit_summary(codes: list[int], summary: int) -> None:
    """2 if any usage error, else 1 if any invalid, else 3 if any undetermined, else 0."""
    assert summarise_exits(codes) == summary
