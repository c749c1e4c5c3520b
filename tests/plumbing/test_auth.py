"""Admin bearer-token authentication (servicekit.http.authenticate_admin), directly and through
a real app."""

from __future__ import annotations

import hmac
from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, Header
from pydantic import SecretStr

from servicekit import InvalidToken, Unauthorized
from servicekit.http import (
    Principal,
    _auth,
    authenticate_admin,
    authenticate_bearer,
    install_error_handling,
)
from servicekit.local import asgi_client

TOKENS = [SecretStr("first-admin-token"), SecretStr("second-admin-token"), SecretStr("x")]


@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer   ", "Basic Zm9vOmJhcg==", "first-admin-token"]
)
def test_no_bearer_token_is_401(authorization: str | None) -> None:
    with pytest.raises(Unauthorized) as refused:
        authenticate_admin(authorization, TOKENS)
    assert refused.value.status_code == 401
    assert refused.value.headers == {"WWW-Authenticate": "Bearer"}


@pytest.mark.parametrize(
    "token", ["nope", "first-admin-tokenX", "first-admin", "FIRST-ADMIN-TOKEN", "X", "x" * 4096]
)
def test_a_wrong_token_is_403(token: str) -> None:
    with pytest.raises(InvalidToken) as refused:
        authenticate_admin(f"Bearer {token}", TOKENS)
    assert refused.value.status_code == 403 and refused.value.error == "invalid_token"
    assert refused.value.headers == {"WWW-Authenticate": 'Bearer error="invalid_token"'}


def test_the_actor_names_the_matching_token_and_the_scheme_is_case_insensitive() -> None:
    assert authenticate_admin("Bearer first-admin-token", TOKENS) == "admin#0"
    assert authenticate_admin("bearer second-admin-token", TOKENS) == "admin#1"
    assert authenticate_admin("BEARER  x ", TOKENS) == "admin#2"


def test_no_configured_token_accepts_nothing() -> None:
    with pytest.raises(InvalidToken):
        authenticate_admin("Bearer anything", [])


@pytest.mark.parametrize("presented", ["first-admin-token", "x", "wrong"])
def test_every_token_is_compared_in_constant_time_without_early_exit(
    monkeypatch: pytest.MonkeyPatch, presented: str
) -> None:
    """Whether the first, the last or no token matches, each configured token is compared once,
    with ``hmac.compare_digest`` on equal-length digests (no length or prefix timing)."""
    calls: list[tuple[int, int]] = []
    original = hmac.compare_digest

    def compare(a: bytes, b: bytes) -> bool:
        calls.append((len(a), len(b)))
        return original(a, b)

    monkeypatch.setattr(_auth.hmac, "compare_digest", compare)
    try:
        authenticate_admin(f"Bearer {presented}", TOKENS)
    except InvalidToken:
        assert presented == "wrong"
    assert calls == [(32, 32)] * len(TOKENS)


def require_admin(authorization: Annotated[str | None, Header()] = None) -> str:
    return authenticate_admin(authorization, TOKENS)


def test_through_an_app_401_403_and_the_actor() -> None:
    app = FastAPI()

    @app.get("/admin/whoami")
    def whoami(actor: Annotated[str, Depends(require_admin)]) -> dict[str, str]:
        return {"actor": actor}

    install_error_handling(app)
    client = asgi_client(app)

    def call(headers: dict[str, str]) -> httpx.Response:
        return client.get("/admin/whoami", headers=headers)

    missing = call({})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"] == "unauthorized"
    wrong = call({"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "invalid_token"
    assert "nope" not in wrong.text and "first-admin-token" not in wrong.text
    assert call({"Authorization": "Bearer second-admin-token"}).json() == {"actor": "admin#1"}


def test_tokens_stay_out_of_reprs() -> None:
    assert "first-admin-token" not in repr(TOKENS) and "first-admin-token" not in str(TOKENS)


ROLES = {
    "operator": [SecretStr("operator-token-0"), SecretStr("operator-token-1")],
    "auditor": [SecretStr("auditor-token-0")],
}


def test_roles_the_principal_names_the_role_and_the_token_position() -> None:
    assert authenticate_bearer("Bearer operator-token-1", ROLES) == Principal("operator", 1)
    assert authenticate_bearer("Bearer auditor-token-0", ROLES).actor == "auditor#0"
    with pytest.raises(InvalidToken):
        authenticate_bearer("Bearer auditor-token-1", ROLES)
    with pytest.raises(Unauthorized):
        authenticate_bearer(None, ROLES)


def test_roles_every_token_of_every_role_is_compared_without_early_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    original = hmac.compare_digest

    def compare(a: bytes, b: bytes) -> bool:
        calls.append(len(a) + len(b))
        return original(a, b)

    monkeypatch.setattr(_auth.hmac, "compare_digest", compare)
    for presented in ("operator-token-0", "auditor-token-0", "nobody"):
        calls.clear()
        try:
            authenticate_bearer(f"Bearer {presented}", ROLES)
        except InvalidToken:
            assert presented == "nobody"
        assert calls == [64, 64, 64]
