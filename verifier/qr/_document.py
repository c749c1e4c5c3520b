"""A decoded, *unverified* QR document: header, payload, document type and kid.

:func:`parse_document` runs v0.5 §5 step 2 (QR → Base45 → zlib → JWS split) and the header part of
step 3: the ``sid`` selects the document type, whose algorithm list is the policy for ``alg``
(``none``, ``HS256`` and anything else outside it are refused, RFC 8725 §3.1), and the ``kid`` must
parse. The signature is checked by :meth:`QrDocument.verify_signature` with a key the caller
resolved from its trust registry, never from the token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose import Algorithm, CompactJws, PublicKey, b64url_decode
from verifier.qr._doctypes import DocType, get_doctype
from verifier.qr._envelope import DEFAULT_MAX_COMPRESSED, DEFAULT_MAX_INFLATED, decode_qr_text
from verifier.qr._kid import KeyId, parse_kid


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        # RFC 7515 §5.2 / RFC 8725 §3.12: duplicate member names are ambiguous; refuse them.
        keys = [key for key, _ in pairs]
        duplicate = next(key for i, key in enumerate(keys) if key in keys[:i])
        raise ValueError(f"duplicate member name {duplicate!r}")
    return out


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)


def _strict_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = _DECODER.decode(data.decode("utf-8"))
    except RecursionError:
        raise MalformedInput(f"{what} is nested too deeply", code=codes.INPUT_DEPTH) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedInput(f"{what} is not valid JSON ({exc})", code=codes.INPUT_JSON) from None
    if not isinstance(value, dict):
        raise MalformedInput(f"{what} is not a JSON object", code=codes.INPUT_JSON)
    return value


@dataclass(frozen=True, slots=True)
class QrDocument:
    """What a QR text holds, before the signature and the rules are checked."""

    jws: str
    header: Mapping[str, Any]
    payload: Mapping[str, Any]
    doctype: DocType
    kid: KeyId
    algorithm: Algorithm  # allowed by the document type's policy; not yet verified
    compact: CompactJws = field(repr=False)

    @property
    def sid(self) -> str:
        return self.doctype.sid

    @property
    def body(self) -> Mapping[str, Any]:
        """The document's data object (``prc``, ``ehic``, ``ssh``); may be malformed before
        validation."""
        value = self.payload.get(self.doctype.body)
        return value if isinstance(value, dict) else {}

    def verify_signature(self, key: PublicKey) -> Algorithm:
        """Verify with a trusted ``key``; else ``SignatureInvalid`` (``jws.signature``/``alg``)."""
        return self.compact.verify(key, self.doctype.policy)


def parse_document(
    text: str | bytes,
    *,
    max_compressed: int = DEFAULT_MAX_COMPRESSED,
    max_inflated: int = DEFAULT_MAX_INFLATED,
) -> QrDocument:
    """Decode a QR text into a :class:`QrDocument`; raise :class:`MalformedInput` (``qr.*``,
    ``input.*``) or ``AlgorithmNotAllowed`` (``jws.alg``)."""
    jws = decode_qr_text(text, max_compressed=max_compressed, max_inflated=max_inflated)
    return parse_jws(jws)


def parse_jws(jws: str) -> QrDocument:
    """The same as :func:`parse_document` for a compact JWS already taken out of its QR text."""
    if not isinstance(jws, str):
        raise MalformedInput("QR JWS is not text", code=codes.INPUT_JWS)
    parts = jws.split(".")
    if len(parts) != 3:
        raise MalformedInput("QR JWS does not have three parts", code=codes.INPUT_JWS)
    header_b64, payload_b64, signature_b64 = parts
    header = _strict_object(b64url_decode(header_b64, what="QR JWS header"), "QR JWS header")
    if "crit" in header:  # RFC 7515 §4.1.11: we understand no extension
        raise MalformedInput(
            "QR JWS header has unsupported critical parameters", code=codes.INPUT_JWS
        )
    payload_bytes = b64url_decode(payload_b64, what="QR JWS payload")
    signature = b64url_decode(signature_b64, what="QR JWS signature")
    payload = _strict_object(payload_bytes, "QR JWS payload")
    signing_input = jws[: len(jws) - len(signature_b64) - 1].encode("ascii")
    compact = CompactJws(header, payload_bytes, signing_input, signature)
    doctype = get_doctype(payload.get("sid"))
    algorithm = compact.algorithm(doctype.policy)  # v0.5 §2.3.1: alg MUST be ES256 or RS256
    if "typ" in header and header["typ"] != "JWT":
        raise MalformedInput('the JWS header typ must be "JWT" when present', code=codes.QR_HEADER)
    kid = parse_kid(header.get("kid"))  # v0.5 §2.3.1: kid is mandatory
    return QrDocument(jws, header, payload, doctype, kid, algorithm, compact)
