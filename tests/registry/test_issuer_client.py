"""The issuer's own registry client (issuer/registry_client.py) against the registry app: the
admin contract both sides rely on (certify → activate → push lists → bundle)."""

from __future__ import annotations

import pytest

from trust_registry.services import RegistryServices
from verifier.jose import jwk_from_public_key
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import StatusList, encode_status_list_jwt
from verifier.trust import Bundle, x5t_s256

from ._support import ADMIN_TOKEN, Api, FakeClock

registry_client = pytest.importorskip("issuer.registry_client")
errors = pytest.importorskip("issuer.errors")


def test_issuer_client_round_trip(
    api: Api, sqlite_services: RegistryServices, clock: FakeClock
) -> None:
    client = registry_client.RegistryClient(
        "http://registry.test",
        ADMIN_TOKEN,
        client=api.client,
    )
    key = generate_private_key("ES256")
    chain = client.certify("BE:CBSS", jwk_from_public_key(key.public_key()), "status_signing")
    assert [c.public_key() for c in chain] == [key.public_key()]  # the leaf, no root
    client.activate(x5t_s256(chain[0]))
    signer = LocalSigner(key, certificate_chain=tuple(chain))
    uri = "http://127.0.0.1:8701/status/abc"
    iat = int(clock().timestamp())
    token = encode_status_list_jwt(StatusList(128), uri=uri, signer=signer, iat=iat, exp=iat + 600)
    client.push_lists("BE:CBSS", status_lists=[(uri, token, "application/statuslist+jwt")])
    bundle = Bundle.parse(client.bundle(), root=sqlite_services.ca.root, now=clock())
    assert bundle.status_tokens[uri].token == token
    with pytest.raises(errors.UpstreamError, match="409") as refused:
        client.activate(x5t_s256(chain[0]))
    assert refused.type is errors.UpstreamError  # answered: not "unavailable"


def test_unreachable_registry_is_upstream_unavailable() -> None:
    from servicekit.local import free_port

    client = registry_client.RegistryClient(f"http://127.0.0.1:{free_port()}", ADMIN_TOKEN)
    with pytest.raises(errors.UpstreamUnavailable, match="unreachable") as unreachable:
        client.root_pem()
    assert (unreachable.value.status_code, unreachable.value.error) == (503, "upstream_unavailable")
