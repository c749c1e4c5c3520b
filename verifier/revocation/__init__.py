"""Revocation of paper documents: signed jti lists (``rid``), and checkers for the QR verifier."""

from verifier.revocation._list import (
    MAX_JTI_LENGTH,
    REVOCATION_LIST_MEDIA_TYPE,
    REVOCATION_LIST_TYP,
    RevocationList,
    certificate_chain_of,
    decode_revocation_list,
    encode_revocation_list,
)

__all__ = [
    "MAX_JTI_LENGTH",
    "REVOCATION_LIST_MEDIA_TYPE",
    "REVOCATION_LIST_TYP",
    "RevocationList",
    "certificate_chain_of",
    "decode_revocation_list",
    "encode_revocation_list",
]
