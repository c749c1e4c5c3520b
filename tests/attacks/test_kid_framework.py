"""The kid's trust framework is the document type's, on every trust path (code ``trust.framework``).

EHIC PDF QR PoC v0.5 §2.3.1: the ePRC's kid is ``EESSI:x5t#S256:<thumbprint>``; our eEHIC follows
the same rule and the social-status venue document uses ``BE-SSH``. The certificate below is
active, listed and its institution accredited for the ePRC: only the framework is wrong. The
bundle's resolver (the trust snapshot) used to accept any framework it knew, so an ePRC under
``BE-SSH:`` verified there while ``--trust-cert`` refused it. Now one rule, from the type table,
decides both (the framework is compared without case: the EU material writes ``EESSI``,
``eessi`` and ``EESSi``).
"""

from __future__ import annotations

import pytest

from verifier import Outcome, UntrustedIssuer, VerificationTime
from verifier.qr import (
    CIVICRED_EHIC_SID,
    CIVICRED_SSH_SID,
    EESSI_PRC_SID,
    QrDocumentResolver,
    TrustedCertificates,
    framework_kid,
    verify_qr_document,
)
from verifier.trust import TrustListDocumentResolver

from ._world import NOW, TODAY, World, signed_prc


def _resolvers(world: World) -> dict[str, QrDocumentResolver]:
    return {
        "trust snapshot": TrustListDocumentResolver(world.snapshot),
        "--trust-cert": TrustedCertificates([world.cert("P-256")]),
    }


@pytest.mark.parametrize("path", ["trust snapshot", "--trust-cert"])
def test_an_eprc_under_the_be_ssh_framework_is_refused(world: World, path: str) -> None:
    resolver = _resolvers(world)[path]
    genuine = verify_qr_document(
        signed_prc(world), resolver=resolver, time=VerificationTime(NOW, TODAY)
    )
    assert genuine.outcome is not Outcome.INVALID, genuine.to_json()
    forged = signed_prc(world, framework="BE-SSH")
    report = verify_qr_document(forged, resolver=resolver, time=VerificationTime(NOW, TODAY))
    assert report.outcome is Outcome.INVALID and report.claims is None
    assert report.failures[0].code == "trust.framework"
    assert "BE-SSH" in report.failures[0].message and "EESSI" in report.failures[0].message


@pytest.mark.parametrize("path", ["trust snapshot", "--trust-cert"])
@pytest.mark.parametrize(
    ("sid", "framework", "allowed"),
    [
        (EESSI_PRC_SID, "EESSI", True),
        (EESSI_PRC_SID, "eessi", True),
        (EESSI_PRC_SID, "EESSi", True),
        (EESSI_PRC_SID, "BE-SSH", False),
        (EESSI_PRC_SID, "XX", False),
        (CIVICRED_EHIC_SID, "EESSI", True),
        (CIVICRED_EHIC_SID, "BE-SSH", False),
        (CIVICRED_SSH_SID, "BE-SSH", True),
        (CIVICRED_SSH_SID, "be-ssh", True),
        (CIVICRED_SSH_SID, "EESSI", False),
    ],
)
def test_one_framework_rule_on_both_paths(
    world: World, path: str, sid: str, framework: str, allowed: bool
) -> None:
    resolver = _resolvers(world)[path]
    kid = framework_kid(framework, world.cert("P-256"))
    if allowed:
        found = resolver.resolve_document(kid, "BE", "0120", sid, TODAY)
        assert found.key.public_numbers() == world.cert("P-256").public_key().public_numbers()  # type: ignore[union-attr]
        return
    with pytest.raises(UntrustedIssuer) as info:
        resolver.resolve_document(kid, "BE", "0120", sid, TODAY)
    assert info.value.code == "trust.framework"
