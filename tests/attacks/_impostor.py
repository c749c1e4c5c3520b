"""An impostor registry: its own root and signing key, the committed sample's trust list copied
and re-signed, so its bundle claims the sample registry's ``iss`` (and vouches for its issuers)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509

from verifier.jose import b64url_decode
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import (
    BUNDLE_TYP,
    TRUST_LIST_TYP,
    create_registry_certificate,
    create_root_ca,
    dump_der,
    dump_pem,
    sign_registry_jws,
)

from ._cli_support import BUNDLE


def payload_of(token: str) -> dict[str, Any]:
    return dict(json.loads(b64url_decode(token.split(".")[1])))


@dataclass(frozen=True)
class Impostor:
    root: x509.Certificate
    signer: LocalSigner

    @classmethod
    def create(cls, name: str = "impostor root") -> Impostor:
        start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
        root_key, signing_key = generate_private_key(), generate_private_key()
        root = create_root_ca(root_key, name=name, not_before=start, not_after=end)
        certificate = create_registry_certificate(
            signing_key.public_key(), ca_cert=root, ca_key=root_key, name=f"{name} signer",
            uri="https://impostor.example", not_before=start, not_after=end,
        )  # fmt: skip
        return cls(root, LocalSigner(signing_key, certificate_chain=(certificate,)))

    @property
    def root_pem(self) -> bytes:
        return dump_pem(self.root)

    def bundle(self, **edits: Any) -> str:
        """The sample bundle, re-rooted and re-signed by this impostor (``edits`` go into the
        bundle payload; ``trust_list_sequence`` into the trust list's)."""
        payload = payload_of(BUNDLE.read_text().strip())
        trust_list = payload_of(payload["trust_list"])
        if "trust_list_sequence" in edits:
            trust_list["sequence"] = edits.pop("trust_list_sequence")
        payload.update(
            root=base64.b64encode(dump_der(self.root)).decode(),
            trust_list=sign_registry_jws(trust_list, typ=TRUST_LIST_TYP, signer=self.signer),
            **edits,
        )
        return sign_registry_jws(payload, typ=BUNDLE_TYP, signer=self.signer)
