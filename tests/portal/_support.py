"""The portal under test: the trust registry (subprocess), the issuer with its portal on a real
port, the npm OpenID Connect provider (subprocess), and a cookie-keeping HTTP client that logs
a citizen in as a browser would (following the provider's login form)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx

from issuer.settings import LoginSettings
from issuer.world import World, running_world
from servicekit.local import free_port

from ._provider import CLIENT_ID, CLIENT_SECRET, SampleUser, oidc_provider


@dataclass
class PortalWorld:
    world: World
    provider_url: str

    @property
    def portal(self) -> str:
        return f"{self.world.issuer_url}/portal"


@contextmanager
def portal_world(workdir: Path, **issuer_settings: Any) -> Iterator[PortalWorld]:
    issuer_port, provider_port = free_port(), free_port()
    callback = f"http://127.0.0.1:{issuer_port}/portal/login/callback"
    with oidc_provider(workdir, provider_port, [callback]) as provider_url:
        login = LoginSettings(
            issuer_url=provider_url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            scopes=("openid", "national_number"),
        )
        with running_world(
            workdir / "world", issuer_port=issuer_port,
            issuer_settings={"login": login, **issuer_settings},
        ) as world:  # fmt: skip
            yield PortalWorld(world, provider_url)


def browser() -> httpx.Client:
    return httpx.Client(timeout=15, follow_redirects=True)


def follow(
    client: httpx.Client, response: httpx.Response, *, stop: str | None = None
) -> httpx.Response:
    """Follow redirects by hand; stop before a URL containing ``stop``."""
    while response.is_redirect:
        target = str(response.next_request.url) if response.next_request else ""
        if stop is not None and stop in target:
            return response
        response = client.send(response.next_request, follow_redirects=False)  # type: ignore[arg-type]
    return response


def log_in(
    client: httpx.Client,
    portal: str,
    user: SampleUser,
    *,
    password: str | None = None,
    stop_at_callback: bool = False,
    start: str | None = None,
    stop: str | None = None,
) -> httpx.Response:
    """Portal → the provider's login form → password → consent → back to the portal (or, with
    ``stop_at_callback``, the redirect to the callback, not followed). With a live session at the
    provider there is no form: it sends the citizen straight back (single sign-on). ``start``:
    another first URL (a wallet's authorization request); ``stop``: stop before a URL with it."""
    stop = "/portal/login/callback" if stop_at_callback else stop
    first = client.get(start or f"{portal}/login", follow_redirects=False)
    page = follow(client, first, stop=stop)
    action = re.search(r'action="(/interaction/[^"]+/login)"', page.text)
    if page.is_redirect or action is None:
        return page
    origin = str(page.url).split("/interaction/")[0]
    response = client.post(
        origin + action.group(1),
        data={"login": user.login, "password": password or user.password},
        follow_redirects=False,
    )
    return follow(client, response, stop=stop)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the page"
    return unescape(found.group(1))


def visible_text(page: str) -> str:
    """The page's text without tags (for assertions on what a citizen reads)."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
