"""The desk's request-signing identity: a DEV-ONLY one made once and kept, one from files, and
the files it refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from desk.identity import (
    DEV_CHAIN_FILE,
    DEV_KEY_FILE,
    DEV_ROOT_FILE,
    IdentityError,
    VerifierIdentity,
    load_identity,
)
from tests.oid4vp._pki import make_identity
from verifier.oid4vp import x509_hash_client_id
from verifier.trust import dump_pem

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def dev(folder: Path, now: datetime = NOW) -> VerifierIdentity:
    return load_identity(key=None, certificates=None, dev_dir=folder, dns_name="desk.example",
                         now=now)  # fmt: skip


def test_a_dev_identity_is_made_once_and_kept(tmp_path: Path) -> None:
    first = dev(tmp_path)
    assert first.client_id == x509_hash_client_id(first.leaf) and first.dev_root is not None
    assert {p.name for p in tmp_path.iterdir()} == {DEV_KEY_FILE, DEV_CHAIN_FILE, DEV_ROOT_FILE}
    assert (tmp_path / DEV_KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert "DEV-ONLY" in first.leaf.subject.rfc4514_string()
    again = dev(tmp_path, NOW + timedelta(days=30))
    assert again.client_id == first.client_id  # wallets see the same client id after a restart
    assert dump_pem(again.dev_root) == dump_pem(first.dev_root)  # type: ignore[arg-type]


def test_an_outdated_dev_identity_is_made_again(tmp_path: Path) -> None:
    first = dev(tmp_path)
    later = dev(tmp_path, NOW + timedelta(days=400))  # past the leaf's year
    assert later.client_id != first.client_id


def test_an_identity_from_files(tmp_path: Path) -> None:
    made = make_identity(NOW)
    key, chain = tmp_path / "key.pem", tmp_path / "chain.pem"
    key.write_bytes(made.key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))  # fmt: skip
    chain.write_bytes(dump_pem(made.leaf) + dump_pem(made.root))
    identity = load_identity(key=key, certificates=chain, dev_dir=tmp_path / "unused",
                             dns_name="x", now=NOW)  # fmt: skip
    assert identity.client_id == x509_hash_client_id(made.leaf)
    assert identity.dev_root is None and not (tmp_path / "unused").exists()
    with pytest.raises(IdentityError, match="not valid now"):
        load_identity(key=key, certificates=chain, dev_dir=tmp_path, dns_name="x",
                      now=NOW + timedelta(days=60))  # fmt: skip
    other = tmp_path / "other.pem"
    other.write_bytes(dump_pem(make_identity(NOW).leaf))
    with pytest.raises(IdentityError, match="not the key of the first certificate"):
        load_identity(key=key, certificates=other, dev_dir=tmp_path, dns_name="x", now=NOW)
    with pytest.raises(IdentityError, match="both"):
        load_identity(key=key, certificates=None, dev_dir=tmp_path, dns_name="x", now=NOW)
    broken = tmp_path / "broken.pem"
    broken.write_text("not a certificate")
    with pytest.raises(IdentityError, match="cannot use"):
        load_identity(key=key, certificates=broken, dev_dir=tmp_path, dns_name="x", now=NOW)
