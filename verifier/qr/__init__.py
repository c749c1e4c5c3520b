"""Signed QR documents: Base45(zlib(compact JWS)) per the EHIC PDF QR PoC v0.5, document types by
``sid`` (the EU ``eessi:prc:1.0`` ePRC and civicred's own ``be.civicred:ehic:1.0`` and
``be.civicred:ssh:1.0``), strict Base45, bounded decoding, kids and payload validation.

Stdlib + cryptography only (reportlab for :func:`report_to_pdf`, imported when called). See
docs/qr-documents.md; the verification flow (v0.5 §5) and its report export (§7) are
:func:`verify_qr_document` and :func:`report_to_eessi_json` / :func:`report_to_pdf`.
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
    RevocationMode,
    Rule,
    get_doctype,
    require_kid_framework,
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
from verifier.qr._payload_schema import Finding, validate_schema
from verifier.qr._report_eessi import (
    STEPS as EESSI_REPORT_STEPS,
)
from verifier.qr._report_eessi import (
    eessi_steps,
    report_to_eessi_dict,
    report_to_eessi_json,
)
from verifier.qr._report_pdf import ReportExportUnavailable, report_to_pdf
from verifier.qr._validate import (
    EARLIEST_TREATMENT_DATE,
    Validation,
    validate_for_issuance,
    validate_for_verification,
)
from verifier.qr._verify import (
    QR_FORMAT,
    extend_report,
    verify_qr_document,
)
from verifier.qr._verify_policy import (
    DEFAULT_QR_POLICY,
    NoRevocationData,
    PadesMode,
    QrVerificationPolicy,
    RevocationChecker,
    has_revocation_reference,
    revocation_check,
)
from verifier.qr._verify_trust import (
    AccreditationPeriod,
    QrDocumentResolver,
    ResolvedDocumentIssuer,
    ResolvedDocumentKey,
    TrustedCertificates,
)

__all__ = [
    "BASE45_ALPHABET",
    "CIVICRED_EHIC_SID",
    "CIVICRED_SSH_SID",
    "DEFAULT_MAX_COMPRESSED",
    "DEFAULT_MAX_INFLATED",
    "DEFAULT_QR_POLICY",
    "DOCTYPES",
    "EARLIEST_TREATMENT_DATE",
    "EESSI_FRAMEWORK",
    "EESSI_PRC_SID",
    "EESSI_REPORT_STEPS",
    "ISSUER_ZLIB_LEVEL",
    "JKT",
    "LANGUAGES",
    "MAX_QR_TEXT",
    "QR_FORMAT",
    "SPEC_EXAMPLE_ZLIB_LEVEL",
    "X5T_S256",
    "AccreditationPeriod",
    "DocType",
    "FieldInfo",
    "Finding",
    "KeyId",
    "NoRevocationData",
    "PadesMode",
    "QrDocument",
    "QrDocumentResolver",
    "QrVerificationPolicy",
    "ReportExportUnavailable",
    "ResolvedDocumentIssuer",
    "ResolvedDocumentKey",
    "Revocation",
    "RevocationChecker",
    "RevocationMode",
    "Rule",
    "TrustedCertificates",
    "Validation",
    "b45decode",
    "b45decoded_size",
    "b45encode",
    "certificate_thumbprint",
    "decode_qr_text",
    "eessi_kid",
    "eessi_steps",
    "encode_qr_text",
    "extend_report",
    "format_kid",
    "framework_kid",
    "get_doctype",
    "has_revocation_reference",
    "normalize_qr_text",
    "parse_document",
    "parse_jws",
    "parse_kid",
    "report_to_eessi_dict",
    "report_to_eessi_json",
    "report_to_pdf",
    "require_kid_framework",
    "revocation_check",
    "sign_document",
    "validate_for_issuance",
    "validate_for_verification",
    "validate_schema",
    "verify_qr_document",
]
