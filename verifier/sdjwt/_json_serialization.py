"""JWS JSON Serialization of SD-JWT (RFC 9901 §8, OPTIONAL; HAIP needs only compact).

Verification converts to the compact form, which is also what ``sd_hash`` covers (§8.1). For the
General serialization, disclosures and ``kb_jwt`` live in the first unprotected header only
(§8.3); each signature yields one compact candidate and the caller picks the one it trusts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from verifier import codes
from verifier._errors import MalformedInput
from verifier.jose import CompactJws, b64url_encode, dumps_compact, loads_object

if TYPE_CHECKING:
    from verifier.signing import Signer

Pick = Callable[[CompactJws], bool]


def to_compact(text: str, *, pick: Pick | None = None) -> str:
    """The compact SD-JWT(+KB) equivalent of a JSON-serialized one."""
    document = loads_object(text, what="JWS JSON serialization")
    payload = document.get("payload")
    if "signatures" in document:
        signatures = document["signatures"]
        if not isinstance(signatures, list) or not signatures:
            raise MalformedInput("'signatures' must be a non-empty array", code=codes.INPUT_FORMAT)
        first_header = _unprotected(signatures[0])
        for later in signatures[1:]:
            if {"disclosures", "kb_jwt"} & _unprotected(later).keys():
                raise MalformedInput(
                    "disclosures/kb_jwt are only allowed in the first header (RFC 9901 §8.3)",
                    code=codes.INPUT_FORMAT,
                )
    else:
        signatures = [document]
        first_header = _unprotected(document)
    disclosures = first_header.get("disclosures", [])
    kb_jwt = first_header.get("kb_jwt", "")
    if not isinstance(disclosures, list) or not all(isinstance(d, str) for d in disclosures):
        raise MalformedInput("'disclosures' must be an array of strings", code=codes.INPUT_FORMAT)
    if not isinstance(kb_jwt, str):
        raise MalformedInput("'kb_jwt' must be a string", code=codes.INPUT_FORMAT)
    tail = "~" + "".join(d + "~" for d in disclosures) + kb_jwt
    candidates = []
    for signature in signatures:
        if not isinstance(signature, Mapping):
            raise MalformedInput("a signature entry is not an object", code=codes.INPUT_FORMAT)
        protected, sig = signature.get("protected"), signature.get("signature")
        if not all(isinstance(v, str) for v in (protected, payload, sig)):
            raise MalformedInput(
                "protected/payload/signature must be strings", code=codes.INPUT_FORMAT
            )
        candidates.append(f"{protected}.{payload}.{sig}")
    chosen = candidates[0]
    if pick is not None and len(candidates) > 1:
        chosen = next((c for c in candidates if pick(CompactJws.parse(c))), candidates[0])
    return chosen + tail


def _unprotected(entry: object) -> Mapping[str, Any]:
    header = entry.get("header", {}) if isinstance(entry, Mapping) else None
    if not isinstance(header, Mapping):
        raise MalformedInput("the unprotected header is not an object", code=codes.INPUT_FORMAT)
    return header


def to_json(compact: str, *, general: bool = False, extra_signers: Sequence[Signer] = ()) -> str:
    """Serialize a compact SD-JWT(+KB) as JWS JSON (flattened, or general with extra signers)."""
    parts = compact.split("~")
    protected, payload, signature = parts[0].split(".")
    header: dict[str, Any] = {"disclosures": parts[1:-1]}
    if parts[-1]:
        header["kb_jwt"] = parts[-1]
    if not general:
        return json.dumps(
            {"header": header, "payload": payload, "protected": protected, "signature": signature}
        )
    base_header = CompactJws.parse(parts[0]).header
    entries = [{"header": header, "protected": protected, "signature": signature}]
    for signer in extra_signers:
        extra_protected = b64url_encode(
            dumps_compact({**base_header, "alg": signer.algorithm.name, "kid": signer.kid}).encode(
                "utf-8"
            )
        )
        sig = signer.sign(f"{extra_protected}.{payload}".encode("ascii"))
        entries.append(
            {"header": {}, "protected": extra_protected, "signature": b64url_encode(sig)}
        )
    return json.dumps({"payload": payload, "signatures": entries})
