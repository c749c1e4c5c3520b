"""The QR verification flow (EHIC PDF QR PoC v0.5 §5) and its report export (§7).

A fake resolver implements the ``QrDocumentResolver`` protocol (kid + ic + ii + type + di); the
trust snapshot's own resolver is exercised at the end. Nothing here may raise on bad input.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import conformance_path
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st
from qr_samples import TODAY, sample, self_signed, with_body

from verifier import (
    Check,
    CheckResult,
    Outcome,
    StatusUnavailable,
    UntrustedIssuer,
    VerificationTime,
)
from verifier.jose import b64url_encode, dumps_compact, sign_compact
from verifier.qr import (
    BASE45_ALPHABET,
    CIVICRED_EHIC_SID,
    CIVICRED_SSH_SID,
    EESSI_PRC_SID,
    AccreditationPeriod,
    QrDocument,
    QrVerificationPolicy,
    ResolvedDocumentIssuer,
    TrustedCertificates,
    b45encode,
    encode_qr_text,
    framework_kid,
    get_doctype,
    parse_kid,
    report_to_eessi_dict,
    report_to_eessi_json,
    report_to_pdf,
    sign_document,
    verify_qr_document,
)
from verifier.signing import LocalSigner, generate_private_key

NOW = dt.datetime(2025, 3, 12, 10, 30, tzinfo=dt.UTC)
SPEC_TODAY = dt.date(2025, 10, 1)
SPEC_NOW = dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC)
SPEC_TIME = VerificationTime(SPEC_NOW, SPEC_TODAY)
AT_NOW = VerificationTime(NOW, TODAY)


# -- a fake trust source --------------------------------------------------------------------
@dataclass
class Registered:
    cert: x509.Certificate
    official_ids: tuple[str, ...]
    accreditations: dict[str, tuple[dt.date, dt.date | None]]


@dataclass
class FakeResolver:
    """The registry's decision rule (trust-list.md), on a dict: kid → certificate + institutions."""

    entries: dict[str, Registered] = field(default_factory=dict)
    calls: list[tuple[str, str, str, str, dt.date]] = field(default_factory=list)

    def register(self, cert: x509.Certificate, *official_ids: str, **acc: Any) -> None:
        accreditations = acc.get("accreditations") or {
            sid: (dt.date(2024, 1, 1), None)
            for sid in (EESSI_PRC_SID, CIVICRED_EHIC_SID, CIVICRED_SSH_SID)
        }
        thumbprint = parse_kid(framework_kid("EESSI", cert)).thumbprint
        self.entries[thumbprint] = Registered(cert, official_ids, accreditations)

    def resolve_document(
        self, kid: str, ic: str, ii: str, document_type: str, issued_on: dt.date
    ) -> ResolvedDocumentIssuer:
        self.calls.append((kid, ic, ii, document_type, issued_on))
        entry = self.entries.get(parse_kid(kid).thumbprint)
        if entry is None:
            raise UntrustedIssuer("unknown kid", code="trust.unknown_kid")
        official_id = f"{ic}:{ii}"
        if official_id not in entry.official_ids:
            raise UntrustedIssuer(f"not for {official_id}", code="trust.not_for_institution")
        cert = entry.cert
        if not cert.not_valid_before_utc.date() <= issued_on <= cert.not_valid_after_utc.date():
            raise UntrustedIssuer(
                "certificate not valid on di", code="trust.cert_not_valid_on_date"
            )
        start, end = entry.accreditations.get(document_type, (dt.date.max, None))
        if not (start <= issued_on and (end is None or issued_on <= end)):
            raise UntrustedIssuer("not accredited", code="trust.not_accredited")
        return ResolvedDocumentIssuer(
            cert.public_key(),  # type: ignore[arg-type]
            kid,
            ic,
            official_id,
            name=f"Fund {ii}",
            certificate=cert,
            accreditation=AccreditationPeriod(document_type, start, end),
            source="fake registry",
        )


