"""The audit chain's canonical encoding and its verification (pure: no database, no clock).

Each entry's ``hash`` is the SHA-256 (lowercase hex) of the UTF-8 bytes of the canonical JSON
(RFC 8785, JCS) of the object

    {"v": 1, "seq": <int>, "at": "<YYYY-MM-DDTHH:MM:SS.ffffffZ>", "actor": <str>,
     "action": <str>, "target": <str>, "detail": <object>, "prev_hash": <hex>}

where ``prev_hash`` is the previous entry's ``hash`` (64 zeros for ``seq`` 1). Details hold
strings, integers (|n| < 2^53), booleans, null, arrays and objects with ASCII keys — no floats —
so Python's ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` *is* JCS
for them. docs/operator-api.md states the same for verifiers written elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

ENCODING_VERSION = 1
GENESIS_HASH = "0" * 64
_MAX_SAFE_INTEGER = (1 << 53) - 1


def canonical_json(value: Any) -> str:
    """``value`` in RFC 8785 canonical form; refuses what JCS and Python would spell apart."""
    _check_canonical(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _check_canonical(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INTEGER:
            raise ValueError("audit detail integers must stay within ±(2^53 - 1)")
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_canonical(item)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise ValueError("audit detail keys must be ASCII strings")
            _check_canonical(item)
        return
    raise ValueError(f"audit details cannot hold a {type(value).__name__}")


def encode_at(at: datetime) -> str:
    """``at`` as hashed: UTC, microseconds, ``Z``."""
    if at.tzinfo is None:
        raise ValueError("audit times are timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """The ``hash`` of one entry (the encoding in the module docstring)."""
    document = {
        "v": ENCODING_VERSION,
        "seq": seq,
        "at": encode_at(at),
        "actor": actor,
        "action": action,
        "target": target,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": encode_at(self.at),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "detail": dict(self.detail),
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


class StoredLink(Protocol):
    """An entry as stored: ``detail`` is its JSON text."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def detail(self) -> str: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


class ChainProblem(StrEnum):
    SEQ_GAP = "seq_gap"
    PREV_HASH_MISMATCH = "prev_hash_mismatch"
    HASH_MISMATCH = "hash_mismatch"
    HEAD_MISMATCH = "head_mismatch"


@dataclass(frozen=True)
class ChainVerdict:
    """``entries`` read; when broken, the first broken ``seq`` and why."""

    entries: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    problem: ChainProblem | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.problem is None

    @property
    def message(self) -> str:
        if self.intact:
            return f"{self.entries} entries, chain intact (head seq {self.head_seq})"
        assert self.problem is not None
        words = self.problem.value.replace("_", " ")
        return f"audit chain broken at seq {self.broken_at}: {words} ({self.reason})"

    def to_json(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "entries": self.entries,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "broken_at": self.broken_at,
            "problem": self.problem.value if self.problem else None,
            "message": self.message,
        }


def verify_chain(links: Iterable[StoredLink], head: tuple[int, str]) -> ChainVerdict:
    """Check ``links`` (in ``seq`` order) against each other and against the recorded ``head``
    ``(seq, hash)``; stops at the first broken link."""
    expected, previous, count = 1, GENESIS_HASH, 0
    head_seq, head_hash = head

    def broken(at: int, problem: ChainProblem, reason: str) -> ChainVerdict:
        return ChainVerdict(count, head_seq, head_hash, at, problem, reason)

    for link in links:
        count += 1
        if link.seq != expected:
            return broken(
                expected,
                ChainProblem.SEQ_GAP,
                f"entry {expected} is missing; the next stored entry is {link.seq}",
            )
        if link.prev_hash != previous:
            return broken(
                link.seq,
                ChainProblem.PREV_HASH_MISMATCH,
                f"prev_hash does not name entry {link.seq - 1}'s hash: an earlier entry was "
                "changed, removed or reordered",
            )
        try:
            detail = json.loads(link.detail)
            if not isinstance(detail, dict):
                raise ValueError("not an object")
            recomputed = entry_hash(
                seq=link.seq,
                at=link.at,
                actor=link.actor,
                action=link.action,
                target=link.target,
                detail=detail,
                prev_hash=link.prev_hash,
            )
        except ValueError:
            recomputed = ""
        if recomputed != link.hash:
            return broken(
                link.seq,
                ChainProblem.HASH_MISMATCH,
                "the stored hash is not the hash of the entry's content: the entry was changed",
            )
        previous, expected = link.hash, link.seq + 1
    last = expected - 1
    if head_seq > last:
        return broken(
            last + 1,
            ChainProblem.HEAD_MISMATCH,
            f"the chain head records seq {head_seq} but the last entry is {last}: "
            "entries were removed from the end",
        )
    if head_seq < last:
        return broken(
            head_seq + 1,
            ChainProblem.HEAD_MISMATCH,
            f"the chain head records seq {head_seq} but entries go on to {last}",
        )
    if head_hash != previous:
        return broken(
            last,
            ChainProblem.HEAD_MISMATCH,
            f"the chain head's hash is not entry {last}'s hash",
        )
    return ChainVerdict(count, head_seq, head_hash)
