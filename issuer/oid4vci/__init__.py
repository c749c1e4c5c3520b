"""OpenID4VCI 1.0 Final issuance, pre-authorized code flow (docs/openid4vci.md): offers, the
token endpoint with DPoP (RFC 9449), nonces, batch credential issuance, notifications and the
metadata. Domain logic only, testable without HTTP; the routers are in :mod:`issuer.api`."""

from issuer.oid4vci._attestation import ATTESTATION_HEADER, POP_HEADER
from issuer.oid4vci._configurations import FORMAT, configuration_id, configurations
from issuer.oid4vci._dpop import NONCE_HEADER, access_token_hash
from issuer.oid4vci._key_proofs import PROOF_TYP
from issuer.oid4vci._offers import PRE_AUTHORIZED_GRANT, CreatedOffer, Grant
from issuer.oid4vci._recorder import IssuanceRecorder, NoIssuanceRecorder
from issuer.oid4vci._resource import ResourceRequest
from issuer.oid4vci._service import PROOF_ALGORITHMS, Answer, OpenId4VciService

__all__ = [
    "ATTESTATION_HEADER",
    "FORMAT",
    "NONCE_HEADER",
    "POP_HEADER",
    "PRE_AUTHORIZED_GRANT",
    "PROOF_ALGORITHMS",
    "PROOF_TYP",
    "Answer",
    "CreatedOffer",
    "Grant",
    "IssuanceRecorder",
    "NoIssuanceRecorder",
    "OpenId4VciService",
    "ResourceRequest",
    "access_token_hash",
    "configuration_id",
    "configurations",
]
