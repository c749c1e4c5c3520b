"""A real HTTP authentic source for the adapter's tests: uvicorn on 127.0.0.1 (optionally with
TLS and a client-certificate requirement), serving the synthetic citizens, and able to be slow,
to fail a number of times, or to lie."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from issuer.sources import SyntheticSource
from servicekit.local import LOCALHOST, free_port


@dataclass
class Behaviour:
    """What the fake source does; tests change it between calls."""

    delay_seconds: float = 0.0
    #: Answer this status for the next ``fail_times`` requests (then behave).
    fail_status: int = 503
    fail_times: int = 0
    retry_after: str | None = None
    #: ``None`` or one of :data:`LIES`.
    lie: str | None = None
    requests: list[str] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


LIES = (
    "other_person",
    "unknown_status",
    "bad_checksum",
    "birth_mismatch",
    "impossible_dates",
    "wrong_institution",
    "huge",
    "not_json",
    "control_characters",
)


def _lie(record: dict[str, Any], lie: str) -> Any:
    record = {**record, "social_statuses": [dict(s) for s in record["social_statuses"]]}
    status = {
        "code": "BIM",
        "authentic_source": "BE:NIC",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
    }
    if lie == "other_person":
        record["person_id"] = "syn-0000001"
    elif lie == "unknown_status":
        record["social_statuses"].append({**status, "code": "VIP"})
    elif lie == "bad_checksum":
        number = record["personal_administrative_number"]
        record["personal_administrative_number"] = number[:9] + f"{(int(number[9:]) + 1) % 100:02d}"
    elif lie == "birth_mismatch":
        record["birth_date"] = "1901-01-01"
    elif lie == "impossible_dates":
        record["social_statuses"].append({**status, "valid_until": "2025-01-01"})
    elif lie == "wrong_institution":
        record["social_statuses"].append({**status, "authentic_source": "BE:SFP"})
    elif lie == "control_characters":
        record["family_name"] = "Peeters\u0007"
    return record


def fake_source_app(source: SyntheticSource, behaviour: Behaviour) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def misbehave(request: Request, call_next: Any) -> Response:
        if request.url.path == "/healthz":
            return Response("ok")
        behaviour.requests.append(f"{request.method} {request.url.path}")
        behaviour.bodies.append(await request.body())
        if behaviour.delay_seconds:
            await asyncio.sleep(behaviour.delay_seconds)
        if behaviour.fail_times > 0:
            behaviour.fail_times -= 1
            headers = {"Retry-After": behaviour.retry_after} if behaviour.retry_after else {}
            return JSONResponse({"error": "down"}, behaviour.fail_status, headers=headers)
        if behaviour.lie == "huge":
            return Response(b"[" + b"0," * 200_000 + b"0]", media_type="application/json")
        if behaviour.lie == "not_json":
            return Response(b"<html>maintenance</html>", media_type="text/html")
        response: Response = await call_next(request)
        return response

    @app.get("/citizens/{person_id}")
    def citizen(person_id: str) -> Response:
        try:
            record = source.person(person_id)
        except KeyError:
            return JSONResponse({"error": "not_found"}, 404)
        if behaviour.lie is not None:
            record = _lie(record, behaviour.lie)
        return JSONResponse(record)

    @app.post("/subjects/lookup")
    async def lookup(request: Request) -> Response:
        body = await request.json()
        found = source.subject_for(body.get("national_number", ""))
        if found is None:
            return JSONResponse({"error": "not_found"}, 404)
        return JSONResponse({"person_id": found})

    @app.get("/events")
    def events(after: str | None = None) -> Response:
        start = int(after) if after else 0
        return JSONResponse(
            {"events": behaviour.events[start:], "cursor": str(len(behaviour.events))}
        )

    return app


@dataclass(frozen=True)
class Pki:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all made now."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool = False,
    san_ip: bool = False,
) -> x509.Certificate:
    import ipaddress

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name, issuer_key = issuer if issuer is not None else (name, key)
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if san_ip:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOCALHOST))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test source CA", ca_key, None, ca=True)
    files = {}
    for role, san in (("server", True), ("client", False)):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(f"test {role}", key, (ca.subject, ca_key), san_ip=san)
        (folder / f"{role}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (folder / f"{role}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        files[role] = (folder / f"{role}.pem", folder / f"{role}.key")
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return Pki(folder / "ca.pem", *files["server"], *files["client"])


@contextmanager
def serve(app: FastAPI, *, tls: Pki | None = None) -> Iterator[str]:
    """``app`` on a free loopback port in a thread; with ``tls``, HTTPS requiring a client
    certificate issued by the test CA."""
    port = free_port()
    options: dict[str, Any] = {}
    if tls is not None:
        options = {
            "ssl_certfile": str(tls.server_cert),
            "ssl_keyfile": str(tls.server_key),
            "ssl_ca_certs": str(tls.ca),
            "ssl_cert_reqs": ssl.CERT_REQUIRED,
        }
    config = uvicorn.Config(app, host=LOCALHOST, port=port, log_level="warning", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake source did not start")
        time.sleep(0.02)
    try:
        yield f"{'https' if tls else 'http'}://{LOCALHOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
