"""The README's main job: the registry and the issuer service (``civicred issuer serve``) on
SQLite; the wallet samples obtained through OpenID4VCI over HTTP; everything published and
verified offline; while serving, an offer a wallet on this machine can redeem."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from issuer.wallet_client import Wallet, new_key, obtain
from servicekit.local import free_port, port_in_use
from verifier import Outcome
from verifier.sdjwt import VerificationPolicy, present, verify_sd_jwt
from verifier.trust import JwksResolver

WALLET_SAMPLES = ("social-status", "ehic", "ehic-prc", "social-status-revoked",
                  "social-status-suspended")  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    workdir = tmp_path_factory.mktemp("demo")
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", "demo", "--workdir", str(workdir), "--once",
         "--registry-port", str(free_port()), "--issuer-port", str(free_port()),
         "--desk-port", str(free_port())],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    return result, workdir


def test_demo_issues_publishes_and_verifies(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    result, workdir = demo
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [
        line for line in result.stdout.splitlines() if line.split()[:1] in (["VALID"], ["INVALID"])
    ]
    assert len(lines) >= 20 and all(line.rstrip().split()[2] == "ok" for line in lines), (
        result.stdout
    )
    samples = workdir / "samples"
    for name in ("bundle.jwt", "registry-root.pem", "issuer-jwks.json", "manifest.json"):
        assert (samples / name).is_file()
    assert list((samples / "status").glob("*.jwt")) and list((samples / "status").glob("*.cwt"))
    # The issuer's private keys stay in the state directory, never in the samples folder.
    assert not any("private" in p.name for p in samples.rglob("*"))


def test_the_wallet_samples_came_through_openid4vci(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Each SD-JWT sample is a credential response of the issuer service (one per grant and
    configuration), notified as accepted; the service logged the exchanges."""
    result, workdir = demo
    assert result.returncode == 0, result.stdout + result.stderr
    for name in WALLET_SAMPLES:
        assert (workdir / "samples" / f"{name}.sd-jwt").is_file()
    with sqlite3.connect(workdir / "issuer" / "issuer.db") as db:
        responses = db.execute(
            "SELECT configuration_id, event, credential_ids FROM oid4vci_credential_responses"
        ).fetchall()
        offers = db.execute("SELECT count(*) FROM oid4vci_offers WHERE redeemed_at IS NOT NULL")
        (redeemed,) = offers.fetchone()
    assert sorted(r[0] for r in responses) == sorted(
        ["social-status-1", "ehic-1", "ehic-prc-1", "social-status-1", "social-status-1"]
    )
    assert {r[1] for r in responses} == {"credential_accepted"}
    assert all(len(json.loads(r[2])) == 1 for r in responses)
    assert redeemed == 3  # three grants: one offer of the three types, a revoked, a suspended
    lines = [json.loads(line) for line in (workdir / "issuer.log").read_text().splitlines()]
    served = {(m.get("route"), m.get("status")) for m in lines}
    assert {
        ("/token", 200),
        ("/nonce", 200),
        ("/credential", 200),
        ("/notification", 204),
    } <= served


def test_demo_serves_the_desk(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, workdir = demo
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("desk ")]
    assert line.split()[1].startswith("http://127.0.0.1:") and "venue-reduced-tariff" in line
    assert (
        "civicred desk: venue-reduced-tariff on http://127.0.0.1:"
        in (workdir / "desk.log").read_text()
    )
    assert (workdir / "desk" / "bundle.jwt").read_text() == (
        workdir / "samples" / "bundle.jwt"
    ).read_text()


def test_museum_presentation_is_minimal(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Data minimisation: the venue sees entitlement and name, not the national number or reason."""
    _, workdir = demo
    samples = workdir / "samples"
    manifest = json.loads((samples / "manifest.json").read_text())
    sample = next(
        s for s in manifest["samples"] if s["file"] == "social-status.presentation.sd-jwt"
    )
    result = subprocess.run(
        [sys.executable, "-m", "verifier.cli", "verify", str(samples / sample["file"]),
         "--bundle", str(samples / "bundle.jwt"), "--root", str(samples / "registry-root.pem"),
         "--nonce", sample["nonce"], "--aud", sample["aud"], "--now", manifest["generated_at"], "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert report["outcome"] == "valid", report
    claims = report["claims"]
    assert claims["reduced_tariff_eligible"] is True
    assert {"given_name", "family_name"} <= claims.keys()
    for hidden in (
        "personal_administrative_number",
        "social_statuses",
        "birth_date",
        "municipality_nis",
    ):
        assert hidden not in claims


@pytest.fixture
def serving_demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], list[str], list[int]]]:
    """``civicred demo`` without ``--once``: its output up to ``serving``, and its ports."""
    ports = [free_port(), free_port()]
    process = subprocess.Popen(
        [sys.executable, "-m", "verifier.cli", "demo", "--workdir", str(tmp_path),
         "--registry-port", str(ports[0]), "--issuer-port", str(ports[1])],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not (lines and lines[-1].startswith("serving")):
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
    try:
        yield process, lines, ports
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_while_serving_the_printed_offer_works_in_a_wallet(
    serving_demo: tuple[subprocess.Popen[str], list[str], list[int]], tmp_path: Path
) -> None:
    process, lines, ports = serving_demo
    output = "\n".join(lines)
    assert lines and lines[-1].startswith("serving"), output
    link = re.search(r"openid-credential-offer://\?credential_offer_uri=\S+", output)
    tx_code = re.search(r"transaction code: (\d{6})$", output, re.MULTILINE)
    assert link and tx_code, output

    issuer_url = f"http://127.0.0.1:{ports[1]}"
    holders = {cid: [new_key()] for cid in ("social-status-1", "ehic-1", "ehic-prc-1")}
    with httpx.Client(timeout=30) as http:
        obtained = obtain(Wallet(http), link.group(0), tx_code.group(1), holders)
    assert [o.configuration_id for o in obtained] == list(holders)
    jwks = json.loads((tmp_path / "samples" / "issuer-jwks.json").read_text())
    resolver = JwksResolver(jwks, issuer=issuer_url)
    for response in obtained:
        (credential,) = response.credentials
        (holder,) = holders[response.configuration_id]
        presentation = present(credential, [], holder=holder, nonce="n-1", aud="https://v.test")
        policy = VerificationPolicy.at(
            datetime.now(UTC),
            require_key_binding=True,
            expected_nonce="n-1",
            expected_aud="https://v.test",
        )
        report = verify_sd_jwt(presentation, policy=policy, resolver=resolver)
        assert report.outcome is Outcome.VALID, report.failures

    process.terminate()  # SIGTERM: both services stop with the demo
    assert process.wait(timeout=60) == 0
    assert not port_in_use(ports[0]) and not port_in_use(ports[1])