class Issuer:
    def __init__(self, cert_window: tuple[dt.datetime, dt.datetime] | None = None) -> None:
        key = generate_private_key("ES256")
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        self.key = key
        self.cert = self_signed(key) if cert_window is None else _cert(key, *cert_window)
        self.signer = LocalSigner(key)

    def kid(self, sid: str) -> str:
        return framework_kid(get_doctype(sid).kid_framework, self.cert)

    def issue(self, payload: dict[str, Any]) -> str:
        return sign_document(payload, self.signer, self.kid(payload["sid"]))[1]

    def forge(self, payload: Any, header: dict[str, Any] | None = None) -> str:
        """Sign anything (bypassing the issuer's rules): an insider with the key."""
        header = header or {"kid": self.kid(payload.get("sid", EESSI_PRC_SID))}
        return encode_qr_text(sign_compact(header, dumps_compact(payload).encode(), self.signer))


def _cert(
    key: ec.EllipticCurvePrivateKey, start: dt.datetime, end: dt.datetime
) -> x509.Certificate:
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "windowed issuer")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )


@dataclass
class FixedRevocation:
    result: CheckResult
    code: str = "revocation"
    seen: list[QrDocument] = field(default_factory=list)

    def check(self, document: QrDocument) -> Check:
        self.seen.append(document)
        return Check(self.code, self.result, f"fixed answer {self.result.value}")


class BrokenRevocation:
    def check(self, document: QrDocument) -> Check:
        raise RuntimeError("list cache corrupted")


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return Issuer()


@pytest.fixture
def resolver(issuer: Issuer) -> FakeResolver:
    fake = FakeResolver()
    fake.register(issuer.cert, "BE:0120", "BE:NIC-300")
    return fake


def verify(
    text: Any,
    resolver: Any,
    *,
    today: dt.date = TODAY,
    now: dt.datetime = NOW,
    treatment_date: dt.date | None = None,
    **kwargs: Any,
) -> Any:
    kwargs.setdefault("revocation", FixedRevocation(CheckResult.PASSED))
    kwargs["time"] = VerificationTime(now, today, treatment_date)
    return verify_qr_document(text, resolver=resolver, **kwargs)


def codes(report: Any) -> dict[str, str]:
    return {c.code: c.result.value for c in report.checks}


def first_failure(report: Any) -> str:
    return next(c.code for c in report.checks if not c.ok)


# -- the spec's worked example (v0.5 §3.3), --trust-cert semantics -----------------------------
@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    folder = conformance_path("eehic-prc-poc")
    return {
        "text": (folder / "prc_john_doe.qr.b45").read_text("ascii"),
        "cert": folder / "dummy_john_doe_issuer.cert.pem",
    }


def test_the_spec_vector_verifies_end_to_end_with_a_trusted_certificate(
    spec: dict[str, Any],
) -> None:
    resolver = TrustedCertificates.from_files([spec["cert"]])
    report = verify_qr_document(spec["text"], resolver=resolver, time=SPEC_TIME)
    assert report.outcome is Outcome.VALID, report.to_json()
    assert [c.code for c in report.checks] == [
        "qr.treatment_date",
        "qr.decode",
        "qr.schema",
        "trust.key",
        "trust.certificate",
        "qr.signature",
        "trust.accreditation_period",
        "qr.rule",
        "qr.issuer_rule",
        "revocation",
        "qr.validity",
    ]
    results = codes(report)
    assert results["qr.signature"] == "passed"
    # No rid list is available: revocation is optional for eessi:prc:1.0 by default -> warning.
    assert results["revocation"] == "warning"
    assert results["trust.accreditation_period"] == "warning"  # ad-hoc trust: no accreditation
    assert report.details == {
        "treatment_date": "2025-10-01",
        "sid": EESSI_PRC_SID,
        "document_type": "Provisional Replacement Certificate of the European Health Insurance Card",
        "kid": "EESSI:x5t#S256:k9dYaQGljm0xJRAkbMbGUc3KTs8w-7Yr8-ZxBkCoLlw",
        "issuer_country": "BE",
        "official_id": "BE:0120",
        "institution_name": "CM",
        "trust_source": "trusted certificate (ad hoc): CN=John Doe",
        "conclusion": "Approved",
    }
    assert report.claims is not None and report.claims["prc"]["fn"] == "Doe"
    assert report.issuer == "BE:0120" and report.key_id == report.details["kid"]


