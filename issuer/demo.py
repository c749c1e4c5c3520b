"""The main job (``civicred demo``, ``make run``) and ``civicred samples``: command-line output.

:func:`run` starts the trust registry and the issuer service (:mod:`issuer.world`), with the
citizens' DEV-ONLY login provider when it serves (:mod:`issuer.citizen_demo`), makes and verifies
the samples (:mod:`issuer.samples`) and prints each verdict; while it serves it also starts the
verifier desk (:mod:`issuer.demo_desk`) and prints a fresh offer link and its transaction code for
a wallet on this machine, until Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import httpx

from issuer.citizen_demo import citizen_login
from issuer.samples import (
    DEMO_SUBJECT,
    WALLET_GRANTS,
    create_offer,
    generate_samples,
    verify_samples,
)
from issuer.world import World, running_world
from servicekit.local import free_port


def _print_offer(world: World) -> None:
    """A fresh offer of every configuration for a wallet on this machine (http on loopback: the
    wallet must accept it, as a development setting)."""
    configuration_ids = WALLET_GRANTS[0].configuration_ids
    with httpx.Client(base_url=world.issuer_url, timeout=30) as http:
        created = create_offer(http, configuration_ids)
    until = datetime.fromisoformat(created["expires_at"]).astimezone()
    print(
        f"wallet offer for the fictional citizen {DEMO_SUBJECT} ({', '.join(configuration_ids)}), "
        f"one use, until {until:%H:%M}:\n"
        f"  {created['offer_by_reference']}\n"
        f"  transaction code: {created['tx_code']}",
        flush=True,
    )


def run(
    out: Path,
    workdir: Path,
    *,
    registry_port: int | None,
    issuer_port: int | None,
    serve: bool,
    desk_port: int | None = None,
) -> int:
    """The main job; ``desk_port`` also serves the verifier desk on the samples (issuer.demo_desk)."""
    issuer_port = issuer_port or free_port()
    with (
        citizen_login(workdir, issuer_port, start=serve) as citizens,
        running_world(
            workdir,
            registry_port=registry_port,
            issuer_port=issuer_port,
            issuer_settings=citizens.settings,
        ) as world,
    ):
        # After the certificates were activated, rounded up: iat is in whole seconds.
        now = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
        print(f"registry  {world.registry_url}   issuer  {world.issuer_url}")
        print("\n".join(citizens.lines))
        generate_samples(world, out, now=now)
        failures = 0
        for sample, report in verify_samples(out, now=now):
            ok = report.outcome.value == sample.expected and (
                report.valid
                or report.failures[0].code == (sample.reason or report.failures[0].code)
            )
            failures += not ok
            reason = f" ({report.failures[0].code})" if report.failures else ""
            print(
                f"{report.outcome.value.upper():12} {sample.file:44} {'ok' if ok else 'UNEXPECTED'}{reason}"
            )
        print(f"samples in {out}; state and DEV-ONLY keys in {workdir}")
        with _desk(out, workdir, world, desk_port):
            if serve and not failures:
                _print_offer(world)
                print("serving; press Ctrl-C to stop", flush=True)
                _serve_until_stopped()
    return 1 if failures else 0


def _serve_until_stopped() -> None:
    """Until Ctrl-C or SIGTERM; then the callers' context managers stop the services."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print()
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _desk(out: Path, workdir: Path, world: World, port: int | None) -> Iterator[None]:
    if port is None:
        yield
        return
    from issuer.demo_desk import DESK_POLICY, desk_process

    with desk_process(out, workdir, port=port, registry_url=world.registry_url) as url:
        print(f"desk      {url}/   ({DESK_POLICY}: camera, photo, paste, wallets over OpenID4VP)")
        yield
