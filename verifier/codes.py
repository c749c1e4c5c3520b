"""Every check code a verification report can carry, declared once (docs/verification-codes.md).

A code is a stable string (``"qr.sid"``); emitters use the constants below, never a literal.
Each code is declared with its attributes, so that nothing has to read them out of its spelling:

- ``family``: the area it belongs to (:data:`FAMILIES`); ``report.raise_for_outcome()`` maps a
  family to an exception class, a revocation checker's answer must be of the ``revocation`` or
  ``status`` family, a trust source's failure of the ``trust`` family.
- ``step``: the step of the EHIC PDF QR PoC v0.5 §7 verification report the code is reported
  under (:data:`STEPS`; ``other`` for codes no §7 step names).

The same code can end in different results (``trust.freshness`` passes, warns or is
undetermined); a code names a step, the check's ``result`` says how it went.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

# -- families ------------------------------------------------------------------------------------
INPUT_FAMILY: Final = "input"
JWS_FAMILY: Final = "jws"
ISSUER_FAMILY: Final = "issuer"
SDJWT_FAMILY: Final = "sdjwt"
CLAIMS_FAMILY: Final = "claims"
KB_FAMILY: Final = "kb"
STATUS_FAMILY: Final = "status"
COSE_FAMILY: Final = "cose"
QR_FAMILY: Final = "qr"
TRUST_FAMILY: Final = "trust"
REVOCATION_FAMILY: Final = "revocation"
SCAN_FAMILY: Final = "scan"
PDF_FAMILY: Final = "pdf"
POLICY_FAMILY: Final = "policy"
OID4VP_FAMILY: Final = "oid4vp"
OTHER_FAMILY: Final = "other"
FAMILIES: Final = (
    INPUT_FAMILY,
    JWS_FAMILY,
    ISSUER_FAMILY,
    SDJWT_FAMILY,
    CLAIMS_FAMILY,
    KB_FAMILY,
    STATUS_FAMILY,
    COSE_FAMILY,
    QR_FAMILY,
    TRUST_FAMILY,
    REVOCATION_FAMILY,
    SCAN_FAMILY,
    PDF_FAMILY,
    POLICY_FAMILY,
    OID4VP_FAMILY,
    OTHER_FAMILY,
)

# -- the steps of the v0.5 §7 report -------------------------------------------------------------
TREATMENT_DATE_STEP: Final = "treatment_date"
DECODE_STEP: Final = "decode"
SCHEMA_STEP: Final = "schema"
KEY_RESOLVED_STEP: Final = "key_resolved"
JWT_VALID_STEP: Final = "jwt_valid"
REVOCATION_INFO_STEP: Final = "revocation_info"
REVOCATION_STEP: Final = "revocation"
DATE_RULES_STEP: Final = "date_rules"
ACCREDITATION_STEP: Final = "accreditation"
KEY_VALIDITY_STEP: Final = "key_validity"
VALIDITY_PERIOD_STEP: Final = "validity_period"
ID_CHECK_STEP: Final = "id_check"
QR_FOUND_STEP: Final = "qr_found"
PDF_SIGNATURE_STEP: Final = "pdf_signature"
PDF_COVERAGE_STEP: Final = "pdf_coverage"
PDF_PRINTED_DATA_STEP: Final = "pdf_printed_data"
OTHER_STEP: Final = "other"
STEPS: Final = (
    TREATMENT_DATE_STEP,
    DECODE_STEP,
    SCHEMA_STEP,
    KEY_RESOLVED_STEP,
    JWT_VALID_STEP,
    REVOCATION_INFO_STEP,
    REVOCATION_STEP,
    DATE_RULES_STEP,
    ACCREDITATION_STEP,
    KEY_VALIDITY_STEP,
    VALIDITY_PERIOD_STEP,
    ID_CHECK_STEP,
    QR_FOUND_STEP,
    PDF_SIGNATURE_STEP,
    PDF_COVERAGE_STEP,
    PDF_PRINTED_DATA_STEP,
    OTHER_STEP,
)


class CodeInfo(NamedTuple):
    """What is known about a code besides its spelling."""

    family: str
    step: str


_INFO: dict[str, CodeInfo] = {}


def _code(value: str, family: str, step: str = OTHER_STEP) -> str:
    if value in _INFO or family not in FAMILIES or step not in STEPS:
        raise ValueError(f"bad code declaration {value!r}")
    _INFO[value] = CodeInfo(family, step)
    return value


# -- input: not well-formed, or beyond a limit ---------------------------------------------------
INPUT_FORMAT: Final = _code("input.format", INPUT_FAMILY, DECODE_STEP)
INPUT_SIZE: Final = _code("input.size", INPUT_FAMILY, DECODE_STEP)
INPUT_BASE64: Final = _code("input.base64", INPUT_FAMILY, DECODE_STEP)
INPUT_BASE64_CANONICAL: Final = _code("input.base64.canonical", INPUT_FAMILY, DECODE_STEP)
INPUT_JSON: Final = _code("input.json", INPUT_FAMILY, DECODE_STEP)
INPUT_DEPTH: Final = _code("input.depth", INPUT_FAMILY, DECODE_STEP)
INPUT_JWS: Final = _code("input.jws", INPUT_FAMILY, DECODE_STEP)
INPUT_JWE: Final = _code("input.jwe", INPUT_FAMILY, DECODE_STEP)
INPUT_JWK: Final = _code("input.jwk", INPUT_FAMILY, DECODE_STEP)
INPUT_JWKS: Final = _code("input.jwks", INPUT_FAMILY, DECODE_STEP)
INPUT_CBOR: Final = _code("input.cbor", INPUT_FAMILY, DECODE_STEP)
INPUT_CWT: Final = _code("input.cwt", INPUT_FAMILY, DECODE_STEP)
INPUT_MALFORMED: Final = _code("input.malformed", INPUT_FAMILY, DECODE_STEP)
INPUT_AMBIGUOUS: Final = _code("input.ambiguous", INPUT_FAMILY, DECODE_STEP)
INPUT_EXTRA: Final = _code("input.extra", INPUT_FAMILY)
#: Not a kind of input a verifier takes (not an SD-JWT, a QR text, an image or a PDF).
INPUT_UNRECOGNISED: Final = _code("input.unrecognised", INPUT_FAMILY, DECODE_STEP)

# -- JOSE, the issuer's key, SD-JWT, claims, key binding -----------------------------------------
JWS_TYP: Final = _code("jws.typ", JWS_FAMILY)
JWS_ALG: Final = _code("jws.alg", JWS_FAMILY)
JWS_SIGNATURE: Final = _code("jws.signature", JWS_FAMILY)
ISSUER_KEY: Final = _code("issuer.key", ISSUER_FAMILY)
SDJWT_SD_ALG: Final = _code("sdjwt.sd_alg", SDJWT_FAMILY)
SDJWT_DISCLOSURES: Final = _code("sdjwt.disclosures", SDJWT_FAMILY)
SDJWT_DISCLOSURE_FORMAT: Final = _code("sdjwt.disclosure.format", SDJWT_FAMILY)
SDJWT_DISCLOSURE_RESERVED_NAME: Final = _code("sdjwt.disclosure.reserved_name", SDJWT_FAMILY)
SDJWT_DISCLOSURE_DUPLICATE: Final = _code("sdjwt.disclosure.duplicate", SDJWT_FAMILY)
SDJWT_DISCLOSURE_DUPLICATE_NAME: Final = _code("sdjwt.disclosure.duplicate_name", SDJWT_FAMILY)
SDJWT_DISCLOSURE_UNREFERENCED: Final = _code("sdjwt.disclosure.unreferenced", SDJWT_FAMILY)
SDJWT_DIGEST_FORMAT: Final = _code("sdjwt.digest.format", SDJWT_FAMILY)
SDJWT_DIGEST_DUPLICATE: Final = _code("sdjwt.digest.duplicate", SDJWT_FAMILY)
CLAIMS: Final = _code("claims", CLAIMS_FAMILY)
CLAIMS_TIME: Final = _code("claims.time", CLAIMS_FAMILY)
CLAIMS_EXP: Final = _code("claims.exp", CLAIMS_FAMILY)
CLAIMS_NBF: Final = _code("claims.nbf", CLAIMS_FAMILY)
CLAIMS_IAT: Final = _code("claims.iat", CLAIMS_FAMILY)
CLAIMS_VCT: Final = _code("claims.vct", CLAIMS_FAMILY)
CLAIMS_ISS: Final = _code("claims.iss", CLAIMS_FAMILY)
CLAIMS_SUB: Final = _code("claims.sub", CLAIMS_FAMILY)
CLAIMS_NOT_DISCLOSABLE: Final = _code("claims.not_disclosable", CLAIMS_FAMILY)
CLAIMS_REQUIRED: Final = _code("claims.required", CLAIMS_FAMILY)
KB: Final = _code("kb", KB_FAMILY)
KB_MISSING: Final = _code("kb.missing", KB_FAMILY)
KB_CNF: Final = _code("kb.cnf", KB_FAMILY)
KB_TYP: Final = _code("kb.typ", KB_FAMILY)
KB_SIGNATURE: Final = _code("kb.signature", KB_FAMILY)
KB_IAT: Final = _code("kb.iat", KB_FAMILY)
KB_NONCE: Final = _code("kb.nonce", KB_FAMILY)
KB_AUD: Final = _code("kb.aud", KB_FAMILY)
KB_SD_HASH: Final = _code("kb.sd_hash", KB_FAMILY)

# -- Token Status List (the referenced entry, and the list token itself) -------------------------
STATUS: Final = _code("status", STATUS_FAMILY, REVOCATION_STEP)
STATUS_REFERENCE: Final = _code("status.reference", STATUS_FAMILY, REVOCATION_STEP)
STATUS_REVOKED: Final = _code("status.revoked", STATUS_FAMILY, REVOCATION_STEP)
STATUS_SUSPENDED: Final = _code("status.suspended", STATUS_FAMILY, REVOCATION_STEP)
STATUS_UNKNOWN_VALUE: Final = _code("status.unknown_value", STATUS_FAMILY, REVOCATION_STEP)
STATUS_UNAVAILABLE: Final = _code("status.unavailable", STATUS_FAMILY, REVOCATION_STEP)
STATUS_INDEX_OUT_OF_RANGE: Final = _code(
    "status.index_out_of_range", STATUS_FAMILY, REVOCATION_STEP
)
STATUS_FORMAT: Final = _code("status.format", STATUS_FAMILY, REVOCATION_STEP)
STATUS_SIZE: Final = _code("status.size", STATUS_FAMILY, REVOCATION_STEP)
STATUS_TYP: Final = _code("status.typ", STATUS_FAMILY, REVOCATION_STEP)
STATUS_ALG: Final = _code("status.alg", STATUS_FAMILY, REVOCATION_STEP)
STATUS_SIGNATURE: Final = _code("status.signature", STATUS_FAMILY, REVOCATION_STEP)
STATUS_CLAIMS: Final = _code("status.claims", STATUS_FAMILY, REVOCATION_STEP)
STATUS_TTL: Final = _code("status.ttl", STATUS_FAMILY, REVOCATION_STEP)
STATUS_BITS: Final = _code("status.bits", STATUS_FAMILY, REVOCATION_STEP)
STATUS_LST: Final = _code("status.lst", STATUS_FAMILY, REVOCATION_STEP)
STATUS_INFLATE_LIMIT: Final = _code("status.inflate_limit", STATUS_FAMILY, REVOCATION_STEP)
STATUS_SUB: Final = _code("status.sub", STATUS_FAMILY, REVOCATION_STEP)
STATUS_EXPIRED: Final = _code("status.expired", STATUS_FAMILY, REVOCATION_STEP)
STATUS_NOT_YET_VALID: Final = _code("status.not_yet_valid", STATUS_FAMILY, REVOCATION_STEP)

# -- COSE_Sign1 / CWT ----------------------------------------------------------------------------
COSE_FORMAT: Final = _code("cose.format", COSE_FAMILY)
COSE_TAG: Final = _code("cose.tag", COSE_FAMILY)
COSE_HEADER: Final = _code("cose.header", COSE_FAMILY)
COSE_CRIT: Final = _code("cose.crit", COSE_FAMILY)
COSE_ALG: Final = _code("cose.alg", COSE_FAMILY)
COSE_SIGNATURE: Final = _code("cose.signature", COSE_FAMILY)

# -- signed QR documents (EHIC PDF QR PoC v0.5 §5) -----------------------------------------------
QR_TREATMENT_DATE: Final = _code("qr.treatment_date", QR_FAMILY, TREATMENT_DATE_STEP)
QR_DECODE: Final = _code("qr.decode", QR_FAMILY, DECODE_STEP)
QR_BASE45: Final = _code("qr.base45", QR_FAMILY, DECODE_STEP)
QR_PREFIX: Final = _code("qr.prefix", QR_FAMILY, DECODE_STEP)
QR_SIZE: Final = _code("qr.size", QR_FAMILY, DECODE_STEP)
QR_ZLIB: Final = _code("qr.zlib", QR_FAMILY, DECODE_STEP)
QR_INFLATE_LIMIT: Final = _code("qr.inflate_limit", QR_FAMILY, DECODE_STEP)
QR_JWS: Final = _code("qr.jws", QR_FAMILY, DECODE_STEP)
QR_SID: Final = _code("qr.sid", QR_FAMILY, SCHEMA_STEP)
QR_SCHEMA: Final = _code("qr.schema", QR_FAMILY, SCHEMA_STEP)
QR_HEADER: Final = _code("qr.header", QR_FAMILY, SCHEMA_STEP)
QR_KID: Final = _code("qr.kid", QR_FAMILY, SCHEMA_STEP)
QR_ALG: Final = _code("qr.alg", QR_FAMILY, SCHEMA_STEP)
QR_SIGNATURE: Final = _code("qr.signature", QR_FAMILY, JWT_VALID_STEP)
QR_RULE: Final = _code("qr.rule", QR_FAMILY, DATE_RULES_STEP)
QR_ISSUER_RULE: Final = _code("qr.issuer_rule", QR_FAMILY, DATE_RULES_STEP)
QR_VALIDITY: Final = _code("qr.validity", QR_FAMILY, VALIDITY_PERIOD_STEP)

# -- trust: the bundle, the trust list, certificates, authorization ------------------------------
TRUST_ROOT: Final = _code("trust.root", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_ROOT_MISMATCH: Final = _code("trust.root_mismatch", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_PIN_MISMATCH: Final = _code("trust.pin_mismatch", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_ROLLBACK: Final = _code("trust.rollback", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_FRESHNESS: Final = _code("trust.freshness", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_BUNDLE: Final = _code("trust.bundle", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_LIST: Final = _code("trust.list", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_TYP: Final = _code("trust.typ", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_X5C: Final = _code("trust.x5c", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_CHAIN: Final = _code("trust.chain", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_KEY: Final = _code("trust.key", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_UNKNOWN_KID: Final = _code("trust.unknown_kid", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_FRAMEWORK: Final = _code("trust.framework", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_INSTITUTION: Final = _code("trust.institution", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_NOT_FOR_INSTITUTION: Final = _code(
    "trust.not_for_institution", TRUST_FAMILY, KEY_RESOLVED_STEP
)
TRUST_ISSUER_MISMATCH: Final = _code("trust.issuer_mismatch", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_LIST_URI: Final = _code("trust.list_uri", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_NOT_FOR_LIST: Final = _code("trust.not_for_list", TRUST_FAMILY, KEY_RESOLVED_STEP)
TRUST_CERTIFICATE: Final = _code("trust.certificate", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_CERT_USE: Final = _code("trust.cert_use", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_WRONG_USE: Final = _code("trust.wrong_use", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_CERT_WINDOW: Final = _code("trust.cert_window", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_CERT_NOT_VALID_ON_DATE: Final = _code(
    "trust.cert_not_valid_on_date", TRUST_FAMILY, KEY_VALIDITY_STEP
)
TRUST_CERT_RETIRED: Final = _code("trust.cert_retired", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_CERT_REVOKED: Final = _code("trust.cert_revoked", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_CERT_REVOCATION: Final = _code("trust.cert_revocation", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_CERT_EXPIRED: Final = _code("trust.cert_expired", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_CERT_NOT_YET_VALID: Final = _code("trust.cert_not_yet_valid", TRUST_FAMILY, KEY_VALIDITY_STEP)
TRUST_ACCREDITATION: Final = _code("trust.accreditation", TRUST_FAMILY, ACCREDITATION_STEP)
TRUST_NOT_ACCREDITED: Final = _code("trust.not_accredited", TRUST_FAMILY, ACCREDITATION_STEP)
TRUST_ACCREDITATION_PERIOD: Final = _code(
    "trust.accreditation_period", TRUST_FAMILY, ACCREDITATION_STEP
)

# -- revocation of paper documents (jti lists) ---------------------------------------------------
REVOCATION: Final = _code("revocation", REVOCATION_FAMILY, REVOCATION_STEP)
REVOCATION_REVOKED: Final = _code("revocation.revoked", REVOCATION_FAMILY, REVOCATION_STEP)
REVOCATION_UNAVAILABLE: Final = _code("revocation.unavailable", REVOCATION_FAMILY, REVOCATION_STEP)
REVOCATION_UNUSABLE: Final = _code("revocation.unusable", REVOCATION_FAMILY, REVOCATION_STEP)
REVOCATION_STALE: Final = _code("revocation.stale", REVOCATION_FAMILY, REVOCATION_STEP)
REVOCATION_FORMAT: Final = _code("revocation.format", REVOCATION_FAMILY, REVOCATION_STEP)
REVOCATION_SIGNATURE: Final = _code("revocation.signature", REVOCATION_FAMILY, REVOCATION_STEP)
REVOCATION_RID: Final = _code("revocation.rid", REVOCATION_FAMILY, REVOCATION_STEP)

# -- images and PDFs -----------------------------------------------------------------------------
SCAN_QR: Final = _code("scan.qr", SCAN_FAMILY, QR_FOUND_STEP)
SCAN_INPUT: Final = _code("scan.input", SCAN_FAMILY, QR_FOUND_STEP)
SCAN_IMAGE: Final = _code("scan.image", SCAN_FAMILY, QR_FOUND_STEP)
SCAN_IMAGE_SIZE: Final = _code("scan.image_size", SCAN_FAMILY, QR_FOUND_STEP)
SCAN_PDF: Final = _code("scan.pdf", SCAN_FAMILY, QR_FOUND_STEP)
SCAN_UNAVAILABLE: Final = _code("scan.unavailable", SCAN_FAMILY, QR_FOUND_STEP)
PDF_SIGNATURE: Final = _code("pdf.signature", PDF_FAMILY, PDF_SIGNATURE_STEP)
PDF_COVERAGE: Final = _code("pdf.coverage", PDF_FAMILY, PDF_COVERAGE_STEP)
PDF_MODIFIED_AFTER_SEAL: Final = _code("pdf.modified_after_seal", PDF_FAMILY, PDF_COVERAGE_STEP)
PDF_PRINTED_DATA: Final = _code("pdf.printed_data", PDF_FAMILY, PDF_PRINTED_DATA_STEP)

# -- a purpose-bound policy (verifier.policies) --------------------------------------------------
POLICY_TYPE: Final = _code("policy.type", POLICY_FAMILY)
POLICY_ISSUER: Final = _code("policy.issuer", POLICY_FAMILY)
POLICY_CLAIMS: Final = _code("policy.claims", POLICY_FAMILY)
POLICY_TRUST_FRESHNESS: Final = _code("policy.trust_freshness", POLICY_FAMILY)
POLICY_STATUS_FRESHNESS: Final = _code("policy.status_freshness", POLICY_FAMILY)

# -- OpenID4VP: a wallet's response to the desk's request (docs/desk.md §OpenID4VP) ---------------
OID4VP_REQUEST: Final = _code("oid4vp.request", OID4VP_FAMILY)
OID4VP_STATE: Final = _code("oid4vp.state", OID4VP_FAMILY)
OID4VP_EXPIRED: Final = _code("oid4vp.expired", OID4VP_FAMILY)
OID4VP_RESPONSE: Final = _code("oid4vp.response", OID4VP_FAMILY)
OID4VP_RESPONSE_MODE: Final = _code("oid4vp.response_mode", OID4VP_FAMILY)
OID4VP_ENCRYPTION: Final = _code("oid4vp.encryption", OID4VP_FAMILY)
OID4VP_VP_TOKEN: Final = _code("oid4vp.vp_token", OID4VP_FAMILY)
OID4VP_WALLET_ERROR: Final = _code("oid4vp.wallet_error", OID4VP_FAMILY)

# -- a component that failed without naming a code -----------------------------------------------
VERIFICATION: Final = _code("verification", OTHER_FAMILY)

#: Every code and what is known about it.
CODES: Final[Mapping[str, CodeInfo]] = MappingProxyType(_INFO)


def info(code: str) -> CodeInfo:
    """The attributes of ``code``; a code no module declares belongs to no family (``other``)."""
    return _INFO.get(code, _UNKNOWN)


_UNKNOWN = CodeInfo(OTHER_FAMILY, OTHER_STEP)


def family(code: str) -> str:
    return info(code).family


def step(code: str) -> str:
    """The v0.5 §7 report step of ``code`` (``other`` when no step names it)."""
    return info(code).step
