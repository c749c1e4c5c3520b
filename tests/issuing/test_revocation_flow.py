"""Revoking a credential flips the offline verifier's answer once the bundle is refreshed.

Real parts: the registry as a subprocess, the issuer over HTTP, the bundle fetched over HTTP.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509

from issuer.sources import DevAuthenticSource
from issuer.world import publish, running_world
from verifier import OfflineVerifier, Outcome, VerificationTime
from verifier.sdjwt import VerificationPolicy
from verifier.status import TokenStatus


def test_revocation_flips_after_bundle_refresh(tmp_path: Path) -> None:
    with running_world(tmp_path) as world:
        now = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
        person = DevAuthenticSource().person("p-0002")
        allocation = world.services.status.allocate(group_id="holder/museum")
        credential = world.services.credentials.issue(
            "social-status",
            person,
            holder_jwk=None,
            now=now,
            status=allocation.reference.to_claim(),
        ).compact
        root = x509.load_pem_x509_certificate(world.registry.root_pem())
        policy = VerificationPolicy.at(now)
        time = VerificationTime.at(now, timezone=UTC)

        publish(world)
        before = OfflineVerifier.from_bundle(world.registry.bundle(), root=root, time=time)
        assert before.verify_sd_jwt(credential, policy).outcome is Outcome.VALID

        world.services.status.set_group_status("holder/museum", TokenStatus.INVALID, actor="test")
        # The old bundle still says valid: offline data is a snapshot ...
        assert before.verify_sd_jwt(credential, policy).outcome is Outcome.VALID
        publish(world)
        after = OfflineVerifier.from_bundle(world.registry.bundle(), root=root, time=time)
        report = after.verify_sd_jwt(credential, policy)
        # ... and the refreshed one says revoked.
        assert report.outcome is Outcome.INVALID
        assert report.failures[0].code == "status.revoked"


def test_issuer_refuses_to_sign_outside_its_certificate(tmp_path: Path) -> None:
    import pytest

    from verifier import IssuanceError

    with running_world(tmp_path) as world:
        person = DevAuthenticSource().person("p-0001")
        with pytest.raises(IssuanceError, match="refusing to sign"):
            world.services.credentials.issue(
                "social-status", person, holder_jwk=None, now=datetime(2099, 1, 1, tzinfo=UTC)
            )


def test_issuer_refuses_types_it_is_not_accredited_for(tmp_path: Path) -> None:
    """The registry's decision is checked before signing: no accreditation, no credential."""
    import pytest

    from issuer.catalog._claims import CLAIM_BUILDERS
    from verifier import IssuanceError

    with running_world(tmp_path) as world:
        now = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
        person = DevAuthenticSource().person("p-0001")
        original = CLAIM_BUILDERS["ehic"]

        def unaccredited(person: dict[str, object], today: object) -> dict[str, object]:
            claims = original(person, today)  # type: ignore[arg-type]
            claims["authentic_source"] = {"id": "BE:9999", "name": "not in the registry"}
            return claims

        CLAIM_BUILDERS["ehic"] = unaccredited  # type: ignore[assignment]
        try:
            with pytest.raises(IssuanceError, match="does not allow"):
                world.services.credentials.issue("ehic", person, holder_jwk=None, now=now)
        finally:
            CLAIM_BUILDERS["ehic"] = original
