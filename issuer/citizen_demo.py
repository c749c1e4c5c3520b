"""The main job's citizens' side: the DEV-ONLY OpenID Connect provider (npm ``oidc-provider``)
for the portal's login, with the sample citizens' logins to print; without Node (or offline) the
portal offers the DEV-ONLY login instead, and the demo says so."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from issuer.login import (
    CLIENT_ID,
    SAMPLE_USERS,
    ProviderUnavailable,
    running_provider,
)
from issuer.settings import LoginSettings
from servicekit.local import LOCALHOST, free_port


@dataclass(frozen=True)
class CitizenLogin:
    #: Issuer settings for the portal's login.
    settings: dict[str, Any] = field(default_factory=dict)
    #: What the demo prints about it.
    lines: tuple[str, ...] = ()


@contextmanager
def citizen_login(workdir: Path, issuer_port: int, *, start: bool) -> Iterator[CitizenLogin]:
    portal = f"http://{LOCALHOST}:{issuer_port}/portal/"
    if not start:
        yield CitizenLogin(
            lines=(f"portal    {portal}  (its login provider starts without --once)",)
        )
        return
    secret = f"{secrets.token_urlsafe(24)}-DEV-ONLY"  # a new client secret every run
    try:
        with running_provider(
            workdir / "oidc-provider",
            free_port(),
            redirect_uris=[f"{portal}login/callback"],
            client_secret=secret,
            log=workdir / "oidc-provider.log",
        ) as provider:
            login = LoginSettings(issuer_url=provider, client_id=CLIENT_ID, client_secret=secret)
            users = [
                f"          log in as {u.login} / {u.password}  ({u.given_name} {u.family_name})"
                for u in SAMPLE_USERS
            ]
            yield CitizenLogin(
                {"login": login},
                (f"portal    {portal}  (login: DEV-ONLY OIDC provider {provider})", *users),
            )
    except ProviderUnavailable as exc:
        yield CitizenLogin(
            {"dev_login": True},
            (
                f"portal    {portal}  (OIDC provider not started: {exc};"
                " the portal offers the DEV-ONLY login instead)",
            ),
        )