def test_the_spec_vector_policy_variants(spec: dict[str, Any]) -> None:
    resolver = TrustedCertificates.from_files([spec["cert"]])
    strict = QrVerificationPolicy().with_revocation(EESSI_PRC_SID, "required")
    report = verify_qr_document(spec["text"], resolver=resolver, time=SPEC_TIME, policy=strict)
    assert report.outcome is Outcome.UNDETERMINED and codes(report)["revocation"] == "undetermined"
    assert report.details["conclusion"] == "Rejected"
    skip = QrVerificationPolicy().with_revocation(EESSI_PRC_SID, "skip")
    report = verify_qr_document(spec["text"], resolver=resolver, time=SPEC_TIME, policy=skip)
    assert report.valid and codes(report)["revocation"] == "not_applicable"


def test_the_spec_vector_outside_its_validity_and_with_another_certificate(
    spec: dict[str, Any], issuer: Issuer
) -> None:
    resolver = TrustedCertificates.from_files([spec["cert"]])
    # ed = 2025-12-01; xd = 2025-12-31 is ignored (v0.5 §5 step 7).
    late = verify_qr_document(
        spec["text"],
        resolver=resolver,
        time=VerificationTime(SPEC_NOW, dt.date(2026, 1, 5), dt.date(2025, 12, 15)),
    )
    assert late.outcome is Outcome.INVALID and first_failure(late) == "qr.validity"
    assert late.claims is None
    other = TrustedCertificates([issuer.cert])
    report = verify_qr_document(spec["text"], resolver=other, time=SPEC_TIME)
    assert first_failure(report) == "trust.unknown_kid"


def test_trusted_certificates_bind_framework_institution_and_di(
    spec: dict[str, Any], issuer: Issuer
) -> None:
    cert = x509.load_pem_x509_certificate(Path(spec["cert"]).read_bytes())
    kid = framework_kid("EESSI", cert)
    bound = TrustedCertificates([cert], official_ids={"BE:0320"})
    with pytest.raises(UntrustedIssuer) as info:
        bound.resolve_document(kid, "BE", "0120", EESSI_PRC_SID, dt.date(2025, 9, 22))
    assert info.value.code == "trust.institution"
    with pytest.raises(UntrustedIssuer) as info:
        TrustedCertificates([cert]).resolve_document(
            framework_kid("BE-SSH", cert), "BE", "0120", EESSI_PRC_SID, dt.date(2025, 9, 22)
        )
    assert info.value.code == "trust.framework"
    with pytest.raises(UntrustedIssuer) as info:  # the dummy cert starts on 2025-09-22
        TrustedCertificates([cert]).resolve_document(
            kid, "BE", "0120", EESSI_PRC_SID, dt.date(2025, 9, 21)
        )
    assert info.value.code == "trust.certificate"
    from verifier.jose import jwk_from_public_key, jwk_thumbprint

    jkt = f"EESSI:jkt:{jwk_thumbprint(jwk_from_public_key(issuer.cert.public_key()))}"  # type: ignore[arg-type]
    found = TrustedCertificates([issuer.cert]).resolve_document(
        jkt, "BE", "0120", EESSI_PRC_SID, TODAY
    )
    assert found.certificate == issuer.cert


