"""SD-JWT VC end to end: issue with an x5c-carrying signer, verify through the trust list (HAIP)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from verifier import CheckResult, Outcome, UntrustedIssuer
from verifier.jose import b64url_decode
from verifier.sdjwt import VerificationPolicy, issue_sd_jwt_vc, verify_sd_jwt
from verifier.signing import LocalSigner
from verifier.trust import (
    SdJwtVcTrustResolver,
    StatusListTrustResolver,
    TrustSnapshot,
    x5c_header,
    x5t_s256,
)

from ._world import EHIC, ISSUER_URI, NOW, SOCIAL, STATUS_URI, Pki, World, utc


def _issue(
    signer: LocalSigner,
    *,
    vct: str = SOCIAL,
    iss: str = ISSUER_URI,
    iat: datetime | None = NOW,
    claims: dict[str, Any] | None = None,
) -> str:
    issued = issue_sd_jwt_vc(
        claims or {"given_name": "Ada"},
        vct=vct,
        signer=signer,
        disclosable=["/given_name"],
        iss=iss,
        iat=None if iat is None else int(iat.timestamp()),
        exp=int((NOW + timedelta(days=30)).timestamp()),
    )
    return issued.compact


def _verify(snapshot: TrustSnapshot, world: World, token: str, now: datetime = NOW) -> Any:
    resolver = SdJwtVcTrustResolver(snapshot, world.pki.root, now=now)
    return verify_sd_jwt(token, policy=VerificationPolicy.at(now), resolver=resolver)


def _failure(report: Any) -> str:
    assert report.outcome is Outcome.INVALID
    return str(report.failures[0].code)


def test_end_to_end_valid(snapshot: TrustSnapshot, world: World) -> None:
    report = _verify(snapshot, world, _issue(world.signer("new")))
    assert report.outcome is Outcome.VALID, report.to_json()
    assert report.issuer == ISSUER_URI
    assert report.key_id == x5t_s256(world.certs["new"])
    assert report.claims["given_name"] == "Ada"
    key_check = next(c for c in report.checks if c.code == "issuer.key")
    assert "trust list #17" in key_check.message


def test_authentic_source_selects_the_institution(snapshot: TrustSnapshot, world: World) -> None:
    card = {"authentic_source": {"id": "BE:0120", "name": "Fund 0120"}, "given_name": "Ada"}
    report = _verify(snapshot, world, _issue(world.signer("new"), vct=EHIC, claims=card))
    assert report.outcome is Outcome.VALID, report.to_json()
    card["authentic_source"] = {"id": "BE:0999"}
    report = _verify(snapshot, world, _issue(world.signer("new"), vct=EHIC, claims=card))
    assert _failure(report) == "trust.not_for_institution"


def test_root_inside_x5c_is_ignored(snapshot: TrustSnapshot, world: World) -> None:
    token = _issue(world.signer("new", with_root=True))
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert len(header["x5c"]) == 2  # leaf + the pinned root (HAIP says never; we tolerate it)
    assert _verify(snapshot, world, token).outcome is Outcome.VALID


def test_untrusted_chain(snapshot: TrustSnapshot, world: World) -> None:
    stranger = Pki(name="civicred dev root")
    key, cert = stranger.issue("document_signing", utc(2026, 1, 1), utc(2028, 1, 1))
    token = _issue(LocalSigner(key, certificate_chain=(cert,)))
    assert _failure(_verify(snapshot, world, token)) == "trust.chain"
    # the stranger's root in x5c changes nothing: only the pinned root anchors
    token = _issue(LocalSigner(key, certificate_chain=(cert, stranger.root)))
    assert _failure(_verify(snapshot, world, token)) == "trust.chain"


def test_no_x5c(snapshot: TrustSnapshot, world: World) -> None:
    token = _issue(LocalSigner(world.keys["new"]))
    assert _failure(_verify(snapshot, world, token)) == "trust.x5c"


def test_chaining_but_unlisted_certificate(snapshot: TrustSnapshot, world: World) -> None:
    key, cert = world.pki.issue("document_signing", utc(2026, 1, 1), utc(2028, 1, 1))
    token = _issue(LocalSigner(key, certificate_chain=(cert,)))
    assert _failure(_verify(snapshot, world, token)) == "trust.unknown_kid"


def test_iss_of_another_issuer(snapshot: TrustSnapshot, world: World) -> None:
    token = _issue(world.signer("new"), iss="https://other.example")
    assert _failure(_verify(snapshot, world, token)) == "trust.issuer_mismatch"


def test_wrong_use_and_dates(snapshot: TrustSnapshot, world: World) -> None:
    assert _failure(_verify(snapshot, world, _issue(world.signer("status")))) == "trust.wrong_use"
    later = NOW + timedelta(days=60)  # after the old certificate's retirement
    token = _issue(world.signer("old"), iat=later)
    assert _failure(_verify(snapshot, world, token, later)) == "trust.cert_retired"
    early = utc(2026, 11, 20)  # before the new certificate's X.509 validity
    token = _issue(world.signer("new"), iat=early)
    assert _failure(_verify(snapshot, world, token)) == "trust.cert_not_yet_valid"
    token = _issue(world.signer("lost"), iat=utc(2026, 8, 1))
    assert _failure(_verify(snapshot, world, token)) == "trust.cert_revoked"


def test_without_iat_the_policy_time_decides(snapshot: TrustSnapshot, world: World) -> None:
    token = _issue(world.signer("old"), iat=None)
    assert _verify(snapshot, world, token).outcome is Outcome.VALID
    later = utc(2027, 2, 1)
    assert _failure(_verify(snapshot, world, token, later)) == "trust.cert_retired"


def test_freshness_is_exposed_for_the_report(snapshot: TrustSnapshot, world: World) -> None:
    resolver = SdJwtVcTrustResolver(snapshot, world.pki.root, now=NOW + timedelta(days=2))
    assert resolver.freshness().result is CheckResult.UNDETERMINED
    with pytest.raises(ValueError):
        SdJwtVcTrustResolver(snapshot, world.pki.root, now=NOW.replace(tzinfo=None))


def test_status_list_resolver(snapshot: TrustSnapshot, world: World) -> None:
    resolver = StatusListTrustResolver(snapshot, world.pki.root, now=NOW)
    header = {"typ": "statuslist+jwt", "x5c": x5c_header(world.signer("status").certificate_chain)}
    payload = {"sub": STATUS_URI, "iat": int(NOW.timestamp())}
    resolved = resolver.resolve(header, payload)
    assert resolved.kid == x5t_s256(world.certs["status"])
    assert resolved.issuer == ISSUER_URI
    with pytest.raises(UntrustedIssuer) as exc:
        resolver.resolve(header, {"sub": "https://elsewhere/1"})
    assert exc.value.code == "trust.not_for_list"
    doc = {"x5c": x5c_header(world.signer("new").certificate_chain)}
    with pytest.raises(UntrustedIssuer) as exc:
        resolver.resolve(doc, payload)
    assert exc.value.code == "trust.wrong_use"
