"""Portal sessions and login attempts on a real database with a clock the test moves: idle and
absolute limits, the end of a session, the CSRF token, a login's lifetime and single use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from issuer.errors import LoginFailed
from issuer.login import PORTAL, LoginAttempts
from issuer.portal import PortalSessions
from issuer.settings import LoginSettings
from issuer.storage import Database


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(f"sqlite:///{tmp_path / 'issuer.db'}")
    database.migrate()
    return database


def test_a_session_ends_when_idle_at_its_lifetime_and_at_logout(db: Database) -> None:
    clock = Clock()
    settings = LoginSettings(session_idle_seconds=900, session_lifetime_seconds=3600)
    sessions = PortalSessions(db, settings, clock)
    session = sessions.open("p-0001")
    assert sessions.find(session.secret) == session
    clock.now += timedelta(seconds=899)
    assert sessions.find(session.secret) is not None  # and its idle time restarts
    clock.now += timedelta(seconds=899)
    assert sessions.find(session.secret) is not None
    clock.now += timedelta(seconds=901)
    assert sessions.find(session.secret) is None  # idle too long

    kept = sessions.open("p-0001")
    for _ in range(4):
        clock.now += timedelta(seconds=850)
        sessions.find(kept.secret)
    clock.now += timedelta(seconds=300)
    assert sessions.find(kept.secret) is None  # past its absolute lifetime, however active

    third = sessions.open("p-0002")
    assert third.csrf_matches(third.csrf_token) and not third.csrf_matches(kept.csrf_token)
    assert not third.csrf_matches(None) and not third.csrf_matches("")
    renewed = sessions.open("p-0002", replacing=third.secret)
    assert sessions.find(third.secret) is None and sessions.find(renewed.secret) is not None
    sessions.end(renewed.secret)
    assert sessions.find(renewed.secret) is None
    assert sessions.find("x" * 500) is None and sessions.find(None) is None


def test_a_login_attempt_is_single_use_short_lived_and_bound_to_its_browser(db: Database) -> None:
    clock = Clock()
    attempts = LoginAttempts(db, 600, clock)
    started = attempts.start(purpose=PORTAL, resume="/")
    with pytest.raises(LoginFailed, match="another browser"):
        attempts.finish(started.state, "someone-elses-cookie")
    with pytest.raises(LoginFailed, match="another browser"):
        attempts.finish(started.state, None)
    returned = attempts.finish(started.state, started.binding)
    assert (returned.purpose, returned.nonce) == (PORTAL, started.nonce)
    with pytest.raises(LoginFailed, match="already used"):
        attempts.finish(started.state, started.binding)
    late = attempts.start(purpose=PORTAL, resume="/")
    clock.now += timedelta(seconds=601)
    with pytest.raises(LoginFailed, match="expired"):
        attempts.finish(late.state, late.binding)