# -- our own documents through a registry-like resolver ---------------------------------------
@pytest.mark.parametrize("sid", [EESSI_PRC_SID, CIVICRED_EHIC_SID, CIVICRED_SSH_SID])
def test_each_document_type_verifies(issuer: Issuer, resolver: FakeResolver, sid: str) -> None:
    report = verify(issuer.issue(sample(sid)), resolver)
    assert report.outcome is Outcome.VALID, report.to_json()
    body = sample(sid)[get_doctype(sid).body]
    assert report.details["official_id"] == f"BE:{body['ii']}"
    assert report.details["institution_name"] == f"Fund {body['ii']}"
    assert codes(report)["trust.accreditation_period"] == "passed"
    assert resolver.calls[-1] == (issuer.kid(sid), "BE", body["ii"], sid, TODAY)


# -- tampering and hostile input: never valid, never a traceback ---------------------------------
def test_every_single_character_change_is_rejected(issuer: Issuer, resolver: FakeResolver) -> None:
    text = issuer.issue(sample(EESSI_PRC_SID))
    seen = set()
    for i in range(0, len(text), 7):
        other = BASE45_ALPHABET[(BASE45_ALPHABET.index(text[i]) + 1) % 45]
        report = verify(text[:i] + other + text[i + 1 :], resolver)
        assert report.outcome is Outcome.INVALID and report.claims is None
        seen.add(first_failure(report))
    assert seen <= {"qr.base45", "qr.zlib", "qr.jws", "qr.signature", "input.json", "input.base64"}
    assert "qr.zlib" in seen  # the zlib checksum catches most changes before any JSON is read


@pytest.mark.parametrize("cut", [1, 2, 3, 50, 400])
def test_truncated_qr_text_is_rejected(issuer: Issuer, resolver: FakeResolver, cut: int) -> None:
    report = verify(issuer.issue(sample(EESSI_PRC_SID))[:-cut], resolver)
    assert first_failure(report) in ("qr.base45", "qr.zlib")


def _bomb_jws(payload: bytes) -> str:
    header = b64url_encode(b'{"alg":"ES256"}')
    return f"{header}.{b64url_encode(payload)}.AAAA"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not base45 ~~~", "qr.base45"),
        ("hc1:abc", "qr.base45"),
        ("HC1:6BF*ZB8XP", "qr.prefix"),
        ("", "qr.base45"),
        (b"\xff\xfe", "qr.base45"),
        (None, "qr.base45"),
        (12345, "qr.base45"),
        ("A" * 100_000, "qr.size"),
        (b45encode(zlib.compress(b"0" * 1_000_000, 9)), "qr.inflate_limit"),
        (b45encode(zlib.compress(b"x.y.z") + b"junk"), "qr.zlib"),
        (encode_qr_text(_bomb_jws(b"[" * 5000 + b"]" * 5000)), "input.depth"),
        (encode_qr_text(_bomb_jws(b'{"sid":"eessi:prc:9.9"}')), "qr.sid"),
    ],
)
def test_hostile_input_gives_a_precise_failure(
    resolver: FakeResolver, text: Any, code: str
) -> None:
    report = verify(text, resolver)
    assert report.outcome is Outcome.INVALID
    assert first_failure(report) == code
    assert not resolver.calls  # nothing reached the trust source


@pytest.mark.parametrize("alg", ["none", "HS256", "ES512"])
def test_algorithms_outside_the_policy(issuer: Issuer, resolver: FakeResolver, alg: str) -> None:
    header = {"alg": alg, "kid": issuer.kid(EESSI_PRC_SID)}
    parts = [b64url_encode(dumps_compact(x).encode()) for x in (header, sample(EESSI_PRC_SID))]
    signature = b""
    if alg == "HS256":  # HMAC keyed with the issuer's public certificate (algorithm confusion)
        key = issuer.cert.public_bytes(Encoding.PEM)
        signature = hmac.new(key, ".".join(parts).encode(), hashlib.sha256).digest()
    report = verify(encode_qr_text(".".join([*parts, b64url_encode(signature)])), resolver)
    assert first_failure(report) == "qr.alg"
    assert codes(report)["qr.decode"] == "passed"  # §7: decoding passed, the schema step did not


