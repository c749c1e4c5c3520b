"""The DCQL query of a purpose (OpenID4VP 1.0 §6): what a desk asks a wallet for.

One Credential Query per SD-JWT VC type the policy accepts (§6.1): format ``dc+sd-jwt``, the
type in ``meta.vct_values`` (§B.3.5), cryptographic holder binding as the policy's
``holder_binding`` says, and as ``claims`` exactly the claims the policy *requests* (its
``request`` pointers, §6.3), with ``values`` where the policy needs one value (``equals``,
§6.4.1). A claim the holder need not disclose selectively (a validity date, the issuer) is not
named: it is in every presentation anyway. When the purpose accepts several types, one
Credential Set (§6.2) says that one of them is enough. A policy that accepts no SD-JWT VC (paper
documents only) has no query: such a desk asks no wallet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from verifier.policies import SD_JWT_VC_FORMAT, Accepted, Policy

Scalar = str | int | bool
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")  # §6.1: ids are alphanumeric, underscore or hyphen


@dataclass(frozen=True, slots=True)
class ClaimQuery:
    path: tuple[str, ...]
    #: The one value the purpose accepts (§6.4.1 ``values``), or ``None``: any value.
    value: Scalar | None = None

    def as_json(self) -> dict[str, Any]:
        claim: dict[str, Any] = {"path": list(self.path)}
        if self.value is not None:
            claim["values"] = [self.value]
        return claim


@dataclass(frozen=True, slots=True)
class CredentialQuery:
    id: str
    vct: str
    claims: tuple[ClaimQuery, ...]
    holder_binding: bool

    def as_json(self) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": self.id,
            "format": SD_JWT_VC_FORMAT,
            "meta": {"vct_values": [self.vct]},
            "require_cryptographic_holder_binding": self.holder_binding,
        }
        if self.claims:  # §6.1: claims, when present, is a non-empty array
            query["claims"] = [claim.as_json() for claim in self.claims]
        return query


@dataclass(frozen=True, slots=True)
class DcqlQuery:
    """The query, and the one question a response is checked against: which credential
    queries may answer it together (:meth:`options`)."""

    credentials: tuple[CredentialQuery, ...]

    def credential(self, query_id: str) -> CredentialQuery | None:
        return next((c for c in self.credentials if c.id == query_id), None)

    def options(self) -> tuple[frozenset[str], ...]:
        """The sets of credential query ids a complete answer consists of: each one alone when
        a Credential Set offers them as alternatives (§6.2), else all of them together (§6.4.2)."""
        if len(self.credentials) > 1:
            return tuple(frozenset({c.id}) for c in self.credentials)
        return (frozenset(c.id for c in self.credentials),)

    def as_json(self) -> dict[str, Any]:
        query: dict[str, Any] = {"credentials": [c.as_json() for c in self.credentials]}
        if len(self.credentials) > 1:
            options = [[c.id] for c in self.credentials]
            query["credential_sets"] = [{"options": options, "required": True}]
        return query


def dcql_query(policy: Policy) -> DcqlQuery | None:
    """The purpose's query, or ``None`` when it accepts no SD-JWT VC."""
    accepted = [a for a in policy.accepts if a.format == SD_JWT_VC_FORMAT]
    if not accepted:
        return None
    binding = policy.holder_binding == "required"
    ids: set[str] = set()
    queries = []
    for item in accepted:
        query_id = _query_id(item.type, ids)
        ids.add(query_id)
        queries.append(CredentialQuery(query_id, item.type, _claims(item), binding))
    return DcqlQuery(tuple(queries))


def _claims(accepted: Accepted) -> tuple[ClaimQuery, ...]:
    required: Mapping[tuple[str, ...], Scalar] = {
        claim.path: claim.equals for claim in accepted.show if claim.equals is not None
    }
    return tuple(ClaimQuery(path, required.get(path)) for path in accepted.request)


def _query_id(vct: str, taken: set[str]) -> str:
    """A readable id from the type (``urn:civicred:social-status:1`` → ``social-status_1``)."""
    words = [w for w in _NOT_ID.split(vct.removeprefix("urn:")) if w]
    base = "_".join(words[-2:]) or "credential"
    query_id, n = base, 2
    while query_id in taken:
        query_id, n = f"{base}_{n}", n + 1
    return query_id
