"""IETF Token Status List (draft-ietf-oauth-status-list-20): the list, its JWT and CWT tokens,
the Referenced Token's ``status`` claim, and the verdict on one reference (:func:`status_check`).
Verification takes ``now`` and a trusted key as inputs; nothing here reads the clock or the
network.
"""

from verifier.status._cwt import (
    cwt_certificate_chain,
    decode_status_list_cwt,
    encode_status_list_cwt,
)
from verifier.status._decode import decode_status_list_token
from verifier.status._jwt import decode_status_list_jwt, encode_status_list_jwt
from verifier.status._list import ALLOWED_BITS, DEFAULT_MAX_ENTRIES, StatusList, TokenStatus
from verifier.status._media import (
    STATUS_LIST_CWT_MEDIA_TYPE,
    STATUS_LIST_JWT_MEDIA_TYPE,
    STATUS_LIST_JWT_TYP,
)
from verifier.status._reference import StatusReference
from verifier.status._token import DEFAULT_MAX_TOKEN_BYTES, StatusListToken, TokenFormat
from verifier.status._verdict import StatusSource, status_check

__all__ = [
    "ALLOWED_BITS",
    "DEFAULT_MAX_ENTRIES",
    "DEFAULT_MAX_TOKEN_BYTES",
    "STATUS_LIST_CWT_MEDIA_TYPE",
    "STATUS_LIST_JWT_MEDIA_TYPE",
    "STATUS_LIST_JWT_TYP",
    "StatusList",
    "StatusListToken",
    "StatusReference",
    "StatusSource",
    "TokenFormat",
    "TokenStatus",
    "cwt_certificate_chain",
    "decode_status_list_cwt",
    "decode_status_list_jwt",
    "decode_status_list_token",
    "encode_status_list_cwt",
    "encode_status_list_jwt",
    "status_check",
]
