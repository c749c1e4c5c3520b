"""SD-JWT and SD-JWT VC issuance (RFC 9901 §4, draft-ietf-oauth-sd-jwt-vc §3).

What is disclosable is named by RFC 6901 pointers into the claims (``/address/street_address``,
``/nationalities/1``). Nested pointers give recursive disclosures (§4.2.6). Every ``_sd`` array
gets 1-3 decoy digests (§4.2.5) and is then sorted: digests are salted hashes, so sorted order is a
uniformly random permutation of the claim order (§4.2.4.1 names sorting as a way to hide it).
Salts come from one CSPRNG read per credential (``secrets``), sliced into 128-bit salts.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.serialization import Encoding

from verifier._errors import IssuanceError, MalformedInput
from verifier.jose import (
    b64url_encode,
    cached_public_key_from_jwk,
    dumps_compact,
    public_members,
    sign_compact,
)
from verifier.sdjwt._disclosure import (
    DEFAULT_SD_ALG,
    HASH_ALGORITHMS,
    RESERVED_NAMES,
    SALT_BYTES,
    Disclosure,
    decoy_digest,
)
from verifier.sdjwt._pointer import Path, format_pointer, parse_pointer

if TYPE_CHECKING:
    from verifier.signing import Signer

SD_JWT_VC_TYP = "dc+sd-jwt"
#: draft-ietf-oauth-sd-jwt-vc §3.2.2: claims that MUST NOT be selectively disclosed.
NEVER_DISCLOSABLE = frozenset(
    {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "aka_vcts", "_sd_alg"}
)


_SALT_CHARS = SALT_BYTES * 4 // 3
_SCALARS = frozenset({str, int, float, bool, type(None)})


@dataclass(frozen=True)
class IssuedSdJwt:
    """An issued SD-JWT: the compact form (ends with ``~``) and its disclosures."""

    compact: str
    disclosures: tuple[Disclosure, ...]

    def __str__(self) -> str:
        return self.compact


class _Builder:
    def __init__(self, disclosable: set[Path], sd_alg: str, decoys: bool) -> None:
        self.pending = set(disclosable)
        # Paths strictly above a disclosable claim: only there must the builder descend.
        self.ancestors = {p[:i] for p in disclosable for i in range(1, len(p))}
        self.sd_alg = sd_alg
        self.decoys = decoys
        self.disclosures: list[Disclosure] = []
        # One CSPRNG read per credential; SALT_BYTES is a multiple of 3, so slicing the base64url
        # text of the pool gives exactly the encoding of each salt.
        self._salts = b64url_encode(secrets.token_bytes(SALT_BYTES * len(disclosable)))
        self._next_salt = 0

    def _salt(self) -> str:
        start = self._next_salt
        self._next_salt += _SALT_CHARS
        return self._salts[start : start + _SALT_CHARS]

    def build(self, value: Any, path: Path) -> Any:
        kind = type(value)
        if kind in _SCALARS:
            return value
        if path and path not in self.ancestors:
            _refuse_reserved_names(value, path)  # nothing disclosable below: keep it as it is
            return value
        if kind is list or kind is tuple:
            return self._array(value, path)
        if isinstance(value, Mapping):
            return self._object(value, path)
        return value  # left for the JSON encoder to accept or refuse

    def _object(self, obj: Mapping[str, Any], path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        digests: list[str] = []
        for name, child in obj.items():
            if name in RESERVED_NAMES or type(name) is not str:
                raise IssuanceError(f"claim name {name!r} at {format_pointer(path)!r} is reserved")
            child_path = (*path, name)
            built = self.build(child, child_path)
            if child_path in self.pending:
                self.pending.discard(child_path)
                disclosure = Disclosure.create(name, built, sd_alg=self.sd_alg, salt=self._salt())
                self.disclosures.append(disclosure)
                digests.append(disclosure.digest)
            else:
                out[name] = built
        if digests:
            if self.decoys:
                digests.extend(decoy_digest(self.sd_alg) for _ in range(1 + secrets.randbelow(3)))
            digests.sort()
            out["_sd"] = digests
        return out

    def _array(self, items: Sequence[Any], path: Path) -> list[Any]:
        out: list[Any] = []
        for index, item in enumerate(items):
            child_path = (*path, str(index))
            built = self.build(item, child_path)
            if child_path in self.pending:
                self.pending.discard(child_path)
                disclosure = Disclosure.create(None, built, sd_alg=self.sd_alg, salt=self._salt())
                self.disclosures.append(disclosure)
                out.append({"...": disclosure.digest})
            else:
                out.append(built)
        return out


def _refuse_reserved_names(value: Any, path: Path) -> None:
    """RFC 9901 §4.1: ``_sd`` and ``...`` may only carry digests, never claims."""
    if type(value) is dict:
        for name, child in value.items():
            if name in RESERVED_NAMES or type(name) is not str:
                raise IssuanceError(f"claim name {name!r} at {format_pointer(path)!r} is reserved")
            if type(child) in (dict, list):
                _refuse_reserved_names(child, (*path, name))
    elif type(value) is list:
        for index, child in enumerate(value):
            if type(child) in (dict, list):
                _refuse_reserved_names(child, (*path, str(index)))


def issue_sd_jwt(
    payload: Mapping[str, Any],
    *,
    disclosable: Iterable[str | Sequence[str | int]],
    signer: Signer,
    typ: str = SD_JWT_VC_TYP,
    sd_alg: str = DEFAULT_SD_ALG,
    decoys: bool = True,
    header: Mapping[str, Any] | None = None,
    include_x5c: bool = True,
) -> IssuedSdJwt:
    """Build and sign an SD-JWT. ``payload`` holds every claim, ``disclosable`` the pointers."""
    return _issue(
        payload,
        {parse_pointer(p) for p in disclosable},
        signer,
        typ,
        sd_alg,
        decoys,
        header,
        include_x5c,
    )


def _issue(
    payload: Mapping[str, Any],
    paths: set[Path],
    signer: Signer,
    typ: str,
    sd_alg: str,
    decoys: bool,
    header: Mapping[str, Any] | None,
    include_x5c: bool,
) -> IssuedSdJwt:
    if sd_alg not in HASH_ALGORITHMS:
        raise IssuanceError(f"unsupported _sd_alg {sd_alg!r}")
    if () in paths:
        raise IssuanceError("the whole payload cannot be a disclosure")
    builder = _Builder(paths, sd_alg, decoys)
    body = builder.build(payload, ())
    if builder.pending:
        missing = ", ".join(sorted(format_pointer(p) for p in builder.pending))
        raise IssuanceError(f"disclosable pointer(s) not found in the claims: {missing}")
    if builder.disclosures:
        body["_sd_alg"] = sd_alg
    jose_header: dict[str, Any] = {"typ": typ, "kid": signer.kid, **(header or {})}
    chain = signer.certificate_chain
    if include_x5c and chain:
        # RFC 7515 §4.1.6: standard base64 DER, leaf first; the trust anchor is never included.
        jose_header["x5c"] = [
            base64.b64encode(c.public_bytes(Encoding.DER)).decode() for c in chain
        ]
    jwt = sign_compact(jose_header, dumps_compact(body).encode("utf-8"), signer)
    disclosures = tuple(builder.disclosures)
    return IssuedSdJwt(jwt + "~" + "".join(d.encoded + "~" for d in disclosures), disclosures)


def issue_sd_jwt_vc(
    claims: Mapping[str, Any],
    *,
    vct: str,
    signer: Signer,
    disclosable: Iterable[str | Sequence[str | int]] = (),
    iss: str | None = None,
    iat: int | None = None,
    nbf: int | None = None,
    exp: int | None = None,
    holder_jwk: Mapping[str, Any] | None = None,
    status: Mapping[str, Any] | None = None,
    decoys: bool = True,
    header: Mapping[str, Any] | None = None,
) -> IssuedSdJwt:
    """Issue an SD-JWT VC: technical claims in clear, ``claims`` disclosable as requested."""
    if not isinstance(vct, str) or not vct:
        raise IssuanceError("vct is required (draft-ietf-oauth-sd-jwt-vc §3.2.2.1.1)")
    clash = NEVER_DISCLOSABLE.intersection(claims) | ({"iat"} & claims.keys() if iat else set())
    if clash:
        raise IssuanceError(
            f"technical claims must be passed as arguments, not claims: {sorted(clash)}"
        )
    paths = {parse_pointer(p) for p in disclosable}
    for path in paths:
        if path and path[0] in NEVER_DISCLOSABLE:
            raise IssuanceError(f"{format_pointer(path)!r} must never be selectively disclosable")
    payload: dict[str, Any] = {}
    if iss is not None:
        payload["iss"] = iss
    for name, value in (("iat", iat), ("nbf", nbf), ("exp", exp)):
        if value is not None:
            payload[name] = int(value)
    payload["vct"] = vct
    if holder_jwk is not None:
        try:
            cached_public_key_from_jwk(dict(holder_jwk))  # validates the key (point on curve)
            payload["cnf"] = {"jwk": public_members(holder_jwk)}
        except (MalformedInput, KeyError) as exc:
            raise IssuanceError(f"holder JWK is not a usable public key: {exc}") from None
    if status is not None:
        payload["status"] = dict(status)
    payload.update(claims)
    return _issue(payload, paths, signer, SD_JWT_VC_TYP, DEFAULT_SD_ALG, decoys, header, True)
