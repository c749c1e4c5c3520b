"""Citizens log in through a real OpenID Connect provider (npm oidc-provider, subprocess) with
PKCE; the portal keeps a pseudonymous subject, renews the session at login, ends it at logout,
and refuses every callback that is not the one it is waiting for."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from sqlalchemy import select

from issuer.storage import LoginAttemptRow, PortalSessionRow

from ._provider import MARIE, STRANGER, ZANETA
from ._support import PortalWorld, browser, csrf_of, follow, log_in, portal_world, visible_text


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PortalWorld]:
    with portal_world(tmp_path_factory.mktemp("portal")) as world:
        yield world


def session_cookie(client: httpx.Client) -> str | None:
    return client.cookies.get("civicred-portal")


def test_a_citizen_logs_in_and_sees_her_statuses_entitlements_and_cover(
    portal: PortalWorld,
) -> None:
    client = browser()
    page = log_in(client, portal.portal, MARIE)
    assert page.status_code == 200 and str(page.url) == f"{portal.portal}/"
    text = visible_text(page.text)
    assert "Hello Marie-Louise Peeters" in text
    assert "Increased reimbursement (BIM)" in text and "Guaranteed income for the elderly" in text
    assert "National Intermutualist College" in text and "Federal Pensions Service" in text
    assert "Reduced tariff (culture, sport, leisure)" in text
    assert "BE:0120" in text and "Christelijke Mutualiteit" in text
    assert session_cookie(client) is not None


def test_pkce_state_nonce_and_iss_are_in_the_flow(portal: PortalWorld) -> None:
    client = browser()
    start = client.get(f"{portal.portal}/login", follow_redirects=False)
    assert start.status_code == 303
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0] and "code_verifier" not in query
    cookie = start.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    callback = log_in(client, portal.portal, MARIE, stop_at_callback=True)
    arrived = parse_qs(urlsplit(callback.headers["location"]).query)
    assert arrived["iss"] == [portal.provider_url]  # RFC 9207


def test_the_session_is_renewed_at_login_and_ended_at_logout(portal: PortalWorld) -> None:
    client = browser()
    log_in(client, portal.portal, MARIE)
    first = session_cookie(client)
    page = log_in(client, portal.portal, MARIE)  # single sign-on at the provider: no form
    second = session_cookie(client)
    assert first and second and first != second
    stale = httpx.get(f"{portal.portal}/", cookies={"civicred-portal": first}, timeout=10)
    assert "Log in with eID" in stale.text  # the old session is gone

    logout = client.post(f"{portal.portal}/logout", data={"csrf": csrf_of(page.text)})
    assert logout.status_code == 200 and "Log in with eID" in logout.text
    assert session_cookie(client) is None
    again = httpx.get(f"{portal.portal}/", cookies={"civicred-portal": second}, timeout=10)
    assert "Log in with eID" in again.text


def test_a_callback_from_another_browser_is_refused(portal: PortalWorld) -> None:
    victim, attacker = browser(), browser()
    # the attacker starts a login, logs in as herself, and sends the callback link to the victim
    callback = log_in(attacker, portal.portal, ZANETA, stop_at_callback=True)
    forced = victim.get(callback.headers["location"])
    assert forced.status_code == 400 and "The login did not succeed" in forced.text
    assert session_cookie(victim) is None


def test_a_callback_is_single_use(portal: PortalWorld) -> None:
    client = browser()
    callback = log_in(client, portal.portal, MARIE, stop_at_callback=True)
    url = callback.headers["location"]
    assert follow(client, client.get(url, follow_redirects=False)).status_code == 200
    replay = client.get(url)
    assert replay.status_code == 400


def test_a_mixed_up_issuer_is_refused(portal: PortalWorld) -> None:
    client = browser()
    callback = log_in(client, portal.portal, MARIE, stop_at_callback=True)
    parts = urlsplit(callback.headers["location"])
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["iss"] = "https://evil.example"
    refused = client.get(f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}")
    assert refused.status_code == 400 and session_cookie(client) is None


def test_a_wrong_password_stays_at_the_provider(portal: PortalWorld) -> None:
    client = browser()
    page = log_in(client, portal.portal, MARIE, password="wrong")
    assert page.status_code == 401 and "Wrong user name or password" in page.text


def test_someone_the_source_does_not_know_gets_no_session(portal: PortalWorld) -> None:
    client = browser()
    page = log_in(client, portal.portal, STRANGER)
    assert page.status_code == 403 and "No institution knows you yet" in page.text
    assert session_cookie(client) is None


def test_the_national_number_is_never_in_a_url_a_log_or_the_database(
    portal: PortalWorld, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    client = browser()
    urls: list[str] = []
    client.event_hooks["request"] = [lambda request: urls.append(str(request.url))]
    page = log_in(client, portal.portal, MARIE)
    client.get(f"{portal.portal}/issued")
    number = MARIE.national_number
    with portal.world.services.db.session() as session:
        stored = [r.subject_id for r in session.scalars(select(PortalSessionRow))]
        attempts = [(r.purpose, r.resume) for r in session.scalars(select(LoginAttemptRow))]
    assert "p-0001" in stored and not [s for s in stored if number in s]  # the pseudonym only
    assert not [a for a in attempts if number in str(a)]
    client.post(f"{portal.portal}/logout", data={"csrf": csrf_of(page.text)})
    assert len(urls) >= 6 and not [u for u in urls if number in u]
    assert not [r for r in caplog.records if number in r.getMessage() or number in str(r.__dict__)]
    logs = Path(portal.world.services.settings.keys_dir).parent.parent
    for log in logs.rglob("*.log"):
        assert number not in log.read_text(errors="replace"), log.name
