"""Server DPoP nonces (RFC 9449 §8) shared by replicas: each process answers from the newest
nonce it knows, which is exactly what the database would say, on one database file."""

from __future__ import annotations

from pathlib import Path

from issuer.oid4vci._nonces import DpopNonces
from issuer.settings import OpenId4VciSettings
from issuer.storage import Database

from ._issuer import Clock


def test_replicas_accept_each_others_nonces_until_they_expire(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'issuer.db'}")
    db.migrate()
    settings = OpenId4VciSettings()
    lifetime = settings.dpop_nonce_lifetime_seconds
    clock = Clock()
    first, second = DpopNonces(db, settings, clock), DpopNonces(db, settings, clock)

    def accepts(nonces: DpopNonces, value: object) -> bool:
        with db.session() as session:
            return nonces.accepts(session, value)

    handed = first.current()
    assert accepts(second, handed) and second.current() == handed  # found in the database
    clock.advance(lifetime / 2 + 1)  # past half its lifetime: a new one is handed out…
    newer = second.current()
    assert newer != handed and first.current() == newer
    assert accepts(first, handed) and accepts(second, handed)  # …and the old one still works
    clock.advance(lifetime / 2)
    assert not accepts(first, handed) and not accepts(second, handed)  # expired everywhere
    assert accepts(first, newer) and not accepts(first, "made-up") and not accepts(first, None)
    clock.advance(lifetime)
    assert not accepts(second, newer) and second.current() not in (handed, newer)
    db.dispose()
