"""The serialized RFC 9901 and SD-JWT VC examples and the keys that verify them.

Layout of ``*_examples.json``: ../shared/conformance/ietf-sd-jwt-rfc9901/README.md. Keys: the
published example keys of ../shared/conformance/README.md (RFC 9901 Appendix A.5 issuer key, also
used by the SD-JWT VC drafts with kid ``doc-signer-05-25-2022``; the holder key is ``cnf.jwk``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from conftest import conformance_path

from verifier.jose import b64url_decode
from verifier.sdjwt import VerificationPolicy
from verifier.trust import JwksResolver

RFC9901 = ("ietf-sd-jwt-rfc9901", "rfc9901_draft22_examples.json")
SD_JWT_VC = ("ietf-sd-jwt-vc", "sd_jwt_vc_draft18_examples.json")

ISSUER_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ",
    "y": "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8",
}
HOLDER_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc",
    "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ",
}
VC_KID = "doc-signer-05-25-2022"
#: After every example KB-JWT iat (1748537243, 1785785053), before exp (1883000000).
VECTOR_NOW = 1_800_000_000
#: The examples' KB-JWTs are months old at VECTOR_NOW: freshness is not what they test.
OLD_KB_OK = 10**9


def load_examples(*parts: str) -> dict[str, dict[str, Any]]:
    """The examples of one file, by section number (skips when ../shared is absent)."""
    data = json.loads(conformance_path(*parts).read_text(encoding="utf-8"))
    return {example["section"]: example for example in data["examples"]}


def issuer_resolver() -> JwksResolver:
    return JwksResolver({"keys": [{**ISSUER_JWK, "kid": VC_KID}]})


def segment(token: str, index: int) -> dict[str, Any]:
    """One decoded JSON segment of a compact JWS (0 header, 1 payload)."""
    return json.loads(b64url_decode(token.split(".")[index]))


def kb_claims(presentation: str) -> dict[str, Any] | None:
    kb_jwt = presentation.split("~")[-1]
    return segment(kb_jwt, 1) if kb_jwt else None


def vector_policy(
    presentation: str, *, sd_jwt_vc: bool, expected_typ: str | None, **overrides: Any
) -> VerificationPolicy:
    """Key binding required exactly for SD-JWT+KB examples, with their own aud and nonce."""
    kb = kb_claims(presentation)
    options: dict[str, Any] = {
        "now": VECTOR_NOW,
        "sd_jwt_vc": sd_jwt_vc,
        "expected_typ": expected_typ,
        "require_key_binding": kb is not None,
        "expected_aud": kb["aud"] if kb else None,
        "expected_nonce": kb["nonce"] if kb else None,
        "max_kb_age_seconds": OLD_KB_OK,
    }
    return VerificationPolicy(**{**options, **overrides})


def printed_json(example: dict[str, Any], index: int) -> Any:
    """A JSON block printed in the section. Blocks the extractor could not parse (a line-wrapped
    base64 string in SD-JWT VC A.1) are re-joined: the wrap is a newline plus indentation."""
    block = example["json_objects_in_section_in_order"][index]
    if isinstance(block, dict) and set(block) == {"__unparsed_text__"}:
        return json.loads(re.sub(r"\n +", "", block["__unparsed_text__"]))
    return block
