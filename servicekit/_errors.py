"""The base of the services' error trees: each class carries its HTTP status and ``error`` code.

    CivicredError (verifier)
    └── ServiceError             500 server_error
        ├── Unauthorized         401 unauthorized     (WWW-Authenticate: Bearer)
        ├── Forbidden            403 forbidden
        │   └── InvalidToken     403 invalid_token    (WWW-Authenticate: Bearer error="invalid_token")
        ├── issuer.errors.IssuerError …
        └── trust_registry.domain.RegistryError …

Domain code raises these; one handler (:func:`servicekit.http.install_error_handling`) turns
them into ``{"error", "error_description", "request_id"}`` with the class's status. Nothing picks a
status from a message. ``message`` is shown to the client: it must hold no secret and no personal
data.
"""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from pathlib import PurePath
from types import MappingProxyType
from typing import ClassVar

from verifier import CivicredError


class ServiceError(CivicredError):
    """An error a service answers with ``status_code`` and the stable machine code ``error``."""

    status_code: ClassVar[int] = 500
    error: ClassVar[str] = "server_error"
    #: Response headers that belong to the error (e.g. ``WWW-Authenticate``, RFC 9110 §11.6.1):
    #: the class's, plus those given to one instance (a fresh ``DPoP-Nonce``, RFC 9449 §8).
    headers: Mapping[str, str] = MappingProxyType({})

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if headers:
            self.headers = MappingProxyType({**type(self).headers, **headers})


class Unauthorized(ServiceError):
    """No usable credentials were presented (RFC 9110 §15.5.2)."""

    status_code = 401
    error = "unauthorized"
    headers = MappingProxyType({"WWW-Authenticate": "Bearer"})


class Forbidden(ServiceError):
    """The credentials are understood but do not allow this request (RFC 9110 §15.5.4)."""

    status_code = 403
    error = "forbidden"


class InvalidToken(Forbidden):
    """The bearer token presented is not one the service accepts (RFC 6750 §3.1)."""

    error = "invalid_token"
    headers = MappingProxyType({"WWW-Authenticate": 'Bearer error="invalid_token"'})


MAX_FRAMES = 30


def exception_summary(exc: BaseException) -> dict[str, object]:
    """What a log may say about ``exc``: its type and where it was raised (``dir/file.py:line in
    function``, innermost last) — never its message, which may quote personal data or secrets."""
    frames = [
        f"{'/'.join(PurePath(f.filename).parts[-2:])}:{f.lineno} in {f.name}"
        for f in traceback.extract_tb(exc.__traceback__)[-MAX_FRAMES:]
    ]
    return {"type": type(exc).__qualname__, "frames": frames}
