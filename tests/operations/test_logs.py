"""The real service's log output: JSON lines, one access line per request under its request id
and route template, and no personal data whatever the requests carried."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from servicekit.observability import REDACTED, JsonFormatter

from ._support import (
    ADMIN_TOKEN,
    NATIONAL_NUMBER,
    PERSONAL_DATA,
    issuer_env,
    provision_keys,
    running_issuer,
)

PERSON = {
    "name": "Jan Peeters",
    "family_name": "Janssens",
    "birth_date": "1985-07-30",
    "national_number": NATIONAL_NUMBER,
}
QUERY = {"rrn": NATIONAL_NUMBER, "name": "Jan Peeters", "dob": "30/07/1985"}
HEADERS = {
    "User-Agent": "wallet of Jan Peeters born 1985-07-30",
    "X-Holder": f"Janssens {NATIONAL_NUMBER}",
    "Cookie": f"rrn={NATIONAL_NUMBER}",
}
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def requests_with_personal_data(client: httpx.Client) -> list[tuple[httpx.Response, str]]:
    """``(response, route template expected in its access line)`` for each request."""
    sent = []

    def send(method: str, path: str, route: str, **kwargs: object) -> None:
        headers = {**HEADERS, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        response = client.request(method, path, params=QUERY, headers=headers, **kwargs)  # type: ignore[arg-type]
        sent.append((response, route))

    send("GET", f"/status/{NATIONAL_NUMBER}", "/status/{list_id}")
    send("GET", "/revocation/Peeters-1985-07-30", "/revocation/{list_id}")
    send(
        "POST",
        f"/admin/credentials/{NATIONAL_NUMBER}/status",
        "/admin/credentials/{credential_id}/status",
        json={"status": "invalid", **PERSON},
        headers=ADMIN,
    )
    send(
        "POST",
        "/admin/credentials/Janssens/status",
        "/admin/credentials/{credential_id}/status",
        json={"status": f"Janssens {NATIONAL_NUMBER} 1985-07-30"},
        headers=ADMIN,
    )
    send(
        "POST",
        f"/admin/groups/{NATIONAL_NUMBER}/status",
        "/admin/groups/{group_id}/status",
        json={"status": "valid"},
        headers={"Authorization": f"Bearer {NATIONAL_NUMBER}"},
    )
    send(
        "POST",
        "/admin/documents/revoke",
        "/admin/documents/revoke",
        content=f"not json: Jan Peeters {NATIONAL_NUMBER}".encode(),
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    send(
        "POST",
        "/admin/documents/revoke",
        "/admin/documents/revoke",
        json={"jti": NATIONAL_NUMBER, **PERSON},
        headers=ADMIN,
    )
    send("GET", f"/Janssens/{NATIONAL_NUMBER}/1985-07-30", "unmatched")
    send("DELETE", f"/status/{NATIONAL_NUMBER}", "/status/{list_id}")
    send("GET", "/status", "/status", headers={"X-Request-ID": "lb-trace-0001"})
    return sent


def test_logs_are_json_with_request_ids_and_no_personal_data(tmp_path: Path) -> None:
    provision_keys(tmp_path / "keys")
    env = issuer_env(tmp_path, migrate_on_start=True)
    with running_issuer(tmp_path, env) as issuer:
        with httpx.Client(base_url=issuer.url, timeout=20) as client:
            sent = requests_with_personal_data(client)
        assert issuer.stop() == 0
    statuses = [response.status_code for response, _ in sent]
    assert statuses == [404, 404, 404, 422, 403, 422, 404, 404, 405, 200]
    output = issuer.output()
    for value in PERSONAL_DATA:
        assert value not in output, f"{value!r} reached the log"
    lines = issuer.stdout.read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert issuer.stderr.read_text() == ""
    for record in records:
        assert {"timestamp", "level", "logger", "message", "request_id"} <= record.keys()
    access = [r for r in records if r["logger"] == "issuer.access"]
    by_id = {r["request_id"]: r for r in access}
    assert len(by_id) == len(access)
    for response, route in sent:
        line = by_id[response.headers["X-Request-ID"]]
        assert line["route"] == route and line["status"] == response.status_code
        assert line["method"] == response.request.method and line["duration_ms"] >= 0
    assert by_id["lb-trace-0001"]["route"] == "/status"


def record(message: object, *args: object, exc: BaseException | None = None, **extra: object):  # type: ignore[no-untyped-def]
    made = logging.LogRecord("issuer.test", logging.WARNING, __file__, 1, message, args, None)
    if exc is not None:
        made.exc_info = (type(exc), exc, exc.__traceback__)
    made.__dict__.update(extra)
    return made


def test_arguments_exception_messages_and_unlisted_fields_never_reach_a_line() -> None:
    formatter = JsonFormatter(fields=["credential_type"])
    try:
        raise ValueError(f"no person {NATIONAL_NUMBER} named Peeters")
    except ValueError as caught:
        error = caught
    line = formatter.format(
        record(
            "lookup of %s failed",
            NATIONAL_NUMBER,
            exc=error,
            family_name="Peeters",
            credential_type="ehic",
            outcome="Jan Peeters",
            status=404,
        )
    )
    assert NATIONAL_NUMBER not in line and "Peeters" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "lookup of %s failed" and parsed["status"] == 404
    assert parsed["extra"] == {"credential_type": "ehic", "outcome": REDACTED}
    assert parsed["exception"]["type"] == "ValueError"
    assert parsed["exception"]["frames"][0].endswith(
        "in test_arguments_exception_messages_and_unlisted_fields_never_reach_a_line"
    )
    assert json.loads(formatter.format(record({"name": "Peeters"})))["message"] == "<dict>"


@pytest.mark.parametrize("value", ["Jan Peeters", "a" * 201, "x\ny", float("nan")])
def test_unsafe_values_are_redacted(value: object) -> None:
    parsed = json.loads(JsonFormatter().format(record("m", outcome=value)))
    assert parsed["extra"]["outcome"] in (REDACTED, None)


def test_an_unhandled_exception_is_logged_by_route_type_and_frames_only() -> None:
    import io

    from fastapi import FastAPI

    from servicekit.http import install_error_handling
    from servicekit.local import asgi_client

    app = FastAPI()

    @app.get("/people/{person}")
    def crash(person: str) -> None:
        raise RuntimeError(f"no record for {person} (Peeters)")

    install_error_handling(app)
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("servicekit.http")
    logger.addHandler(handler)
    try:
        response = asgi_client(app).get(f"/people/{NATIONAL_NUMBER}")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    output = sink.getvalue()
    assert NATIONAL_NUMBER not in output and "Peeters" not in output
    (line,) = [json.loads(text) for text in output.splitlines()]
    assert line["route"] == "/people/{person}" and line["method"] == "GET"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["exception"]["type"] == "RuntimeError"
    assert line["exception"]["frames"][-1].endswith("in crash")
