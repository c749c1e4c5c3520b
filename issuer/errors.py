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
        ├── UpstreamError                      502 upstream_error
        │   ├── UpstreamUnavailable            503 upstream_unavailable
        │   │   └── SourceUnavailable          503 source_unavailable
        │   └── SourceAnswerInvalid            502 source_answer_invalid
        ├── RequestTooLarge                    413 request_too_large
        ├── LoginFailed                        400 login_failed
        ├── LoginUnavailable                   503 login_unavailable
        ├── UnknownCitizen                     403 unknown_citizen
        ├── SessionRequired                    401 session_required
        ├── CsrfRefused                        403 csrf_refused
        ├── OAuthError (OpenID4VCI, RFC 6749 §5.2)      400
        │   ├── InvalidGrant                   400 invalid_grant
        │   ├── InvalidClient                  401 invalid_client     (wallet attestation)
        │   ├── UnsupportedGrantType           400 unsupported_grant_type
        │   ├── InvalidAuthorizationDetails    400 invalid_authorization_details
        │   ├── InvalidDpopProof               400 invalid_dpop_proof
        │   ├── UseDpopNonce                   400 use_dpop_nonce     (+ DPoP-Nonce)
        │   ├── InvalidCredentialRequest       400 invalid_credential_request
        │   ├── UnknownCredentialConfiguration 400 unknown_credential_configuration
        │   ├── UnknownCredentialIdentifier    400 unknown_credential_identifier
        │   ├── InvalidProof                   400 invalid_proof
        │   ├── InvalidNonce                   400 invalid_nonce
        │   ├── InvalidEncryptionParameters    400 invalid_encryption_parameters
        │   ├── CredentialRequestDenied        400 credential_request_denied
        │   ├── InvalidNotificationId          400 invalid_notification_id
        │   └── InvalidNotificationRequest     400 invalid_notification_request
        └── ResourceAccessError (RFC 6750 §3, RFC 9449 §7.1; WWW-Authenticate: DPoP error=…)
            ├── AccessTokenInQuery             400 invalid_request
            ├── AccessTokenRequired            401 invalid_token      (no error in the challenge)
            ├── AccessTokenInvalid             401 invalid_token
            ├── ResourceDpopProofInvalid       401 invalid_dpop_proof
            ├── ResourceUseDpopNonce           401 use_dpop_nonce     (+ DPoP-Nonce)
            └── InsufficientScope              403 insufficient_scope

    * also a ``verifier.IssuanceError`` (the issuer refused to build a credential).

The OpenID4VCI errors (docs/openid4vci.md) have descriptions in the ASCII subset OpenID4VCI 1.0
§8.3.1.2 allows (``%x20-21 / %x23-5B / %x5D-7E``: no double quote, no backslash).

Domain code raises these; routers never catch and re-map them. A message is shown to the
client: it names handles and codes, never personal data or secrets.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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


class SourceUnavailable(UpstreamUnavailable):
    """An authentic source did not answer in time, after every retry (issuer.sources)."""

    error = "source_unavailable"


class SourceAnswerInvalid(UpstreamError):
    """An authentic source answered something that is not a valid record (another person, an
    unknown status, impossible dates, a body too large): nothing is issued from it."""

    error = "source_answer_invalid"


class RequestTooLarge(IssuerError):
    """The request body is larger than the endpoint accepts."""

    status_code = 413
    error = "request_too_large"


# -- citizens: login and portal (docs/portal.md) -----------------------------------------------
class LoginFailed(IssuerError):
    """The login came back unusable: an unknown, expired or replayed state, another browser, an
    error from the provider, an ID token that does not verify (the message says which check)."""

    status_code = 400
    error = "login_failed"


class LoginUnavailable(IssuerError):
    """No login provider is configured, or it cannot be reached."""

    status_code = 503
    error = "login_unavailable"


class UnknownCitizen(IssuerError):
    """The provider authenticated someone the authentic source has no record of."""

    status_code = 403
    error = "unknown_citizen"


class SessionRequired(IssuerError):
    """The portal page needs a logged-in citizen (the session is missing, idle or expired)."""

    status_code = 401
    error = "session_required"


class CsrfRefused(IssuerError):
    """A state-changing portal request without this session's CSRF token (or from elsewhere)."""

    status_code = 403
    error = "csrf_refused"


# -- OpenID4VCI and OAuth 2.0 (docs/openid4vci.md) --------------------------------------------
def oauth_description(message: str) -> str:
    """``message`` in the characters an ``error_description`` may use (RFC 6749 §5.2,
    OpenID4VCI 1.0 §8.3.1.2: ``%x20-21 / %x23-5B / %x5D-7E``): a double quote becomes ``'``,
    a backslash ``/``, anything else outside the set ``?``."""
    return "".join(
        "'" if c == '"' else "/" if c == "\\" else c if " " <= c <= "~" else "?" for c in message
    )


class OAuthError(IssuerError):
    """An OAuth 2.0 / OpenID4VCI error response: 400 with ``error`` and ``error_description``
    (RFC 6749 §5.2, OpenID4VCI 1.0 §6.3, §8.3.1.2, §11.3)."""

    status_code = 400
    error = "invalid_request"

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(oauth_description(message), headers=headers)


class InvalidGrant(OAuthError):
    """The pre-authorized code is wrong, expired, used or burned, or the transaction code is wrong
    (OpenID4VCI 1.0 §6.3)."""

    error = "invalid_grant"


class InvalidClient(OAuthError):
    """The wallet attestation (OAuth-Client-Attestation and its PoP) is missing, invalid, not
    from a trusted wallet provider, or not the one of the authorization request (RFC 6749 §5.2;
    draft-ietf-oauth-attestation-based-client-auth)."""

    status_code = 401
    error = "invalid_client"
    headers = MappingProxyType({"WWW-Authenticate": 'Attestation realm="civicred"'})


