"""Every issuer error reaches the one handler: its class's status and code in one JSON shape,
with the request id; validation and unexpected errors come out in the same shape."""

from __future__ import annotations

import logging

import httpx
import pytest

from issuer import errors
from issuer.api import create_app
from issuer.services import IssuerServices
from servicekit import ServiceError
from servicekit.local import asgi_client
from verifier import IssuanceError

from .conftest import TOKEN

ADMIN = {"Authorization": f"Bearer {TOKEN}"}
PERSONAL = "Jane Doe, national number 85.01.01-123.45"


def _exported_error_classes() -> list[type[ServiceError]]:
    return [
        value
        for name in errors.__all__
        if isinstance(value := getattr(errors, name), type) and issubclass(value, ServiceError)
    ]


ERROR_CLASSES = _exported_error_classes()


@pytest.fixture
def client(services: IssuerServices) -> httpx.Client:
    return asgi_client(create_app(services))


def assert_error(response: httpx.Response, status: int, error: str) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description", "request_id"}
    assert body["error"] == error and body["error_description"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert response.headers["cache-control"] == "no-store"
    return body


def test_the_tree_is_complete_and_each_answer_is_unique() -> None:
    assert len(ERROR_CLASSES) == 47
    bases = (errors.IssuerError, errors.ServiceError, errors.OAuthError, errors.ResourceAccessError)
    # OAuth codes recur by design (invalid_request at the token endpoint and at a resource,
    # invalid_dpop_proof as 400 and as a 401 challenge), but no two classes answer alike.
    answers = [
        (c.status_code, c.error, c.headers.get("WWW-Authenticate"))
        for c in ERROR_CLASSES
        if c not in bases
    ]
    assert len(answers) == len(set(answers)), answers
    for cls in ERROR_CLASSES:
        assert 400 <= cls.status_code <= 599 and cls.error.isidentifier(), cls
    # Refusals to issue are also the verifier package's IssuanceError (one tree for callers).
    for cls in (errors.IssuanceRefused, errors.DocumentError, errors.IssuanceNotAllowed):
        assert issubclass(cls, IssuanceError)
    assert issubclass(errors.SigningUnavailable, IssuanceError)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_each_error_class_reaches_the_handler(
    cls: type[ServiceError],
    services: IssuerServices,
    client: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Raised from domain code under a real route; the answer is the class's status and code."""

    def published(_list_id: str) -> None:
        raise cls(f"{cls.__name__} raised by the domain")

    monkeypatch.setattr(services.status, "published", published)
    response = client.get("/status/abc", headers={"X-Request-ID": f"req-{cls.__name__}"})
    body = assert_error(response, cls.status_code, cls.error)
    assert body["error_description"] == f"{cls.__name__} raised by the domain"
    assert body["request_id"] == f"req-{cls.__name__}"
    for name, value in cls.headers.items():
        assert response.headers[name] == value


def test_unknown_lists_and_handles_are_404_from_the_domain(client: httpx.Client) -> None:
    assert_error(client.get("/status/doesnotexist"), 404, "not_found")
    assert_error(client.get("/revocation/doesnotexist"), 404, "not_found")
    unknown = client.post(
        "/admin/credentials/nope/status", json={"status": "invalid"}, headers=ADMIN
    )
    assert assert_error(unknown, 404, "not_found")["error_description"] == "unknown credential nope"
    group = client.post("/admin/groups/nope/status", json={"status": "invalid"}, headers=ADMIN)
    assert_error(group, 404, "not_found")
    document = client.post("/admin/documents/revoke", json={"jti": "urn:uuid:nope"}, headers=ADMIN)
    assert_error(document, 404, "not_found")


def test_a_forbidden_status_change_is_409_with_its_own_code(
    client: httpx.Client, services: IssuerServices
) -> None:
    allocation = services.status.allocate(group_id="g-1")
    url = f"/admin/credentials/{allocation.credential_id}/status"
    assert client.post(url, json={"status": "invalid"}, headers=ADMIN).status_code == 204
    again = client.post(url, json={"status": "valid"}, headers=ADMIN)
    body = assert_error(again, 409, "status_transition_refused")
    assert "INVALID" in body["error_description"]
    group = client.post("/admin/groups/g-1/status", json={"status": "suspended"}, headers=ADMIN)
    assert_error(group, 409, "status_transition_refused")


def test_admin_authentication_errors(client: httpx.Client) -> None:
    url = "/admin/documents/revoke"
    missing = client.post(url, json={"jti": "x"})
    assert_error(missing, 401, "unauthorized")
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post(url, json={"jti": "x"}, headers={"Authorization": "Bearer nope"})
    assert_error(wrong, 403, "invalid_token")
    assert wrong.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_validation_errors_are_422_in_the_same_shape_without_the_value(
    client: httpx.Client,
) -> None:
    response = client.post("/admin/credentials/c/status", json={"status": PERSONAL}, headers=ADMIN)
    body = assert_error(response, 422, "invalid_request")
    assert body["error_description"].startswith("body.status: ")
    assert "Jane" not in response.text
    broken = client.post(
        "/admin/documents/revoke",
        content=b"{not json",
        headers={**ADMIN, "content-type": "application/json"},
    )
    assert_error(broken, 422, "invalid_request")
    assert_error(client.get("/no/such/route"), 404, "not_found")
    assert_error(client.put("/status"), 405, "method_not_allowed")


def test_an_unexpected_exception_is_a_500_without_traceback_or_personal_data(
    client: httpx.Client,
    services: IssuerServices,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(_list_id: str) -> None:
        raise KeyError(PERSONAL)

    monkeypatch.setattr(services.status, "published", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get("/status/abc")
    body = assert_error(response, 500, "server_error")
    assert body["error_description"] == "internal error"
    for leak in ("Jane", "85.01.01", "Traceback", "KeyError", "published"):
        assert leak not in response.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert body["request_id"] in logged and "KeyError" in logged and "Jane" not in logged
    assert client.get("/healthz").status_code == 200  # the service keeps serving


def test_successful_answers_carry_a_request_id_too(client: httpx.Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 200 and response.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert generated.headers["x-request-id"] != "bad id\twith spaces"
