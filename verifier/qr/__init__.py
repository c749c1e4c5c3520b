"""Signed QR documents: Base45(zlib(compact JWS)) per the EHIC PDF QR PoC v0.5, document types by
``sid`` (the EU ``eessi:prc:1.0`` ePRC and civicred's own ``be.civicred:ehic:1.0`` and
``be.civicred:ssh:1.0``), strict Base45, bounded decoding, kids and payload validation.

Stdlib + cryptography only. See docs/qr-documents.md.
"""

from verifier.qr._base45 import ALPHABET as BASE45_ALPHABET
from verifier.qr._base45 import b45decode, b45decoded_size, b45encode
from verifier.qr._doctypes import (
    CIVICRED_EHIC_SID,
    CIVICRED_SSH_SID,
    DOCTYPES,
    EESSI_PRC_SID,
    LANGUAGES,
    DocType,
    FieldInfo,
    Revocation,
    Rule,
    get_doctype,
)
from verifier.qr._document import QrDocument, parse_document, parse_jws
from verifier.qr._envelope import (
    DEFAULT_MAX_COMPRESSED,
    DEFAULT_MAX_INFLATED,
    ISSUER_ZLIB_LEVEL,
    MAX_QR_TEXT,
    SPEC_EXAMPLE_ZLIB_LEVEL,
    decode_qr_text,
    encode_qr_text,
    normalize_qr_text,
    sign_document,
)
from verifier.qr._kid import (
    EESSI_FRAMEWORK,
    JKT,
    X5T_S256,
    KeyId,
    certificate_thumbprint,
    eessi_kid,
    format_kid,
    framework_kid,
    parse_kid,
)
from verifier.qr._validate import (
    Finding,
    Validation,
    validate_for_issuance,
    validate_for_verification,
    validate_schema,
)

__all__ = [
    "BASE45_ALPHABET",
    "CIVICRED_EHIC_SID",
    "CIVICRED_SSH_SID",
    "DEFAULT_MAX_COMPRESSED",
    "DEFAULT_MAX_INFLATED",
    "DOCTYPES",
    "EESSI_FRAMEWORK",
    "EESSI_PRC_SID",
    "ISSUER_ZLIB_LEVEL",
    "JKT",
    "LANGUAGES",
    "MAX_QR_TEXT",
    "SPEC_EXAMPLE_ZLIB_LEVEL",
    "X5T_S256",
    "DocType",
    "FieldInfo",
    "Finding",
    "KeyId",
    "QrDocument",
    "Revocation",
    "Rule",
    "Validation",
    "b45decode",
    "b45decoded_size",
    "b45encode",
    "certificate_thumbprint",
    "decode_qr_text",
    "eessi_kid",
    "encode_qr_text",
    "format_kid",
    "framework_kid",
    "get_doctype",
    "normalize_qr_text",
    "parse_document",
    "parse_jws",
    "parse_kid",
    "sign_document",
    "validate_for_issuance",
    "validate_for_verification",
    "validate_schema",
]
