"""Two issuer processes (``python -m issuer serve``, production settings) on one fresh PostgreSQL
schema, behind a round-robin balancer: every step of a flow may land on either process. Many
flows run at once; then races pit the two processes against each other on one pre-authorized
code, one ``c_nonce``, one DPoP proof and one offer's transaction-code attempts. Afterwards the
database and the credentials show that no status index, code, ``c_nonce`` or DPoP ``jti`` was
ever accepted twice."""

from __future__ import annotations

import itertools
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from issuer.settings import OpenId4VciSettings
from issuer.storage import (
    AccessTokenRow,
    CredentialResponseRow,
    OfferRow,
    StatusEntryRow,
    StatusListRow,
)
from tests.conftest import postgres_schema_url
from tests.operations._support import (
    ADMIN_TOKEN,
    PUBLIC_URL,
    RunningIssuer,
    issuer_command,
    issuer_env,
    provision_keys,
    running_issuer,
)

from ._wallet import Wallet, new_key, offer_uri_from_link, payload_of, pre_authorized

pytestmark = pytest.mark.postgres

OPERATOR = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
CONFIGURATIONS = ("social-status-1", "ehic-1", "ehic-prc-1")
FLOWS = 18
THREADS = 6
BATCH = 3
RACES = 8
T = TypeVar("T")


class Balancer(httpx.BaseTransport):
    """What a load balancer does for the public URL: each request goes to the next backend
    (round robin from ``start``), the ``Host`` header kept; ``served`` counts per backend."""

    def __init__(self, backends: list[str], *, start: int = 0) -> None:
        self._backends = backends
        self._turn = itertools.count(start)
        self._inner = httpx.HTTPTransport()
        self.served: Counter[str] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        backend = httpx.URL(self._backends[next(self._turn) % len(self._backends)])
        request.url = request.url.copy_with(
            scheme=backend.scheme, host=backend.host, port=backend.port
        )
        self.served[str(backend)] += 1
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@dataclass
class Replicas:
    backends: list[str]
    processes: list[RunningIssuer]
    database_url: str
    balancers: list[Balancer] = field(default_factory=list)
    clients: list[httpx.Client] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, *, start: int = 0, only: int | None = None) -> httpx.Client:
        """A client for the public URL, through a balancer over both processes (or ``only``
        one of them)."""
        backends = self.backends if only is None else [self.backends[only]]
        balancer = Balancer(backends, start=start)
        client = httpx.Client(transport=balancer, base_url=PUBLIC_URL, timeout=30)
        with self.lock:
            self.balancers.append(balancer)
            self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def offer(self, configuration_id: str, *, start: int = 0) -> dict[str, Any]:
        response = self.client(start=start).post(
            "/operator/offers",
            json={"subject_id": "p-0001", "credential_configuration_ids": [configuration_id]},
            headers=OPERATOR,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def wallet(self, created: dict[str, Any], *, start: int = 0, only: int | None = None) -> Wallet:
        """A wallet that fetched the offer and both metadata documents, and holds a DPoP nonce."""
        wallet = Wallet(self.client(start=start, only=only))
        wallet.discover(created["credential_offer"]["credential_issuer"])
        wallet.c_nonce()
        return wallet


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    """``python -m issuer serve`` twice (production settings, provisioned keys) on one fresh
    PostgreSQL schema, migrated once beforehand; both stop gracefully, with no traceback."""
    schema = postgres_schema_url()
    database_url = next(schema)
    tmp = tmp_path_factory.mktemp("replicas")
    provision_keys(tmp / "keys")
    # small lists: the flows fill some and make new ones, from both processes
    env = issuer_env(tmp, database_url=database_url, status_list_size=128)
    try:
        migrated = subprocess.run(
            issuer_command("migrate"), env=env, capture_output=True, text=True, timeout=120
        )
        assert migrated.returncode == 0, migrated.stderr
        with ExitStack() as stack:
            processes = []
            for name in ("a", "b"):
                (tmp / name).mkdir()
                processes.append(stack.enter_context(running_issuer(tmp / name, env)))
            replicas = Replicas([p.url for p in processes], processes, database_url)
            yield replicas
            replicas.close()
            for process in processes:
                assert process.stop() == 0, process.output()
                assert "Traceback" not in process.output()
    finally:
        next(schema, None)  # drops the schema


def _race(*calls: Callable[[], T]) -> list[T]:
    """Run the calls at the same instant (a barrier), one thread each; their results in order."""
    barrier = threading.Barrier(len(calls))

    def at_once(call: Callable[[], T]) -> T:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(at_once, calls))


