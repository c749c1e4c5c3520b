"""OpenID for Verifiable Presentations 1.0 (Final) as the desk speaks it, with DCQL: the wire
formats of a wallet presentation (docs/desk.md §OpenID4VP).

- :mod:`verifier.oid4vp._dcql`: the DCQL query of a purpose (:func:`dcql_query`);
- :mod:`verifier.oid4vp._request`: the signed request object by reference, its ``x509_hash``
  client id and the wallet link (:class:`AuthorizationRequest`, :func:`sign_request`,
  :func:`wallet_link`);
- :mod:`verifier.oid4vp._response`: the response at the response endpoint, ``direct_post`` or
  ``direct_post.jwt`` (:func:`parse_form`, :func:`open_response`, :func:`presentations_of`);
- :mod:`verifier.oid4vp._holder`: the wallet's half (:func:`read_link`,
  :func:`verify_request_object`, :func:`response_form`) for test wallets and the benchmark.

No state is kept here: nonces, states and keys belong to the desk's transactions
(:mod:`desk.wallet`), which store them atomically and use them once. The presentations
themselves are verified like any SD-JWT VC (:mod:`verifier.sdjwt`), with the request's nonce and
the client id as the KB-JWT's ``nonce`` and ``aud`` (§B.3.6, §14.1).
"""

from verifier.oid4vp._dcql import ClaimQuery, CredentialQuery, DcqlQuery, dcql_query
from verifier.oid4vp._holder import (
    ReceivedRequest,
    WalletLink,
    read_link,
    response_form,
    verify_request_object,
)
from verifier.oid4vp._request import (
    DIRECT_POST,
    DIRECT_POST_JWT,
    REQUEST_OBJECT_MEDIA_TYPE,
    REQUEST_OBJECT_TYP,
    RESPONSE_MODES,
    STATIC_DISCOVERY_AUDIENCE,
    WALLET_SCHEME,
    X509_HASH,
    AuthorizationRequest,
    sign_request,
    wallet_link,
    x509_hash_client_id,
)
from verifier.oid4vp._response import (
    FORM_MEDIA_TYPE,
    MAX_RESPONSE_BYTES,
    AuthorizationResponse,
    Presented,
    Refused,
    ResponseForm,
    open_response,
    parse_form,
    presentations_of,
)

__all__ = [
    "DIRECT_POST",
    "DIRECT_POST_JWT",
    "FORM_MEDIA_TYPE",
    "MAX_RESPONSE_BYTES",
    "REQUEST_OBJECT_MEDIA_TYPE",
    "REQUEST_OBJECT_TYP",
    "RESPONSE_MODES",
    "STATIC_DISCOVERY_AUDIENCE",
    "WALLET_SCHEME",
    "X509_HASH",
    "AuthorizationRequest",
    "AuthorizationResponse",
    "ClaimQuery",
    "CredentialQuery",
    "DcqlQuery",
    "Presented",
    "ReceivedRequest",
    "Refused",
    "ResponseForm",
    "WalletLink",
    "dcql_query",
    "open_response",
    "parse_form",
    "presentations_of",
    "read_link",
    "response_form",
    "sign_request",
    "verify_request_object",
    "wallet_link",
    "x509_hash_client_id",
]
