"""Holder side: parse an issued SD-JWT, choose what to disclose, add a KB-JWT (RFC 9901 §7.2, §4.3).

Claims are chosen by RFC 6901 pointers into the *fully disclosed* payload. Choosing a claim
releases its disclosure, the disclosures of every enclosing claim it needs (§7.2 step 2.2), and
everything inside it: ``/address`` releases the whole address, ``/address/locality`` only the
locality (and the address container).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from verifier._errors import CivicredError, VerificationError
from verifier.jose import CompactJws, b64url_encode, dumps_compact, sign_compact
from verifier.sdjwt._disclosure import DEFAULT_SD_ALG, HASH_ALGORITHMS, Disclosure
from verifier.sdjwt._pointer import Path, format_pointer, parse_pointer
from verifier.sdjwt._process import DigestProcessor, index_disclosures

if TYPE_CHECKING:
    from verifier.signing import Signer


class PresentationError(CivicredError):
    """The holder cannot build the requested presentation."""


@dataclass(frozen=True)
class HeldCredential:
    """An SD-JWT as the holder keeps it: the issuer JWT and all its disclosures with their paths."""

    issuer_jwt: str
    sd_alg: str
    disclosures: tuple[Disclosure, ...]
    paths: dict[str, Path]  # digest -> path of the claim in the fully disclosed payload
    claims: dict[str, Any]  # the fully disclosed payload

    @classmethod
    def parse(cls, sd_jwt: str, *, max_depth: int = 32) -> HeldCredential:
        """Parse an issued SD-JWT (signature not checked here; see §7.2 step 1 and the verifier)."""
        parts = sd_jwt.strip().split("~")
        if len(parts) < 2:
            raise PresentationError("not an SD-JWT: no '~' separator")
        if parts[-1]:
            raise PresentationError("a holder must receive an SD-JWT, not an SD-JWT+KB (§7.2)")
        try:
            payload = CompactJws.parse(parts[0]).payload_object()
            sd_alg = payload.get("_sd_alg", DEFAULT_SD_ALG)
            if not isinstance(sd_alg, str) or sd_alg.lower() not in HASH_ALGORITHMS:
                raise PresentationError(f"unsupported _sd_alg {sd_alg!r}")
            sd_alg = sd_alg.lower()
            by_digest = index_disclosures(parts[1:-1], sd_alg)
            paths: dict[str, Path] = {}
            processor = DigestProcessor(
                by_digest,
                max_depth=max_depth,
                on_disclosed=lambda d, p: paths.__setitem__(d.digest, p),
            )
            claims = processor.process_payload(payload)
        except VerificationError as exc:
            raise PresentationError(f"the credential is malformed: {exc.message}") from None
        return cls(parts[0], sd_alg, tuple(by_digest.values()), paths, claims)

    def select(self, pointers: Iterable[str | Sequence[str | int]]) -> tuple[Disclosure, ...]:
        """The disclosures that release the claims at ``pointers`` (see the module docstring)."""
        wanted = [parse_pointer(p) for p in pointers]
        for path in wanted:
            if not _exists(self.claims, path):
                raise PresentationError(f"no claim at {format_pointer(path)!r}")
        chosen = []
        for disclosure in self.disclosures:
            path = self.paths[disclosure.digest]
            if any(path == w[: len(path)] or w == path[: len(w)] for w in wanted):
                chosen.append(disclosure)
        return tuple(chosen)

    def present(
        self,
        disclosures: Iterable[Disclosure],
        *,
        holder: Signer | None = None,
        nonce: str | None = None,
        aud: str | None = None,
        iat: int | None = None,
    ) -> str:
        """Assemble SD-JWT (no holder) or SD-JWT+KB (holder given; nonce and aud required)."""
        sd_jwt = self.issuer_jwt + "~" + "".join(d.encoded + "~" for d in disclosures)
        if holder is None:
            return sd_jwt
        if nonce is None or aud is None:
            raise PresentationError("a KB-JWT needs both nonce and aud (RFC 9901 §4.3)")
        sd_hash = b64url_encode(HASH_ALGORITHMS[self.sd_alg](sd_jwt.encode("ascii")).digest())
        claims = {
            "iat": int(time.time()) if iat is None else int(iat),
            "aud": aud,
            "nonce": nonce,
            "sd_hash": sd_hash,
        }
        kb = sign_compact({"typ": "kb+jwt"}, dumps_compact(claims).encode("utf-8"), holder)
        return sd_jwt + kb


def _exists(claims: Any, path: Path) -> bool:
    node = claims
    for token in path:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def present(
    sd_jwt: str,
    disclose: Iterable[str | Sequence[str | int]],
    *,
    holder: Signer | None = None,
    nonce: str | None = None,
    aud: str | None = None,
    iat: int | None = None,
) -> str:
    """One call: parse, select by pointers, present (with a KB-JWT when ``holder`` is given)."""
    held = HeldCredential.parse(sd_jwt)
    return held.present(held.select(disclose), holder=holder, nonce=nonce, aud=aud, iat=iat)
