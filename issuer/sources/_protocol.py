"""What every authentic source offers the issuer."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from issuer.sources._events import SourceEvent


class AuthenticSource(Protocol):
    """``person`` raises ``KeyError`` for an unknown subject; adapters raise
    :class:`issuer.errors.SourceUnavailable` / :class:`issuer.errors.SourceAnswerInvalid` when
    the source cannot answer or answers nonsense."""

    def person(self, person_id: str) -> dict[str, Any]: ...

    def subject_for(self, national_number: str) -> str | None:
        """The pseudonymous subject id of the citizen with this national number, or ``None``."""


@runtime_checkable
class AmendableSource(Protocol):
    """A built-in source that applies an event to its own data (a real source already has)."""

    def amend(self, event: SourceEvent) -> None: ...
