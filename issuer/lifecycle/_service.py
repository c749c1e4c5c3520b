"""Issuances and what operators do to them: record, revoke, suspend, reinstate, list — audited.

**Issuances.** One issuance groups everything issued of one credential type for one grant: every
batch copy of a wallet credential (status entries) and the paper documents (jtis) issued under
the same grant reference. It is known by a random pseudonymous reference (``iss_`` + 128 bits);
the grant reference is kept only as its SHA-256, and nothing about the person is stored.

**Changes.** A change of an issuance applies to each member as far as it can (docs/operator-api.md):

- ``revoke`` flips every status entry to INVALID and revokes every jti (final);
- ``suspend`` suspends the valid status entries; jti revocation lists cannot say "suspended", so
  paper documents on them stay valid and are answered ``not_suspendable``. When no member can
  end up suspended the change is refused (409);
- ``reinstate`` makes suspended status entries valid again; revoked members stay revoked.

A revoked issuance (every member revoked) can be neither suspended nor reinstated (409).

**Audit.** Every operation the operator API asks for is recorded in the audit chain with the
actor, the action, the pseudonymous target and the reason: a change in the transaction that
makes it, a read together with the read, a refusal (404, 409, 400) in a transaction of its own.
The HTTP layer records what is refused before it gets here (:meth:`LifecycleService.refused`).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from issuer.audit import AuditEntry, AuditLog, ChainVerdict
from issuer.catalog import credential_types
from issuer.errors import InvalidRequest, IssuerError, NotFound, StatusTransitionRefused
from issuer.lifecycle import _store as store
from issuer.lifecycle._reasons import ReasonCode, checked_note
from issuer.lifecycle._targets import ISSUANCE_REFERENCE, UNRECOGNISED, TargetKind, target
from issuer.lifecycle._views import (
    ChangeResult,
    Issuance,
    IssuancePage,
    IssuanceState,
    Member,
    MemberChange,
    MemberKind,
    Outcome,
    state_of,
)
from issuer.status import Change, JtiRevocationService, StatusService, allowed
from issuer.storage import (
    Database,
    IssuanceMemberRow,
    IssuanceRow,
    RevocationEntryRow,
    StatusEntryRow,
    insert_if_absent,
    table_of,
)
from verifier.status import TokenStatus

#: The actor of what the issuer records by itself (issuances).
ISSUER_ACTOR = "issuer"
MAX_PAGE = 100
_RECORD_ATTEMPTS = 3
T = TypeVar("T")
#: An operation: its result, the audit target on success and the audit detail.
Operation = Callable[[Session], tuple[T, str, dict[str, Any]]]


def subject_digest(subject_id: str) -> str:
    """How an issuance names its subject: SHA-256 (hex) of a label and the source's subject id."""
    return hashlib.sha256(f"civicred-subject\0{subject_id}".encode()).hexdigest()


_ISSUANCES, _MEMBERS = table_of(IssuanceRow), table_of(IssuanceMemberRow)
_ISSUANCE_OF_GRANT = select(_ISSUANCES.c.id, _ISSUANCES.c.reference).where(
    _ISSUANCES.c.grant_digest == bindparam("digest"),
    _ISSUANCES.c.credential_type == bindparam("credential_type"),
)
_INSERT_MEMBER = insert(_MEMBERS)


def new_reference() -> str:
    """``iss_`` + 128 random bits, lowercase base32 without padding (26 characters)."""
    return "iss_" + base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


