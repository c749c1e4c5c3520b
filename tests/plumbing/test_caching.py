"""ETag / If-None-Match / 304 (servicekit.http, RFC 9110 §8.8.3, §13.1.2, §15.4.5)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from hypothesis import given
from hypothesis import strategies as st

from servicekit.http import cached_response, etag_matches, strong_etag
from servicekit.local import asgi_client

BODY = b"eyJhbGciOiJFUzI1NiJ9.e30.signature"
ETAG = strong_etag(BODY)


def test_the_strong_etag_is_the_quoted_sha256_of_the_body() -> None:
    assert ETAG.startswith('"') and ETAG.endswith('"') and len(ETAG) == 66
    assert not ETAG.startswith("W/") and strong_etag(BODY + b".") != ETAG


@pytest.mark.parametrize(
    "header",
    [
        ETAG,
        f"W/{ETAG}",  # weak comparison: the W/ prefix is ignored
        "*",
        " * ",
        f'"other", {ETAG}',
        f'W/"other",W/{ETAG}',
        f'"a,b", {ETAG}',  # a comma inside a tag is part of it
        f", ,{ETAG},",  # empty list elements are allowed (§5.6.1.2)
    ],
)
def test_matches(header: str) -> None:
    assert etag_matches(header, ETAG)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "   ",
        '"other"',
        ETAG[1:-1],  # unquoted
        ETAG[:-2] + '"',  # a prefix
        f"{ETAG[:-1]}x{ETAG[-1]}",
        f"* , {ETAG}",  # "*" is only valid alone
        f"{ETAG} {ETAG}",  # not a list
        f"w/{ETAG}",  # the weak indicator is case-sensitive
    ],
)
def test_does_not_match(header: str | None) -> None:
    assert not etag_matches(header, ETAG)


def test_a_weak_etag_of_ours_matches_its_strong_twin() -> None:
    assert etag_matches(ETAG, f"W/{ETAG}") and etag_matches(f"W/{ETAG}", f"W/{ETAG}")


_tags = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"'),
    max_size=12,
).map(lambda t: f'"{t}"')


@given(
    others=st.lists(_tags, max_size=5),
    position=st.integers(min_value=0, max_value=5),
    weak=st.booleans(),
    spaces=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_ours_anywhere_in_a_list_matches_and_absent_never(
    others: list[str], position: int, weak: bool, spaces: str
) -> None:
    others = [t for t in others if t != ETAG]
    assert not etag_matches(f",{spaces}".join(others), ETAG)
    listed = [*others]
    listed.insert(min(position, len(listed)), ("W/" if weak else "") + ETAG)
    assert etag_matches(f",{spaces}".join(listed), ETAG)


@pytest.fixture
def client() -> httpx.Client:
    app = FastAPI()

    @app.get("/doc")
    def doc(request: Request) -> Response:
        return cached_response(request, BODY, "application/jwt", max_age=300, vary="Accept")

    @app.get("/expired")
    def expired(request: Request) -> Response:
        return cached_response(request, BODY, "application/jwt", max_age=-5, etag='"v7"')

    return asgi_client(app)


def test_200_then_304_with_the_same_validators_and_no_body(client: httpx.Client) -> None:
    first = client.get("/doc")
    assert first.status_code == 200 and first.content == BODY
    assert first.headers["content-type"] == "application/jwt"
    assert first.headers["etag"] == ETAG
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["vary"] == "Accept"
    for header in (ETAG, f"W/{ETAG}", "*", f'"stale", {ETAG}'):
        again = client.get("/doc", headers={"If-None-Match": header})
        assert again.status_code == 304 and again.content == b"", header
        for name in ("etag", "cache-control", "vary"):
            assert again.headers[name] == first.headers[name], (header, name)
    assert client.get("/doc", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_a_given_etag_is_used_and_max_age_never_goes_negative(client: httpx.Client) -> None:
    response = client.get("/expired")
    assert response.headers["etag"] == '"v7"'
    assert response.headers["cache-control"] == "public, max-age=0"
    assert client.get("/expired", headers={"If-None-Match": 'W/"v7"'}).status_code == 304