def _full_flow(replicas: Replicas, number: int) -> list[str]:
    """Offer (fetched twice) → token → nonce → batch of three; the credentials."""
    configuration_id = CONFIGURATIONS[number % len(CONFIGURATIONS)]
    created = replicas.offer(configuration_id, start=number)
    wallet = Wallet(replicas.client(start=number))
    uri = offer_uri_from_link(created["offer_by_reference"])
    assert wallet.fetch_offer(uri) == wallet.fetch_offer(uri)  # one from each process
    wallet.discover(created["credential_offer"]["credential_issuer"])
    access_token = wallet.access_token(_code(created), created["tx_code"])
    c_nonce = wallet.c_nonce()
    proofs = [wallet.key_proof(new_key(), nonce=c_nonce) for _ in range(BATCH)]
    response = wallet.credential_request(
        access_token, {"credential_configuration_id": configuration_id, "proofs": {"jwt": proofs}}
    )
    assert response.status_code == 200, response.text
    return [item["credential"] for item in response.json()["credentials"]]


def _code(created: dict[str, Any]) -> str:
    return str(pre_authorized(created["credential_offer"])["pre-authorized_code"])


def _one_winner(outcome: list[httpx.Response], error: str) -> httpx.Response:
    """Exactly one 200; the other is a 400 with ``error``. The winner."""
    assert sorted(r.status_code for r in outcome) == [200, 400], [r.text for r in outcome]
    (winner,) = [r for r in outcome if r.status_code == 200]
    (loser,) = [r for r in outcome if r.status_code == 400]
    assert loser.json()["error"] == error, loser.text
    return winner


def _code_race(replicas: Replicas) -> None:
    """The same pre-authorized code at both processes at once: one token; then the code is
    refused by each process in turn."""
    created = replicas.offer("ehic-1")
    wallets = [replicas.wallet(created, only=i) for i in (0, 1)]
    calls = [partial(w.token_request, _code(created), created["tx_code"], retry=False)
             for w in wallets]  # fmt: skip
    _one_winner(_race(*calls), "invalid_grant")
    for wallet in wallets:
        again = wallet.token_request(_code(created), created["tx_code"], retry=False)
        assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def _nonce_race(replicas: Replicas) -> list[str]:
    """One ``c_nonce`` in two credential requests (two grants), one per process: one is issued;
    its credentials."""
    authorized = []
    for i in (0, 1):
        created = replicas.offer("social-status-1")
        wallet = replicas.wallet(created, only=i)
        authorized.append((wallet, wallet.access_token(_code(created), created["tx_code"])))
    shared = authorized[0][0].c_nonce()
    calls = []
    for wallet, access_token in authorized:
        proofs = {"jwt": [wallet.key_proof(new_key(), nonce=shared)]}
        body = {"credential_configuration_id": "social-status-1", "proofs": proofs}
        calls.append(partial(wallet.credential_request, access_token, body, retry=False))
    winner = _one_winner(_race(*calls), "invalid_nonce")
    return [item["credential"] for item in winner.json()["credentials"]]


