"""Revocation of paper documents: signed jti lists (``rid``) and the verdict on one ``jti``
(:func:`revocation_list_check`)."""

from verifier.revocation._list import (
    MAX_JTI_LENGTH,
    REVOCATION_LIST_MEDIA_TYPE,
    REVOCATION_LIST_TYP,
    RevocationList,
    certificate_chain_of,
    decode_revocation_list,
    encode_revocation_list,
)
from verifier.revocation._verdict import MAX_LIST_AGE_SECONDS, revocation_list_check

__all__ = [
    "MAX_JTI_LENGTH",
    "MAX_LIST_AGE_SECONDS",
    "REVOCATION_LIST_MEDIA_TYPE",
    "REVOCATION_LIST_TYP",
    "RevocationList",
    "certificate_chain_of",
    "decode_revocation_list",
    "encode_revocation_list",
    "revocation_list_check",
]
