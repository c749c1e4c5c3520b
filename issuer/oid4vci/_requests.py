"""Request bodies of the OpenID4VCI endpoints, parsed by hand so that every problem is the
endpoint's own error code (OpenID4VCI 1.0 §6.3, §8.3.1.2, §11.3), never a framework 422.

Form bodies (the token request, RFC 6749 §4.1.3/§3.2) and JSON bodies (credential and
notification requests, §8.2, §11.1) are bounded by the router; a parameter given twice is
refused (RFC 6749 §3.2, OpenID4VCI 1.0 §8.3.1.2 "repeats the same parameter"); unknown
parameters are ignored, as the specifications require.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from issuer.errors import (
    InvalidCredentialRequest,
    InvalidEncryptionParameters,
    InvalidNotificationRequest,
    OAuthError,
)

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
JSON_MEDIA_TYPE = "application/json"
MAX_FORM_FIELDS = 32
NOTIFICATION_EVENTS = frozenset({"credential_accepted", "credential_failure", "credential_deleted"})
MAX_EVENT_DESCRIPTION = 1000


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def parse_form(body: bytes, content_type: str | None) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body (UTF-8); :class:`OAuthError`
    (``invalid_request``) when it is not one or repeats a parameter."""
    if media_type(content_type) != FORM_MEDIA_TYPE:
        raise OAuthError(f"the token request must be {FORM_MEDIA_TYPE} (RFC 6749 §4.1.3)")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise OAuthError("the token request body is not a valid UTF-8 form") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise OAuthError(f"parameter {name[:40]} is repeated (RFC 6749 §3.2)")
        form[name] = value
    return form


class _Repeated(ValueError):
    pass


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise _Repeated
    return dict(pairs)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_repeats, parse_constant=_refuse_constant)


def parse_json_object(
    body: bytes, content_type: str | None, *, invalid: type[OAuthError]
) -> dict[str, Any]:
    """A JSON object body with no member given twice, else ``invalid``."""
    if media_type(content_type) != JSON_MEDIA_TYPE:
        raise invalid(f"the request must be {JSON_MEDIA_TYPE}")
    try:
        value = _DECODER.decode(body.decode("utf-8"))
    except _Repeated:
        raise invalid("the request repeats a parameter") from None
    except (ValueError, RecursionError):
        raise invalid("the request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise invalid("the request body must be a JSON object")
    return value


@dataclass(frozen=True)
class CredentialRequest:
    """Exactly one of ``configuration_id`` / ``identifier`` (OpenID4VCI 1.0 §8.2)."""

    configuration_id: str | None
    identifier: str | None
    proofs: object


def parse_credential_request(body: Mapping[str, Any]) -> CredentialRequest:
    if "proof" in body:
        raise InvalidCredentialRequest(
            "the singular proof parameter of the drafts before 1.0 is not supported: send "
            "proofs with a jwt array (OpenID4VCI 1.0 §8.2)"
        )
    if "credential_response_encryption" in body:
        raise InvalidEncryptionParameters(
            "this issuer does not encrypt credential responses (its metadata has no "
            "credential_response_encryption)"
        )
    configuration_id = body.get("credential_configuration_id")
    identifier = body.get("credential_identifier")
    if (configuration_id is None) == (identifier is None):
        raise InvalidCredentialRequest(
            "send exactly one of credential_configuration_id and credential_identifier"
        )
    for value in (configuration_id, identifier):
        if value is not None and not isinstance(value, str):
            raise InvalidCredentialRequest("the requested credential must be named by a string")
    return CredentialRequest(configuration_id, identifier, body.get("proofs"))


@dataclass(frozen=True)
class NotificationRequest:
    notification_id: str
    event: str


def parse_notification_request(body: Mapping[str, Any]) -> NotificationRequest:
    """§11.1; ``event_description`` is checked (ASCII subset, bounded) but never stored."""
    notification_id, event = body.get("notification_id"), body.get("event")
    if not isinstance(notification_id, str) or not notification_id:
        raise InvalidNotificationRequest("notification_id is required")
    if event not in NOTIFICATION_EVENTS:
        raise InvalidNotificationRequest(
            "event must be one of " + ", ".join(sorted(NOTIFICATION_EVENTS))
        )
    description = body.get("event_description")
    if description is not None and not (
        isinstance(description, str)
        and len(description) <= MAX_EVENT_DESCRIPTION
        and all(" " <= c <= "~" and c not in '"\\' for c in description)
    ):
        raise InvalidNotificationRequest(
            "event_description must be printable ASCII without quotes or backslashes (§11.1)"
        )
    return NotificationRequest(notification_id, str(event))
