"""One entry point for an HTTP response body of either media type (§8.2)."""

from __future__ import annotations

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose import AlgorithmPolicy, PublicKey
from verifier.status._cwt import decode_status_list_cwt
from verifier.status._jwt import decode_status_list_jwt
from verifier.status._list import DEFAULT_MAX_ENTRIES
from verifier.status._media import STATUS_LIST_CWT_MEDIA_TYPE, STATUS_LIST_JWT_MEDIA_TYPE
from verifier.status._token import DEFAULT_MAX_TOKEN_BYTES, StatusListToken


def decode_status_list_token(
    body: str | bytes,
    *,
    key: PublicKey,
    policy: AlgorithmPolicy,
    expected_uri: str,
    now: int | float,
    media_type: str | None = None,
    leeway: int | float = 0,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    max_token_bytes: int = DEFAULT_MAX_TOKEN_BYTES,
) -> StatusListToken:
    """Verify a Status List Token given as a response body.

    ``media_type`` is the response Content-Type (parameters ignored). Without it, text is a
    JWT and bytes are a CWT, except bytes that start like a compact JWS (``eyJ``), which a
    COSE_Sign1_Tagged never does (its first byte is 0xd2).
    """
    kind = _kind(body, media_type)
    if kind == "jwt":
        if isinstance(body, bytes):
            try:
                body = body.decode("ascii")
            except UnicodeDecodeError:
                raise MalformedInput(
                    "a status list JWT is ASCII text", code=codes.STATUS_FORMAT
                ) from None
        return decode_status_list_jwt(
            body,
            key=key,
            policy=policy,
            expected_uri=expected_uri,
            now=now,
            leeway=leeway,
            max_entries=max_entries,
            max_token_bytes=max_token_bytes,
        )
    if isinstance(body, str):
        raise MalformedInput("a status list CWT is binary, not text", code=codes.STATUS_FORMAT)
    return decode_status_list_cwt(
        body,
        key=key,
        policy=policy,
        expected_uri=expected_uri,
        now=now,
        leeway=leeway,
        max_entries=max_entries,
        max_token_bytes=max_token_bytes,
    )


def _kind(body: str | bytes, media_type: str | None) -> str:
    if media_type is not None:
        essence = media_type.split(";", 1)[0].strip().lower()
        if essence == STATUS_LIST_JWT_MEDIA_TYPE:
            return "jwt"
        if essence == STATUS_LIST_CWT_MEDIA_TYPE:
            return "cwt"
        raise MalformedInput(f"unexpected media type {media_type!r}", code=codes.STATUS_FORMAT)
    if isinstance(body, str) or bytes(body[:3]) == b"eyJ":
        return "jwt"
    return "cwt"
