"""A wallet's Authorization Response at the desk's response endpoint (OpenID4VP 1.0 §8).

What arrives is an ``application/x-www-form-urlencoded`` POST (§8.2): with ``direct_post.jwt``
one ``response`` parameter, a JWE encrypted to the request's key (§8.3.1) whose payload holds
the response parameters as top-level members; with ``direct_post`` the parameters themselves.
The parameters are ``vp_token`` and ``state`` (§8.1), or ``error`` (an Authorization Error
Response, §8.5). ``vp_token`` is a JSON object: credential query id → array of presentations
(§8.1), checked against the query (:func:`presentations_of`).

Nothing here raises on what a wallet sends: every step returns its result or a
:class:`Refused` carrying an ``oid4vp.*`` code (docs/verification-codes.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from cryptography.hazmat.primitives.asymmetric import ec

from verifier import codes
from verifier._errors import VerificationError
from verifier.jose import RESPONSE_ENCRYPTION, b64url_decode, decrypt_compact, loads_json
from verifier.oid4vp._dcql import DcqlQuery

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
#: The form of a response: a JWE or a vp_token of a few SD-JWTs (the SD-JWT limit is 256 k).
MAX_RESPONSE_BYTES = 512 * 1024
_FIELDS = frozenset({"response", "vp_token", "state", "error", "error_description", "error_uri"})
_MAX_ID = 200


@dataclass(frozen=True, slots=True)
class Refused:
    """Why a response cannot be used (its code is an ``oid4vp.*`` one; the message names no
    value the wallet sent)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ResponseForm:
    """The posted form: exactly one of an encrypted ``response`` or the plain parameters."""

    encrypted: str | None
    parameters: Mapping[str, str]

    @property
    def kid(self) -> str | None:
        """The encrypted response's ``kid`` (§8.3: the key of the request it answers), read
        from the protected header without decrypting."""
        if self.encrypted is None:
            return None
        try:
            header = loads_json(b64url_decode(self.encrypted.split(".", 1)[0]), what="JWE header")
        except VerificationError:
            return None
        kid = header.get("kid") if isinstance(header, dict) else None
        return kid if isinstance(kid, str) and 0 < len(kid) <= _MAX_ID else None

    @property
    def state(self) -> str | None:
        state = self.parameters.get("state")
        return state if state and len(state) <= _MAX_ID else None


@dataclass(frozen=True, slots=True)
class AuthorizationResponse:
    state: str | None
    vp_token: Any = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Presented:
    credential_id: str
    presentation: str


def parse_form(body: bytes, media_type: str) -> ResponseForm | Refused:
    """§8.2: the POST body of a response, before anything is decrypted or looked up."""
    if media_type != FORM_MEDIA_TYPE:
        return Refused(codes.OID4VP_RESPONSE, f"the response must be {FORM_MEDIA_TYPE}")
    if len(body) > MAX_RESPONSE_BYTES:
        return Refused(codes.OID4VP_RESPONSE, f"the response exceeds {MAX_RESPONSE_BYTES} bytes")
    try:
        fields = parse_qs(body.decode("ascii"), strict_parsing=bool(body), max_num_fields=8)
    except (UnicodeDecodeError, ValueError):
        return Refused(codes.OID4VP_RESPONSE, "the response is not a URL-encoded form")
    if any(len(values) != 1 for values in fields.values()):
        return Refused(codes.OID4VP_RESPONSE, "a response parameter is repeated")
    parameters = {name: values[0] for name, values in fields.items() if name in _FIELDS}
    encrypted = parameters.pop("response", None)
    if encrypted is not None and parameters.keys() - {"state"}:
        return Refused(codes.OID4VP_RESPONSE, "an encrypted response carries nothing beside it")
    if encrypted is None and "vp_token" not in parameters and "error" not in parameters:
        return Refused(codes.OID4VP_RESPONSE, "no response, vp_token or error parameter")
    return ResponseForm(encrypted, parameters)


