"""Status lists and jti revocation lists PUSHED by issuers, stored for the offline bundle.

The registry never fetches from issuers (no outbound requests, nothing to time out): an issuer
``PUT``s its freshly signed tokens. A token is accepted only if it verifies with a non-revoked
``status_signing`` certificate of that issuer (and, for a Token Status List, names its URI).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from trust_registry.domain import _validation as check
from trust_registry.domain._errors import BadRequest, Conflict, InvalidInput
from trust_registry.domain._journal import Clock, record
from trust_registry.domain._rows import get_issuer_row
from trust_registry.storage import CertificateRow, Database, IssuerListRow
from verifier import VerificationError
from verifier.jose import CREDENTIAL_ALGORITHMS, CompactJws, PublicKey
from verifier.status import (
    STATUS_LIST_CWT_MEDIA_TYPE,
    STATUS_LIST_JWT_MEDIA_TYPE,
    decode_status_list_token,
)
from verifier.trust import load_certificate

MEDIA_TYPES = (STATUS_LIST_JWT_MEDIA_TYPE, STATUS_LIST_CWT_MEDIA_TYPE)
REVOCATION_LIST_MEDIA_TYPE = "application/jwt"


@dataclass(frozen=True, slots=True)
class PushedList:
    """``token``: a compact JWS, or (``+cwt``) the standard base64 of the CBOR bytes."""

    uri: str
    token: str
    media_type: str = STATUS_LIST_JWT_MEDIA_TYPE


class ListService:
    def __init__(self, db: Database, clock: Clock, *, max_token_bytes: int) -> None:
        self._db = db
        self._clock = clock
        self._max = max_token_bytes

    def push(
        self,
        actor: str,
        issuer_id: str,
        *,
        status_lists: Sequence[PushedList] = (),
        revocation_lists: Sequence[PushedList] = (),
    ) -> list[str]:
        """Verify and store the tokens; a URI not yet registered is registered for the issuer
        (that changes the trust list). Returns the URIs stored."""
        if not status_lists and not revocation_lists:
            raise InvalidInput("nothing to push")
        now = self._clock()
        with self._db.session() as session:
            get_issuer_row(session, issuer_id)
            keys = _status_keys(session, issuer_id)
            if not keys:
                raise Conflict(f"issuer {issuer_id!r} has no active status_signing certificate")
            stored = []
            items = [("status", p) for p in status_lists]
            items += [("revocation", p) for p in revocation_lists]
            for kind, pushed in items:
                check.url(pushed.uri, f"{kind} list URI", max_length=1024)
                if len(pushed.token) > self._max:
                    raise InvalidInput(f"the token for {pushed.uri} exceeds {self._max} bytes")
                if kind == "status":
                    _verify_status_list(pushed, keys, now.timestamp())
                else:
                    _verify_revocation_list(pushed, keys, now.timestamp())
                self._store(session, actor, issuer_id, kind, pushed, now)
                stored.append(pushed.uri)
        return stored

    @staticmethod
    def _store(
        session: Session, actor: str, issuer_id: str, kind: str, pushed: PushedList, now: datetime
    ) -> None:
        row = session.scalars(select(IssuerListRow).filter_by(uri=pushed.uri)).one_or_none()
        registered = row is None
        if row is None:
            row = IssuerListRow(issuer_id=issuer_id, kind=kind, uri=pushed.uri)
            session.add(row)
        elif row.issuer_id != issuer_id or row.kind != kind:
            raise Conflict(f"{pushed.uri} is registered as a {row.kind} list of {row.issuer_id}")
        before = _digest(row)
        row.token, row.media_type, row.pushed_at = pushed.token, pushed.media_type, now
        session.flush()
        record(
            session,
            at=now,
            actor=actor,
            action=f"{kind}_list.push",
            target=pushed.uri,
            before=before,
            after=_digest(row),
            trust_data=registered,
            lists=True,
        )


def list_tokens(session: Session) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """``(status lists {uri: (media_type, token)}, revocation lists {uri: token})``."""
    rows = session.scalars(
        select(IssuerListRow).where(IssuerListRow.token.is_not(None)).order_by(IssuerListRow.uri)
    )
    status: dict[str, tuple[str, str]] = {}
    revocation: dict[str, str] = {}
    for row in rows:
        assert row.token is not None
        if row.kind == "status":
            status[row.uri] = (row.media_type or STATUS_LIST_JWT_MEDIA_TYPE, row.token)
        else:
            revocation[row.uri] = row.token
    return status, revocation


def _digest(row: IssuerListRow) -> dict[str, str] | None:
    if row.token is None:
        return None
    sha = hashlib.sha256(row.token.encode("ascii", "replace")).hexdigest()
    return {"media_type": row.media_type or "", "sha256": sha}


def _status_keys(session: Session, issuer_id: str) -> list[PublicKey]:
    rows = session.scalars(
        select(CertificateRow).where(
            CertificateRow.issuer_id == issuer_id,
            CertificateRow.use == "status_signing",
            CertificateRow.state == "active",
        )
    )
    return [cast(PublicKey, load_certificate(r.der).public_key()) for r in rows]


def _verify_status_list(pushed: PushedList, keys: list[PublicKey], now: float) -> None:
    if pushed.media_type not in MEDIA_TYPES:
        raise InvalidInput(f"media_type must be one of {', '.join(MEDIA_TYPES)}")
    body: str | bytes = pushed.token
    if pushed.media_type == STATUS_LIST_CWT_MEDIA_TYPE:
        try:
            body = base64.b64decode(pushed.token, validate=True)
        except binascii.Error:
            raise BadRequest(f"the CWT for {pushed.uri} is not standard base64") from None
    errors = []
    for key in keys:
        try:
            decode_status_list_token(
                body,
                key=key,
                policy=CREDENTIAL_ALGORITHMS,
                expected_uri=pushed.uri,
                now=now,
                media_type=pushed.media_type,
            )
            return
        except VerificationError as exc:
            errors.append(exc.message)
    raise BadRequest(f"the status list token for {pushed.uri} does not verify: {errors[-1]}")


def _verify_revocation_list(pushed: PushedList, keys: list[PublicKey], now: float) -> None:
    """A compact JWS (docs/revocation-lists.md) signed by a status key; its ``rid`` (when
    present) must be the URI and its ``next_update`` (when present) still ahead."""
    media_type = pushed.media_type
    if media_type != REVOCATION_LIST_MEDIA_TYPE and not media_type.endswith("+jwt"):
        raise InvalidInput("a revocation list is a compact JWS (media_type application/jwt)")
    try:
        jws = CompactJws.parse(pushed.token, what="revocation list")
        payload = jws.payload_object(what="revocation list payload")
    except VerificationError as exc:
        raise BadRequest(f"the revocation list for {pushed.uri}: {exc.message}") from None
    message = "no status_signing key verifies it"
    for key in keys:
        try:
            jws.verify(key, CREDENTIAL_ALGORITHMS)
            break
        except VerificationError as exc:
            message = exc.message
    else:
        raise BadRequest(f"the revocation list for {pushed.uri} does not verify: {message}")
    if payload.get("rid", pushed.uri) != pushed.uri:
        raise BadRequest(f"the revocation list's rid is not {pushed.uri}")
    next_update = payload.get("next_update")
    if isinstance(next_update, int | float) and next_update <= now:
        raise BadRequest(f"the revocation list for {pushed.uri} is past its next_update")
