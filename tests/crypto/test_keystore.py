"""Key files: layout, permissions, passphrase protection."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from verifier import KeyStoreError
from verifier.jose import jwk_thumbprint
from verifier.signing import generate_private_key, load_private_key, load_signer, write_key_dir


def test_layout_and_permissions(tmp_path: Path) -> None:
    public = write_key_dir(tmp_path / "k", generate_private_key("ES256"), alg="ES256")
    for name in ("private.jwk", "private.pem"):
        mode = stat.S_IMODE((tmp_path / "k" / name).stat().st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
    jwks = json.loads((tmp_path / "k" / "jwks.json").read_text())
    assert jwks["keys"][0]["kid"] == public["kid"] == jwk_thumbprint(public)
    assert "d" not in jwks["keys"][0]
    assert load_signer(tmp_path / "k" / "private.jwk").kid == public["kid"]


def test_passphrase_protects_pem(tmp_path: Path) -> None:
    key = generate_private_key("ES384")
    write_key_dir(tmp_path, key, alg="ES384", passphrase=b"correct horse")
    pem = (tmp_path / "private.pem").read_bytes()
    assert b"ENCRYPTED" in pem
    with pytest.raises(KeyStoreError):
        load_private_key(tmp_path / "private.pem")
    with pytest.raises(KeyStoreError):
        load_private_key(tmp_path / "private.pem", passphrase=b"wrong")
    loaded = load_private_key(tmp_path / "private.pem", passphrase=b"correct horse")
    assert loaded.public_key() == key.public_key()


def test_unreadable_key_is_a_keystore_error(tmp_path: Path) -> None:
    (tmp_path / "bad.pem").write_text(
        "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"
    )
    with pytest.raises(KeyStoreError):
        load_private_key(tmp_path / "bad.pem")
    with pytest.raises(KeyStoreError):
        load_private_key(tmp_path / "missing.pem")


def test_signer_repr_has_no_key_material() -> None:
    from verifier.signing import LocalSigner

    key = generate_private_key("ES256")
    text = repr(LocalSigner(key)) + str(LocalSigner(key))
    d = str(key.private_numbers().private_value)
    assert d not in text and "private" not in text.lower()