def open_response(
    form: ResponseForm, key: ec.EllipticCurvePrivateKey | None
) -> AuthorizationResponse | Refused:
    """The response parameters: decrypted with the request's ``key`` (``direct_post.jwt``), or
    as posted (``direct_post``, ``key`` is ``None``). A response mode other than the request's
    is refused (§8.3.1: with ``direct_post.jwt`` the wallet MUST encrypt), but for a plain
    Authorization Error Response (§8.5): a wallet that cannot use the key can still say so, and
    an error carries nothing to protect."""
    plain_error = "error" in form.parameters and "vp_token" not in form.parameters
    if (key is None) != (form.encrypted is None) and not (key is not None and plain_error):
        return Refused(codes.OID4VP_RESPONSE_MODE, "the response is not in the requested mode")
    if form.encrypted is None:
        return _parameters(form.parameters)
    assert key is not None
    try:
        decrypted = decrypt_compact(form.encrypted, key, RESPONSE_ENCRYPTION)
        payload = loads_json(decrypted.plaintext, what="the decrypted response")
    except VerificationError as exc:
        return Refused(codes.OID4VP_ENCRYPTION, f"the encrypted response: {exc.message}")
    if not isinstance(payload, dict):
        return Refused(codes.OID4VP_RESPONSE, "the decrypted response is not a JSON object")
    return _parameters(payload)


def _parameters(values: Mapping[str, Any]) -> AuthorizationResponse | Refused:
    state = values.get("state")
    if state is not None and not isinstance(state, str):
        return Refused(codes.OID4VP_RESPONSE, "state is not a string")
    error = values.get("error")
    if error is not None:  # §8.5: the wallet answers with an error instead of a vp_token
        if not isinstance(error, str) or not error or len(error) > _MAX_ID:
            return Refused(codes.OID4VP_RESPONSE, "error is not a short string")
        return AuthorizationResponse(state, error=error)
    token = values.get("vp_token")
    if isinstance(token, str):  # direct_post: a form parameter, the JSON object as text
        try:
            token = loads_json(token, what="vp_token")
        except VerificationError:
            return Refused(codes.OID4VP_VP_TOKEN, "vp_token is not JSON")
    if token is None:
        return Refused(codes.OID4VP_RESPONSE, "the response has no vp_token")
    return AuthorizationResponse(state, vp_token=token)


def presentations_of(vp_token: Any, query: DcqlQuery) -> tuple[Presented, ...] | Refused:
    """§8.1: ``vp_token`` answers ``query``: credential query ids of the query only, each with a
    non-empty array of presentation strings, one per query (``multiple`` is never asked), and
    together exactly one of the query's complete answers (:meth:`DcqlQuery.options`)."""
    if not isinstance(vp_token, dict) or not vp_token:
        return Refused(codes.OID4VP_VP_TOKEN, "vp_token is not a non-empty JSON object")
    unknown = [key for key in vp_token if query.credential(key) is None]
    if unknown:
        return Refused(codes.OID4VP_VP_TOKEN, "vp_token answers a query that was not asked")
    presented = []
    for credential_id, values in vp_token.items():
        if not isinstance(values, list) or not values:
            return Refused(codes.OID4VP_VP_TOKEN, f"vp_token.{credential_id} is not an array")
        if len(values) > 1:  # §6.1: multiple defaults to false
            return Refused(
                codes.OID4VP_VP_TOKEN, f"vp_token.{credential_id} has several presentations"
            )
        if not isinstance(values[0], str) or not values[0]:
            return Refused(codes.OID4VP_VP_TOKEN, f"vp_token.{credential_id} is not an SD-JWT")
        presented.append(Presented(credential_id, values[0]))
    if frozenset(vp_token) not in query.options():
        return Refused(codes.OID4VP_VP_TOKEN, "vp_token is not one of the answers the query asks")
    return tuple(presented)
