"""Domain errors; the HTTP layer maps each class to one status code."""

from __future__ import annotations


class RegistryError(Exception):
    """Base class: ``message`` is safe to show to an operator (no secrets, no personal data)."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(RegistryError):
    """The request is well-formed JSON but its content is not acceptable (HTTP 422)."""

    status_code = 422


class BadRequest(RegistryError):
    """Unusable material: an unreadable CSR, JWK, certificate or token (HTTP 400)."""

    status_code = 400


class NotFound(RegistryError):
    status_code = 404


class Conflict(RegistryError):
    """Already exists, or an invalid state transition (HTTP 409)."""

    status_code = 409


class InvalidTransition(Conflict):
    """A certificate life-cycle step that is not allowed from the current state."""
