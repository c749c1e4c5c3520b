"""HTTP plumbing shared by the issuer and the registry (FastAPI): the one error handler and JSON
error body, request ids, bearer-token authentication (roles), ETag / ``If-None-Match`` caching,
route templates for logs and metrics."""

from servicekit.http._auth import Principal, authenticate_admin, authenticate_bearer
from servicekit.http._body import error_response
from servicekit.http._caching import cached_response, etag_matches, strong_etag
from servicekit.http._handlers import (
    HTTP_STATUS_CODES,
    describe_validation_errors,
    install_error_handling,
)
from servicekit.http._language import negotiate_language
from servicekit.http._request_id import (
    REQUEST_ID_HEADER,
    RequestIdMiddleware,
    accepted_request_id,
    current_request_id,
)
from servicekit.http._routes import UNMATCHED_ROUTE, route_template

__all__ = [
    "HTTP_STATUS_CODES",
    "REQUEST_ID_HEADER",
    "UNMATCHED_ROUTE",
    "Principal",
    "RequestIdMiddleware",
    "accepted_request_id",
    "authenticate_admin",
    "authenticate_bearer",
    "cached_response",
    "current_request_id",
    "describe_validation_errors",
    "error_response",
    "etag_matches",
    "install_error_handling",
    "negotiate_language",
    "route_template",
    "strong_etag",
]
