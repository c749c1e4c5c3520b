"""Trust: who may sign what, with which key.

JWK Sets (``JwksResolver``) and the trust registry: its PKI, the signed trust list, the offline
bundle, freshness, and resolvers that authorize SD-JWT VC, status-list and QR-document keys
against it (docs/trust-list.md). Ad-hoc trust in single signer certificates (``--trust-cert``) is
``verifier.qr.TrustedCertificates``.
"""

from verifier.trust._bundle import (
    BUNDLE_TYP,
    Bundle,
    BundleIdentity,
    StatusToken,
    build_bundle,
    peek_bundle,
)
from verifier.trust._dev_pki import (
    create_issuer_certificate,
    create_registry_certificate,
    create_root_ca,
    create_verifier_certificate,
)
from verifier.trust._freshness import (
    Freshness,
    FreshnessPolicy,
    classify_age,
)
from verifier.trust._kid_resolvers import (
    DocumentKey,
    TrustListDocumentResolver,
)
from verifier.trust._model import (
    Accreditation,
    CertificateEntry,
    CertificateState,
    Institution,
    Issuer,
    TrustList,
)
from verifier.trust._pki import (
    DOCUMENT_SIGNING_OID,
    STATUS_SIGNING_OID,
    CertificateUse,
    certificate_from_b64,
    certificate_use,
    dump_der,
    dump_pem,
    kid_for,
    load_certificate,
    load_pem_certificates,
    parse_x5c,
    public_key_of,
    validate_chain,
    x5c_header,
    x5t_s256,
)
from verifier.trust._resolver import IssuerKeyResolver, JwksResolver, ResolvedKey
from verifier.trust._rollback import SequenceWatermark, rollback_check
from verifier.trust._snapshot import Authorization, TrustSnapshot
from verifier.trust._trust_list import (
    TRUST_LIST_TYP,
    sign_registry_jws,
    sign_trust_list,
    verify_registry_jws,
    verify_trust_list,
)
from verifier.trust._x5c_resolvers import SdJwtVcTrustResolver, StatusListTrustResolver

__all__ = [
    "BUNDLE_TYP",
    "DOCUMENT_SIGNING_OID",
    "STATUS_SIGNING_OID",
    "TRUST_LIST_TYP",
    "Accreditation",
    "Authorization",
    "Bundle",
    "BundleIdentity",
    "CertificateEntry",
    "CertificateState",
    "CertificateUse",
    "DocumentKey",
    "Freshness",
    "FreshnessPolicy",
    "Institution",
    "Issuer",
    "IssuerKeyResolver",
    "JwksResolver",
    "ResolvedKey",
    "SdJwtVcTrustResolver",
    "SequenceWatermark",
    "StatusListTrustResolver",
    "StatusToken",
    "TrustList",
    "TrustListDocumentResolver",
    "TrustSnapshot",
    "build_bundle",
    "certificate_from_b64",
    "certificate_use",
    "classify_age",
    "create_issuer_certificate",
    "create_registry_certificate",
    "create_root_ca",
    "create_verifier_certificate",
    "dump_der",
    "dump_pem",
    "kid_for",
    "load_certificate",
    "load_pem_certificates",
    "parse_x5c",
    "peek_bundle",
    "public_key_of",
    "rollback_check",
    "sign_registry_jws",
    "sign_trust_list",
    "validate_chain",
    "verify_registry_jws",
    "verify_trust_list",
    "x5c_header",
    "x5t_s256",
]
