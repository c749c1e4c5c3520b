"""The sample credentials, made by a real registry and issuer over real HTTP.

In a running world (:mod:`issuer.world`: the trust registry and the issuer service as
subprocesses), :func:`generate_samples` acts as a wallet (:mod:`issuer.wallet_client`) and obtains
every SD-JWT VC sample through OpenID4VCI over HTTP: one offer for a social status, an EHIC and a
PRC, and two more social statuses that the operator then revokes and suspends (with a reason). It
renders the signed PDFs and publishes the status and revocation lists to the registry;
:func:`verify_samples` fetches nothing and verifies every sample offline against the bundle.
Keys are DEV ONLY and generated on first run; the issuer's private keys never leave the world's
``workdir``. The main job around it is :mod:`issuer.demo`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from issuer.lifecycle import ReasonCode
from issuer.services import IssuerServices
from issuer.settings import DEV_ADMIN_TOKEN
from issuer.sources import DevAuthenticSource
from issuer.status import Change
from issuer.wallet_client import Wallet, obtain
from issuer.world import World, publish
from verifier import OfflineVerifier, VerificationReport, VerificationTime, codes
from verifier.sdjwt import HeldCredential, VerificationPolicy
from verifier.signing import (
    LocalSigner,
    generate_private_key,
    load_signer,
    public_jwk_with_kid,
    write_key_dir,
)
from verifier.status import STATUS_LIST_CWT_MEDIA_TYPE, TokenStatus

MUSEUM_AUD = "x509_san_dns:museum.example"
PHARMACY_AUD = "x509_san_dns:pharmacy.example"
HOSPITAL_AUD = "x509_san_dns:hospital.example"
HOLDER_KEY_FILE = "holder-key.DEV-ONLY.jwk"
MUSEUM_CLAIMS = ["/reduced_tariff_eligible", "/family_name", "/given_name"]
PHARMACY_CLAIMS = ["/personal_administrative_number", "/document_number", "/subject"]
#: The fictional citizen of the wallet samples and of the printed offer.
DEMO_SUBJECT = "p-0001"


@dataclass(frozen=True)
class Sample:
    file: str
    description: str
    expected: str  # "valid" | "invalid" | "undetermined"
    require_kb: bool = False
    nonce: str | None = None
    aud: str | None = None
    kind: str = "sd-jwt"  # or "document" (a PDF, its QR text or its QR image)
    date: str | None = None  # treatment / visit date for documents (default: the issue date)
    verify_at: str | None = None  # verification time when not the generation time
    reason: str | None = None  # the code of the expected failure


@dataclass(frozen=True)
class WalletSample:
    name: str
    what: str
    aud: str  # the verifier it is presented to
    disclose: tuple[str, ...]


@dataclass(frozen=True)
class WalletGrant:
    """One offer: its configurations (one sample each), and the state the grant is put in."""

    configuration_ids: tuple[str, ...]
    samples: tuple[WalletSample, ...]
    state: TokenStatus = TokenStatus.VALID
    reason: ReasonCode = ReasonCode.OTHER  # of the operator's change to ``state``


def _social_status(name: str, what: str) -> WalletSample:
    return WalletSample(name, what, MUSEUM_AUD, tuple(MUSEUM_CLAIMS))


WALLET_GRANTS = (
    WalletGrant(
        ("social-status-1", "ehic-1", "ehic-prc-1"),
        (
            _social_status(
                "social-status", "social status shown at a museum (entitlement and name only)"
            ),
            WalletSample(
                "ehic", "EHIC shown to a pharmacy abroad", PHARMACY_AUD, tuple(PHARMACY_CLAIMS)
            ),
            WalletSample(
                "ehic-prc",
                "Provisional Replacement Certificate shown to a hospital abroad",
                HOSPITAL_AUD,
                tuple(PHARMACY_CLAIMS),
            ),
        ),
    ),
    WalletGrant(
        ("social-status-1",),
        (_social_status("social-status-revoked", "revoked social status"),),
        TokenStatus.INVALID,
        ReasonCode.DEVICE_LOST,
    ),
    WalletGrant(
        ("social-status-1",),
        (_social_status("social-status-suspended", "suspended social status"),),
        TokenStatus.SUSPENDED,
        ReasonCode.FRAUD_SUSPECTED,
    ),
)

DOCUMENTS = (
    # name, type, language, person, what, state ("valid" | "revoked" | "expired")
    ("eprc", "prc", "en", "p-0001", "ePRC (EU eessi:prc:1.0)", "valid"),
    ("eehic", "ehic", "fr", "p-0002", "eEHIC card, in French", "valid"),
    (
        "social-status-venue",
        "ssh",
        "nl",
        "p-0001",
        "social-status venue attestation, in Dutch",
        "valid",
    ),
    ("eprc-revoked", "prc", "de", "p-0002", "revoked ePRC, in German", "revoked"),
    ("eprc-expired", "prc", "en", "p-0001", "ePRC presented after its validity ended", "expired"),
)


def _holder(keys_dir: Path) -> LocalSigner:
    directory = keys_dir / "holder"
    if not (directory / "private.jwk").exists():
        write_key_dir(directory, generate_private_key("ES256"), alg="ES256")
    return load_signer(directory / "private.jwk")


def generate_samples(world: World, out: Path, *, now: datetime) -> list[Sample]:
    if out.exists():
        for stale in ("status",):
            shutil.rmtree(out / stale, ignore_errors=True)
    (out / "status").mkdir(parents=True, exist_ok=True)
    services = world.services
    holder = _holder(services.settings.keys_dir.parent)
    (out / HOLDER_KEY_FILE).write_text(
        (services.settings.keys_dir.parent / "holder" / "private.jwk").read_text()
    )
    samples = _wallet_samples(world, out, holder, now=now)
    samples.extend(_documents(world, out, now=now))
    publish(world)
    _write_status_lists(world, out)
    (out / "issuer-jwks.json").write_text(
        json.dumps({"keys": [_document_jwk(services)]}, indent=2) + "\n"
    )
    (out / "registry-root.pem").write_bytes(world.registry.root_pem())
    for name, signer in (
        ("document-signing", services.document_signer),
        ("status-signing", services.status_signer),
    ):
        chain = b"".join(c.public_bytes(Encoding.PEM) for c in signer.certificate_chain)
        (out / f"issuer-{name}.pem").write_bytes(chain)
    (out / "bundle.jwt").write_text(world.registry.bundle() + "\n")
    manifest = {
        "generated_at": now.isoformat(timespec="seconds"),
        "issuer": services.settings.credential_issuer,
        "warning": "DEV-ONLY keys and fictional people; never trust these keys in production",
        "samples": [asdict(s) for s in samples],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out / "README.md").write_text(_readme(samples, now))
    return samples


def _wallet_samples(world: World, out: Path, holder: LocalSigner, *, now: datetime) -> list[Sample]:
    """The SD-JWT VCs, obtained from the issuer service through OpenID4VCI over HTTP (the demo
    is the wallet, ``holder`` its key); each also presented to its verifier with a KB-JWT."""
    samples: list[Sample] = []
    with httpx.Client(base_url=world.issuer_url, timeout=30) as http:
        for grant in WALLET_GRANTS:
            created = create_offer(http, grant.configuration_ids)
            holders = {cid: [holder] for cid in grant.configuration_ids}
            obtained = obtain(
                Wallet(http), created["offer_by_reference"], created["tx_code"], holders
            )
            if grant.state is not TokenStatus.VALID:  # every copy of the grant, with a reason
                world.services.lifecycle.change_group(
                    created["grant_reference"], Change.to(grant.state), actor="demo",
                    reason=grant.reason,
                )  # fmt: skip
            for response, sample in zip(obtained, grant.samples, strict=True):
                (credential,) = response.credentials
                samples += _wallet_sample(out, sample, credential, holder, grant.state, now=now)
    return samples


def create_offer(http: httpx.Client, configuration_ids: Sequence[str]) -> dict[str, Any]:
    """An offer for the fictional citizen p-0001 with a transaction code (operator API, the
    DEV-ONLY operator token)."""
    response = http.post(
        "/operator/offers",
        json={"subject_id": DEMO_SUBJECT, "credential_configuration_ids": list(configuration_ids)},
        headers={"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"},
    )
    response.raise_for_status()
    created: dict[str, Any] = response.json()
    return created


def _wallet_sample(
    out: Path,
    sample: WalletSample,
    credential: str,
    holder: LocalSigner,
    state: TokenStatus,
    *,
    now: datetime,
) -> list[Sample]:
    expected = "valid" if state is TokenStatus.VALID else "invalid"
    reason = {
        TokenStatus.INVALID: codes.STATUS_REVOKED,
        TokenStatus.SUSPENDED: codes.STATUS_SUSPENDED,
    }.get(state)
    (out / f"{sample.name}.sd-jwt").write_text(credential + "\n")
    held = HeldCredential.parse(credential)
    nonce = f"sample-nonce-{sample.name}"
    presentation = held.present(
        held.select(sample.disclose), holder=holder, nonce=nonce, aud=sample.aud,
        iat=int(now.timestamp()),
    )  # fmt: skip
    (out / f"{sample.name}.presentation.sd-jwt").write_text(presentation + "\n")
    return [
        Sample(f"{sample.name}.sd-jwt", f"{sample.what}, as issued", expected, reason=reason),
        Sample(
            f"{sample.name}.presentation.sd-jwt",
            f"{sample.what}, presented",
            expected,
            True,
            nonce,
            sample.aud,
            reason=reason,
        ),
    ]


def _documents(world: World, out: Path, *, now: datetime) -> list[Sample]:
    """Signed PDFs with their QR text and a PNG of the QR; one revoked, one expired."""
    from issuer.documents import DocumentService, make_symbol
    from issuer.paper import PaperIssuer

    paper = PaperIssuer(world.services, DocumentService())
    people = DevAuthenticSource()
    samples = []
    for name, doc_type, language, person_id, what, state in DOCUMENTS:
        options = {}
        if state == "expired":
            options = {"prc_days": 1}  # valid on the issue date only
        person = people.person(person_id)
        rendered = paper.issue(doc_type, person, language, now=now, **options).rendered
        if state == "revoked":
            world.services.revocation.revoke(rendered.payload["jti"], actor="demo")
        (out / f"{name}.pdf").write_bytes(rendered.pdf_bytes)
        (out / f"{name}.qr.txt").write_text(rendered.qr_text + "\n")
        # The PNG shows the very symbol printed on the PDF (same encoder, version, ECC, mask).
        (out / f"{name}.qr.png").write_bytes(make_symbol(rendered.sid, rendered.qr_text).png())
        expected, date, reason, verify_at = "valid", None, None, None
        if state == "revoked":
            expected, reason = "invalid", codes.REVOCATION_REVOKED
        elif state == "expired":
            # Valid on its issue date only; presented the next day (a few minutes after
            # midnight, local time), while the bundle and the lists are still fresh.
            next_day = datetime.fromisoformat(rendered.payload["prc"]["ed"]) + timedelta(
                days=1, minutes=5
            )
            moment = next_day.replace(tzinfo=now.astimezone().tzinfo)
            date, verify_at = next_day.date().isoformat(), moment.isoformat(timespec="seconds")
            expected, reason = "invalid", codes.QR_VALIDITY
        for suffix, kind_what in (
            (".pdf", "signed PDF"),
            (".qr.txt", "QR text"),
            (".qr.png", "QR image"),
        ):
            samples.append(
                Sample(
                    f"{name}{suffix}",
                    f"{what}: {kind_what} (QR v{rendered.qr_version}-{rendered.ecc})",
                    expected,
                    kind="document",
                    date=date,
                    reason=reason,
                    verify_at=verify_at,
                )
            )
    return samples


def _document_jwk(services: IssuerServices) -> dict[str, object]:
    signer = services.document_signer
    return {**public_jwk_with_kid(signer.public_key(), signer.algorithm.name), "kid": signer.kid}


def _write_status_lists(world: World, out: Path) -> None:
    """The lists exactly as the issuer serves them (JWT and CWT)."""
    for uri in world.services.status.list_uris():
        list_id = uri.rsplit("/", 1)[-1]
        served = f"{world.issuer_url}/status/{list_id}"  # as served now (URIs are identifiers)
        jwt = httpx.get(served, timeout=10)
        cwt = httpx.get(served, headers={"Accept": STATUS_LIST_CWT_MEDIA_TYPE}, timeout=10)
        jwt.raise_for_status()
        cwt.raise_for_status()
        (out / "status" / f"{list_id}.jwt").write_bytes(jwt.content)
        (out / "status" / f"{list_id}.cwt").write_bytes(cwt.content)


def verify_samples(out: Path, *, now: datetime) -> list[tuple[Sample, VerificationReport]]:
    """Every sample verified offline: only the bundle and the pinned root, no network."""
    manifest = json.loads((out / "manifest.json").read_text())
    root = x509.load_pem_x509_certificate((out / "registry-root.pem").read_bytes())
    offline = OfflineVerifier.from_bundle(
        (out / "bundle.jwt").read_text().strip(), root=root, time=_local_time(now)
    )
    results = []
    for raw in manifest["samples"]:
        sample = Sample(**raw)
        if sample.kind == "document":
            at = datetime.fromisoformat(sample.verify_at) if sample.verify_at else now
            report = verify_document(out / sample.file, offline, now=at, date=sample.date)
        else:
            policy = VerificationPolicy.at(
                now,
                require_key_binding=sample.require_kb,
                expected_nonce=sample.nonce,
                expected_aud=sample.aud,
            )
            report = offline.verify_sd_jwt((out / sample.file).read_text().strip(), policy)
        results.append((sample, report))
    return results


def verify_document(
    path: Path, offline: OfflineVerifier, *, now: datetime, date: str | None
) -> VerificationReport:
    """A PDF, QR text or QR image verified as a foreign institution or a venue would."""
    from verifier.inputs import detect_input

    data = path.read_bytes()
    treatment = datetime.fromisoformat(date).date() if date else None
    checker = offline.at(_local_time(now, treatment))
    return checker.verify_document(data, detect_input(data))


def _local_time(now: datetime, treatment: date | None = None) -> VerificationTime:
    """``now`` with this machine's calendar date, as ``civicred verify`` takes it."""
    return VerificationTime(now, now.astimezone().date(), treatment)


