"""Credential types as versioned data (``types/*.json``): vct, claims, disclosability, labels.

``sd`` is ``always`` (selectively disclosable), ``never`` (in clear) as in SD-JWT VC Type Metadata
(draft-ietf-oauth-sd-jwt-vc §5, claim metadata ``sd``). A ``null`` path element means "every
array element" (DCQL claims-path semantics).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "fr", "nl", "de")


@dataclass(frozen=True)
class ClaimSpec:
    path: tuple[str | None, ...]
    sd: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class CredentialType:
    id: str
    version: int
    vct: str
    name: Mapping[str, str]
    max_days: int
    until_claim: str
    claims: tuple[ClaimSpec, ...]

    def disclosable_pointers(self, claims: Mapping[str, Any]) -> list[str]:
        """RFC 6901 pointers of the claims present in ``claims`` that are ``sd: always``."""
        pointers: list[str] = []
        for spec in self.claims:
            if spec.sd == "always":
                pointers.extend(_expand(claims, spec.path, ""))
        return pointers

    def type_metadata(self) -> dict[str, Any]:
        """SD-JWT VC Type Metadata (draft-ietf-oauth-sd-jwt-vc §5) for this type."""
        return {
            "vct": self.vct,
            "name": self.name["en"],
            "display": [{"lang": lang, "name": self.name[lang]} for lang in LANGUAGES],
            "claims": [
                {
                    "path": list(spec.path),
                    "sd": spec.sd,
                    "display": [{"lang": lang, "label": spec.label[lang]} for lang in LANGUAGES],
                }
                for spec in self.claims
            ],
        }


def _expand(node: Any, path: tuple[str | None, ...], prefix: str) -> list[str]:
    if not path:
        return [prefix]
    head, rest = path[0], path[1:]
    if head is None:
        if not isinstance(node, list):
            return []
        return [p for i, item in enumerate(node) for p in _expand(item, rest, f"{prefix}/{i}")]
    if not isinstance(node, Mapping) or head not in node:
        return []
    escaped = head.replace("~", "~0").replace("/", "~1")
    return _expand(node[head], rest, f"{prefix}/{escaped}")


def _load(data: Mapping[str, Any]) -> CredentialType:
    claims = tuple(ClaimSpec(tuple(c["path"]), c["sd"], c["label"]) for c in data["claims"])
    for spec in claims:
        missing = set(LANGUAGES) - spec.label.keys()
        if missing or spec.sd not in ("always", "never"):
            raise ValueError(
                f"{data['id']}: claim {spec.path} has bad sd or labels missing {missing}"
            )
    return CredentialType(
        id=data["id"],
        version=data["version"],
        vct=data["vct"],
        name=data["name"],
        max_days=data["validity"]["max_days"],
        until_claim=data["validity"]["until_claim"],
        claims=claims,
    )


@cache
def credential_types() -> dict[str, CredentialType]:
    """All credential types, by id."""
    folder = resources.files("issuer.catalog") / "types"
    types = [
        _load(json.loads(f.read_text("utf-8")))
        for f in folder.iterdir()
        if f.name.endswith(".json")
    ]
    return {t.id: t for t in sorted(types, key=lambda t: t.id)}


def credential_type(type_id: str) -> CredentialType:
    try:
        return credential_types()[type_id]
    except KeyError:
        raise KeyError(f"unknown credential type {type_id!r}") from None
