"""OpenID4VCI issuance over HTTP on loopback: credentials per second and latency, with 1 and 2
uvicorn workers, next to a bare FastAPI endpoint that only signs one JWT (the ceiling).

Run: ``.venv/bin/python bench/issuance_http.py [--requests N] [--concurrency C]
[--database-url URL]``.

For each worker count, in the same run:

- **ceiling**: ``bench/_bare_signer.py`` under uvicorn (same workers): POST → one ES256 JWT;
- **credential request alone**: ``python -m issuer serve`` (production settings, provisioned keys,
  a fresh SQLite file unless ``--database-url``) with every grant prepared beforehand (offer,
  token, ``c_nonce``, DPoP and key proofs signed): POST /credential with one key proof → one
  SD-JWT VC, its status entry allocated and published, the issuance recorded;
- **token → nonce → credential**: the whole exchange of a wallet that holds an offer (made
  beforehand), its DPoP and key proofs signed as it goes.

C client threads (one keep-alive ``http.client`` connection each: the lightest client, so the
figures are the servers') send N requests (or exchanges) per measurement; wall clock, since the
servers are other processes. Latency p50/p99 per request (per exchange for the whole flow).
Goal: the credential request alone ≥ 0.6× the ceiling's requests per second. Everything stays on
127.0.0.1; the servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding  # noqa: E402

from issuer.keyring import USES  # noqa: E402
from issuer.oid4vci import NONCE_HEADER, PRE_AUTHORIZED_GRANT  # noqa: E402
from issuer.wallet_client import Wallet, new_key, pre_authorized  # noqa: E402
from servicekit.local import LOCALHOST, free_port, server_process  # noqa: E402
from verifier.jose import DEFAULT_ALGORITHM  # noqa: E402
from verifier.signing import generate_private_key, write_key_dir  # noqa: E402
from verifier.trust import create_issuer_certificate, create_root_ca  # noqa: E402

PUBLIC_URL = "https://issuer.bench.test"  # behind a TLS proxy; requests go to the loopback port
OPERATOR_TOKEN = "bench-operator-token-0123456789abcdef"  # noqa: S105 - a throwaway test server
CONFIGURATION = "social-status-1"
GOAL = 0.6


# -- servers -------------------------------------------------------------------------------------
def _provision(keys_dir: Path) -> None:
    """Both signing keys with a chain from a bench root, as an operator provisions them."""
    now = datetime.now(UTC)
    root_key = generate_private_key(DEFAULT_ALGORITHM)
    root = create_root_ca(root_key, name="bench root", not_before=now - timedelta(days=2),
                          not_after=now + timedelta(days=30))  # fmt: skip
    for use in USES:
        key = generate_private_key(DEFAULT_ALGORITHM)
        write_key_dir(keys_dir / use, key, alg=DEFAULT_ALGORITHM)
        leaf = create_issuer_certificate(
            key.public_key(), ca_cert=root, ca_key=root_key, use=use, name="bench issuer",
            issuer_id="BE:CBSS", country="BE", credential_issuer=PUBLIC_URL,
            not_before=now - timedelta(days=1), not_after=now + timedelta(days=30),
        )  # fmt: skip
        chain = leaf.public_bytes(Encoding.PEM) + root.public_bytes(Encoding.PEM)
        (keys_dir / use / "chain.pem").write_bytes(chain)


def _environment(work: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVICRED_ISSUER_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env["PYTHONPATH"] = str(ROOT)
    settings = {
        "PUBLIC_BASE_URL": PUBLIC_URL,
        "DATABASE_URL": database_url or f"sqlite:///{work / 'issuer.db'}",
        "KEYS_DIR": str(work / "keys"),
        "ADMIN_TOKENS": json.dumps([OPERATOR_TOKEN]),
        "LOG_LEVEL": "warning",
        "MIGRATE_ON_START": "true",
        "STATUS_LIST_SIZE": str(1 << 16),
    }
    env.update({f"CIVICRED_ISSUER_{name}": value for name, value in settings.items()})
    return env


@contextmanager
def issuer(work: Path, workers: int, database_url: str | None) -> Iterator[int]:
    _provision(work / "keys")
    port = free_port()
    command = [sys.executable, "-m", "issuer", "serve", "--host", LOCALHOST, "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    with server_process(command, url=f"http://{LOCALHOST}:{port}",
                        env=_environment(work, database_url), log=work / "issuer.log"):  # fmt: skip
        yield port


@contextmanager
def bare_signer(work: Path, workers: int) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"),
               "_bare_signer:create_app", "--factory", "--host", LOCALHOST, "--port", str(port),
               "--workers", str(workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with server_process(command, url=f"http://{LOCALHOST}:{port}", env=env,
                        log=work / "bare.log"):  # fmt: skip
        yield port


class _Loopback(httpx.BaseTransport):
    """The public URL's requests to the loopback port (what the TLS proxy would do)."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host=LOCALHOST, port=self._port)
        return self._inner.handle_request(request)


