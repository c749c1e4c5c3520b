"""COSE building blocks: bounded CBOR, COSE_Sign1 (RFC 9052) and CWT claims (RFC 8392)."""

from verifier.cose._cbor import (
    DEFAULT_MAX_CBOR_BYTES,
    DEFAULT_MAX_DEPTH,
    as_array,
    as_map,
    dumps_cbor,
    loads_cbor,
)
from verifier.cose._cwt import CwtClaim, CwtClaims, encode_cwt_claims, numeric_date
from verifier.cose._sign1 import (
    COSE_SIGN1_TAG,
    CoseSign1,
    CoseSigner,
    HeaderParameter,
    sig_structure1,
    sign1,
)

__all__ = [
    "COSE_SIGN1_TAG",
    "DEFAULT_MAX_CBOR_BYTES",
    "DEFAULT_MAX_DEPTH",
    "CoseSign1",
    "CoseSigner",
    "CwtClaim",
    "CwtClaims",
    "HeaderParameter",
    "as_array",
    "as_map",
    "dumps_cbor",
    "encode_cwt_claims",
    "loads_cbor",
    "numeric_date",
    "sig_structure1",
    "sign1",
]
