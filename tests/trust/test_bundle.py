"""The offline bundle: outer signature to the pinned root, inner trust list, carried lists."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from verifier import CheckResult, VerificationError
from verifier.jose import b64url_decode, b64url_encode
from verifier.trust import (
    BUNDLE_TYP,
    Bundle,
    StatusToken,
    build_bundle,
    peek_bundle,
    sign_registry_jws,
    sign_trust_list,
    x5c_header,
    x5t_s256,
)

from ._world import NOW, STATUS_URI, Pki, World

REVOCATION = "https://issuer.civicred.localhost/revocation/0"
TYPE_META = {"urn:civicred:social-status:1": {"vct": "urn:civicred:social-status:1", "name": "SSH"}}


def _bundle(
    world: World, *, trust_list: str | None = None, signer: object = None, pki: Pki | None = None
) -> str:
    pki = pki or world.pki
    return build_bundle(
        trust_list=trust_list or world.token,
        root=pki.root,
        signer=signer or pki.registry_signer,  # type: ignore[arg-type]
        issued_at=NOW - timedelta(hours=1),
        next_update=NOW + timedelta(hours=23),
        status_lists={
            STATUS_URI: ("application/statuslist+jwt", "a.b.c"),
            STATUS_URI + "/cwt": ("application/statuslist+cwt", "2D3A"),
        },
        revocation_lists={REVOCATION: "x.y.z"},
        type_metadata=TYPE_META,
    )


def _refused(token: str, world: World) -> str:
    with pytest.raises(VerificationError) as exc:
        Bundle.parse(token, root=world.pki.root, now=NOW)
    return exc.value.code


def test_pinned_bundle(world: World) -> None:
    bundle = Bundle.parse(_bundle(world), root=world.pki.root, now=NOW)
    assert bundle.pinned
    assert [c.result for c in bundle.checks] == [CheckResult.PASSED, CheckResult.PASSED]
    assert bundle.snapshot.sequence == 17
    assert bundle.snapshot.freshness.result is CheckResult.PASSED
    assert bundle.status_tokens[STATUS_URI] == StatusToken("application/statuslist+jwt", "a.b.c")
    media_type, token = bundle.status_tokens[STATUS_URI + "/cwt"]
    assert (media_type, token) == ("application/statuslist+cwt", "2D3A")
    assert bundle.revocation_lists == {REVOCATION: "x.y.z"}
    assert bundle.type_metadata == TYPE_META
    assert bundle.age(NOW) == timedelta(hours=1)
    assert bundle.root_fingerprint == x5t_s256(world.pki.root)
    signers = bundle.status_signers(STATUS_URI)
    assert [e.x5t_s256 for _, e in signers] == [x5t_s256(world.certs["status"])]
    resolver = bundle.status_list_resolver(NOW)
    header = {"x5c": x5c_header(world.signer("status").certificate_chain)}
    assert resolver.resolve(header, {"sub": STATUS_URI}).kid == x5t_s256(world.certs["status"])


def test_unpinned_bundle_is_undetermined(world: World) -> None:
    bundle = Bundle.parse(_bundle(world), root=None, now=NOW)
    assert not bundle.pinned
    assert bundle.checks[0].code == "trust.root"
    assert bundle.checks[0].result is CheckResult.UNDETERMINED  # no pin, no trust: never valid


def test_sequence_and_identity(world: World) -> None:
    token = build_bundle(
        trust_list=world.token,
        root=world.pki.root,
        signer=world.pki.registry_signer,
        issued_at=NOW - timedelta(hours=1),
        next_update=NOW + timedelta(hours=23),
        sequence=41,
    )
    bundle = Bundle.parse(token, root=world.pki.root, now=NOW)
    assert (bundle.sequence, bundle.iss) == (41, world.model.iss)
    assert Bundle.parse(_bundle(world), root=world.pki.root, now=NOW).sequence is None
    identity = peek_bundle(token)
    assert identity.iss == world.model.iss and identity.root == world.pki.root
    assert _refused(_resign(world, token, BUNDLE_TYP, {"sequence": -1}), world) == "trust.bundle"
    assert _refused(_resign(world, token, BUNDLE_TYP, {"sequence": "2"}), world) == "trust.bundle"


def test_other_registry_root(world: World) -> None:
    stranger = Pki()
    token = _bundle(
        world, trust_list=sign_trust_list(world.model, stranger.registry_signer), pki=stranger
    )
    assert _refused(token, world) == "trust.root_mismatch"
    # a bundle naming our root but signed by a key that does not chain to it
    forged = _bundle(world, signer=stranger.registry_signer)
    assert _refused(forged, world) == "trust.chain"


def test_inner_trust_list_is_verified(world: World) -> None:
    header, payload, signature = world.token.split(".")
    tampered = (
        f"{header}.{b64url_encode(b64url_decode(payload).replace(b'17', b'18', 1))}.{signature}"
    )
    assert _refused(_bundle(world, trust_list=tampered), world) == "jws.signature"


def test_outer_payload_tampering(world: World) -> None:
    header, payload, signature = _bundle(world).split(".")
    data = b64url_decode(payload).replace(b"a.b.c", b"a.b.d")
    assert _refused(f"{header}.{b64url_encode(data)}.{signature}", world) == "jws.signature"


def _resign(world: World, token: str, typ: str, edit: dict[str, object] | None = None) -> str:
    payload = json.loads(b64url_decode(token.split(".")[1]))
    payload.update(edit or {})
    return sign_registry_jws(payload, typ=typ, signer=world.pki.registry_signer)


def test_typ(world: World) -> None:
    token = _resign(world, _bundle(world), "civicred-trust-list+jwt")
    assert _refused(token, world) == "trust.typ"
    resigned = _resign(world, _bundle(world), BUNDLE_TYP)  # the control: the right typ passes
    assert Bundle.parse(resigned, root=world.pki.root, now=NOW).pinned


@pytest.mark.parametrize(
    ("edit", "code"),
    [
        ({"root": "!!"}, "trust.certificate"),
        ({"trust_list": 5}, "trust.bundle"),
        ({"status_lists": {"u": {"media_type": "x"}}}, "trust.bundle"),
        ({"revocation_lists": {"u": 1}}, "trust.bundle"),
        ({"type_metadata": {"v": "x"}}, "trust.bundle"),
        ({"next_update": 0}, "trust.bundle"),
    ],
)
def test_malformed_bundle(world: World, edit: dict[str, object], code: str) -> None:
    assert _refused(_resign(world, _bundle(world), BUNDLE_TYP, edit), world) == code


def test_stale_bundle_is_undetermined(world: World) -> None:
    later = NOW + timedelta(hours=30)
    bundle = Bundle.parse(_bundle(world), root=world.pki.root, now=later)
    assert bundle.checks[1].code == "trust.freshness"
    assert bundle.checks[1].result is CheckResult.UNDETERMINED
    assert bundle.snapshot.freshness.result is CheckResult.UNDETERMINED
    assert bundle.freshness_at(NOW).result is CheckResult.PASSED


def test_build_refuses_inverted_window(world: World) -> None:
    with pytest.raises(ValueError):
        build_bundle(
            trust_list=world.token,
            root=world.pki.root,
            signer=world.pki.registry_signer,
            issued_at=NOW,
            next_update=NOW,
        )
