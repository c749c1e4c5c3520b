"""The signed public documents: the trust list and the offline bundle.

Both are cached in ``signed_documents`` (shared by every replica) and re-signed only when their
inputs change (the trust-list sequence, the pushed lists) or when the cached copy is older than
``resign_after``, so responses are byte-identical in between (stable ETags, CDN-friendly).

Every bundle signed gets the next number of the row's ``sequence`` (docs/trust-list.md
§Rollback): the number is taken under the row's write lock in the same transaction that stores
the body, so two replicas never sign the same number and a restart never goes back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from trust_registry.domain import _snapshot
from trust_registry.domain._journal import Clock, versions
from trust_registry.domain._lists import list_tokens
from trust_registry.pki import CertificateAuthority
from trust_registry.storage import Database, SignedDocumentRow
from verifier.trust import build_bundle, sign_trust_list

TRUST_LIST, BUNDLE = "trust-list", "bundle"


@dataclass(frozen=True, slots=True)
class SignedDocument:
    body: str
    issued_at: int
    next_update: int
    sequence: int = 0

    @property
    def etag(self) -> str:
        """A strong ETag: the SHA-256 of the body."""
        return '"' + hashlib.sha256(self.body.encode("ascii")).hexdigest() + '"'


#: ``(session, now, sequence of the last signed document of this kind)`` → the new document.
Signing = Callable[[Session, datetime, int], SignedDocument]


class PublicationService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        ca: CertificateAuthority,
        *,
        iss: str,
        validity: timedelta,
        resign_after: timedelta,
    ) -> None:
        self._db = db
        self._clock = clock
        self._ca = ca
        self._iss = iss
        self._validity = validity
        self._resign_after = min(resign_after, validity)

    def trust_list(self) -> SignedDocument:
        """The current ``civicred-trust-list+jwt``, signed anew only when needed."""
        with self._db.session() as session:
            sequence, _ = versions(session)
            return self._cached(session, TRUST_LIST, str(sequence), self._sign_trust_list)

    def bundle(self) -> SignedDocument:
        """The ``civicred-bundle+jwt``: the trust list exactly as served plus pushed lists."""
        trust_list = self.trust_list()
        with self._db.session() as session:
            _, lists_version = versions(session)
            source = f"{lists_version}/{trust_list.etag[1:33]}"

            def sign(session: Session, now: datetime, previous: int) -> SignedDocument:
                return self._sign_bundle(session, trust_list, now, previous + 1)

            return self._cached(session, BUNDLE, source, sign)

    def _cached(self, session: Session, kind: str, source: str, sign: Signing) -> SignedDocument:
        now = self._clock().astimezone(UTC).replace(microsecond=0)
        row = session.get(SignedDocumentRow, kind)
        assert row is not None, "the migration creates one row per document kind"
        if not self._usable(row, source, now):
            _lock(session, kind)  # one replica re-signs at a time
            session.refresh(row)
            if not self._usable(row, source, now):
                document = sign(session, now, row.sequence)
                row.body, row.source = document.body, source
                row.issued_at, row.next_update = document.issued_at, document.next_update
                row.sequence = document.sequence
        return SignedDocument(row.body, row.issued_at, row.next_update, row.sequence)

    def _usable(self, row: SignedDocumentRow, source: str, now: datetime) -> bool:
        age = now.timestamp() - row.issued_at
        return (
            bool(row.body)
            and row.source == source
            and 0 <= age < self._resign_after.total_seconds()
        )

    def _sign_trust_list(self, session: Session, now: datetime, _previous: int) -> SignedDocument:
        sequence, _ = versions(session)
        next_update = now + self._validity
        model = _snapshot.trust_list(
            session, iss=self._iss, issued_at=now, next_update=next_update, sequence=sequence
        )
        body = sign_trust_list(model, self._ca.signer)
        return SignedDocument(body, int(now.timestamp()), int(next_update.timestamp()), sequence)

    def _sign_bundle(
        self, session: Session, trust_list: SignedDocument, now: datetime, sequence: int
    ) -> SignedDocument:
        status_lists, revocation_lists = list_tokens(session)
        next_update = min(now + self._validity, datetime.fromtimestamp(trust_list.next_update, UTC))
        body = build_bundle(
            trust_list=trust_list.body,
            root=self._ca.root,
            signer=self._ca.signer,
            issued_at=now,
            next_update=next_update,
            sequence=sequence,
            status_lists=status_lists,
            revocation_lists=revocation_lists,
        )
        return SignedDocument(body, int(now.timestamp()), int(next_update.timestamp()), sequence)


def _lock(session: Session, kind: str) -> None:
    """Write-lock the row until the transaction ends: a row lock on PostgreSQL, the database's
    write lock on SQLite (where ``SELECT … FOR UPDATE`` does not exist). A no-op update does both,
    and the refresh that follows reads what the last replica committed."""
    session.execute(
        update(SignedDocumentRow)
        .where(SignedDocumentRow.kind == kind)
        .values(sequence=SignedDocumentRow.sequence)
    )
