"""The QR envelope: QR text = Base45(zlib(compact JWS)), no prefix.

EHIC PDF QR PoC v0.5 §3: the compact JWS is zlib-compressed, Base45-encoded (RFC 9285) and put in
a QR code in alphanumeric mode; there is **no context prefix** (unlike the EU DCC ``HC1:``). We use
the same envelope for all our document types; the ``sid`` inside the payload routes them.

Decoding is bounded before any work is done: the Base45 length is checked against
``max_compressed`` and inflation stops at ``max_inflated`` bytes (``zlib.decompressobj`` with
``max_length``), so a zlib bomb costs at most ``max_inflated`` bytes of memory.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping
from typing import Any

from verifier import codes
from verifier._errors import IssuanceError, MalformedInput
from verifier.jose import JwsSigner, dumps_compact, sign_compact
from verifier.qr._base45 import b45decode, b45decoded_size, b45encode
from verifier.qr._doctypes import get_doctype
from verifier.qr._kid import parse_kid
from verifier.qr._validate import validate_for_issuance

#: Alphanumeric capacity of the largest QR symbol (version 40, ECC L; ISO/IEC 18004 Table 7).
MAX_QR_TEXT = 4296
#: Defaults for decoding: a v40-L symbol holds at most 2864 Base45-decoded bytes; a JWS that fits
#: compresses at most ~1.6:1, so 16 KiB of inflated text leaves a wide margin.
DEFAULT_MAX_COMPRESSED = b45decoded_size(MAX_QR_TEXT)
DEFAULT_MAX_INFLATED = 16 * 1024
#: Our issuer compresses at level 9; the spec's worked example (v0.5 §3.3) was made at level 6
#: (zlib's default), which reproduces it byte for byte.
ISSUER_ZLIB_LEVEL = 9
SPEC_EXAMPLE_ZLIB_LEVEL = 6

_LINE_BREAK_CHARS = "\r\n\t\f\v"
_LINE_BREAKS = str.maketrans("", "", _LINE_BREAK_CHARS)
_BASE64URL_AND_DOT = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
_DCC_PREFIX = "HC1:"


def encode_qr_text(jws: str, *, level: int = ISSUER_ZLIB_LEVEL) -> str:
    """The QR text of a compact JWS: Base45(zlib(jws)) (v0.5 §3 steps 1-3)."""
    if not isinstance(jws, str) or not jws.isascii() or not _is_compact_jws(jws.encode("ascii")):
        raise IssuanceError("encode_qr_text() needs a compact JWS (three base64url parts)")
    if not 0 <= level <= 9:
        raise ValueError("zlib level must be between 0 and 9")
    return b45encode(zlib.compress(jws.encode("ascii"), level))


def normalize_qr_text(text: str | bytes) -> str:
    """The Base45 text a scanner returned, without line breaks and trailing spaces.

    Space *is* a Base45 character, so inner and leading spaces are kept. A valid Base45 text
    never ends in a space (a last triplet's third character is at most ``W``, a final pair's
    second at most ``5``), so trailing spaces are scanner or copy-paste noise.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedInput("QR text is not ASCII", code=codes.QR_BASE45) from None
    if not isinstance(text, str):
        raise MalformedInput("QR text is not text", code=codes.QR_BASE45)
    if any(ch in text for ch in _LINE_BREAK_CHARS):  # rare; str.translate is slow, `in` is not
        text = text.translate(_LINE_BREAKS)
    return text.rstrip(" ")


def _inflate(data: bytes, max_inflated: int) -> bytes:
    inflater = zlib.decompressobj(wbits=15)  # zlib (RFC 1950) only: no raw deflate, no gzip
    try:
        out = inflater.decompress(data, max_inflated + 1)
    except zlib.error as exc:
        raise MalformedInput(
            f"QR content is not a zlib stream ({exc})", code=codes.QR_ZLIB
        ) from None
    if len(out) > max_inflated or inflater.unconsumed_tail:
        raise MalformedInput(
            f"QR content inflates to more than {max_inflated} bytes (refused)",
            code=codes.QR_INFLATE_LIMIT,
        )
    if not inflater.eof:
        raise MalformedInput("QR content is a truncated zlib stream", code=codes.QR_ZLIB)
    if inflater.unused_data:
        raise MalformedInput("QR content has data after the zlib stream", code=codes.QR_ZLIB)
    return out


