"""Property tests: random lists survive compress/inflate and both token forms unchanged."""

from __future__ import annotations

import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.jose import CREDENTIAL_ALGORITHMS
from verifier.signing import LocalSigner, generate_private_key
from verifier.status import (
    StatusList,
    decode_status_list_cwt,
    decode_status_list_jwt,
    encode_status_list_cwt,
    encode_status_list_jwt,
)

SIGNER = LocalSigner(generate_private_key("ES256"))
URI = "https://status.example/lists/42"


@st.composite
def status_lists(draw: st.DrawFn) -> tuple[StatusList, dict[int, int]]:
    bits = draw(st.sampled_from([1, 2, 4, 8]))
    size = draw(st.integers(min_value=1, max_value=20_000))
    status_list = StatusList(size, bits)
    entries = draw(
        st.dictionaries(
            st.integers(min_value=0, max_value=status_list.size - 1),
            st.integers(min_value=0, max_value=(1 << bits) - 1),
            max_size=64,
        )
    )
    for index, value in entries.items():
        status_list.set(index, value)
    return status_list, entries


def _check(decoded: StatusList, entries: dict[int, int], original: StatusList) -> None:
    assert decoded == original
    assert decoded.to_bytes() == original.to_bytes()
    for index, value in entries.items():
        assert decoded.get(index) == value
    assert decoded.size - decoded.count(0) == sum(1 for v in entries.values() if v)


@settings(max_examples=200, deadline=None, database=None)
@given(status_lists(), st.integers(min_value=1, max_value=9))
def test_compress_round_trip(case: tuple[StatusList, dict[int, int]], level: int) -> None:
    status_list, entries = case
    data = status_list.compressed(level)
    assert zlib.decompress(data) == status_list.to_bytes()
    _check(StatusList.from_compressed(data, status_list.bits), entries, status_list)


@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(status_lists(), st.integers(min_value=0, max_value=2**31), st.integers(1, 10**6))
def test_jwt_and_cwt_round_trip(
    case: tuple[StatusList, dict[int, int]], iat: int, ttl: int
) -> None:
    status_list, entries = case
    args = {"uri": URI, "signer": SIGNER, "iat": iat, "exp": iat + ttl, "ttl": ttl}
    verify = {"key": SIGNER.public_key(), "policy": CREDENTIAL_ALGORITHMS, "expected_uri": URI}
    jwt = decode_status_list_jwt(encode_status_list_jwt(status_list, **args), now=iat, **verify)
    cwt = decode_status_list_cwt(encode_status_list_cwt(status_list, **args), now=iat, **verify)
    for token in (jwt, cwt):
        _check(token.status_list, entries, status_list)
        assert (token.iat, token.exp, token.ttl) == (iat, iat + ttl, ttl)
        for index, value in entries.items():
            assert token.status(index) == value
