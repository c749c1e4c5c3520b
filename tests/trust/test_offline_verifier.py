"""SD-JWT VCs verified offline through a bundle: trust, status (JWT and CWT) and freshness."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from verifier import OfflineVerifier, Outcome, VerificationTime
from verifier.sdjwt import VerificationPolicy, issue_sd_jwt_vc
from verifier.status import (
    STATUS_LIST_CWT_MEDIA_TYPE,
    STATUS_LIST_JWT_MEDIA_TYPE,
    StatusList,
    TokenStatus,
    encode_status_list_cwt,
    encode_status_list_jwt,
)
from verifier.trust import build_bundle

from ._world import ISSUER_URI, NOW, SOCIAL, STATUS_URI, World

VALID, REVOKED, SUSPENDED = 7, 11, 13


def _status_list() -> StatusList:
    status_list = StatusList(1024, bits=2)
    status_list.set(REVOKED, TokenStatus.INVALID)
    status_list.set(SUSPENDED, TokenStatus.SUSPENDED)
    return status_list


def _bundle(
    world: World,
    *,
    fmt: str = "jwt",
    include_status: bool = True,
    list_age: timedelta = timedelta(),
) -> str:
    signer = world.signer("status")
    iat = int((NOW - list_age).timestamp())
    lists = {}
    if include_status:
        if fmt == "jwt":
            token = encode_status_list_jwt(
                _status_list(), uri=STATUS_URI, signer=signer, iat=iat, exp=iat + 86400, ttl=3600
            )
            lists[STATUS_URI] = (STATUS_LIST_JWT_MEDIA_TYPE, token)
        else:
            cwt = encode_status_list_cwt(
                _status_list(), uri=STATUS_URI, signer=signer, iat=iat, exp=iat + 86400, ttl=3600
            )
            lists[STATUS_URI] = (STATUS_LIST_CWT_MEDIA_TYPE, base64.b64encode(cwt).decode())
    return build_bundle(
        trust_list=world.token,
        root=world.pki.root,
        signer=world.pki.registry_signer,
        issued_at=NOW - timedelta(minutes=30),
        next_update=NOW + timedelta(hours=23),
        status_lists=lists,
    )


def _credential(world: World, idx: int) -> str:
    return issue_sd_jwt_vc(
        {"reduced_tariff_eligible": True, "given_name": "Marie"},
        vct=SOCIAL,
        iss=ISSUER_URI,
        signer=world.signer("new"),
        disclosable=["/reduced_tariff_eligible", "/given_name"],
        iat=int((NOW - timedelta(days=1)).timestamp()),
        exp=int((NOW + timedelta(days=30)).timestamp()),
        status={"status_list": {"idx": idx, "uri": STATUS_URI}},
    ).compact


def _at(now: datetime) -> VerificationTime:
    return VerificationTime.at(now, timezone=UTC)


def _verify(world: World, bundle: str, credential: str, *, now=NOW, pinned: bool = True):  # type: ignore[no-untyped-def]
    offline = OfflineVerifier.from_bundle(
        bundle, root=world.pki.root if pinned else None, time=_at(now)
    )
    return offline.verify_sd_jwt(credential, VerificationPolicy.at(now))


@pytest.mark.parametrize("fmt", ["jwt", "cwt"])
def test_valid_revoked_suspended(world: World, fmt: str) -> None:
    bundle = _bundle(world, fmt=fmt)
    valid = _verify(world, bundle, _credential(world, VALID))
    assert valid.outcome is Outcome.VALID, valid.failures
    assert any(c.code == "status" and c.ok for c in valid.checks)
    revoked = _verify(world, bundle, _credential(world, REVOKED))
    assert revoked.outcome is Outcome.INVALID and revoked.failures[0].code == "status.revoked"
    suspended = _verify(world, bundle, _credential(world, SUSPENDED))
    assert suspended.outcome is Outcome.INVALID and suspended.failures[0].code == "status.suspended"


def test_missing_list_is_undetermined_never_revoked(world: World) -> None:
    report = _verify(world, _bundle(world, include_status=False), _credential(world, REVOKED))
    assert report.outcome is Outcome.UNDETERMINED
    assert any(c.code == "status.unavailable" for c in report.checks)


def test_expired_list_is_undetermined(world: World) -> None:
    report = _verify(world, _bundle(world, list_age=timedelta(days=2)), _credential(world, REVOKED))
    assert report.outcome is Outcome.UNDETERMINED


def test_stale_bundle_is_undetermined(world: World) -> None:
    bundle = _bundle(world)
    report = _verify(world, bundle, _credential(world, VALID), now=NOW + timedelta(days=2))
    assert report.outcome is Outcome.UNDETERMINED
    assert any(c.code.startswith("trust.freshness") and not c.ok for c in report.checks)


def test_out_of_range_index_is_rejected(world: World) -> None:
    """draft-ietf-oauth-status-list §8.3: a list too short for the index → reject."""
    report = _verify(world, _bundle(world), _credential(world, 5000))
    assert report.outcome is Outcome.INVALID
    assert report.failures[0].code == "status.index_out_of_range"


def test_status_list_signed_by_a_document_key_is_not_trusted(world: World) -> None:
    """Only the issuer's status-signing certificate may sign its lists (never a credential key)."""
    iat = int(NOW.timestamp())
    forged = encode_status_list_jwt(
        StatusList(1024, bits=2),
        uri=STATUS_URI,
        signer=world.signer("new"),
        iat=iat,
        exp=iat + 86400,
    )
    bundle = build_bundle(
        trust_list=world.token,
        root=world.pki.root,
        signer=world.pki.registry_signer,
        issued_at=NOW - timedelta(minutes=30),
        next_update=NOW + timedelta(hours=23),
        status_lists={STATUS_URI: (STATUS_LIST_JWT_MEDIA_TYPE, forged)},
    )
    report = _verify(world, bundle, _credential(world, REVOKED))
    assert report.outcome is Outcome.UNDETERMINED  # never "valid" on a list we cannot trust
    assert any(
        c.code.startswith("trust.") and c.result.value == "undetermined" for c in report.checks
    )


def test_unpinned_root_is_undetermined(world: World) -> None:
    """Without a pin the bundle's own root proves nothing: every other check still runs."""
    report = _verify(world, _bundle(world), _credential(world, VALID), pinned=False)
    assert report.outcome is Outcome.UNDETERMINED
    assert [c.code for c in report.checks if not c.ok] == ["trust.root"]
    assert report.details["root_pinned"] is False


def test_each_list_is_verified_once_per_verifier(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verifier checking many credentials verifies and inflates each list only once."""
    offline = OfflineVerifier.from_bundle(_bundle(world), root=world.pki.root, time=_at(NOW))
    calls = []
    original = OfflineVerifier._decode

    def counting(self: OfflineVerifier, *args: str) -> object:
        calls.append(args[0])
        return original(self, *args)

    monkeypatch.setattr(OfflineVerifier, "_decode", counting)
    policy = VerificationPolicy.at(NOW)
    outcomes = [
        offline.verify_sd_jwt(_credential(world, idx), policy).outcome
        for idx in (VALID, REVOKED, VALID)
    ]
    assert outcomes == [Outcome.VALID, Outcome.INVALID, Outcome.VALID]
    assert calls == [STATUS_URI]
