"""Purpose-bound verification policies: what a desk accepts, shows and how fresh its data is.

A policy is data (``purposes/<name>.json``, listed with what each discloses in
docs/policies.md): the credential types and issuer roles a purpose accepts, the claims it requests
and shows, whether holder binding is required, and the age limits of the trust and status data.
``civicred verify --policy NAME`` and the desk (``civicred desk serve``) apply the same policies:
:func:`apply_policy` adds the purpose's checks to a report and keeps only the claims the purpose
shows (:func:`disclose`, the one filter).
"""

from verifier.policies._apply import KEPT_DETAILS, TYPE_DETAIL, apply_policy, credential_type
from verifier.policies._disclose import claim_at, disclose
from verifier.policies._model import (
    FORMATS,
    MAX_AGE,
    ROLES,
    SD_JWT_VC_FORMAT,
    Accepted,
    AgeLimits,
    HolderBinding,
    Policy,
    PolicyError,
    ShownClaim,
    load_policy,
    parse_policy,
    policy_names,
)
from verifier.policies._status_age import list_issued_at, referenced_list

__all__ = [
    "FORMATS",
    "KEPT_DETAILS",
    "MAX_AGE",
    "ROLES",
    "SD_JWT_VC_FORMAT",
    "TYPE_DETAIL",
    "Accepted",
    "AgeLimits",
    "HolderBinding",
    "Policy",
    "PolicyError",
    "ShownClaim",
    "apply_policy",
    "claim_at",
    "credential_type",
    "disclose",
    "list_issued_at",
    "load_policy",
    "parse_policy",
    "policy_names",
    "referenced_list",
]
