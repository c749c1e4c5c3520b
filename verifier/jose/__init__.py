"""JOSE building blocks: base64url, bounded JSON, the algorithm policy, JWK, compact JWS."""

from verifier.jose._algorithms import (
    ALGORITHMS,
    CREDENTIAL_ALGORITHMS,
    DEFAULT_ALGORITHM,
    EC_CURVES,
    EESSI_QR_ALGORITHMS,
    Algorithm,
    AlgorithmPolicy,
    KeyType,
    PrivateKey,
    PublicKey,
    algorithm_for_key,
    describe_key,
    key_type,
)
from verifier.jose._b64 import b64_decode, b64url_decode, b64url_encode
from verifier.jose._json import dumps_compact, loads_json, loads_object
from verifier.jose._jwk import (
    cached_public_key_from_jwk,
    jwk_from_private_key,
    jwk_from_public_key,
    jwk_thumbprint,
    private_key_from_jwk,
    public_jwk,
    public_key_from_jwk,
    public_members,
)
from verifier.jose._jws import CompactJws, JwsSigner, sign_compact, sign_compact_json

__all__ = [
    "ALGORITHMS",
    "CREDENTIAL_ALGORITHMS",
    "DEFAULT_ALGORITHM",
    "EC_CURVES",
    "EESSI_QR_ALGORITHMS",
    "Algorithm",
    "AlgorithmPolicy",
    "CompactJws",
    "JwsSigner",
    "KeyType",
    "PrivateKey",
    "PublicKey",
    "algorithm_for_key",
    "b64_decode",
    "b64url_decode",
    "b64url_encode",
    "cached_public_key_from_jwk",
    "describe_key",
    "dumps_compact",
    "jwk_from_private_key",
    "jwk_from_public_key",
    "jwk_thumbprint",
    "key_type",
    "loads_json",
    "loads_object",
    "private_key_from_jwk",
    "public_jwk",
    "public_key_from_jwk",
    "public_members",
    "sign_compact",
    "sign_compact_json",
]
