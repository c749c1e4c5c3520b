"""JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc §4) and per-issuer JWK Sets.

The registry mirrors, for each issuer, ``{"issuer": <credential_issuer>, "jwks": {...}}`` with the
``active`` and ``published`` document-signing keys. ``kid`` is the RFC 7638 JWK thumbprint (what
``LocalSigner`` puts in the JOSE header); ``x5c`` is the leaf certificate (never the root).
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from trust_registry.domain._errors import NotFound
from trust_registry.domain._rows import get_issuer_row
from trust_registry.storage import CertificateRow, Database, IssuerRow
from verifier.jose import algorithm_for_key, jwk_from_public_key, jwk_thumbprint
from verifier.trust import dump_der, load_certificate, x5t_s256

SIGNING_STATES = ("active", "published")


def _jwk(der: bytes) -> dict[str, Any]:
    cert = load_certificate(der)
    key = cert.public_key()
    jwk: dict[str, Any] = jwk_from_public_key(key)  # type: ignore[arg-type]
    jwk["kid"] = jwk_thumbprint(jwk)
    jwk["alg"] = algorithm_for_key(key).name  # type: ignore[arg-type]
    jwk["use"] = "sig"
    jwk["x5t#S256"] = x5t_s256(cert)
    jwk["x5c"] = [base64.b64encode(dump_der(cert)).decode("ascii")]
    return jwk


def _url_keys(credential_issuer: str) -> set[str]:
    """The well-known suffixes that name an issuer: its URL path, or host[:port] + path."""
    parts = urlsplit(credential_issuer)
    path = parts.path.strip("/")
    return {path, f"{parts.netloc}/{path}".strip("/")}


class MetadataService:
    def __init__(self, db: Database) -> None:
        self._db = db

    def jwks(self, issuer_id: str) -> dict[str, Any]:
        with self._db.session() as session:
            get_issuer_row(session, issuer_id)
            rows = session.scalars(
                select(CertificateRow)
                .where(
                    CertificateRow.issuer_id == issuer_id,
                    CertificateRow.use == "document_signing",
                    CertificateRow.state.in_(SIGNING_STATES),
                )
                .order_by(CertificateRow.id)
            )
            return {"keys": [_jwk(r.der) for r in rows]}

    def issuer_metadata(self, suffix: str) -> dict[str, Any]:
        """``/.well-known/jwt-vc-issuer/<suffix>``: ``suffix`` is the path of the issuer URL
        (empty for ``https://issuer.example``) or its host and path."""
        suffix = suffix.strip("/")
        with self._db.session() as session:
            matches = [
                row
                for row in session.scalars(select(IssuerRow).order_by(IssuerRow.id))
                if suffix in _url_keys(row.credential_issuer)
            ]
        if len(matches) != 1:
            what = "no issuer" if not matches else "more than one issuer"
            raise NotFound(f"{what} matches the well-known path {suffix!r}")
        issuer = matches[0]
        return {"issuer": issuer.credential_issuer, "jwks": self.jwks(issuer.id)}