class UnsupportedGrantType(OAuthError):
    """Only the pre-authorized code grant is offered (RFC 6749 §5.2)."""

    error = "unsupported_grant_type"


class InvalidAuthorizationDetails(OAuthError):
    """``authorization_details`` of the token request is malformed or asks for more than the
    offer (RFC 9396 §5)."""

    error = "invalid_authorization_details"


class InvalidDpopProof(OAuthError):
    """The DPoP proof of a token request is missing or invalid (RFC 9449 §5)."""

    error = "invalid_dpop_proof"


class UseDpopNonce(OAuthError):
    """The DPoP proof must carry the server's nonce: retry with the ``DPoP-Nonce`` header's value
    (RFC 9449 §8). Raised with ``headers={"DPoP-Nonce": nonce}``."""

    error = "use_dpop_nonce"


class InvalidCredentialRequest(OAuthError):
    """The credential request is malformed, lacks or repeats a parameter, or uses an unsupported
    one (OpenID4VCI 1.0 §8.3.1.2)."""

    error = "invalid_credential_request"


class UnknownCredentialConfiguration(OAuthError):
    error = "unknown_credential_configuration"


class UnknownCredentialIdentifier(OAuthError):
    error = "unknown_credential_identifier"


class InvalidProof(OAuthError):
    """``proofs`` is missing, a key proof is invalid or lacks a nonce (OpenID4VCI 1.0 §8.3.1.2)."""

    error = "invalid_proof"


class InvalidNonce(OAuthError):
    """A key proof's ``nonce`` is not a fresh, unused ``c_nonce``: fetch a new one."""

    error = "invalid_nonce"


class InvalidEncryptionParameters(OAuthError):
    """Credential response encryption was asked for; this issuer does not offer it."""

    error = "invalid_encryption_parameters"


class CredentialRequestDenied(OAuthError):
    """The issuer will not issue this credential (already issued for this grant, the person is no
    longer eligible, the registry forbids it): unrecoverable for the wallet."""

    error = "credential_request_denied"


class InvalidNotificationId(OAuthError):
    error = "invalid_notification_id"


class InvalidNotificationRequest(OAuthError):
    error = "invalid_notification_request"


class ResourceAccessError(IssuerError):
    """A request to a DPoP-protected resource (credential, notification) without a usable access
    token (RFC 6750 §3, RFC 9449 §7.1): the status and the ``WWW-Authenticate: DPoP`` challenge
    name the problem."""

    status_code = 401
    error = "invalid_token"
    headers = MappingProxyType({"WWW-Authenticate": 'DPoP error="invalid_token"'})

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(oauth_description(message), headers=headers)


class AccessTokenInQuery(ResourceAccessError):
    """An access token in the URI query (RFC 6750 §2.3) is refused: it ends up in logs."""

    status_code = 400
    error = "invalid_request"
    headers = MappingProxyType({"WWW-Authenticate": 'DPoP error="invalid_request"'})


class AccessTokenRequired(ResourceAccessError):
    """No access token at all: the challenge has no error (RFC 6750 §3.1)."""

    headers = MappingProxyType({"WWW-Authenticate": "DPoP"})


class AccessTokenInvalid(ResourceAccessError):
    """Unknown or expired access token, or a DPoP-bound token sent as ``Bearer`` (RFC 9449 §7.2)."""


class ResourceDpopProofInvalid(ResourceAccessError):
    error = "invalid_dpop_proof"
    headers = MappingProxyType({"WWW-Authenticate": 'DPoP error="invalid_dpop_proof"'})


class ResourceUseDpopNonce(ResourceAccessError):
    """Retry with the ``DPoP-Nonce`` header's value (RFC 9449 §9)."""

    error = "use_dpop_nonce"
    headers = MappingProxyType({"WWW-Authenticate": 'DPoP error="use_dpop_nonce"'})


class InsufficientScope(ResourceAccessError):
    """The access token does not cover this credential configuration (RFC 6750 §3.1)."""

    status_code = 403
    error = "insufficient_scope"
    headers = MappingProxyType({"WWW-Authenticate": 'DPoP error="insufficient_scope"'})


__all__ = [
    "AccessTokenInQuery",
    "AccessTokenInvalid",
    "AccessTokenRequired",
    "Conflict",
    "CredentialRequestDenied",
    "CsrfRefused",
    "DocumentError",
    "Forbidden",
    "InsufficientScope",
    "InvalidAuthorizationDetails",
    "InvalidClient",
    "InvalidCredentialRequest",
    "InvalidDpopProof",
    "InvalidEncryptionParameters",
    "InvalidGrant",
    "InvalidNonce",
    "InvalidNotificationId",
    "InvalidNotificationRequest",
    "InvalidProof",
    "InvalidRequest",
    "InvalidToken",
    "IssuanceNotAllowed",
    "IssuanceRefused",
    "IssuerError",
    "LoginFailed",
    "LoginUnavailable",
    "NotFound",
    "OAuthError",
    "RequestTooLarge",
    "ResourceAccessError",
    "ResourceDpopProofInvalid",
    "ResourceUseDpopNonce",
    "ServiceError",
    "SessionRequired",
    "SigningUnavailable",
    "SourceAnswerInvalid",
    "SourceUnavailable",
    "StatusListFull",
    "StatusTransitionRefused",
    "Unauthorized",
    "UnknownCitizen",
    "UnknownCredentialConfiguration",
    "UnknownCredentialIdentifier",
    "UnsupportedGrantType",
    "UpstreamError",
    "UpstreamUnavailable",
    "UseDpopNonce",
    "oauth_description",
]
