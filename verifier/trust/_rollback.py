"""Rollback protection (docs/trust-list.md §Rollback): never go back to an older bundle.

A bundle inside its freshness window can still be older than one the verifier has already seen:
a replayed copy from before a revocation. The registry numbers its bundles (payload ``sequence``,
strictly increasing) and its trust lists (``sequence``, increasing with every trust change); a
verifier that remembers the newest numbers it has seen from a registry root refuses anything
older with ``trust.rollback`` (UNDETERMINED: the data is known to be superseded, as stale data is).
Where those numbers are kept is the caller's business (the CLI keeps them in its pin store).
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier import codes
from verifier._report import Check, CheckResult, passed
from verifier.trust._bundle import Bundle


@dataclass(frozen=True, slots=True)
class SequenceWatermark:
    """The newest bundle and trust-list numbers seen from one registry root.

    ``bundle_sequence`` is ``None`` while only bundles made before numbering have been seen."""

    bundle_sequence: int | None
    trust_list_sequence: int

    @classmethod
    def of(cls, bundle: Bundle) -> SequenceWatermark:
        return cls(bundle.sequence, bundle.snapshot.sequence)

    def advanced(self, bundle: Bundle) -> SequenceWatermark:
        """The watermark after also seeing ``bundle`` (each number only ever grows)."""
        numbers = [n for n in (self.bundle_sequence, bundle.sequence) if n is not None]
        return SequenceWatermark(
            max(numbers) if numbers else None,
            max(self.trust_list_sequence, bundle.snapshot.sequence),
        )


def rollback_check(bundle: Bundle, newest: SequenceWatermark | None) -> Check:
    """``trust.rollback``: PASSED unless ``bundle`` is older than ``newest`` (then UNDETERMINED).

    Older means a smaller bundle ``sequence`` (or none, once numbered bundles were seen), or a
    smaller trust-list ``sequence``. Equal numbers are the same data, re-read."""
    numbered = "unnumbered" if bundle.sequence is None else f"sequence {bundle.sequence}"
    if newest is None:
        return passed(
            codes.TRUST_ROLLBACK,
            f"first bundle seen from this registry root ({numbered}, "
            f"trust list {bundle.snapshot.sequence})",
        )
    older: list[str] = []
    if newest.bundle_sequence is not None and (
        bundle.sequence is None or bundle.sequence < newest.bundle_sequence
    ):
        older.append(
            f"bundle {numbered} is older than sequence {newest.bundle_sequence} already seen"
        )
    if bundle.snapshot.sequence < newest.trust_list_sequence:
        older.append(
            f"trust list sequence {bundle.snapshot.sequence} is older than sequence "
            f"{newest.trust_list_sequence} already seen"
        )
    if older:
        return Check(
            codes.TRUST_ROLLBACK,
            CheckResult.UNDETERMINED,
            "rollback refused: " + "; ".join(older) + " (fetch a current bundle)",
        )
    return passed(
        codes.TRUST_ROLLBACK,
        f"bundle {numbered} (trust list {bundle.snapshot.sequence}) is not older than the "
        f"newest seen ({_shown(newest.bundle_sequence)}, trust list {newest.trust_list_sequence})",
    )


def _shown(sequence: int | None) -> str:
    return "unnumbered" if sequence is None else f"sequence {sequence}"