def test_unknown_kid_and_kid_of_another_institution(issuer: Issuer, resolver: FakeResolver) -> None:
    stranger = Issuer()
    report = verify(stranger.issue(sample(EESSI_PRC_SID)), resolver)
    assert first_failure(report) == "trust.unknown_kid"
    # Our key, but the payload says institution 0320: the key is not registered for it.
    report = verify(issuer.issue(with_body(EESSI_PRC_SID, ii="0320")), resolver)
    assert first_failure(report) == "trust.not_for_institution"
    assert report.details["official_id"] == "BE:0320"


def test_certificate_not_valid_on_di(resolver: FakeResolver) -> None:
    late = Issuer((dt.datetime(2025, 6, 1, tzinfo=dt.UTC), dt.datetime(2027, 1, 1, tzinfo=dt.UTC)))
    resolver.register(late.cert, "BE:0120")
    report = verify(late.issue(sample(EESSI_PRC_SID)), resolver)  # di = 2025-03-12
    assert first_failure(report) == "trust.cert_not_valid_on_date"


def test_institution_not_accredited_and_validity_outside_the_accreditation(
    resolver: FakeResolver,
) -> None:
    other = Issuer()
    resolver.register(
        other.cert, "BE:0120", accreditations={EESSI_PRC_SID: (dt.date(2025, 6, 1), None)}
    )
    report = verify(other.issue(sample(EESSI_PRC_SID)), resolver)
    assert first_failure(report) == "trust.not_accredited"
    bounded = Issuer()
    resolver.register(
        bounded.cert,
        "BE:0120",
        accreditations={EESSI_PRC_SID: (dt.date(2025, 1, 1), dt.date(2025, 6, 30))},
    )
    report = verify(bounded.issue(sample(EESSI_PRC_SID)), resolver)  # ed = 2025-12-31
    assert report.outcome is Outcome.INVALID
    assert first_failure(report) == "trust.accreditation_period"
    assert codes(report)["qr.signature"] == "passed"  # every post-signature check still ran
    assert codes(report)["qr.validity"] == "passed"


def test_signature_failures(issuer: Issuer, resolver: FakeResolver) -> None:
    text = issuer.issue(sample(EESSI_PRC_SID))
    impostor = Issuer()
    forged = impostor.forge(sample(EESSI_PRC_SID), {"kid": issuer.kid(EESSI_PRC_SID)})
    assert first_failure(verify(forged, resolver)) == "qr.signature"
    from verifier.qr import decode_qr_text

    header, _, signature = decode_qr_text(text).split(".")
    edited = b64url_encode(dumps_compact(with_body(EESSI_PRC_SID, fn="Mallory")).encode())
    report = verify(encode_qr_text(f"{header}.{edited}.{signature}"), resolver)
    assert first_failure(report) == "qr.signature" and report.claims is None


def test_business_rules_and_treatment_dates(issuer: Issuer, resolver: FakeResolver) -> None:
    bad_rule = issuer.forge(with_body(EESSI_PRC_SID, sd="2025-04-01", ed="2025-03-31"))
    report = verify(bad_rule, resolver)
    assert codes(report)["qr.rule"] == "failed" and report.outcome is Outcome.INVALID
    text = issuer.issue(sample(EESSI_PRC_SID))
    for day in (dt.date(1899, 12, 31), TODAY + dt.timedelta(days=1)):
        report = verify(text, resolver, treatment_date=day)
        assert [c.code for c in report.checks] == ["qr.treatment_date"]
        assert report.checks[0].result is CheckResult.FAILED
    # ed 2025-06-30 < treatment 2025-08-01 <= xd 2025-12-31: xd is ignored (v0.5 §5 step 7).
    short = issuer.issue(with_body(EESSI_PRC_SID, ed="2025-06-30"))
    report = verify(short, resolver, today=dt.date(2025, 9, 1), treatment_date=dt.date(2025, 8, 1))
    assert first_failure(report) == "qr.validity"
    assert verify(
        short, resolver, today=dt.date(2025, 9, 1), treatment_date=dt.date(2025, 6, 30)
    ).valid
    warned = issuer.forge(with_body(EESSI_PRC_SID, ii="01A0"))  # an issuer-only rule: warning
    resolver.register(issuer.cert, "BE:0120", "BE:01A0")
    report = verify(warned, resolver)
    assert report.valid and codes(report)["qr.issuer_rule"] == "warning"


