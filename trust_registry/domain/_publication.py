"""The signed public documents: the trust list and the offline bundle.

Both are cached in ``signed_documents`` (shared by every replica) and re-signed only when their
inputs change (the trust-list sequence, the pushed lists) or when the cached copy is older than
``resign_after``, so responses are byte-identical in between (stable ETags, CDN-friendly).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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

    @property
    def etag(self) -> str:
        """A strong ETag: the SHA-256 of the body."""
        return '"' + hashlib.sha256(self.body.encode("ascii")).hexdigest() + '"'


Signing = Callable[[Session, datetime], SignedDocument]


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

            def sign(session: Session, now: datetime) -> SignedDocument:
                return self._sign_bundle(session, trust_list, now)

            return self._cached(session, BUNDLE, source, sign)

    def _cached(self, session: Session, kind: str, source: str, sign: Signing) -> SignedDocument:
        now = self._clock().astimezone(UTC).replace(microsecond=0)
        row = session.get(SignedDocumentRow, kind)
        assert row is not None, "the migration creates one row per document kind"
        if not self._usable(row, source, now):
            session.refresh(row, with_for_update=True)  # one replica re-signs at a time
            if not self._usable(row, source, now):
                document = sign(session, now)
                row.body, row.source = document.body, source
                row.issued_at, row.next_update = document.issued_at, document.next_update
        return SignedDocument(row.body, row.issued_at, row.next_update)

    def _usable(self, row: SignedDocumentRow, source: str, now: datetime) -> bool:
        age = now.timestamp() - row.issued_at
        return (
            bool(row.body)
            and row.source == source
            and 0 <= age < self._resign_after.total_seconds()
        )

    def _sign_trust_list(self, session: Session, now: datetime) -> SignedDocument:
        sequence, _ = versions(session)
        next_update = now + self._validity
        model = _snapshot.trust_list(
            session, iss=self._iss, issued_at=now, next_update=next_update, sequence=sequence
        )
        body = sign_trust_list(model, self._ca.signer)
        return SignedDocument(body, int(now.timestamp()), int(next_update.timestamp()))

    def _sign_bundle(
        self, session: Session, trust_list: SignedDocument, now: datetime
    ) -> SignedDocument:
        status_lists, revocation_lists = list_tokens(session)
        next_update = min(now + self._validity, datetime.fromtimestamp(trust_list.next_update, UTC))
        body = build_bundle(
            trust_list=trust_list.body,
            root=self._ca.root,
            signer=self._ca.signer,
            issued_at=now,
            next_update=next_update,
            status_lists=status_lists,
            revocation_lists=revocation_lists,
        )
        return SignedDocument(body, int(now.timestamp()), int(next_update.timestamp()))
