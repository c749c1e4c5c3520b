"""What the issuer and the trust registry share: one implementation of each piece of server
plumbing (docs/architecture.md, "servicekit/").

- :mod:`servicekit` itself: :class:`ServiceError`, the base of both services' error trees (each
  class carries its HTTP status and a stable ``error`` code), the authentication errors, and
  :func:`exception_summary` (what a log may say about an exception);
- :mod:`servicekit.http`: the one error handler and JSON error body, request ids, admin
  bearer-token authentication, ETag / ``If-None-Match`` caching (FastAPI);
- :mod:`servicekit.storage`: engine, sessions, Alembic migrations with per-service version
  tables, the UTC datetime column type (SQLAlchemy, SQLite and PostgreSQL);
- :mod:`servicekit.observability`: JSON logs without personal data, Prometheus metrics (one
  process or several workers), request timing by route template, health and readiness;
- :mod:`servicekit.local`: running services on this machine (free ports, health checks, an app
  in a thread, a server subprocess) for the main job and the integration tests.

It may import :mod:`verifier`, never :mod:`issuer` or :mod:`trust_registry`.
"""

from servicekit._errors import (
    Forbidden,
    InvalidToken,
    ServiceError,
    Unauthorized,
    exception_summary,
)

__all__ = ["Forbidden", "InvalidToken", "ServiceError", "Unauthorized", "exception_summary"]