def decode_qr_text(
    text: str | bytes,
    *,
    max_compressed: int = DEFAULT_MAX_COMPRESSED,
    max_inflated: int = DEFAULT_MAX_INFLATED,
) -> str:
    """The compact JWS inside a QR text (v0.5 §5 step 2), or :class:`MalformedInput`.

    Codes: ``qr.base45`` (not Base45), ``qr.prefix`` (an EU DCC ``HC1:`` text), ``qr.size``
    (longer than ``max_compressed`` bytes once decoded), ``qr.zlib`` (not, or not exactly, one
    zlib stream), ``qr.inflate_limit`` (inflates beyond ``max_inflated``), ``qr.jws`` (the content
    is not a compact JWS).
    """
    clean = normalize_qr_text(text)
    if not clean:
        raise MalformedInput("QR text is empty", code=codes.QR_BASE45)
    if clean.startswith(_DCC_PREFIX):
        raise MalformedInput(
            "QR text starts with HC1: (an EU Digital COVID Certificate); "
            "eEHIC/civicred documents have no prefix (v0.5 §3)",
            code=codes.QR_PREFIX,
        )
    size = b45decoded_size(len(clean))
    if size > max_compressed:
        raise MalformedInput(
            f"QR text decodes to {size} bytes, more than the {max_compressed} allowed",
            code=codes.QR_SIZE,
        )
    raw = _inflate(b45decode(clean), max_inflated)
    if not raw.isascii():
        raise MalformedInput("QR content is not a compact JWS (not ASCII)", code=codes.QR_JWS)
    if not _is_compact_jws(raw):
        raise MalformedInput(
            "QR content is not a compact JWS (three base64url parts)", code=codes.QR_JWS
        )
    return raw.decode("ascii")


def _is_compact_jws(raw: bytes) -> bool:
    """The shape of a compact JWS: ``header.payload.signature`` in base64url, the first two
    parts non-empty (checked with C-speed byte operations, not a regular expression)."""
    if raw.translate(None, _BASE64URL_AND_DOT):  # a byte outside base64url and "."
        return False
    parts = raw.split(b".")
    return len(parts) == 3 and bool(parts[0]) and bool(parts[1])


def sign_document(
    payload: Mapping[str, Any],
    signer: JwsSigner,
    kid: str | None = None,
    *,
    level: int = ISSUER_ZLIB_LEVEL,
    today: dt.date | None = None,
    allow_legacy: bool = False,
) -> tuple[str, str]:
    """Validate, sign and encode one document; return ``(jws, qr_text)``.

    The payload must pass :func:`validate_for_issuance` (every rule, issuer-only ones included;
    with ``today`` given, ``di`` must be that signing date). The header is exactly
    ``{"alg", "kid"}``: ``typ`` is optional in v0.5 §2.3.1 and the schema package's
    ``schema-prc-jws-v1.json`` forbids any other member. ``kid`` defaults to ``signer.kid``; for
    EESSI types it MUST be ``EESSI:x5t#S256:…`` (v0.5 §2.3.1). Legacy algorithms (RS256) are
    refused unless ``allow_legacy``: our issuer signs ES256 (smaller QR).
    """
    validation = validate_for_issuance(dict(payload), today=today)
    if not validation.ok:
        problems = "; ".join(f"{f.path}: {f.message}" for f in validation.errors)
        raise IssuanceError(f"payload refused: {problems}")
    doctype = get_doctype(payload["sid"])
    algorithm = signer.algorithm
    if algorithm.name not in doctype.algorithms:
        raise IssuanceError(f"{doctype.sid} does not allow {algorithm.name} signatures")
    if algorithm.legacy and not allow_legacy:
        raise IssuanceError(f"{algorithm.name} is a legacy algorithm; sign with ES256")
    chosen = kid if kid is not None else getattr(signer, "kid", None)
    try:
        key_id = parse_kid(chosen)
    except MalformedInput as exc:
        raise IssuanceError(f"bad kid: {exc.message}") from None
    if (key_id.framework, key_id.kind) != (doctype.kid_framework, doctype.kid_kind):
        raise IssuanceError(
            f"{doctype.sid} needs a kid {doctype.kid_framework}:{doctype.kid_kind}:…, "
            f"not {key_id.framework}:{key_id.kind}:…"
        )
    jws = sign_compact({"kid": str(key_id)}, dumps_compact(dict(payload)).encode("utf-8"), signer)
    qr_text = encode_qr_text(jws, level=level)
    if len(qr_text) > MAX_QR_TEXT:
        raise IssuanceError(f"the QR text has {len(qr_text)} characters; no QR symbol holds it")
    return jws, qr_text
