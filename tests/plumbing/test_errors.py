"""The one error handler and request ids (servicekit.http) on a small real FastAPI app."""

from __future__ import annotations

import logging
from typing import Literal

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from servicekit import Forbidden, InvalidToken, ServiceError, Unauthorized
from servicekit.http import REQUEST_ID_HEADER, current_request_id, install_error_handling
from servicekit.local import app_thread, asgi_client, free_port

PERSONAL = "Jane Doe, national number 85.01.01-123.45"


class Gone(ServiceError):
    status_code = 410
    error = "gone_for_good"


class Change(BaseModel):
    status: Literal["valid", "invalid"]
    count: int


class ForeignError(Exception):
    pass


def make_app(**options: object) -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/raise/{name}")
    def raise_(name: str) -> None:
        errors: dict[str, ServiceError] = {
            "gone": Gone("the list was withdrawn"),
            "unauthorized": Unauthorized("a token is required"),
            "forbidden": Forbidden("not for you"),
            "invalid-token": InvalidToken("that token is not accepted"),
        }
        raise errors[name]

    @app.post("/change")
    def change(body: Change) -> dict[str, str]:
        return {"status": body.status}

    @app.get("/bug")
    def bug() -> None:
        raise RuntimeError(PERSONAL)

    @app.get("/foreign")
    def foreign() -> None:
        raise ForeignError(PERSONAL)

    @app.get("/framework")
    def framework() -> None:
        raise HTTPException(429, "slow down", headers={"Retry-After": "3"})

    @app.get("/request-id")
    def request_id() -> dict[str, str | None]:
        return {"request_id": current_request_id()}

    install_error_handling(app, **options)  # type: ignore[arg-type]
    return app


@pytest.fixture
def client() -> httpx.Client:
    return asgi_client(make_app())


def assert_error_body(response: httpx.Response, status: int, error: str) -> dict[str, str]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"error", "error_description", "request_id"}
    assert body["error"] == error and body["error_description"]
    assert body["request_id"] == response.headers[REQUEST_ID_HEADER]
    return body


@pytest.mark.parametrize(
    ("name", "status", "error", "www_authenticate"),
    [
        ("gone", 410, "gone_for_good", None),
        ("unauthorized", 401, "unauthorized", "Bearer"),
        ("forbidden", 403, "forbidden", None),
        ("invalid-token", 403, "invalid_token", 'Bearer error="invalid_token"'),
    ],
)
def test_service_errors_carry_their_class_status_code_and_headers(
    client: httpx.Client, name: str, status: int, error: str, www_authenticate: str | None
) -> None:
    response = client.get(f"/raise/{name}")
    body = assert_error_body(response, status, error)
    assert response.headers.get("www-authenticate") == www_authenticate
    assert body["error_description"] != "" and "Traceback" not in response.text


def test_validation_errors_name_the_field_never_the_value(client: httpx.Client) -> None:
    response = client.post("/change", json={"status": PERSONAL, "count": "many"})
    body = assert_error_body(response, 422, "invalid_request")
    assert "body.status" in body["error_description"] and "body.count" in body["error_description"]
    assert "Jane" not in response.text and "many" not in response.text


def test_a_body_that_is_not_json_is_a_422_in_the_same_shape(client: httpx.Client) -> None:
    response = client.post(
        "/change", content=b'{"status": "Jane', headers={"content-type": "application/json"}
    )
    assert_error_body(response, 422, "invalid_request")
    assert "Jane" not in response.text


def test_framework_errors_come_out_in_the_same_shape(client: httpx.Client) -> None:
    assert_error_body(client.get("/no/such/route"), 404, "not_found")
    assert_error_body(client.delete("/healthz"), 405, "method_not_allowed")
    slow = client.get("/framework")
    assert_error_body(slow, 429, "too_many_requests")
    assert slow.headers["retry-after"] == "3"


def test_an_unexpected_exception_is_a_500_without_traceback_or_personal_data(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="servicekit.http"):
        response = client.get("/bug", headers={REQUEST_ID_HEADER: "lb-trace-0001"})
    body = assert_error_body(response, 500, "server_error")
    assert body == {
        "error": "server_error",
        "error_description": "internal error",
        "request_id": "lb-trace-0001",
    }
    assert "Jane" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    # The operator's log has the request id, the type and where it happened, not the message.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "lb-trace-0001" in logged and "RuntimeError" in logged and "in bug" in logged
    assert "test_errors.py" in logged and "Jane" not in logged


def test_translate_maps_a_foreign_exception_to_a_service_error() -> None:
    app = make_app(translate={ForeignError: lambda _exc: Gone("translated")})
    response = asgi_client(app).get("/foreign")
    body = assert_error_body(response, 410, "gone_for_good")
    assert body["error_description"] == "translated"


def test_legacy_detail_repeats_the_description() -> None:
    client = asgi_client(make_app(legacy_detail=True))
    for response in (client.get("/raise/gone"), client.get("/bug"), client.post("/change")):
        body = response.json()
        assert body["detail"] == body["error_description"] and body["error"]


@pytest.mark.parametrize(
    ("presented", "kept"),
    [
        ("7d0f2f0e-6a3b-4bd3-9d4c-6f5d0e1b2a33", True),
        ("Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8", True),
        ("", False),
        ("x" * 129, False),
        ("two words", False),
        ("<script>", False),
        ("id\u00e9", False),
    ],
)
def test_request_id_is_accepted_when_sane_else_generated(
    client: httpx.Client, presented: str, kept: bool
) -> None:
    response = client.get("/request-id", headers={REQUEST_ID_HEADER: presented.encode("utf-8")})
    echoed = response.headers[REQUEST_ID_HEADER]
    assert response.json() == {"request_id": echoed}  # the same id inside the request
    if kept:
        assert echoed == presented
    else:
        assert echoed != presented and len(echoed) == 32 and int(echoed, 16) >= 0


def test_every_request_gets_its_own_id(client: httpx.Client) -> None:
    ids = {client.get("/healthz").headers[REQUEST_ID_HEADER] for _ in range(5)}
    assert len(ids) == 5
    assert current_request_id() is None  # nothing leaks out of a request's context


def test_over_real_http_a_500_keeps_the_shape_and_the_server_keeps_serving() -> None:
    with app_thread(make_app(), free_port()) as url, httpx.Client(base_url=url) as http:
        response = http.get("/bug")
        assert_error_body(response, 500, "server_error")
        assert "Jane" not in response.text
        assert http.get("/healthz").status_code == 200
