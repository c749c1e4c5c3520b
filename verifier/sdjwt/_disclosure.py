"""Disclosures and their digests (RFC 9901 §4.2).

A digest is taken over the ASCII bytes of the base64url Disclosure *as transmitted*
(RFC 9901 §4.2.3): no re-encoding, no canonicalisation.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from verifier import codes
from verifier._errors import DisclosureInvalid, MalformedInput
from verifier.jose import b64url_decode, b64url_encode, dumps_compact, loads_json

#: IANA "Named Information Hash Algorithm" names accepted for ``_sd_alg`` (RFC 9901 §4.1.1).
HASH_ALGORITHMS: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
DEFAULT_SD_ALG = "sha-256"
#: Claim names a Disclosure may never carry (RFC 9901 §4.2.1).
RESERVED_NAMES = frozenset({"_sd", "..."})
SALT_BYTES = 18  # 144 bits (RFC 9901 §9.3 asks for at least 128); 18 bytes = 24 base64url chars


def digest_of(encoded: str, sd_alg: str = DEFAULT_SD_ALG) -> str:
    return b64url_encode(HASH_ALGORITHMS[sd_alg](encoded.encode("ascii")).digest())


def new_salt() -> str:
    return b64url_encode(secrets.token_bytes(SALT_BYTES))


def decoy_digest(sd_alg: str = DEFAULT_SD_ALG) -> str:
    """RFC 9901 §4.2.5: the hash of random bytes, same hash function as real digests."""
    return b64url_encode(HASH_ALGORITHMS[sd_alg](secrets.token_bytes(32)).digest())


class Disclosure(NamedTuple):
    """One Disclosure (immutable): ``name`` is ``None`` for an array element."""

    encoded: str
    digest: str
    salt: str
    name: str | None
    value: Any

    @classmethod
    def create(
        cls, name: str | None, value: Any, *, sd_alg: str = DEFAULT_SD_ALG, salt: str | None = None
    ) -> Disclosure:
        """A new Disclosure; ``salt`` defaults to 128 fresh random bits (RFC 9901 §4.2.1)."""
        salt = salt or new_salt()
        # The same bytes json.dumps([salt, name, value]) would give, without its list machinery.
        head = f'["{salt}",' if name is None else f'["{salt}",{encode_basestring(name)},'
        encoded = b64url_encode((head + dumps_compact(value) + "]").encode("utf-8"))
        digest = b64url_encode(HASH_ALGORITHMS[sd_alg](encoded.encode("ascii")).digest())
        return cls(encoded, digest, salt, name, value)

    @classmethod
    def parse(cls, encoded: str, *, sd_alg: str = DEFAULT_SD_ALG) -> Disclosure:
        """Decode and check shape: ``[salt, value]`` or ``[salt, name, value]`` (RFC 9901 §4.2)."""
        try:
            content = loads_json(b64url_decode(encoded, what="disclosure"), what="disclosure")
        except MalformedInput as exc:
            if exc.code == codes.INPUT_BASE64_CANONICAL:  # a re-spelled disclosure: say so
                raise
            raise DisclosureInvalid(exc.message, code=codes.SDJWT_DISCLOSURE_FORMAT) from None
        if not isinstance(content, list) or len(content) not in (2, 3):
            raise DisclosureInvalid(
                "a disclosure must be a JSON array of two or three elements",
                code=codes.SDJWT_DISCLOSURE_FORMAT,
            )
        if not isinstance(content[0], str):
            raise DisclosureInvalid(
                "a disclosure's salt must be a string", code=codes.SDJWT_DISCLOSURE_FORMAT
            )
        name = None
        if len(content) == 3:
            name = content[1]
            if not isinstance(name, str):
                raise DisclosureInvalid(
                    "a disclosure's claim name must be a string", code=codes.SDJWT_DISCLOSURE_FORMAT
                )
            if name in RESERVED_NAMES:
                raise DisclosureInvalid(
                    f"a disclosure may not use the reserved claim name {name!r}",
                    code=codes.SDJWT_DISCLOSURE_RESERVED_NAME,
                )
        digest = b64url_encode(HASH_ALGORITHMS[sd_alg](encoded.encode("ascii")).digest())
        return cls(encoded, digest, content[0], name, content[-1])
