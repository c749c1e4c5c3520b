"""ES256 is P-256 + SHA-256 (RFC 7518 §3.4), whatever keys a process has seen before.

Every key here is *trusted*: its certificate is active in a verified trust list, for the right use,
institution and document type. A signature made on secp256k1 or brainpoolP256r1 (same size as
P-256, same hash) must still be refused, and refusing one must never make P-256 unusable.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest

from verifier import OfflineVerifier, Outcome, VerificationReport, VerificationTime
from verifier.cose import CoseSign1
from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.qr import verify_qr_document
from verifier.sdjwt import VerificationPolicy, issue_sd_jwt_vc, verify_sd_jwt
from verifier.status import (
    STATUS_LIST_CWT_MEDIA_TYPE,
    StatusList,
    StatusReference,
    encode_status_list_cwt,
)
from verifier.trust import SdJwtVcTrustResolver, TrustListDocumentResolver

from ._world import ISSUER_URI, NOW, SOCIAL, STATUS_URI, TODAY, WRONG_CURVES, World, signed_prc


def _verify_prc(world: World, text: str) -> VerificationReport:
    resolver = TrustListDocumentResolver(world.snapshot)
    return verify_qr_document(text, resolver=resolver, time=VerificationTime(NOW, TODAY))


def _first_failure(report: VerificationReport) -> str:
    assert report.outcome is Outcome.INVALID, report.to_json()
    return report.failures[0].code


# -- (a), (b), (c): the ePRC through the trust snapshot (the bundle's resolver) ------------------
@pytest.mark.parametrize("curve", WRONG_CURVES)
def test_eprc_signed_on_another_256_bit_curve_is_refused(world: World, curve: str) -> None:
    genuine = _verify_prc(world, signed_prc(world, "P-256"))  # any verifier has seen P-256 first
    assert genuine.outcome is Outcome.VALID, genuine.to_json()
    report = _verify_prc(world, signed_prc(world, curve))
    assert _first_failure(report) == "qr.signature"
    assert "not a ES256 key" in report.failures[0].message
    assert report.claims is None


@pytest.mark.parametrize("curve", WRONG_CURVES)
def test_p256_still_verifies_after_a_wrong_curve_document(world: World, curve: str) -> None:
    assert _first_failure(_verify_prc(world, signed_prc(world, curve))) == "qr.signature"
    assert _verify_prc(world, signed_prc(world, "P-256")).outcome is Outcome.VALID


_ORDER_PROBE = textwrap.dedent(
    """
    import sys
    from cryptography.hazmat.primitives.asymmetric import ec
    from verifier.jose import ALGORITHMS
    curves = {"P-256": ec.SECP256R1(), "secp256k1": ec.SECP256K1(),
              "brainpoolP256r1": ec.BrainpoolP256R1()}
    es256 = ALGORITHMS["ES256"]
    print(" ".join(
        f"{name}={es256.matches(ec.generate_private_key(curves[name]).public_key())}"
        for name in sys.argv[1:]
    ))
    """
)


@pytest.mark.parametrize(
    "order", [("secp256k1", "P-256"), ("brainpoolP256r1", "P-256"), ("P-256", "secp256k1")]
)
def test_the_first_key_a_process_sees_decides_nothing(order: tuple[str, str]) -> None:
    """A fresh interpreter per order: the key a verifier process checks first is not remembered
    for keys of the same size on other curves."""
    result = subprocess.run(
        [sys.executable, "-c", _ORDER_PROBE, *order],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    expected = " ".join(f"{name}={name == 'P-256'}" for name in order)
    assert result.stdout.strip() == expected


# -- (d): an SD-JWT VC whose x5c leaf (in the trust list) is on another curve -------------------
def _credential(world: World, curve: str) -> str:
    return issue_sd_jwt_vc(
        {"reduced_tariff_eligible": True},
        vct=SOCIAL,
        iss=ISSUER_URI,
        signer=world.signer(curve),
        disclosable=["/reduced_tariff_eligible"],
        iat=int((NOW - timedelta(hours=1)).timestamp()),
        exp=int((NOW + timedelta(days=30)).timestamp()),
    ).compact


def _verify_vc(world: World, credential: str) -> VerificationReport:
    resolver = SdJwtVcTrustResolver(world.snapshot, world.root, now=NOW)
    return verify_sd_jwt(credential, policy=VerificationPolicy.at(NOW), resolver=resolver)


@pytest.mark.parametrize("curve", WRONG_CURVES)
def test_sd_jwt_vc_signed_on_another_curve_is_refused(world: World, curve: str) -> None:
    assert _verify_vc(world, _credential(world, "P-256")).outcome is Outcome.VALID
    report = _verify_vc(world, _credential(world, curve))
    assert _first_failure(report) == "jws.alg"
    # The trust list did vouch for the key: only the curve check refused it.
    assert [c.code for c in report.checks if c.ok][-1] == "issuer.key"
    assert _verify_vc(world, _credential(world, "P-256")).outcome is Outcome.VALID


# -- (e): a CWT status list signed by a status-signing key on another curve ---------------------
def _status_cwt(world: World, curve: str) -> bytes:
    iat = int((NOW - timedelta(minutes=10)).timestamp())
    signer = world.signer(curve, "status_signing")
    return encode_status_list_cwt(
        StatusList(1024, bits=2), uri=STATUS_URI, signer=signer, iat=iat, exp=iat + 86400, ttl=3600
    )


def _status_through_bundle(world: World, cwt: bytes) -> tuple[str, str]:
    carried = (STATUS_LIST_CWT_MEDIA_TYPE, base64.b64encode(cwt).decode())
    offline = OfflineVerifier.from_bundle(
        world.bundle({STATUS_URI: carried}), root=world.root, time=VerificationTime(NOW, TODAY)
    )
    check = offline.status_check(StatusReference(7, STATUS_URI))
    return check.code, check.result.value


@pytest.mark.parametrize("curve", WRONG_CURVES)
def test_cwt_status_list_signed_on_another_curve_is_refused(world: World, curve: str) -> None:
    assert _status_through_bundle(world, _status_cwt(world, "P-256")) == ("status", "passed")
    forged = _status_cwt(world, curve)
    # Never "valid": the list is unusable, so the status is undetermined (trust-list.md).
    assert _status_through_bundle(world, forged) == ("status.alg", "undetermined")
    with pytest.raises(Exception) as info:
        CoseSign1.decode(forged).verify(
            world.cert(curve, "status_signing").public_key(),  # type: ignore[arg-type]
            CREDENTIAL_ALGORITHMS,
        )
    assert getattr(info.value, "code", None) == "cose.alg"