# -- revocation (v0.5 §5 step 6) ----------------------------------------------------------------
def test_revoked_is_invalid(issuer: Issuer, resolver: FakeResolver) -> None:
    report = verify(
        issuer.issue(sample(CIVICRED_EHIC_SID)),
        resolver,
        revocation=FixedRevocation(CheckResult.FAILED, "revocation.revoked"),
    )
    assert report.outcome is Outcome.INVALID and first_failure(report) == "revocation.revoked"
    assert report.claims is None


@pytest.mark.parametrize(
    ("sid", "expected_check", "expected_outcome"),
    [
        (CIVICRED_EHIC_SID, "undetermined", Outcome.UNDETERMINED),  # required for our card
        (CIVICRED_SSH_SID, "undetermined", Outcome.UNDETERMINED),
        (EESSI_PRC_SID, "warning", Outcome.VALID),  # optional for the EU ePRC
    ],
)
def test_missing_or_stale_revocation_data(
    issuer: Issuer, resolver: FakeResolver, sid: str, expected_check: str, expected_outcome: Outcome
) -> None:
    text = issuer.issue(sample(sid))
    for checker in (FixedRevocation(CheckResult.UNDETERMINED), BrokenRevocation(), None):
        report = verify(text, resolver, revocation=checker)
        assert codes(report)["revocation"] == expected_check
        assert report.outcome is expected_outcome
        if expected_outcome is Outcome.UNDETERMINED:
            assert report.claims is not None  # undetermined keeps the data for a human


def test_no_reference_means_not_applicable(issuer: Issuer, resolver: FakeResolver) -> None:
    checker = FixedRevocation(CheckResult.FAILED)
    bare = sample(EESSI_PRC_SID)
    del bare["rid"]  # v0.5 §5 step 6: only if jti AND rid are present
    report = verify(issuer.issue(bare), resolver, revocation=checker)
    assert report.valid and codes(report)["revocation"] == "not_applicable" and not checker.seen
    venue = issuer.issue(sample(CIVICRED_SSH_SID))
    odd = FixedRevocation(CheckResult.PASSED, code="trust.key")  # a checker using another family
    assert codes(verify(venue, resolver, revocation=odd))["revocation"] == "passed"
    listed = FixedRevocation(CheckResult.PASSED, code="status")  # Token Status List answers stay
    assert codes(verify(venue, resolver, revocation=listed))["status"] == "passed"


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="unknown revocation mode"):
        QrVerificationPolicy({EESSI_PRC_SID: "maybe"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="PAdES"):
        QrVerificationPolicy(pades="always")  # type: ignore[arg-type]
    assert QrVerificationPolicy().revocation_mode("x.unknown:1.0") == "required"


# -- trust source problems -------------------------------------------------------------------------
class CrashingResolver:
    def resolve_document(self, *args: Any) -> Any:
        raise KeyError("bug")


class StaleResolver(FakeResolver):
    def freshness_at(self, now: dt.datetime) -> Check:
        return Check("trust.freshness", CheckResult.UNDETERMINED, "the trust list is stale")


class UnavailableResolver:
    def resolve_document(self, *args: Any) -> Any:
        raise StatusUnavailable("registry cache missing", code="trust.freshness")


def test_trust_source_failures_are_undetermined(issuer: Issuer) -> None:
    text = issuer.issue(sample(EESSI_PRC_SID))
    for broken in (CrashingResolver(), UnavailableResolver()):
        report = verify(text, broken)
        assert report.outcome is Outcome.UNDETERMINED, report.to_json()
    stale = StaleResolver()
    stale.register(issuer.cert, "BE:0120")
    report = verify(text, stale)
    assert (
        report.outcome is Outcome.UNDETERMINED
        and codes(report)["trust.freshness"] == "undetermined"
    )
    assert codes(report)["qr.signature"] == "passed"


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=BASE45_ALPHABET, max_size=300),
        st.binary(max_size=300),
        st.text(max_size=50),
    )
)
def test_random_input_never_raises_and_never_verifies(text: Any) -> None:
    report = verify_qr_document(
        text, resolver=CrashingResolver(), time=VerificationTime(NOW, TODAY)
    )
    assert report.outcome is not Outcome.VALID


