"""SD-JWT VC verification and issuance: civicred vs the raw-signature floor vs the `sd-jwt` package.

Run: ``.venv/bin/python bench/sdjwt_verify.py``. Everything is measured in this one process, on
the same input, so the ratios are meaningful on any machine (absolute numbers are not).

Verification input: a realistic credential with 12 selectively disclosable claims, 4 of them
disclosed, presented with a KB-JWT. Floor: the two ES256 verifications any verifier must do
(issuer signature and KB signature) with `cryptography`, keys already loaded.
Issuance floor: one ES256 signature.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import per_second, table
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from verifier.jose import b64url_decode, jwk_from_private_key, jwk_from_public_key
from verifier.sdjwt import (
    HeldCredential,
    VerificationPolicy,
    issue_sd_jwt_vc,
    verify_sd_jwt,
)
from verifier.signing import LocalSigner, generate_private_key
from verifier.trust import JwksResolver

NOW = 1_795_000_000
NONCE, AUD = "bench-nonce-4711", "x509_san_dns:verifier.example"
CLAIMS = {
    "given_name": "Marie-Louise",
    "family_name": "Peeters",
    "birth_date": "1951-07-30",
    "personal_administrative_number": "85073003328",
    "reduced_tariff_eligible": True,
    "age_over_65": True,
    "municipality_nis": "44021",
    "email": "marie@example.be",
    "phone_number": "+32 470 00 00 00",
    "address": {
        "street_address": "Rue de la Loi 16",
        "locality": "Bruxelles",
        "postal_code": "1000",
    },
    "nationality": "BE",
    "place_of_birth": "Namur",
    "issuing_authority": {"id": "BE:CBSS", "name": "CBSS", "country": "BE"},
    "valid_from": "2026-01-01",
    "valid_until": "2027-12-31",
}
DISCLOSABLE = [
    "/given_name", "/family_name", "/birth_date", "/personal_administrative_number",
    "/reduced_tariff_eligible", "/age_over_65", "/municipality_nis", "/email", "/phone_number",
    "/address", "/nationality", "/place_of_birth",
]  # fmt: skip
DISCLOSED = ["/given_name", "/family_name", "/reduced_tariff_eligible", "/age_over_65"]


def main() -> None:
    issuer_key, holder_key = generate_private_key("ES256"), generate_private_key("ES256")
    issuer, holder = LocalSigner(issuer_key), LocalSigner(holder_key)
    holder_jwk = jwk_from_public_key(holder_key.public_key())

    def ours_issue() -> str:
        return issue_sd_jwt_vc(
            CLAIMS, vct="urn:civicred:social-status:1", iss="https://issuer.example",
            signer=issuer, disclosable=DISCLOSABLE, iat=NOW, exp=NOW + 86400, holder_jwk=holder_jwk,
        ).compact  # fmt: skip

    credential = ours_issue()
    held = HeldCredential.parse(credential)
    presentation = held.present(
        held.select(DISCLOSED), holder=holder, nonce=NONCE, aud=AUD, iat=NOW
    )
    resolver = JwksResolver(
        {"keys": [{**jwk_from_public_key(issuer_key.public_key()), "kid": issuer.kid}]}
    )
    policy = VerificationPolicy(
        now=NOW, require_key_binding=True, expected_nonce=NONCE, expected_aud=AUD
    )
    report = verify_sd_jwt(presentation, policy=policy, resolver=resolver)
    assert report.valid, report.failures

    # Floor: two raw ES256 verifications (signatures converted to DER beforehand).
    issuer_jwt, kb_jwt = presentation.split("~")[0], presentation.split("~")[-1]
    floor_inputs = []
    for jwt, key in ((issuer_jwt, issuer_key.public_key()), (kb_jwt, holder_key.public_key())):
        head, body, sig = jwt.split(".")
        raw = b64url_decode(sig)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        floor_inputs.append((key, der, f"{head}.{body}".encode()))
    ecdsa = ec.ECDSA(hashes.SHA256())

    def floor_verify() -> None:
        for key, der, message in floor_inputs:
            key.verify(der, message, ecdsa)

    def ours_verify() -> None:
        verify_sd_jwt(presentation, policy=policy, resolver=resolver)

    verify_rows = [
        ("floor: 2× ES256 verify", per_second(floor_verify)),
        ("civicred", per_second(ours_verify)),
    ]
    sign_message = issuer_jwt.encode()
    issue_rows = [
        ("floor: 1× ES256 sign", per_second(lambda: issuer_key.sign(sign_message, ecdsa))),
        ("civicred", per_second(ours_issue)),
    ]
    reference = _reference(issuer_key, holder_key, presentation)
    if reference:
        verify_rows.append(("sd-jwt 0.10.4 (reference)", per_second(reference[0])))
        issue_rows.append(("sd-jwt 0.10.4 (reference)", per_second(reference[1])))
    print(
        f"SD-JWT VC verification: {len(DISCLOSABLE)} disclosable claims, {len(DISCLOSED)} disclosed, KB-JWT"
    )
    print(table(verify_rows, baseline="floor: 2× ES256 verify"))
    print()
    print("SD-JWT VC issuance (same claims, decoys on)")
    print(table(issue_rows, baseline="floor: 1× ES256 sign"))
    if reference:
        v, i = dict(verify_rows), dict(issue_rows)
        print()
        print(
            f"civicred verifies {v['civicred'] / v['sd-jwt 0.10.4 (reference)']:.2f}× as fast as the reference;"
        )
        print(
            f"civicred issues   {i['civicred'] / i['sd-jwt 0.10.4 (reference)']:.2f}× as fast as the reference."
        )


def _reference(issuer_key, holder_key, presentation):  # type: ignore[no-untyped-def]
    """Closures running the `sd-jwt` reference package on the same input, if it is installed."""
    try:
        from jwcrypto.jwk import JWK
        from sd_jwt.common import SDObj
        from sd_jwt.issuer import SDJWTIssuer
        from sd_jwt.verifier import SDJWTVerifier
    except ImportError:
        print("(sd-jwt reference package not installed: pip install sd-jwt==0.10.4)")
        return None
    ref_issuer = JWK.from_json(__import__("json").dumps(jwk_from_private_key(issuer_key)))
    ref_holder = JWK.from_json(
        __import__("json").dumps(jwk_from_public_key(holder_key.public_key()))
    )
    ref_public = JWK.from_json(
        __import__("json").dumps(jwk_from_public_key(issuer_key.public_key()))
    )
    names = {p[1:] for p in DISCLOSABLE}
    user_claims = {(SDObj(k) if k in names else k): v for k, v in CLAIMS.items()}
    user_claims.update(
        iss="https://issuer.example", iat=NOW, exp=NOW + 86400, vct="urn:civicred:social-status:1"
    )

    def verify() -> None:
        SDJWTVerifier(presentation, lambda iss, header: ref_public, AUD, NONCE)

    def issue() -> None:
        SDJWTIssuer(user_claims, ref_issuer, ref_holder, add_decoy_claims=True,
                    extra_header_parameters={"typ": "dc+sd-jwt"})  # fmt: skip

    verify()  # the reference must accept our presentation for the comparison to be fair
    return verify, issue


if __name__ == "__main__":
    main()
