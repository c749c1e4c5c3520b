"""Tables of the citizens' side: login attempts and portal sessions (docs/portal.md). Secrets
handed to a browser are stored as digests only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from issuer.storage._models import Base
from servicekit.storage import UtcDateTime


class LoginAttemptRow(Base):
    """A login sent to the OpenID Connect provider and not back yet: single use, short-lived,
    bound to the browser that started it (``binding_digest``: its login cookie)."""

    __tablename__ = "login_attempts"

    state_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    binding_digest: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(64))
    code_verifier: Mapped[str] = mapped_column(String(128))
    #: ``portal`` (then ``resume`` is the page to go back to) or ``authorize`` (``resume`` is the
    #: pushed authorization request's reference).
    purpose: Mapped[str] = mapped_column(String(16))
    resume: Mapped[str] = mapped_column(String(256))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class PortalSessionRow(Base):
    """A logged-in citizen's browser session. ``subject_id`` is the source's pseudonymous subject
    (never a national number); the CSRF token is derived from the session secret."""

    __tablename__ = "portal_sessions"

    id_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
