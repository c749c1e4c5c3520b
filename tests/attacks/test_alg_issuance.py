"""The issuer side of the curve binding: no signer, key file or JWK for a key outside the policy.

A secp256k1 or brainpool key must not become an ES256 signer, even in a process that already made
P-256 signers (the old per-size cache let it through); an issuer JWKS naming such a key is refused
when it is loaded, whatever ``crv`` it claims.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from verifier import AlgorithmNotAllowed, KeyStoreError, MalformedInput
from verifier.jose import b64url_encode, key_type
from verifier.signing import LocalSigner, generate_private_key, load_private_key
from verifier.trust import JwksResolver

from ._world import CURVES, WRONG_CURVES


@pytest.mark.parametrize("curve", WRONG_CURVES)
def test_no_es256_signer_for_a_key_on_another_curve(curve: str) -> None:
    assert LocalSigner(generate_private_key("ES256")).algorithm.name == "ES256"
    with pytest.raises(AlgorithmNotAllowed, match=f"unsupported key type EC {curve}"):
        LocalSigner(ec.generate_private_key(CURVES[curve]))


@pytest.mark.parametrize("curve", WRONG_CURVES)
def test_a_key_file_on_another_curve_is_refused(tmp_path: Path, curve: str) -> None:
    key = ec.generate_private_key(CURVES[curve])
    path = tmp_path / "private.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(KeyStoreError, match=f"unsupported key type EC {curve}"):
        load_private_key(path)


def test_generated_keys_lie_on_the_algorithms_curve() -> None:
    assert key_type(generate_private_key("ES256")) == ("EC", "P-256")
    assert key_type(generate_private_key("ES384")) == ("EC", "P-384")


@pytest.mark.parametrize("crv", ["secp256k1", "P-256"])
def test_an_issuer_jwks_with_a_secp256k1_key_is_refused(crv: str) -> None:
    """RFC 8812 names secp256k1 ``crv: secp256k1`` (ES256K, not in our policy); relabelled
    ``P-256``, its point is not on P-256. Either way the JWKS is refused: ``input.jwk``."""
    numbers = ec.generate_private_key(ec.SECP256K1()).public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": crv,
        "x": b64url_encode(numbers.x.to_bytes(32, "big")),
        "y": b64url_encode(numbers.y.to_bytes(32, "big")),
        "kid": "issuer-1",
    }
    with pytest.raises(MalformedInput) as info:
        JwksResolver({"keys": [jwk]})
    assert info.value.code == "input.jwk"
