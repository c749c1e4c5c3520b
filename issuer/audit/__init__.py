"""The issuer's append-only, hash-chained audit log (docs/operator-api.md, "Audit chain")."""

from issuer.audit._chain import (
    ENCODING_VERSION,
    GENESIS_HASH,
    AuditEntry,
    ChainProblem,
    ChainVerdict,
    canonical_json,
    encode_at,
    entry_hash,
    verify_chain,
)
from issuer.audit._log import MAX_PAGE, AuditLog

__all__ = [
    "ENCODING_VERSION",
    "GENESIS_HASH",
    "MAX_PAGE",
    "AuditEntry",
    "AuditLog",
    "ChainProblem",
    "ChainVerdict",
    "canonical_json",
    "encode_at",
    "entry_hash",
    "verify_chain",
]