def _readme(samples: list[Sample], now: datetime) -> str:
    at = now.isoformat(timespec="seconds")
    rows = [f"| `{s.file}` | {s.description} | {s.expected} |" for s in samples]
    commands = []
    for s in samples:
        kb = f" \\\n    --nonce {s.nonce} --aud {s.aud}" if s.require_kb else ""
        kb += f" --date {s.date}" if s.date else ""
        commands.append(
            f"civicred verify sample_credentials/{s.file} \\\n    --bundle sample_credentials/bundle.jwt "
            f"--root sample_credentials/registry-root.pem --now {s.verify_at or at}{kb}"
        )
    return "\n".join(
        [
            "# Sample credentials (generated — do not edit)",
            "",
            "Made by `civicred samples --out sample_credentials`: a real trust registry and issuer,",
            "DEV-ONLY keys generated on first run, fictional people. Generated at " + at + ".",
            "Verify with `--now` set to that time: the bundle, the status lists and the key-binding",
            "JWTs are fresh only for a while (24 h, 24 h and 5 minutes).",
            "",
            "| file | what | expected |",
            "|---|---|---|",
            *rows,
            "| `bundle.jwt` | the registry's signed offline bundle (trust list + status lists) | |",
            "| `registry-root.pem` | the registry root to pin | |",
            "| `issuer-document-signing.pem`, `issuer-status-signing.pem` | the issuer's certificates | |",
            "| `status/*.jwt`, `status/*.cwt` | the Token Status Lists exactly as served | |",
            "| `issuer-jwks.json` | the issuer's document-signing key (ad-hoc `--issuer-jwks` checks) | |",
            f"| `{HOLDER_KEY_FILE}` | the holder's private key (DEV ONLY) for new presentations | |",
            "",
            "```sh",
            *commands,
            "```",
            "",
        ]
    )
