"""Valid SD-JWT+KB presentations, with the keys that made them, to derive negatives from.

Two published examples (RFC 9901 §5.1/§5.2 and Appendix A.3, whose issuer and holder private keys
are in the example-specs settings.yml) and one credential issued at test time with fresh keys.
"""

from __future__ import annotations

from conftest import conformance_path

from verifier.jose import jwk_from_public_key, private_key_from_jwk
from verifier.sdjwt import HeldCredential, VerificationPolicy, issue_sd_jwt_vc
from verifier.signing import LocalSigner
from verifier.trust import JwksResolver

from ._forge import Material
from ._vectors import RFC9901, issuer_resolver, load_examples, vector_policy
from ._yaml_specs import load_yaml

# name -> (issuance (section, index), presentation (section, index), expected typ, SD-JWT VC?)
VECTOR_MATERIALS = {
    "rfc9901-5.2": (("5.1", 1), ("5.2", 0), "example+sd-jwt", False),
    "rfc9901-A.3": (("A.3", 0), ("A.3", 1), "dc+sd-jwt", True),
}
#: What each material offers: "vc" (an SD-JWT VC), "nested" (recursive disclosures, §4.2.6).
MATERIAL_FEATURES = {
    "rfc9901-5.2": frozenset(),
    "rfc9901-A.3": frozenset({"vc", "nested"}),
    "issued": frozenset({"vc", "nested"}),
}
NOW = 1_800_000_000
NONCE, AUD = "n-0S6_WzA2Mj", "x509_san_dns:verifier.example"


def vector_material(name: str) -> Material:
    (issuance_at, presentation_at, typ, vc) = VECTOR_MATERIALS[name]
    examples = load_examples(*RFC9901)
    issuance = examples[issuance_at[0]]["serialized"][issuance_at[1]]["value"]
    presentation = examples[presentation_at[0]]["serialized"][presentation_at[1]]["value"]
    settings = load_yaml(conformance_path("ietf-sd-jwt-rfc9901", "example-specs", "settings.yml"))
    keys = settings["key_settings"]
    return Material(
        name=name,
        issuer=LocalSigner(private_key_from_jwk(keys["issuer_keys"][0])),
        holder=LocalSigner(private_key_from_jwk(keys["holder_key"])),
        issuance=issuance,
        presentation=presentation,
        policy=vector_policy(presentation, sd_jwt_vc=vc, expected_typ=typ),
        resolver=issuer_resolver(),
    )


def issued_material(issuer: LocalSigner, holder: LocalSigner) -> Material:
    credential = issue_sd_jwt_vc(
        {
            "given_name": "Marie",
            "family_name": "Peeters",
            "address": {"locality": "Namur", "postal_code": "5000", "country": "BE"},
            "nationalities": ["BE", "FR"],
        },
        vct="urn:civicred:test:1",
        iss="https://issuer.example",
        signer=issuer,
        disclosable=[
            "/given_name",
            "/family_name",
            "/address",
            "/address/locality",
            "/nationalities/1",
        ],
        iat=NOW - 60,
        exp=NOW + 86_400,
        holder_jwk=jwk_from_public_key(holder.public_key()),
    ).compact
    held = HeldCredential.parse(credential)
    wanted = ["/given_name", "/address/locality", "/nationalities/1"]
    presentation = held.present(held.select(wanted), holder=holder, nonce=NONCE, aud=AUD, iat=NOW)
    return Material(
        name="issued",
        issuer=issuer,
        holder=holder,
        issuance=credential,
        presentation=presentation,
        policy=VerificationPolicy(
            now=NOW, require_key_binding=True, expected_nonce=NONCE, expected_aud=AUD
        ),
        resolver=JwksResolver(
            {"keys": [{**jwk_from_public_key(issuer.public_key()), "kid": issuer.kid}]}
        ),
    )
