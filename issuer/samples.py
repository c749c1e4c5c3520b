"""The main job and the sample credentials: a real registry and issuer, real HTTP, real lists.

``run`` starts the trust registry (subprocess) and the issuer (this process), obtains the
issuer's certificates from the registry, issues SD-JWT VCs with status references (one valid, one
revoked, one suspended, and an EHIC), publishes the status lists to the registry, fetches the
signed offline bundle over HTTP and verifies every sample offline against it. Keys are DEV ONLY
and generated on first run; the issuer's private keys never leave ``workdir``.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from issuer.citizen_demo import citizen_login
from issuer.services import IssuerServices
from issuer.sources import DevAuthenticSource
from issuer.world import World, publish, running_world
from servicekit.local import free_port
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
HOLDER_KEY_FILE = "holder-key.DEV-ONLY.jwk"
MUSEUM_CLAIMS = ["/reduced_tariff_eligible", "/family_name", "/given_name"]
PHARMACY_CLAIMS = ["/personal_administrative_number", "/document_number", "/subject"]


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
    holder_jwk = public_jwk_with_kid(holder.public_key())
    (out / HOLDER_KEY_FILE).write_text(
        (services.settings.keys_dir.parent / "holder" / "private.jwk").read_text()
    )
    person = DevAuthenticSource().person("p-0001")
    samples: list[Sample] = []

    def issue(
        name: str, type_id: str, state: TokenStatus, aud: str, wanted: list[str], what: str
    ) -> None:
        allocation = services.status.allocate(group_id=f"demo/{name}")
        credential = services.credentials.issue(
            type_id, person, holder_jwk=holder_jwk, now=now, status=allocation.reference.to_claim()
        ).compact
        services.lifecycle.record(
            grant_reference=f"demo/{name}",
            credential_type=type_id,
            credential_ids=[allocation.credential_id],
        )
        if state is not TokenStatus.VALID:
            services.status.set_status(allocation.credential_id, state, actor="demo")
        expected = "valid" if state is TokenStatus.VALID else "invalid"
        reason = {
            TokenStatus.INVALID: "status.revoked",
            TokenStatus.SUSPENDED: "status.suspended",
        }.get(state)
        (out / f"{name}.sd-jwt").write_text(credential + "\n")
        samples.append(Sample(f"{name}.sd-jwt", f"{what}, as issued", expected, reason=reason))
        held = HeldCredential.parse(credential)
        nonce = f"sample-nonce-{name}"
        presentation = held.present(
            held.select(wanted), holder=holder, nonce=nonce, aud=aud, iat=int(now.timestamp())
        )
        (out / f"{name}.presentation.sd-jwt").write_text(presentation + "\n")
        samples.append(
            Sample(
                f"{name}.presentation.sd-jwt",
                f"{what}, presented",
                expected,
                True,
                nonce,
                aud,
                reason=reason,
            )
        )

    issue("social-status", "social-status", TokenStatus.VALID, MUSEUM_AUD, MUSEUM_CLAIMS,
          "social status shown at a museum (entitlement and name only)")  # fmt: skip
    issue("social-status-revoked", "social-status", TokenStatus.INVALID, MUSEUM_AUD, MUSEUM_CLAIMS,
          "revoked social status")  # fmt: skip
    issue("social-status-suspended", "social-status", TokenStatus.SUSPENDED, MUSEUM_AUD, MUSEUM_CLAIMS,
          "suspended social status")  # fmt: skip
    issue(
        "ehic",
        "ehic",
        TokenStatus.VALID,
        PHARMACY_AUD,
        PHARMACY_CLAIMS,
        "EHIC shown to a pharmacy abroad",
    )

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
            expected, reason = "invalid", "qr.validity"
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


def run(
    out: Path, workdir: Path, *, registry_port: int | None, issuer_port: int | None, serve: bool
) -> int:
    issuer_port = issuer_port or free_port()
    with (
        citizen_login(workdir, issuer_port, start=serve) as citizens,
        running_world(
            workdir,
            registry_port=registry_port,
            issuer_port=issuer_port,
            issuer_settings=citizens.settings,
        ) as world,
    ):
        # After the certificates were activated, rounded up: iat is in whole seconds.
        now = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
        print(f"registry  {world.registry_url}   issuer  {world.issuer_url}")
        print("\n".join(citizens.lines))
        generate_samples(world, out, now=now)
        failures = 0
        for sample, report in verify_samples(out, now=now):
            ok = report.outcome.value == sample.expected and (
                report.valid
                or report.failures[0].code == (sample.reason or report.failures[0].code)
            )
            failures += not ok
            reason = f" ({report.failures[0].code})" if report.failures else ""
            print(
                f"{report.outcome.value.upper():12} {sample.file:44} {'ok' if ok else 'UNEXPECTED'}{reason}"
            )
        print(f"samples in {out}; state and DEV-ONLY keys in {workdir}")
        if serve and not failures:
            print("serving; press Ctrl-C to stop")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                print()
    return 1 if failures else 0
