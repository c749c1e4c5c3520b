"""COSE_Sign1 (RFC 9052 §4.2, §4.4), signed and verified by hand with ``cryptography``.

    COSE_Sign1 = [ protected: bstr .cbor header_map / bstr .size 0,
                   unprotected: header_map, payload: bstr / nil, signature: bstr ]
    Sig_structure = [ "Signature1", body_protected, external_aad, payload ]   (§4.4)

Verification never trusts the message: the algorithm is read from the *protected* bucket only
and checked against the caller's :class:`AlgorithmPolicy`; the key always comes from the caller.
ECDSA signatures are the raw ``r || s`` concatenation (RFC 9053 §2.1), which is exactly what
:meth:`Algorithm.sign` / :meth:`Algorithm.verify` produce and check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Protocol

import cbor2

from verifier import codes
from verifier._errors import AlgorithmNotAllowed, MalformedInput, SignatureInvalid
from verifier.cose._cbor import DEFAULT_MAX_CBOR_BYTES, as_array, as_map, dumps_cbor, loads_cbor
from verifier.jose import Algorithm, AlgorithmPolicy, PublicKey

COSE_SIGN1_TAG: Final = 18  # RFC 9052 §2, COSE_Sign1_Tagged


class HeaderParameter:
    """Common COSE header labels (RFC 9052 §3.1, RFC 9596 typ, RFC 9360 x5chain)."""

    ALG: Final = 1
    CRIT: Final = 2
    CONTENT_TYPE: Final = 3
    KID: Final = 4
    TYP: Final = 16
    X5CHAIN: Final = 33


# Labels whose semantics this code or its callers implement; a "crit" naming any other label
# makes the message unprocessable (RFC 9052 §3.1 "crit").
_UNDERSTOOD = frozenset({1, 2, 3, 4, 16, 33})


class CoseSigner(Protocol):
    """What COSE signing needs from a signer (see :class:`verifier.signing.Signer`)."""

    @property
    def algorithm(self) -> Algorithm: ...

    def sign(self, message: bytes) -> bytes: ...


def sig_structure1(protected: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """The bytes that are signed for a COSE_Sign1 (RFC 9052 §4.4)."""
    return dumps_cbor(["Signature1", protected, external_aad, payload])


def _labels(value: object, *, what: str) -> Mapping[Any, Any]:
    header = as_map(value, what=what, code=codes.COSE_HEADER)
    for label in header:  # RFC 9052 §3: label = int / tstr
        if type(label) is not int and not isinstance(label, str):
            raise MalformedInput(
                f"{what} has a label that is not int or text", code=codes.COSE_HEADER
            )
    return MappingProxyType(dict(header))


@dataclass(frozen=True, slots=True)
class CoseSign1:
    """A decoded, *unverified* COSE_Sign1 message."""

    protected: Mapping[Any, Any]
    protected_bytes: bytes  # exactly as received: this is what the signature covers
    unprotected: Mapping[Any, Any]
    payload: bytes
    signature: bytes
    tagged: bool = True

    @classmethod
    def decode(
        cls, data: bytes, *, allow_untagged: bool = False, max_size: int = DEFAULT_MAX_CBOR_BYTES
    ) -> CoseSign1:
        """Parse a COSE_Sign1; only tag 18 unless ``allow_untagged`` (RFC 9052 §2)."""
        value = loads_cbor(data, max_size=max_size, what="COSE_Sign1")
        tagged = isinstance(value, cbor2.CBORTag)
        if tagged:
            if value.tag != COSE_SIGN1_TAG:
                raise MalformedInput(
                    f"CBOR tag {value.tag} is not COSE_Sign1 (18)", code=codes.COSE_TAG
                )
            value = value.value
        elif not allow_untagged:
            raise MalformedInput(
                "an untagged COSE message is not accepted here", code=codes.COSE_TAG
            )
        parts = as_array(value, what="COSE_Sign1", code=codes.COSE_FORMAT)
        if len(parts) != 4:
            raise MalformedInput("COSE_Sign1 is not an array of four items", code=codes.COSE_FORMAT)
        protected_bytes, unprotected, payload, signature = parts
        if not isinstance(protected_bytes, bytes):  # §3: the protected bucket is bstr-wrapped
            raise MalformedInput(
                "the protected header is not a byte string", code=codes.COSE_HEADER
            )
        # §3: a zero-length bstr stands for the empty map.
        protected: object = {}
        if protected_bytes:
            protected = loads_cbor(protected_bytes, max_size=max_size, what="protected header")
        if payload is None:
            raise MalformedInput("detached COSE payloads are not supported", code=codes.COSE_FORMAT)
        if not isinstance(payload, bytes) or not isinstance(signature, bytes):
            raise MalformedInput(
                "payload and signature must be byte strings", code=codes.COSE_FORMAT
            )
        message = cls(
            protected=_labels(protected, what="protected header"),
            protected_bytes=protected_bytes,
            unprotected=_labels(unprotected, what="unprotected header"),
            payload=payload,
            signature=signature,
            tagged=tagged,
        )
        message._check_crit()
        return message

    def _check_crit(self) -> None:
        if HeaderParameter.CRIT in self.unprotected:  # §3.1: crit MUST be integrity protected
            raise MalformedInput("crit must be in the protected header", code=codes.COSE_CRIT)
        if HeaderParameter.CRIT not in self.protected:
            return
        crit = self.protected[HeaderParameter.CRIT]
        if not isinstance(crit, list | tuple) or not crit:  # §3.1: array of at least one label
            raise MalformedInput("crit is not a non-empty array", code=codes.COSE_CRIT)
        unknown = [label for label in crit if label not in _UNDERSTOOD]
        if unknown:
            raise MalformedInput(
                f"critical header(s) not understood: {unknown!r}", code=codes.COSE_CRIT
            )

    def header(self, label: int | str) -> Any:
        """A header value; the protected bucket wins over the unprotected one (RFC 9052 §3)."""
        if label in self.protected:
            return self.protected[label]
        return self.unprotected.get(label)

    @property
    def kid(self) -> bytes | None:
        """The key identifier hint (label 4, a bstr per RFC 9052 §3.1); never a trust decision."""
        kid = self.header(HeaderParameter.KID)
        if kid is not None and not isinstance(kid, bytes):
            raise MalformedInput("kid is not a byte string", code=codes.COSE_HEADER)
        return kid

    def algorithm(self, policy: AlgorithmPolicy) -> Algorithm:
        # RFC 9052 §3.1: alg "MUST be authenticated where the ability to do so exists" -- for a
        # COSE_Sign1 it does, so an alg only in the unprotected bucket is refused.
        if HeaderParameter.ALG not in self.protected:
            raise AlgorithmNotAllowed("alg is not in the protected header", code=codes.COSE_ALG)
        try:
            return policy.get_cose(self.protected[HeaderParameter.ALG])
        except AlgorithmNotAllowed as exc:
            raise AlgorithmNotAllowed(exc.message, code=codes.COSE_ALG) from None

    def to_be_signed(self, external_aad: bytes = b"") -> bytes:
        # §4.4: "If there are no protected attributes, a zero-length byte string is used", also
        # when the sender spelled the empty map as h'a0' (§3: recipients MUST accept both).
        body_protected = self.protected_bytes if self.protected else b""
        return sig_structure1(body_protected, self.payload, external_aad)

    def verify(
        self, key: PublicKey, policy: AlgorithmPolicy, *, external_aad: bytes = b""
    ) -> Algorithm:
        """Verify with ``key`` under ``policy``; raise if the algorithm or signature is bad."""
        algorithm = self.algorithm(policy)
        if not algorithm.matches(key):
            raise SignatureInvalid(
                f"the trusted key is not a {algorithm.name} key (algorithm confusion refused)",
                code=codes.COSE_ALG,
            )
        if not algorithm.verify(key, self.signature, self.to_be_signed(external_aad)):
            raise SignatureInvalid("the COSE signature does not verify", code=codes.COSE_SIGNATURE)
        return algorithm

    def encode(self) -> bytes:
        body = [self.protected_bytes, dict(self.unprotected), self.payload, self.signature]
        return dumps_cbor(cbor2.CBORTag(COSE_SIGN1_TAG, body) if self.tagged else body)


def sign1(
    payload: bytes,
    signer: CoseSigner,
    *,
    protected: Mapping[int | str, Any] | None = None,
    unprotected: Mapping[int | str, Any] | None = None,
    external_aad: bytes = b"",
    tagged: bool = True,
) -> bytes:
    """A COSE_Sign1 over ``payload``; alg always comes from the signer and is protected."""
    header: dict[int | str, Any] = {HeaderParameter.ALG: signer.algorithm.cose_id}
    header.update((k, v) for k, v in (protected or {}).items() if k != HeaderParameter.ALG)
    extra = dict(unprotected or {})
    if HeaderParameter.ALG in extra or HeaderParameter.CRIT in extra:
        raise ValueError("alg and crit belong in the protected header")
    protected_bytes = dumps_cbor(header)
    signature = signer.sign(sig_structure1(protected_bytes, payload, external_aad))
    message = CoseSign1(
        MappingProxyType(header), protected_bytes, extra, payload, signature, tagged
    )
    return message.encode()
