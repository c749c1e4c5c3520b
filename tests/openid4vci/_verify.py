"""Checking what the issuer returned with the project's own verifier: the SD-JWT VC with a key
binding presentation (so ``cnf`` is the proof key) and its status entry on the served list."""

from __future__ import annotations

from datetime import datetime

import httpx

from issuer.services import IssuerServices
from verifier import Outcome
from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.sdjwt import VerificationPolicy, present, verify_sd_jwt
from verifier.signing import LocalSigner, public_jwk_with_kid
from verifier.status import StatusReference, TokenStatus, decode_status_list_jwt
from verifier.trust import JwksResolver

VERIFIER = "https://verifier.example.test"


def verify_presented(
    services: IssuerServices, credential: str, holder: LocalSigner, *, vct: str, now: datetime
) -> dict[str, object]:
    """Present ``credential`` with ``holder``'s key and verify it; the verified claims."""
    presentation = present(
        credential, ["/personal_administrative_number"], holder=holder, nonce="vp-nonce",
        aud=VERIFIER, iat=int(now.timestamp()),
    )  # fmt: skip
    resolver = JwksResolver(
        {"keys": [public_jwk_with_kid(services.document_signer.public_key())]},
        issuer=services.settings.credential_issuer,
    )
    policy = VerificationPolicy.at(
        now, require_key_binding=True, expected_nonce="vp-nonce", expected_aud=VERIFIER,
        accepted_vcts=frozenset({vct}),
    )  # fmt: skip
    report = verify_sd_jwt(presentation, policy=policy, resolver=resolver)
    assert report.outcome is Outcome.VALID, report.failures
    assert report.claims is not None
    return dict(report.claims)


def served_status(
    http: httpx.Client, services: IssuerServices, claims: dict[str, object], *, now: datetime
) -> TokenStatus:
    """The entry's status on the list as the issuer serves it over HTTP, signature checked."""
    reference = StatusReference.from_claims(claims)
    assert reference is not None
    response = http.get(reference.uri)
    assert response.status_code == 200, response.text
    token = decode_status_list_jwt(
        response.text,
        key=services.status_signer.public_key(),
        policy=CREDENTIAL_ALGORITHMS,
        expected_uri=reference.uri,
        now=int(now.timestamp()),
    )
    return TokenStatus(token.status(reference.idx))
