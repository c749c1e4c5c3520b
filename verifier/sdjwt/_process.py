"""Replacing digests by disclosed values: RFC 9901 §7.1 steps 3-5, shared by holder and verifier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from verifier import codes
from verifier._errors import DisclosureInvalid, MalformedInput
from verifier.sdjwt._disclosure import Disclosure
from verifier.sdjwt._pointer import Path

OnDisclosed = Callable[[Disclosure, Path], None]


class DigestProcessor:
    """One pass over an issuer-signed payload with a set of disclosures.

    Raises :class:`DisclosureInvalid` on every MUST-reject condition of §7.1 step 3-5 and
    :class:`MalformedInput` when the structure is deeper than ``max_depth``.
    """

    __slots__ = ("_by_digest", "_max_depth", "_on_disclosed", "_seen", "used")

    def __init__(
        self,
        disclosures: dict[str, Disclosure],
        *,
        max_depth: int,
        on_disclosed: OnDisclosed | None = None,
    ) -> None:
        self._by_digest = disclosures
        self._max_depth = max_depth
        self._on_disclosed = on_disclosed
        self._seen: set[str] = set()
        self.used = 0

    # Paths (for the holder's bookkeeping) are only built when ``on_disclosed`` is given.

    def process_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        result = self._object(payload, 0, ())
        result.pop("_sd_alg", None)  # §7.1 step 3.6
        # §7.1 step 5: every disclosure must have been referenced.
        if self.used != len(self._by_digest):
            unreferenced = len(self._by_digest) - self.used
            raise DisclosureInvalid(
                f"{unreferenced} disclosure(s) are not referenced by any digest",
                code=codes.SDJWT_DISCLOSURE_UNREFERENCED,
            )
        return result

    def _value(self, value: Any, depth: int, path: Path) -> Any:
        kind = type(value)
        if kind is dict:
            return self._object(value, depth + 1, path)
        if kind is list:
            return self._array(value, depth + 1, path)
        return value

    def _claim_digest(self, digest: Any) -> Disclosure | None:
        if type(digest) is not str:
            raise DisclosureInvalid("a digest is not a string", code=codes.SDJWT_DIGEST_FORMAT)
        if digest in self._seen:  # §7.1 step 4
            raise DisclosureInvalid(
                "a digest appears more than once in the payload", code=codes.SDJWT_DIGEST_DUPLICATE
            )
        self._seen.add(digest)
        return self._by_digest.get(digest)

    def _object(self, obj: dict[str, Any], depth: int, path: Path) -> dict[str, Any]:
        if depth > self._max_depth:
            raise MalformedInput("claims are nested too deeply", code=codes.INPUT_DEPTH)
        out: dict[str, Any] = {}
        track = self._on_disclosed is not None
        for name, value in obj.items():
            if name == "_sd":
                continue
            if name == "_sd_alg" and depth > 0:
                raise DisclosureInvalid(
                    "_sd_alg is only allowed at the top level", code=codes.SDJWT_SD_ALG
                )
            if name == "...":
                raise DisclosureInvalid(
                    "'...' is reserved for array digests", code=codes.SDJWT_DIGEST_FORMAT
                )
            kind = type(value)
            if kind is dict:
                value = self._object(value, depth + 1, (*path, name) if track else path)
            elif kind is list:
                value = self._array(value, depth + 1, (*path, name) if track else path)
            out[name] = value
        digests = obj.get("_sd")
        if digests is None:
            return out
        if type(digests) is not list:
            raise DisclosureInvalid("_sd is not an array", code=codes.SDJWT_DIGEST_FORMAT)
        for digest in digests:
            disclosure = self._claim_digest(digest)
            if disclosure is None:
                continue  # decoy or not disclosed: ignored (§7.1 step 3.3.1)
            claim = disclosure.name
            if claim is None:  # §7.1 step 3.3.2.1
                raise DisclosureInvalid(
                    "an array-element disclosure is referenced from an object's _sd",
                    code=codes.SDJWT_DISCLOSURE_FORMAT,
                )
            if claim in out or claim in obj:  # §7.1 step 3.3.2.3
                raise DisclosureInvalid(
                    f"disclosed claim {claim!r} already exists at its level",
                    code=codes.SDJWT_DISCLOSURE_DUPLICATE_NAME,
                )
            self.used += 1
            child_path = (*path, claim) if track else path
            if self._on_disclosed is not None:
                self._on_disclosed(disclosure, child_path)
            out[claim] = self._value(disclosure.value, depth, child_path)
        return out

    def _array(self, items: list[Any], depth: int, path: Path) -> list[Any]:
        if depth > self._max_depth:
            raise MalformedInput("claims are nested too deeply", code=codes.INPUT_DEPTH)
        out: list[Any] = []
        for item in items:
            if type(item) is dict and "..." in item:
                if len(item) != 1:
                    raise DisclosureInvalid(
                        "an array digest object must have '...' as its only key",
                        code=codes.SDJWT_DIGEST_FORMAT,
                    )
                disclosure = self._claim_digest(item["..."])
                if disclosure is None:
                    continue  # §7.1 step 3.4: undisclosed elements are removed
                if disclosure.name is not None:  # §7.1 step 3.3.3.1
                    raise DisclosureInvalid(
                        "an object-property disclosure is referenced from an array",
                        code=codes.SDJWT_DISCLOSURE_FORMAT,
                    )
                self.used += 1
                child_path = (*path, str(len(out))) if self._on_disclosed is not None else path
                if self._on_disclosed is not None:
                    self._on_disclosed(disclosure, child_path)
                out.append(self._value(disclosure.value, depth, child_path))
            else:
                track = self._on_disclosed is not None
                out.append(self._value(item, depth, (*path, str(len(out))) if track else path))
        return out


def index_disclosures(encoded: list[str], sd_alg: str) -> dict[str, Disclosure]:
    """Parse disclosures into a digest map; the same disclosure twice is refused."""
    by_digest: dict[str, Disclosure] = {}
    for text in encoded:
        disclosure = Disclosure.parse(text, sd_alg=sd_alg)
        if disclosure.digest in by_digest:
            raise DisclosureInvalid(
                "the same disclosure is presented twice", code=codes.SDJWT_DISCLOSURE_DUPLICATE
            )
        by_digest[disclosure.digest] = disclosure
    return by_digest
