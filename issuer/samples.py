"""Generate the sample credentials (``sample_credentials/``) and verify them.

Everything here is made by code with freshly generated DEV-ONLY keys: the issuer's private key
stays in the keys directory (git-ignored ``var/``); the samples folder holds only public keys, the
credentials, presentations and the holder's dev-only key (needed to make new presentations).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from issuer.issuance import CredentialIssuer
from issuer.sources import DevAuthenticSource
from verifier import VerificationReport
from verifier.sdjwt import HeldCredential, VerificationPolicy, verify_sd_jwt
from verifier.signing import (
    LocalSigner,
    generate_private_key,
    load_signer,
    public_jwk_with_kid,
    write_key_dir,
)
from verifier.trust import JwksResolver

DEV_ISSUER = "https://issuer.civicred.localhost"
MUSEUM_AUD = "x509_san_dns:museum.example"
PHARMACY_AUD = "x509_san_dns:pharmacy.example"
HOLDER_KEY_FILE = "holder-key.DEV-ONLY.jwk"


@dataclass(frozen=True)
class Sample:
    file: str
    description: str
    require_kb: bool
    nonce: str | None = None
    aud: str | None = None


def dev_signer(keys_dir: Path, name: str, alg: str = "ES256") -> LocalSigner:
    """A dev signing key, generated on first use and reused afterwards."""
    directory = keys_dir / name
    if not (directory / "private.jwk").exists():
        write_key_dir(directory, generate_private_key(alg), alg=alg)
    return load_signer(directory / "private.jwk")


def generate_samples(out: Path, *, keys_dir: Path, now: datetime) -> list[Sample]:
    out.mkdir(parents=True, exist_ok=True)
    issuer_signer = dev_signer(keys_dir, "issuer")
    holder_dir = keys_dir / "holder"
    holder = dev_signer(keys_dir, "holder")
    (out / HOLDER_KEY_FILE).write_text((holder_dir / "private.jwk").read_text())
    jwks = {"keys": [public_jwk_with_kid(issuer_signer.public_key(), issuer_signer.algorithm.name)]}
    (out / "issuer-jwks.json").write_text(json.dumps(jwks, indent=2) + "\n")

    issuer = CredentialIssuer(DEV_ISSUER, issuer_signer)
    holder_jwk = public_jwk_with_kid(holder.public_key())
    person = DevAuthenticSource().person("p-0001")
    samples = []
    for type_id, audience, wanted, description in (
        (
            "social-status",
            MUSEUM_AUD,
            ["/reduced_tariff_eligible", "/family_name", "/given_name"],
            "social status shown at a museum: entitlement and name only",
        ),
        (
            "ehic",
            PHARMACY_AUD,
            ["/personal_administrative_number", "/document_number", "/subject"],
            "EHIC shown to a pharmacy abroad",
        ),
    ):
        credential = issuer.issue(type_id, person, holder_jwk=holder_jwk, now=now).compact
        (out / f"{type_id}.sd-jwt").write_text(credential + "\n")
        samples.append(Sample(f"{type_id}.sd-jwt", f"{type_id} credential as issued", False))
        nonce = f"sample-nonce-{type_id}"
        held = HeldCredential.parse(credential)
        presentation = held.present(
            held.select(wanted), holder=holder, nonce=nonce, aud=audience, iat=int(now.timestamp())
        )
        (out / f"{type_id}.presentation.sd-jwt").write_text(presentation + "\n")
        samples.append(Sample(f"{type_id}.presentation.sd-jwt", description, True, nonce, audience))
    manifest = {
        "generated_at": now.isoformat(timespec="seconds"),
        "issuer": DEV_ISSUER,
        "warning": "DEV-ONLY keys and fictional people; never trust these keys in production",
        "samples": [s.__dict__ for s in samples],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / "README.md").write_text(_readme(samples, now))
    return samples


def verify_samples(out: Path, *, now: datetime) -> list[tuple[Sample, VerificationReport]]:
    manifest = json.loads((out / "manifest.json").read_text())
    resolver = JwksResolver.from_file(out / "issuer-jwks.json")
    results = []
    for raw in manifest["samples"]:
        sample = Sample(**raw)
        policy = VerificationPolicy.at(
            now,
            require_key_binding=sample.require_kb,
            expected_nonce=sample.nonce,
            expected_aud=sample.aud,
        )
        text = (out / sample.file).read_text().strip()
        results.append((sample, verify_sd_jwt(text, policy=policy, resolver=resolver)))
    return results


def _readme(samples: list[Sample], now: datetime) -> str:
    at = now.isoformat(timespec="seconds")
    lines = [
        "# Sample credentials (generated — do not edit)",
        "",
        "Made by `civicred samples --out sample_credentials` with DEV-ONLY keys and fictional people.",
        f"Generated at {at}. Presentations carry a key-binding JWT whose `iat` is that time, so",
        "verify them with `--now` set to it (a verifier accepts a KB-JWT only for a few minutes).",
        "",
        "| file | what |",
        "|---|---|",
        *[f"| `{s.file}` | {s.description} |" for s in samples],
        "| `issuer-jwks.json` | the dev issuer's public key set |",
        f"| `{HOLDER_KEY_FILE}` | the holder's private key (DEV ONLY) to make new presentations |",
        "",
        "Verify:",
        "",
        "```sh",
    ]
    for s in samples:
        extra = f" --nonce {s.nonce} --aud {s.aud}" if s.require_kb else ""
        lines.append(
            f"civicred sdjwt verify sample_credentials/{s.file} "
            f"--issuer-jwks sample_credentials/issuer-jwks.json{extra} --now {at}"
        )
    lines += ["```", ""]
    return "\n".join(lines)
