"""The signed trust list: wire format, signature, chain, typ, tampering, freshness."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from verifier import CheckResult, MalformedInput, VerificationError
from verifier.jose import b64url_decode, b64url_encode, sign_compact_json
from verifier.trust import (
    TRUST_LIST_TYP,
    FreshnessPolicy,
    TrustList,
    sign_registry_jws,
    sign_trust_list,
    verify_trust_list,
    x5c_header,
)

from ._world import NOW, Pki, World


def _refused(world: World, token: str) -> str:
    with pytest.raises(VerificationError) as exc:
        verify_trust_list(token, world.pki.root, NOW)
    return exc.value.code


def test_wire_format_matches_the_contract(world: World) -> None:
    data = world.model.to_json()
    assert list(data) == ["iss", "issued_at", "next_update", "sequence", "institutions", "issuers"]
    inst = data["institutions"][0]
    assert list(inst) == ["official_id", "country", "role", "names", "accreditations"]
    assert inst["accreditations"][0] == {
        "document_type": "eessi:prc:1.0",
        "valid_from": "2024-01-01",
        "valid_until": None,
    }
    issuer = data["issuers"][0]
    assert list(issuer) == [
        "id",
        "country",
        "names",
        "credential_issuer",
        "signs_for",
        "status_lists",
        "revocation_lists",
        "certificates",
    ]
    cert = issuer["certificates"][0]
    assert list(cert) == [
        "x5t#S256",
        "use",
        "state",
        "not_before",
        "not_after",
        "revoked_at",
        "der",
    ]
    assert cert["not_before"] == "2026-01-01T00:00:00Z"
    assert cert["not_after"] == "2027-01-01T00:00:00Z"  # retired: window ends at retirement
    assert issuer["certificates"][3]["revoked_at"] == "2026-07-01T00:00:00Z"
    assert isinstance(data["issued_at"], int)


def test_json_round_trip(world: World) -> None:
    assert TrustList.from_json(json.loads(json.dumps(world.model.to_json()))) == world.model


def test_signed_header(world: World) -> None:
    header = json.loads(b64url_decode(world.token.split(".")[0]))
    assert header["typ"] == TRUST_LIST_TYP
    assert header["alg"] == "ES256"
    assert len(header["x5c"]) == 1  # the registry signing certificate, never the root


def test_verify_builds_the_snapshot(world: World) -> None:
    snapshot = verify_trust_list(world.token, world.pki.root, NOW)
    assert snapshot.trust_list == world.model
    assert snapshot.sequence == 17
    assert snapshot.registry_certificate == world.pki.registry_cert
    assert snapshot.root_fingerprint is not None
    assert snapshot.freshness.result is CheckResult.PASSED


def _mutate_payload(token: str, edit: Callable[[dict[str, Any]], None]) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(b64url_decode(payload))
    edit(data)
    return f"{header}.{b64url_encode(json.dumps(data).encode())}.{signature}"


def test_payload_tampering_breaks_the_signature(world: World) -> None:
    tampered = _mutate_payload(world.token, lambda d: d.update(sequence=18))
    assert _refused(world, tampered) == "jws.signature"
    header, payload, signature = world.token.split(".")
    flipped = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    assert _refused(world, f"{header}.{flipped}.{signature}") in {
        "jws.signature",
        "input.json",
        "input.base64",
    }


def test_resigned_by_a_key_that_does_not_chain(world: World) -> None:
    stranger = Pki(name="civicred dev root")  # same name, different key
    forged = sign_trust_list(world.model, stranger.registry_signer)
    assert _refused(world, forged) == "trust.chain"


def test_typ_changed(world: World) -> None:
    token = sign_registry_jws(world.model.to_json(), typ="JWT", signer=world.pki.registry_signer)
    assert _refused(world, token) == "trust.typ"


def test_issuer_certificate_cannot_sign_a_trust_list(world: World) -> None:
    token = sign_trust_list(world.model, world.signer("new"))  # chains to the root, has an EKU
    assert _refused(world, token) == "trust.wrong_use"


def test_missing_x5c(world: World) -> None:
    token = sign_compact_json(
        {"typ": TRUST_LIST_TYP}, world.model.to_json(), world.pki.registry_signer
    )
    assert _refused(world, token) == "trust.x5c"


def test_x5c_naming_another_certificate(world: World) -> None:
    header = {"typ": TRUST_LIST_TYP, "x5c": x5c_header(world.signer("other").certificate_chain)}
    token = sign_compact_json(header, world.model.to_json(), world.pki.registry_signer)
    assert _refused(world, token) == "jws.signature"


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        (timedelta(0), CheckResult.PASSED),
        (timedelta(hours=12), CheckResult.WARNING),
        (timedelta(hours=23, minutes=1), CheckResult.UNDETERMINED),  # next_update passed
        (timedelta(days=3), CheckResult.UNDETERMINED),
        (-timedelta(hours=2), CheckResult.UNDETERMINED),  # issued in the future
    ],
)
def test_freshness(world: World, later: timedelta, expected: CheckResult) -> None:
    snapshot = verify_trust_list(world.token, world.pki.root, NOW + later)
    assert snapshot.freshness.code == "trust.freshness"
    assert snapshot.freshness.result is expected
    assert snapshot.freshness_at(NOW + later).result is expected


def test_max_age(world: World) -> None:
    snapshot = verify_trust_list(
        world.token, world.pki.root, NOW + timedelta(hours=2), timedelta(hours=2)
    )
    assert snapshot.freshness.result is CheckResult.UNDETERMINED
    policy = FreshnessPolicy(max_age=timedelta(hours=48), warn_after=timedelta(hours=30))
    relaxed = verify_trust_list(
        world.token, world.pki.root, NOW + timedelta(hours=20), policy=policy
    )
    assert relaxed.freshness.result is CheckResult.PASSED


def _edit_cert(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        data["issuers"][0]["certificates"][0][key] = value

    return edit


@pytest.mark.parametrize(
    "edit",
    [
        _edit_cert("x5t#S256", "A" * 43),
        _edit_cert("not_before", "2026-01-01"),
        _edit_cert("state", "suspended"),
        _edit_cert("use", "registry_signing"),
        lambda d: d["institutions"][0]["accreditations"][0].update(valid_from="2024-1-1"),
        lambda d: d["institutions"][0]["accreditations"][0].update(valid_until="2024-02-30"),
        lambda d: d["institutions"].append(copy.deepcopy(d["institutions"][0])),
        lambda d: d["issuers"][1].update(credential_issuer=d["issuers"][0]["credential_issuer"]),
        lambda d: d.update(next_update=d["issued_at"]),
        lambda d: d.update(sequence="17"),
        lambda d: d["issuers"][0].update(signs_for="BE:0120"),
        lambda d: d.update(issuers={}),
    ],
)
def test_malformed_contents(edit: Callable[[dict[str, Any]], None], world: World) -> None:
    data = copy.deepcopy(world.model.to_json())
    edit(data)
    with pytest.raises(MalformedInput) as exc:
        TrustList.from_json(data)
    assert exc.value.code == "trust.list"
