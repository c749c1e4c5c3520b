"""``/metrics`` scraped over real HTTP and parsed with prometheus-client's own parser: in one
process, and aggregated across the workers of ``serve --workers 2``."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from issuer.api import create_app
from issuer.observability import metrics
from issuer.services import IssuerServices
from issuer.settings import IssuerSettings
from servicekit.local import app_thread, free_port
from verifier.signing import LocalSigner, generate_private_key

from ._support import PUBLIC_URL, issuer_env, provision_keys, running_issuer

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(url: str) -> Samples:
    answer = httpx.get(f"{url}/metrics", timeout=20)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def seeded_services(tmp_path: Path, entries: int) -> IssuerServices:
    settings = IssuerSettings(
        public_base_url=PUBLIC_URL,
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}",
        status_list_size=2048,
        revocation_list_capacity=100,
    )
    signer = LocalSigner(generate_private_key("ES256"))
    services = IssuerServices.build(settings, document_signer=signer, status_signer=signer)
    for _ in range(entries):
        services.status.allocate()
    services.revocation.assign()
    return services


def test_counts_latency_and_list_fill_in_one_process(tmp_path: Path) -> None:
    services = seeded_services(tmp_path, entries=3)
    (list_id,) = [uri.rsplit("/", 1)[-1] for uri in services.status.list_uris()]
    with app_thread(create_app(services), free_port()) as url:
        before = scrape(url)
        metrics.issued("ehic")
        metrics.issued("ehic")
        metrics.issued("social-status", "refused")
        metrics.issued("Jan Peeters", "issued")  # not a catalog type: no new series
        metrics.token_error("invalid_grant")
        metrics.token_error("Invalid Grant!")
        metrics.credential_error("invalid_proof")
        for _ in range(3):
            assert httpx.get(f"{url}/status/{list_id}", timeout=10).status_code == 200
        assert httpx.get(f"{url}/status/nope", timeout=10).status_code == 404
        after = scrape(url)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    issued = "civicred_issuer_credentials_issued_total"
    assert delta(issued, credential_type="ehic", outcome="issued") == 2
    assert delta(issued, credential_type="social-status", outcome="refused") == 1
    assert delta(issued, credential_type="other", outcome="issued") == 1
    assert delta("civicred_issuer_token_errors_total", error="invalid_grant") == 1
    assert delta("civicred_issuer_token_errors_total", error="other") == 1
    assert delta("civicred_issuer_credential_errors_total", error="invalid_proof") == 1
    latency = "civicred_issuer_http_request_duration_seconds_count"
    route = {"route": "/status/{list_id}", "method": "GET"}
    assert delta(latency, **route, status_class="2xx") == 3
    assert delta(latency, **route, status_class="4xx") == 1
    assert not any("nope" in str(labels) for _, labels in after)  # templates, not paths
    assert value(after, "civicred_issuer_list_metrics_up") == 1
    assert value(after, "civicred_issuer_status_list_size", list_id=list_id) == 2048
    assert value(after, "civicred_issuer_status_list_allocated", list_id=list_id) == 3
    (rev_id,) = [uri.rsplit("/", 1)[-1] for uri in services.revocation.list_uris()]
    assert value(after, "civicred_issuer_revocation_list_capacity", list_id=rev_id) == 100
    assert value(after, "civicred_issuer_revocation_list_assigned", list_id=rev_id) == 1


def wait_for_workers(stdout: Path, workers: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while stdout.read_text().count('"Application startup complete."') < workers:
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.2)


def test_workers_share_one_view_of_the_metrics(tmp_path: Path) -> None:
    services = seeded_services(tmp_path, entries=5)
    (list_id,) = [uri.rsplit("/", 1)[-1] for uri in services.status.list_uris()]
    services.close()
    provision_keys(tmp_path / "keys")
    metrics_dir = tmp_path / "metrics"
    env = issuer_env(tmp_path, metrics_dir=metrics_dir)
    with running_issuer(tmp_path, env, "--workers", "2") as issuer:
        wait_for_workers(issuer.stdout, 2)
        requests = 60
        with httpx.Client(base_url=issuer.url, timeout=30) as client, ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: client.get("/status").status_code, range(requests)))
        assert codes == [200] * requests
        route = {"route": "/status", "method": "GET", "status_class": "2xx"}
        for _ in range(6):  # whichever worker answers the scrape, the totals are the same
            samples = scrape(issuer.url)
            count = value(samples, "civicred_issuer_http_request_duration_seconds_count", **route)
            assert count == requests
            assert value(samples, "civicred_issuer_status_list_allocated", list_id=list_id) == 5
        files = [p.name for p in metrics_dir.iterdir() if p.name.startswith("histogram_")]
        assert len(files) == 2, files  # one file per worker process: two processes served
        assert issuer.stop() == 0