# -- the real trust snapshot's resolver --------------------------------------------------------
def test_the_trust_snapshot_resolver(issuer: Issuer) -> None:
    from verifier.trust import (
        Accreditation,
        CertificateEntry,
        Institution,
        TrustList,
        TrustListDocumentResolver,
        TrustSnapshot,
        create_issuer_certificate,
        create_root_ca,
    )
    from verifier.trust import (
        Issuer as TrustIssuer,
    )

    start, end = dt.datetime(2025, 1, 1, tzinfo=dt.UTC), dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    root_key = generate_private_key("ES256")
    root = create_root_ca(root_key, name="test root", not_before=start, not_after=end)
    key = generate_private_key("ES256")
    cert = create_issuer_certificate(
        key.public_key(), ca_cert=root, ca_key=root_key, use="document_signing", name="CBSS",
        issuer_id="BE:CBSS", country="BE", credential_issuer="https://issuer.example",
        not_before=start, not_after=end,
    )  # fmt: skip
    names = {lang: "Fund 0120" for lang in ("en", "fr", "nl", "de")}
    institution = Institution(
        "BE:0120", "BE", "competent_institution", names,
        (Accreditation(EESSI_PRC_SID, dt.date(2024, 1, 1), None),),
    )  # fmt: skip
    cbss = TrustIssuer(
        "BE:CBSS", "BE", names, "https://issuer.example", ("BE:0120",),
        certificates=(CertificateEntry.of(cert, "document_signing"),),
    )  # fmt: skip
    trust_list = TrustList("https://registry.example", NOW, NOW + dt.timedelta(hours=24), 1,
                           (institution,), (cbss,))  # fmt: skip
    snapshot = TrustSnapshot(trust_list, Check("trust.freshness", CheckResult.PASSED, "fresh"))
    resolver = TrustListDocumentResolver(snapshot)
    signer = LocalSigner(key)
    text = sign_document(sample(EESSI_PRC_SID), signer, framework_kid("EESSI", cert))[1]
    report = verify(text, resolver)
    assert report.valid, report.to_json()
    assert report.details["institution_name"] == "Fund 0120"
    assert codes(report)["trust.accreditation_period"] == "passed"
    other = sign_document(with_body(EESSI_PRC_SID, ii="0320"), signer, framework_kid("EESSI", cert))
    assert verify(other[1], resolver).outcome is Outcome.INVALID
    stale = verify(text, resolver, now=NOW + dt.timedelta(days=3))
    assert stale.outcome is Outcome.UNDETERMINED  # trust-list.md: stale trust data