class LifecycleService:
    def __init__(
        self,
        db: Database,
        status: StatusService,
        revocation: JtiRevocationService,
        audit: AuditLog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._status = status
        self._revocation = revocation
        self._audit = audit
        self._clock = clock

    # -- recording -------------------------------------------------------------------------------
    def record(
        self,
        *,
        grant_reference: str,
        credential_type: str,
        credential_ids: Sequence[str] = (),
        jtis: Sequence[str] = (),
        subject_id: str | None = None,
        basis: Sequence[str] = (),
    ) -> str:
        """Add the status entries ``credential_ids`` and the document ``jtis`` to the issuance of
        ``grant_reference`` and ``credential_type`` (made on first use); its reference.

        ``subject_id`` (the source's pseudonymous subject, kept as :func:`subject_digest`) and
        ``basis`` (the source facts the credential is built on, ``status:<code>`` or
        ``insurance``) let the portal list it and a source event find it.

        Idempotent: recording a member again changes nothing. Raises :class:`InvalidRequest`
        (empty grant, unknown type, nothing to record), :class:`NotFound` (a credential or jti
        the issuer never allocated) and :class:`Conflict` (a member of another issuance).
        """
        if not grant_reference:
            raise InvalidRequest("an issuance needs its grant reference")
        if credential_type not in credential_types():
            raise InvalidRequest("unknown credential type (use a catalog id)")
        if not credential_ids and not jtis:
            raise InvalidRequest("nothing to record: no credential id and no jti")
        digest = hashlib.sha256(grant_reference.encode("utf-8")).hexdigest()
        attempts = 0
        while True:
            try:
                with self._db.session() as session:
                    reference = self._record(session, digest, credential_type, credential_ids, jtis)
                    if subject_id is not None:
                        store.add_subject(session, reference, subject_digest(subject_id), basis)
                    return reference
            except IntegrityError:
                # Another replica created the same issuance or member meanwhile: look again.
                attempts += 1
                if attempts == _RECORD_ATTEMPTS:
                    raise

    def record_issued(
        self,
        session: Session,
        *,
        grant_reference: str,
        credential_type: str,
        credential_ids: Sequence[str],
        subject_id: str | None = None,
        basis: Sequence[str] = (),
    ) -> str:
        """:meth:`record` for status entries allocated in ``session`` (an OpenID4VCI credential
        response, :class:`issuer.oid4vci.IssuanceRecorder`), in the caller's transaction: they
        are new, so they are in no issuance yet (the foreign key still refuses an unknown one),
        and a replica creating the same issuance meanwhile is waited for, not retried.
        ``subject_id`` and ``basis`` as for :meth:`record`; the audit entry is the last write."""
        if credential_type not in credential_types():
            raise InvalidRequest("unknown credential type (use a catalog id)")
        digest = hashlib.sha256(grant_reference.encode("utf-8")).hexdigest()
        created = insert_if_absent(
            session,
            IssuanceRow,
            reference=new_reference(),
            grant_digest=digest,
            credential_type=credential_type,
            created_on=self._clock().astimezone(UTC).date(),
        )
        connection = session.connection()
        issuance_id, reference = connection.execute(
            _ISSUANCE_OF_GRANT, {"digest": digest, "credential_type": credential_type}
        ).one()
        connection.execute(
            _INSERT_MEMBER,
            [
                {"issuance_id": issuance_id, "kind": MemberKind.STATUS.value, "credential_id": c}
                for c in credential_ids
            ],
        )
        if subject_id is not None:
            store.add_subject(session, str(reference), subject_digest(subject_id), basis)
        self._audit.append(
            session,
            actor=ISSUER_ACTOR,
            action="issuance.record",
            target=f"{TargetKind.ISSUANCE}:{reference}",
            detail={
                "outcome": "ok",
                "credential_type": credential_type,
                "created": created,
                "added_status": len(credential_ids),
                "added_jti": 0,
            },
        )
        return str(reference)

    def _record(
        self,
        session: Session,
        digest: str,
        credential_type: str,
        credential_ids: Sequence[str],
        jtis: Sequence[str],
    ) -> str:
        row = session.scalars(
            select(IssuanceRow).where(
                IssuanceRow.grant_digest == digest, IssuanceRow.credential_type == credential_type
            )
        ).first()
        created = row is None
        if row is None:
            row = IssuanceRow(
                reference=new_reference(),
                grant_digest=digest,
                credential_type=credential_type,
                created_on=self._clock().astimezone(UTC).date(),
            )
            session.add(row)
            session.flush()
        added = store.add_members(session, row, credential_ids, jtis)
        self._audit.append(
            session,
            actor=ISSUER_ACTOR,
            action="issuance.record",
            target=f"{TargetKind.ISSUANCE}:{row.reference}",
            detail={
                "outcome": "ok",
                "credential_type": credential_type,
                "created": created,
                "added_status": added[MemberKind.STATUS],
                "added_jti": added[MemberKind.JTI],
            },
        )
        return row.reference

    # -- changes ---------------------------------------------------------------------------------
    def change_issuance(
        self,
        reference: str,
        change: Change,
        *,
        actor: str,
        reason: ReasonCode,
        note: str | None = None,
    ) -> ChangeResult:
        """``change`` applied to every member of the issuance (see the module docstring)."""
        where = target(TargetKind.ISSUANCE, reference)

        def operation(session: Session) -> tuple[ChangeResult, str, dict[str, Any]]:
            row = store.issuance_row(session, reference)
            status_members, jti_members = store.member_entries(session, [row.id])
            entries = [entry for _, entry in status_members]
            documents = [document for _, document in jti_members]
            if state_of(store.members(entries, documents)) is IssuanceState.REVOKED and (
                change is not Change.REVOKE
            ):
                raise StatusTransitionRefused(f"the issuance is revoked (final): cannot {change}")
            outcomes = {e.credential_id: _status_outcome(change, e) for e in entries}
            outcomes |= {d.jti: _jti_outcome(change, d) for d in documents}
            if change is Change.SUSPEND and not any(
                outcomes[e.credential_id] in (Outcome.CHANGED, Outcome.UNCHANGED) for e in entries
            ):
                raise StatusTransitionRefused(
                    "nothing in this issuance can be suspended: paper documents on jti "
                    "revocation lists are revoke-only"
                )
            changing = [e for e in entries if outcomes[e.credential_id] is Outcome.CHANGED]
            self._status.apply(session, changing, change.status)
            revoking = [d for d in documents if outcomes[d.jti] is Outcome.CHANGED]
            self._revocation.revoke_entries(session, revoking)
            after = Issuance(
                row.reference,
                row.credential_type,
                row.created_on,
                store.members(entries, documents),
            )
            result = ChangeResult(
                where,
                change,
                tuple(MemberChange(m, outcomes[m.id]) for m in after.members),
                after,
            )
            return result, where, result.counts()

        return self._audited(
            actor, f"issuance.{change}", where, operation, reason=reason, note=note
        )

    def change_credential(
        self,
        credential_id: str,
        change: Change,
        *,
        actor: str,
        reason: ReasonCode,
        note: str | None = None,
    ) -> ChangeResult:
        """One status entry (a wallet credential or a status-list document); INVALID is final
        (409 ``status_transition_refused``)."""
        where = target(TargetKind.CREDENTIAL, credential_id)

        def operation(session: Session) -> tuple[ChangeResult, str, dict[str, Any]]:
            entries = self._status.entries(session, [credential_id])
            if not entries:
                raise NotFound(f"unknown credential {credential_id}")
            changed = self._status.apply(session, entries, change.status)
            outcome = Outcome.CHANGED if changed else Outcome.UNCHANGED
            member = Member(MemberKind.STATUS, credential_id, store.status_name(entries[0]))
            result = ChangeResult(
                where,
                change,
                (MemberChange(member, outcome),),
                store.view_of_member(session, IssuanceMemberRow.credential_id == credential_id),
            )
            return result, where, result.counts()

        return self._audited(
            actor, f"credential.{change}", where, operation, reason=reason, note=note
        )

    def change_document(
        self,
        jti: str,
        change: Change,
        *,
        actor: str,
        reason: ReasonCode,
        note: str | None = None,
    ) -> ChangeResult:
        """One paper document on a jti revocation list: revoke-only (suspend is refused, and a
        revoked document stays revoked: 409 ``status_transition_refused``)."""
        where = target(TargetKind.DOCUMENT, jti)

        def operation(session: Session) -> tuple[ChangeResult, str, dict[str, Any]]:
            entries = self._revocation.entries(session, [jti])
            if not entries:
                raise NotFound(f"unknown document {jti}")
            if change is Change.SUSPEND:
                raise StatusTransitionRefused(
                    "paper documents on jti revocation lists cannot be suspended (revoke-only)"
                )
            if change is Change.REINSTATE and entries[0].revoked_at is not None:
                raise StatusTransitionRefused("a revoked document stays revoked (final)")
            revoke = change is Change.REVOKE
            changed = self._revocation.revoke_entries(session, entries) if revoke else []
            member = Member(MemberKind.JTI, jti, "revoked" if entries[0].revoked_at else "valid")
            outcome = Outcome.CHANGED if changed else Outcome.UNCHANGED
            result = ChangeResult(
                where,
                change,
                (MemberChange(member, outcome),),
                store.view_of_member(session, IssuanceMemberRow.jti == jti),
            )
            return result, where, result.counts()

        return self._audited(
            actor, f"document.{change}", where, operation, reason=reason, note=note
        )

    def change_group(
        self,
        group_id: str,
        change: Change,
        *,
        actor: str,
        reason: ReasonCode,
        note: str | None = None,
    ) -> ChangeResult:
        """Every status entry allocated with ``group_id`` (the older ``/admin/groups`` API):
        all of them move, or none (409 when one of them may not)."""
        unknown = target(TargetKind.GROUP, group_id)

        def operation(session: Session) -> tuple[ChangeResult, str, dict[str, Any]]:
            entries = self._status.group_entries(session, group_id)
            if not entries:
                raise NotFound(f"unknown group {group_id}")
            changed = {e.credential_id for e in self._status.apply(session, entries, change.status)}
            where = target(TargetKind.GROUP, group_id, exists=True)
            result = ChangeResult(
                where,
                change,
                tuple(
                    MemberChange(
                        Member(MemberKind.STATUS, e.credential_id, store.status_name(e)),
                        Outcome.CHANGED if e.credential_id in changed else Outcome.UNCHANGED,
                    )
                    for e in entries
                ),
                None,
            )
            return result, where, result.counts()

        return self._audited(actor, f"group.{change}", unknown, operation, reason=reason, note=note)

    # -- reads -----------------------------------------------------------------------------------
    def issuances(
        self,
        *,
        actor: str,
        credential_type: str | None = None,
        state: IssuanceState | None = None,
        since: date | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> IssuancePage:
        """Issuances, oldest first, filtered by type, state and creation day; ``after`` is the
        previous page's ``next_after``."""
        known_type = credential_type is None or credential_type in credential_types()
        well_formed = after is None or ISSUANCE_REFERENCE.fullmatch(after) is not None
        filters = {
            "type": credential_type if known_type else UNRECOGNISED,
            "state": state.value if state else None,
            "since": since.isoformat() if since else None,
            "after": after if well_formed else UNRECOGNISED,
        }

        def operation(session: Session) -> tuple[IssuancePage, str, dict[str, Any]]:
            if not known_type:
                raise InvalidRequest("unknown credential type (use a catalog id)")
            if not well_formed:
                raise InvalidRequest("after must be an issuance reference (a page's next_after)")
            page = store.page(
                session,
                credential_type=credential_type,
                state=state,
                since=since,
                after=after,
                limit=max(1, min(limit, MAX_PAGE)),
            )
            return page, "issuances", {"count": len(page.issuances)}

        return self._audited(
            actor, "issuances.list", "issuances", operation, context={"filters": filters}
        )

    def of_subject(self, subject_id: str) -> list[Issuance]:
        """Every issuance recorded for ``subject_id``, newest first (the portal's "what was
        issued to me"; the citizen reads her own record, which is not audited)."""
        with self._db.session() as session:
            return store.views(session, store.subject_rows(session, subject_digest(subject_id)))

    def built_on(self, subject_id: str, basis: str) -> list[Issuance]:
        """The issuances of ``subject_id`` built on the source fact ``basis``."""
        with self._db.session() as session:
            rows = store.subject_rows(session, subject_digest(subject_id), basis=basis)
            return store.views(session, rows)

    def issuance(self, reference: str, *, actor: str) -> Issuance:
        where = target(TargetKind.ISSUANCE, reference)

        def operation(session: Session) -> tuple[Issuance, str, dict[str, Any]]:
            return store.views(session, [store.issuance_row(session, reference)])[0], where, {}

        return self._audited(actor, "issuance.read", where, operation)

    def audit_entries(self, *, actor: str, after: int = 0, limit: int = 100) -> list[AuditEntry]:
        """The audit chain from ``seq > after`` on; the read itself is appended after them."""

        def operation(session: Session) -> tuple[list[AuditEntry], str, dict[str, Any]]:
            entries = self._audit.entries(session, after=after, limit=limit)
            # what was read, from the data: ``after`` is the client's number (any number at all)
            seqs = {"first": entries[0].seq, "last": entries[-1].seq} if entries else {}
            return entries, "audit", {"count": len(entries), **seqs}

        return self._audited(actor, "audit.read", "audit", operation)

    def verify_audit(self, *, actor: str) -> ChainVerdict:
        """The chain verified (one snapshot), then the verification recorded."""
        verdict = self._audit.verify()
        self._audit.record(
            actor=actor,
            action="audit.verify",
            target="audit",
            detail={
                "outcome": "ok",
                "intact": verdict.intact,
                "entries": verdict.entries,
                "broken_at": verdict.broken_at,
            },
        )
        return verdict

    def refused(self, *, actor: str, action: str, target: str, error: str) -> None:
        """Record a request refused before it reached this service (authentication, role, a
        malformed request): ``target`` built with :func:`issuer.lifecycle.target`."""
        self._audit.record(actor=actor, action=action, target=target, detail={"outcome": error})

    # -- internals -------------------------------------------------------------------------------
    def _audited(
        self,
        actor: str,
        action: str,
        where: str,
        operation: Operation[T],
        *,
        context: dict[str, Any] | None = None,
        reason: ReasonCode | None = None,
        note: str | None = None,
    ) -> T:
        """Run ``operation`` in one transaction with its audit entry; on an issuer error record
        the refusal at ``where`` (with only what is known to be safe to write) and raise it.
        ``context`` (filters) and the reason go into both; the note once it passed its check."""
        known: dict[str, Any] = dict(context or {})
        if reason is not None:
            known["reason"] = reason.value
        try:
            if reason is not None:
                checked = checked_note(reason, note)
                if checked is not None:
                    known["note"] = checked
            with self._db.session() as session:
                result, success_target, detail = operation(session)
                self._audit.append(
                    session,
                    actor=actor,
                    action=action,
                    target=success_target,
                    detail={"outcome": "ok", **known, **detail},
                )
            return result
        except IssuerError as exc:
            self._audit.record(
                actor=actor, action=action, target=where, detail={"outcome": exc.error, **known}
            )
            raise


def _status_outcome(change: Change, entry: StatusEntryRow) -> Outcome:
    current = TokenStatus(entry.status)
    if current == change.status:
        return Outcome.UNCHANGED
    return Outcome.CHANGED if allowed(current, change.status) else Outcome.FINAL


def _jti_outcome(change: Change, document: RevocationEntryRow) -> Outcome:
    """A jti list knows "revoked" and nothing else (EHIC PDF QR PoC v0.5 §2.3.2)."""
    if document.revoked_at is not None:
        return Outcome.UNCHANGED if change is Change.REVOKE else Outcome.FINAL
    if change is Change.REVOKE:
        return Outcome.CHANGED
    return Outcome.NOT_SUSPENDABLE if change is Change.SUSPEND else Outcome.UNCHANGED