# -- load ----------------------------------------------------------------------------------------
@dataclass
class Measured:
    per_second: float
    latencies: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


class Connection:
    """One keep-alive connection; ``call`` returns (status, headers, body)."""

    def __init__(self, port: int) -> None:
        self._http = http.client.HTTPConnection(LOCALHOST, port, timeout=60)

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        self._http.request(method, path, body=body, headers=headers or {})
        response = self._http.getresponse()
        return response.status, response.headers, response.read()


def measure(port: int, jobs: Sequence[Callable[[Connection], None]], concurrency: int) -> Measured:
    """The jobs on ``concurrency`` connections at once; jobs per second and each job's time."""
    local = threading.local()
    latencies: list[float] = []

    def run(job: Callable[[Connection], None]) -> None:
        if not hasattr(local, "connection"):
            local.connection = Connection(port)
        started = time.perf_counter()
        job(local.connection)
        latencies.append(time.perf_counter() - started)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda _: None, range(concurrency)))  # threads up before the clock starts
        started = time.perf_counter()
        list(pool.map(run, jobs))
        elapsed = time.perf_counter() - started
    return Measured(len(jobs) / elapsed, latencies)


def _expect(status: int, body: bytes, wanted: int = 200) -> dict[str, Any]:
    if status != wanted:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return json.loads(body) if body else {}


def sign_jobs(count: int) -> list[Callable[[Connection], None]]:
    def job(connection: Connection) -> None:
        _expect(*connection.call("POST", "/sign")[::2])

    return [job] * count