def _jti_race(replicas: Replicas) -> None:
    """One DPoP proof at both processes at once, with two different codes: one is admitted,
    the other is a replay (its code is not spent by the refusal)."""
    offers = [replicas.offer("ehic-prc-1") for _ in (0, 1)]
    wallets = [replicas.wallet(offers[0], only=i) for i in (0, 1)]
    wallets[1].dpop_key = wallets[0].dpop_key
    proof = wallets[0].dpop("POST", wallets[0].as_metadata["token_endpoint"])
    calls = [partial(w.token_request, _code(o), o["tx_code"], dpop=proof, retry=False)
             for w, o in zip(wallets, offers, strict=True)]  # fmt: skip
    outcome = _race(*calls)
    _one_winner(outcome, "invalid_dpop_proof")
    loser = next(i for i, r in enumerate(outcome) if r.status_code == 400)
    assert "replay" in outcome[loser].json()["error_description"]
    retried = wallets[loser].token_request(_code(offers[loser]), offers[loser]["tx_code"])
    assert retried.status_code == 200, retried.text  # a fresh proof: the code still works


def _tx_code_race(replicas: Replicas, limit: int) -> None:
    """Eight wrong transaction codes at once, spread over both processes: exactly ``limit`` are
    compared; the offer is burned, the right code refused afterwards."""
    created = replicas.offer("ehic-1")
    wrong = str((int(created["tx_code"]) + 1) % 10**6).zfill(6)
    wallets = [replicas.wallet(created, only=i % 2) for i in range(8)]
    tries = _race(*(partial(w.token_request, _code(created), wrong, retry=False) for w in wallets))
    assert all((r.status_code, r.json()["error"]) == (400, "invalid_grant") for r in tries)
    compared = Counter(r.json()["error_description"] for r in tries)
    assert compared["the transaction code is wrong"] == limit, compared
    right = wallets[0].token_request(_code(created), created["tx_code"], retry=False)
    assert (right.status_code, right.json()["error"]) == (400, "invalid_grant")


def test_two_processes_never_accept_an_index_code_nonce_or_jti_twice(replicas: Replicas) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        batches = list(pool.map(partial(_full_flow, replicas), range(FLOWS)))
    credentials = [c for batch in batches for c in batch]
    for _ in range(RACES):
        _code_race(replicas)
        credentials += _nonce_race(replicas)
        _jti_race(replicas)
    _tx_code_race(replicas, limit=OpenId4VciSettings().tx_code_max_attempts)

    served: Counter[str] = Counter()
    for balancer in replicas.balancers:
        served.update(balancer.served)
    assert set(served) == set(replicas.backends) and min(served.values()) > 100, served

    # -- the credentials: every status reference is its own --------------------------------
    pairs = [
        (ref["uri"], ref["idx"])
        for ref in (payload_of(c)["status"]["status_list"] for c in credentials)
    ]
    assert len(pairs) == FLOWS * BATCH + RACES == len(set(pairs))

    # -- the database ------------------------------------------------------------------------
    engine = create_engine(replicas.database_url)
    try:
        with engine.connect() as db:
            entries = db.execute(
                select(StatusListRow.uri, StatusEntryRow.idx).join(
                    StatusListRow, StatusListRow.id == StatusEntryRow.list_id
                )
            ).all()
            tokens_per_grant = db.execute(
                select(AccessTokenRow.grant_reference, func.count())
                .group_by(AccessTokenRow.grant_reference)
                .having(func.count() > 1)
            ).all()
            redeemed = db.execute(
                select(func.count()).select_from(OfferRow).where(OfferRow.redeemed_at.is_not(None))
            ).scalar_one()
            tokens = db.execute(select(func.count()).select_from(AccessTokenRow)).scalar_one()
            responses = db.execute(
                select(func.count())
                .select_from(CredentialResponseRow)
                .where(CredentialResponseRow.issued_at.is_not(None))
            ).scalar_one()
    finally:
        engine.dispose()
    assert len(entries) == len(set(entries))  # no status index handed out twice
    assert set(pairs) <= set(entries)
    assert tokens_per_grant == []  # no pre-authorized code redeemed twice
    # one token per flow, per code race, per nonce race (two grants) and per jti race (two)
    assert redeemed == tokens == FLOWS + RACES + 2 * RACES + 2 * RACES
    assert responses == FLOWS + RACES  # the c_nonce races: only the winner was issued