# -- the §7 export ------------------------------------------------------------------------------
def test_eessi_json_export_shape(spec: dict[str, Any]) -> None:
    resolver = TrustedCertificates.from_files([spec["cert"]])
    report = verify_qr_document(spec["text"], resolver=resolver, time=SPEC_TIME)
    data = json.loads(report_to_eessi_json(report, spec["text"], "hospital-42", SPEC_TIME))
    assert data["type"] == "eehic-verification-report" and data["version"] == "1"
    assert data["original"]["qr"] == spec["text"]
    assert data["original"]["jwt"].startswith("eyJ") and data["original"]["jwt"].count(".") == 2
    assert data["verifier_id"] == "hospital-42"
    assert data["treatment_date"] == "2025-10-01"
    assert data["timestamp"] == "2025-10-01T09:00:00Z"
    assert data["conclusion"] == "Approved" and data["outcome"] == "valid"
    assert data["issuer"] == {
        "country": "BE",
        "official_id": "BE:0120",
        "name": "CM",
        "kid": "EESSI:x5t#S256:k9dYaQGljm0xJRAkbMbGUc3KTs8w-7Yr8-ZxBkCoLlw",
    }
    steps = {s["step"]: s["result"] for s in data["steps"]}
    assert steps == {
        "treatment_date": "PASSED",
        "decode": "PASSED",
        "schema": "PASSED",
        "key_resolved": "PASSED",
        "jwt_valid": "PASSED",
        "revocation_info": "WARNING",
        "revocation": "WARNING",
        "date_rules": "PASSED",
        "accreditation": "WARNING",
        "key_validity": "PASSED",
        "validity_period": "PASSED",
        "id_check": "N/A",
        "qr_found": "N/A",
        "pdf_signature": "N/A",
        "pdf_coverage": "N/A",
        "pdf_printed_data": "N/A",
    }
    assert {s["group"] for s in data["steps"]} == {"technical", "business", "document"}
    assert all(set(s) == {"group", "step", "title", "result", "checks"} for s in data["steps"])


def test_eessi_export_of_rejections(issuer: Issuer, resolver: FakeResolver) -> None:
    report = verify("HC1:NOPE", resolver)
    data = report_to_eessi_dict(report, "HC1:NOPE", "v1", AT_NOW, id_check=True)
    steps = {s["step"]: s["result"] for s in data["steps"]}
    assert data["conclusion"] == "Rejected" and data["original"]["jwt"] is None
    assert steps["decode"] == "NOT PASSED" and steps["jwt_valid"] == "N/A"
    assert steps["id_check"] == "PASSED"
    assert data["treatment_date"] == TODAY.isoformat()
    text = issuer.issue(sample(CIVICRED_EHIC_SID))
    report = verify(text, resolver, revocation=FixedRevocation(CheckResult.UNDETERMINED))
    steps = {
        s["step"]: s["result"] for s in report_to_eessi_dict(report, text, "v", AT_NOW)["steps"]
    }
    assert steps["revocation_info"] == "NOT PASSED" and steps["revocation"] == "NOT PASSED"
    report = verify(text, resolver, revocation=FixedRevocation(CheckResult.FAILED))
    steps = {
        s["step"]: s["result"] for s in report_to_eessi_dict(report, text, "v", AT_NOW)["steps"]
    }
    assert steps["revocation_info"] == "PASSED" and steps["revocation"] == "NOT PASSED"
    with pytest.raises(ValueError, match="timezone"):  # a naive time is refused where it is made
        VerificationTime(dt.datetime(2025, 1, 1), TODAY)


def test_pdf_export(spec: dict[str, Any]) -> None:
    pytest.importorskip("reportlab")
    pypdf = pytest.importorskip("pypdf")
    resolver = TrustedCertificates.from_files([spec["cert"]])
    report = verify_qr_document(spec["text"], resolver=resolver, time=SPEC_TIME)
    pdf = report_to_pdf(report, spec["text"], "hospital-42", SPEC_TIME)
    assert pdf.startswith(b"%PDF-")
    assert report_to_pdf(report, spec["text"], "hospital-42", SPEC_TIME) == pdf  # invariant
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    for needle in ("Approved", "hospital-42", "BE:0120", "2025-10-01T09:00:00Z"):
        assert needle in text