class Prepared:
    """Offers made through the operator API, and the wallet state the flows start from."""

    def __init__(self, port: int) -> None:
        self.http = httpx.Client(transport=_Loopback(port), base_url=PUBLIC_URL, timeout=60)
        self.wallet = Wallet(self.http)
        self.wallet.discover(PUBLIC_URL)
        self.wallet.c_nonce()  # a server DPoP nonce for the proofs

    def offers(self, count: int) -> list[dict[str, Any]]:
        def one(_: int) -> dict[str, Any]:
            response = self.http.post(
                "/operator/offers",
                json={"subject_id": "p-0001", "credential_configuration_ids": [CONFIGURATION]},
                headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
            )
            response.raise_for_status()
            return dict(response.json())

        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(one, range(count)))

    def credential_requests(self, count: int) -> list[tuple[bytes, dict[str, str]]]:
        """Per grant: token and ``c_nonce`` obtained, the credential request signed."""
        endpoint = self.wallet.issuer_metadata["credential_endpoint"]

        def one(created: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
            wallet = Wallet(self.http, dpop_nonce=self.wallet.dpop_nonce,
                            issuer_metadata=self.wallet.issuer_metadata,
                            as_metadata=self.wallet.as_metadata)  # fmt: skip
            token = wallet.access_token(pre_authorized(created["credential_offer"])
                                        ["pre-authorized_code"], created["tx_code"])  # fmt: skip
            proof = wallet.key_proof(new_key(), nonce=wallet.c_nonce())
            body = json.dumps({"credential_configuration_id": CONFIGURATION,
                               "proofs": {"jwt": [proof]}}).encode()  # fmt: skip
            headers = {"Authorization": f"DPoP {token}", "Content-Type": "application/json",
                       "DPoP": wallet.dpop("POST", endpoint, access_token=token)}  # fmt: skip
            return body, headers

        with ThreadPoolExecutor(4) as pool:
            return list(pool.map(one, self.offers(count)))

    def close(self) -> None:
        self.http.close()


def credential_jobs(prepared: Prepared, count: int) -> list[Callable[[Connection], None]]:
    def job(body: bytes, headers: dict[str, str]) -> Callable[[Connection], None]:
        def send(connection: Connection) -> None:
            answer = _expect(*connection.call("POST", "/credential", body, headers)[::2])
            assert len(answer["credentials"]) == 1

        return send

    return [job(body, headers) for body, headers in prepared.credential_requests(count)]


def flow_jobs(prepared: Prepared, count: int) -> list[Callable[[Connection], None]]:
    """A wallet's exchange per offer: token (DPoP) → nonce → credential (DPoP, one key proof)."""
    metadata, as_metadata = prepared.wallet.issuer_metadata, prepared.wallet.as_metadata
    token_url, credential_url = as_metadata["token_endpoint"], metadata["credential_endpoint"]

    def job(created: dict[str, Any]) -> Callable[[Connection], None]:
        def exchange(connection: Connection) -> None:
            wallet = Wallet(prepared.http, dpop_nonce=prepared.wallet.dpop_nonce,
                            issuer_metadata=metadata, as_metadata=as_metadata)  # fmt: skip
            form = urlencode({"grant_type": PRE_AUTHORIZED_GRANT,
                              "pre-authorized_code": pre_authorized(created["credential_offer"])
                              ["pre-authorized_code"], "tx_code": created["tx_code"]}).encode()  # fmt: skip
            status, headers, body = connection.call("POST", _path(token_url), form, {
                "Content-Type": "application/x-www-form-urlencoded",
                "DPoP": wallet.dpop("POST", token_url)})  # fmt: skip
            token = _expect(status, body)["access_token"]
            wallet.dpop_nonce = headers.get(NONCE_HEADER, wallet.dpop_nonce)
            status, _, body = connection.call("POST", _path(metadata["nonce_endpoint"]))
            c_nonce = _expect(status, body)["c_nonce"]
            request = json.dumps({"credential_configuration_id": CONFIGURATION,
                                  "proofs": {"jwt": [wallet.key_proof(new_key(), nonce=c_nonce)]}})  # fmt: skip
            status, _, body = connection.call("POST", _path(credential_url), request.encode(), {
                "Authorization": f"DPoP {token}", "Content-Type": "application/json",
                "DPoP": wallet.dpop("POST", credential_url, access_token=token)})  # fmt: skip
            assert len(_expect(status, body)["credentials"]) == 1

        return exchange

    return [job(created) for created in prepared.offers(count)]


def _path(url: str) -> str:
    return urlsplit(url).path


# -- report --------------------------------------------------------------------------------------
def crypto_floor_us() -> float:
    """CPU µs of the signatures a credential request cannot avoid, in this process: the DPoP
    proof and the key proof verified (the issuer's own code), one SD-JWT VC issued."""
    from bench._timing import per_second
    from issuer.catalog import credential_type
    from issuer.issuance import CredentialIssuer
    from issuer.oid4vci import PROOF_ALGORITHMS, PROOF_TYP
    from issuer.oid4vci._proof_jwt import verify_proof_jwt
    from issuer.sources import DevAuthenticSource
    from verifier.jose import jwk_from_public_key
    from verifier.signing import LocalSigner

    wallet = Wallet(httpx.Client(), issuer_metadata={"credential_issuer": PUBLIC_URL})
    holder = new_key()
    dpop = wallet.dpop("POST", f"{PUBLIC_URL}/credential", access_token="t")  # noqa: S106
    proof = wallet.key_proof(holder, nonce="n")
    issuer = CredentialIssuer(PUBLIC_URL, LocalSigner(generate_private_key(DEFAULT_ALGORITHM)))
    person, now = DevAuthenticSource().person("p-0001"), datetime.now(UTC)
    type_id = credential_type("social-status").id
    status = {"status_list": {"idx": 1, "uri": f"{PUBLIC_URL}/status/1"}}

    def request_crypto() -> None:
        verify_proof_jwt(dpop, typ="dpop+jwt", policy=PROOF_ALGORITHMS, what="DPoP proof")
        verify_proof_jwt(proof, typ=PROOF_TYP, policy=PROOF_ALGORITHMS, what="key proof")
        issuer.issue(type_id, person, holder_jwk=jwk_from_public_key(holder.public_key()),
                     now=now, status=status)  # fmt: skip

    return 1e6 / per_second(request_crypto)


def _best(rounds: list[Measured]) -> Measured:
    return max(rounds, key=lambda m: m.per_second)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per measurement (≤ 5000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections (≤ 64)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; best kept")
    parser.add_argument("--database-url", help="e.g. a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    n, concurrency = max(20, min(args.requests, 5000)), max(1, min(args.concurrency, 64))
    rows: list[tuple[int, str, Measured]] = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            with (
                bare_signer(work, workers) as bare,
                issuer(work, workers, args.database_url) as port,
            ):
                prepared = Prepared(port)
                try:
                    measure(bare, sign_jobs(n // 4), concurrency)  # warm-ups
                    measure(port, credential_jobs(prepared, n // 4), concurrency)
                    ceiling, alone, flow = [], [], []
                    for _ in range(max(1, args.rounds)):  # alternating: load changes hit all
                        ceiling.append(measure(bare, sign_jobs(n), concurrency))
                        alone.append(measure(port, credential_jobs(prepared, n), concurrency))
                        flow.append(measure(port, flow_jobs(prepared, n), concurrency))
                finally:
                    prepared.close()
            rows.append((workers, "ceiling: bare FastAPI, sign one JWT", _best(ceiling)))
            rows.append((workers, "credential request alone", _best(alone)))
            rows.append((workers, "token → nonce → credential", _best(flow)))
    print(f"OpenID4VCI over HTTP on loopback: {n} requests per row, {concurrency} connections, "
          f"one credential per request, best of {args.rounds} alternating rounds; "
          f"{os.cpu_count()} CPUs; {'PostgreSQL' if args.database_url else 'SQLite'}")  # fmt: skip
    width = max(len(name) for _, name, _ in rows)
    print(f"{'workers':>7}  {'':{width}}  {'cred/s':>8}  {'p50 ms':>7}  {'p99 ms':>7}  "
          f"{'vs ceiling':>10}")  # fmt: skip
    ceilings = {w: m.per_second for w, name, m in rows if name.startswith("ceiling")}
    for workers, name, m in rows:
        ratio = m.per_second / ceilings[workers]
        mark = ""
        if name == "credential request alone":
            mark = "  ok" if ratio >= GOAL else f"  below the {GOAL}× goal"
        print(f"{workers:7}  {name:{width}}  {m.per_second:8.1f}  {m.p50:7.2f}  {m.p99:7.2f}  "
              f"{ratio:9.2f}×{mark}")  # fmt: skip
    floor = crypto_floor_us()
    print(f"the signatures a credential request needs (2 proof verifications + 1 SD-JWT VC): "
          f"{floor:.0f} µs CPU, at most {1e6 / floor:.0f}/s per core")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
