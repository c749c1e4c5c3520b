"""Domain errors. Each class carries its HTTP status and stable ``error`` code; the one handler of
``servicekit.http`` answers with them (docs/registry.md, "Errors").

    ServiceError (servicekit)          Unauthorized 401, InvalidToken 403 (admin authentication)
    └── RegistryError                  400 invalid_request
        ├── InvalidInput               422 invalid_input
        ├── BadRequest                 400 invalid_material
        ├── NotFound                   404 not_found
        └── Conflict                   409 conflict
            ├── InvalidTransition      409 invalid_transition
            └── ConcurrentChange       409 concurrent_change
"""

from __future__ import annotations

from servicekit import ServiceError


class RegistryError(ServiceError):
    """Base class: ``message`` is safe to show to an operator (no secrets, no personal data)."""

    status_code = 400
    error = "invalid_request"


class InvalidInput(RegistryError):
    """The request is well-formed JSON but its content is not acceptable (HTTP 422)."""

    status_code = 422
    error = "invalid_input"


class BadRequest(RegistryError):
    """Unusable material: an unreadable CSR, JWK, certificate or token (HTTP 400)."""

    status_code = 400
    error = "invalid_material"


class NotFound(RegistryError):
    status_code = 404
    error = "not_found"


class Conflict(RegistryError):
    """Already exists, or an invalid state transition (HTTP 409)."""

    status_code = 409
    error = "conflict"


class InvalidTransition(Conflict):
    """A certificate life-cycle step that is not allowed from the current state."""

    error = "invalid_transition"


class ConcurrentChange(Conflict):
    """A database constraint refused the write: another request changed the same data."""

    error = "concurrent_change"
