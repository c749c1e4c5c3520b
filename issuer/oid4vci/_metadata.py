"""Credential issuer metadata (OpenID4VCI 1.0 §12.2) and authorization server metadata (RFC 8414
§2, OpenID4VCI 1.0 §12.3): every URL from :meth:`IssuerSettings.endpoint`, every algorithm from
the crypto policy, every label from the catalog.

``credential_metadata`` (display and claims, §12.2.4) is what makes a wallet treat the issuer as
1.0 Final; claims are described in the catalog's order with a label per language (FR, NL, DE,
EN). The issuer is its own authorization server (no ``authorization_servers``, §12.2.4).
"""

from __future__ import annotations

from typing import Any

from issuer.catalog import LANGUAGES, CredentialType
from issuer.oid4vci._attestation import AUTH_METHOD
from issuer.oid4vci._configurations import FORMAT, configurations
from issuer.oid4vci._key_proofs import PROOF_TYPE
from issuer.oid4vci._offers import PRE_AUTHORIZED_GRANT
from issuer.settings import IssuerSettings
from verifier.jose import AlgorithmPolicy

ISSUER_NAME = {
    "en": "Crossroads Bank for Social Security",
    "fr": "Banque Carrefour de la Sécurité Sociale",
    "nl": "Kruispuntbank van de Sociale Zekerheid",
    "de": "Zentrale Datenbank der sozialen Sicherheit",
}


def issuer_metadata(
    settings: IssuerSettings, *, signing_alg: str, proof_policy: AlgorithmPolicy
) -> dict[str, Any]:
    proof_algs = sorted(proof_policy.allowed)
    metadata: dict[str, Any] = {
        "credential_issuer": settings.credential_issuer,
        "credential_endpoint": settings.endpoint("credential"),
        "nonce_endpoint": settings.endpoint("nonce"),
        "notification_endpoint": settings.endpoint("notification"),
    }
    batch_size = settings.oid4vci.batch_size
    if batch_size >= 2:  # §12.2.4: batch_size MUST be 2 or greater when present
        metadata["batch_credential_issuance"] = {"batch_size": batch_size}
    metadata["display"] = [{"name": ISSUER_NAME[lang], "locale": lang} for lang in LANGUAGES]
    metadata["credential_configurations_supported"] = {
        cid: _configuration(cid, ctype, signing_alg, proof_algs)
        for cid, ctype in configurations().items()
    }
    return metadata


def _configuration(
    cid: str, ctype: CredentialType, signing_alg: str, proof_algs: list[str]
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "vct": ctype.vct,
        "scope": cid,
        "cryptographic_binding_methods_supported": ["jwk"],
        "credential_signing_alg_values_supported": [signing_alg],
        "proof_types_supported": {PROOF_TYPE: {"proof_signing_alg_values_supported": proof_algs}},
        "credential_metadata": {
            "display": [{"name": ctype.name[lang], "locale": lang} for lang in LANGUAGES],
            "claims": [
                {
                    "path": list(spec.path),
                    "display": [{"name": spec.label[lang], "locale": lang} for lang in LANGUAGES],
                }
                for spec in ctype.claims
            ],
        },
    }


def authorization_server_metadata(
    settings: IssuerSettings, *, dpop_policy: AlgorithmPolicy, authorization_code: bool = False
) -> dict[str, Any]:
    """RFC 8414 §2 for the pre-authorized code grant (OpenID4VCI 1.0 §12.3 allows omitting
    ``response_types_supported`` then) and, with ``authorization_code``, for the HAIP
    authorization-code flow: PAR required (RFC 9126 §5), PKCE S256 (RFC 7636), ``iss`` in the
    response (RFC 9207 §3), wallet attestations (``attest_jwt_client_auth``), DPoP, scopes per
    credential configuration."""
    algorithms = sorted(dpop_policy.allowed)
    metadata: dict[str, Any] = {
        "issuer": settings.credential_issuer,
        "token_endpoint": settings.endpoint("token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
        "dpop_signing_alg_values_supported": algorithms,
        "authorization_details_types_supported": ["openid_credential"],
    }
    if authorization_code:
        metadata |= {
            "authorization_endpoint": settings.endpoint("portal/authorize"),
            "pushed_authorization_request_endpoint": settings.endpoint("par"),
            "require_pushed_authorization_requests": True,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", PRE_AUTHORIZED_GRANT],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
            "token_endpoint_auth_methods_supported": [AUTH_METHOD, "none"],
            "client_attestation_signing_alg_values_supported": algorithms,
            "client_attestation_pop_signing_alg_values_supported": algorithms,
            "scopes_supported": sorted(configurations()),
        }
    return metadata
