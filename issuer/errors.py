"""The issuer's one exception tree. Each class carries its HTTP status and a stable ``error``
code; one handler (``servicekit.http.install_error_handling``, installed by
:func:`issuer.api.create_app`) answers ``{"error", "error_description", "request_id"}`` with them.
docs/issuer-errors.md lists the codes.

    ServiceError (servicekit)                  500 server_error
    ├── Unauthorized (servicekit)              401 unauthorized
    ├── Forbidden (servicekit)                 403 forbidden
    │   └── InvalidToken (servicekit)          403 invalid_token
    └── IssuerError                            500 server_error
        ├── InvalidRequest                     400 invalid_request
        ├── NotFound                           404 not_found
        ├── Conflict                           409 conflict
        │   └── StatusTransitionRefused        409 status_transition_refused
        ├── IssuanceRefused *                  422 issuance_refused
        │   ├── DocumentError                  422 document_refused
        │   └── IssuanceNotAllowed             403 issuance_not_allowed
        ├── SigningUnavailable *               503 signing_unavailable
        ├── StatusListFull                     503 status_list_full
        └── UpstreamError                      502 upstream_error
            └── UpstreamUnavailable            503 upstream_unavailable

    * also a ``verifier.IssuanceError`` (the issuer refused to build a credential).

Domain code raises these; routers never catch and re-map them. A message is shown to the
client: it names handles and codes, never personal data or secrets.
"""

from __future__ import annotations

from servicekit import Forbidden, InvalidToken, ServiceError, Unauthorized
from verifier import IssuanceError


class IssuerError(ServiceError):
    """Base class of the issuer's errors."""


class InvalidRequest(IssuerError):
    """The request cannot be acted on as sent (a missing or contradictory parameter)."""

    status_code = 400
    error = "invalid_request"


class NotFound(IssuerError):
    """No such credential, group, document or list."""

    status_code = 404
    error = "not_found"


class Conflict(IssuerError):
    """The request conflicts with the current state of the resource."""

    status_code = 409
    error = "conflict"


class StatusTransitionRefused(Conflict):
    """A status change the life cycle forbids (INVALID is final; ARF)."""

    error = "status_transition_refused"


class IssuanceRefused(IssuerError, IssuanceError):
    """The issuer will not build this credential or document for these inputs."""

    status_code = 422
    error = "issuance_refused"


class DocumentError(IssuanceRefused):
    """A printed document cannot be issued for this person or these inputs."""

    error = "document_refused"


class IssuanceNotAllowed(IssuanceRefused):
    """The trust registry's decision forbids this issuance (certificate use or state, or the
    institution's accreditation for the type on the issuance date; docs/trust-list.md)."""

    status_code = 403
    error = "issuance_not_allowed"


class SigningUnavailable(IssuerError, IssuanceError):
    """The issuer cannot sign now: its certificate is missing or not valid at the signing time."""

    status_code = 503
    error = "signing_unavailable"


class StatusListFull(IssuerError):
    """No status index could be allocated (the open lists are too full)."""

    status_code = 503
    error = "status_list_full"


class UpstreamError(IssuerError):
    """The trust registry refused a request of the issuer or answered with an error."""

    status_code = 502
    error = "upstream_error"


class UpstreamUnavailable(UpstreamError):
    """The trust registry could not be reached."""

    status_code = 503
    error = "upstream_unavailable"


__all__ = [
    "Conflict",
    "DocumentError",
    "Forbidden",
    "InvalidRequest",
    "InvalidToken",
    "IssuanceNotAllowed",
    "IssuanceRefused",
    "IssuerError",
    "NotFound",
    "ServiceError",
    "SigningUnavailable",
    "StatusListFull",
    "StatusTransitionRefused",
    "Unauthorized",
    "UpstreamError",
    "UpstreamUnavailable",
]
