"""The HTTP adapter against real HTTP servers on 127.0.0.1: a good one, a slow one, a failing one
and one that wants a client certificate. (The lying ones: tests/attacks/test_source_answers.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from issuer.errors import SourceAnswerInvalid, SourceUnavailable
from issuer.sources import HttpAuthenticSource, HttpSourceOptions, SourceChange, SyntheticSource

from ._fake_source import Behaviour, fake_source_app, make_pki, serve

SOURCE = SyntheticSource(50, seed=3)


@pytest.fixture
def behaviour() -> Behaviour:
    return Behaviour()


@pytest.fixture
def url(behaviour: Behaviour) -> Iterator[str]:
    with serve(fake_source_app(SOURCE, behaviour)) as served:
        yield served


def adapter(url: str, sleeps: list[float] | None = None, **options: object) -> HttpAuthenticSource:
    record = sleeps if sleeps is not None else []
    settings = {"read_timeout_seconds": 1.0, "backoff_seconds": 0.05, **options}
    return HttpAuthenticSource(HttpSourceOptions(url=url, **settings), sleep=record.append)  # type: ignore[arg-type]


def test_reads_a_record_and_looks_up_a_subject_without_the_number_in_a_url(
    url: str, behaviour: Behaviour
) -> None:
    source = adapter(url)
    record = source.person("syn-0000007")
    assert record == SOURCE.person("syn-0000007")
    number = record["personal_administrative_number"]
    assert source.subject_for(number) == "syn-0000007"
    assert source.subject_for("00010100000") is None  # 404 at the source
    with pytest.raises(KeyError):
        source.person("syn-0000999")
    with pytest.raises(KeyError):  # never sent: not the shape of a subject id
        source.person("../admin")
    assert all(number not in line for line in behaviour.requests)
    assert any(number.encode() in body for body in behaviour.bodies)  # in the POST body only


def test_retries_a_failing_source_with_backoff_then_succeeds(
    url: str, behaviour: Behaviour
) -> None:
    behaviour.fail_times, behaviour.fail_status = 2, 503
    sleeps: list[float] = []
    assert adapter(url, sleeps, attempts=3).person("syn-0000001")["person_id"] == "syn-0000001"
    assert len(behaviour.requests) == 3
    # exponential back-off with jitter: the second wait is drawn from twice the first range
    assert 0.025 <= sleeps[0] <= 0.05 and 0.05 <= sleeps[1] <= 0.1


def test_gives_up_after_the_attempts_with_a_typed_error(url: str, behaviour: Behaviour) -> None:
    behaviour.fail_times, behaviour.fail_status = 10, 500
    with pytest.raises(SourceUnavailable, match=r"after 4 attempt\(s\): HTTP 500") as caught:
        adapter(url, attempts=4).person("syn-0000001")
    assert caught.value.status_code == 503 and caught.value.error == "source_unavailable"
    assert len(behaviour.requests) == 4


def test_honours_retry_after_up_to_the_cap(url: str, behaviour: Behaviour) -> None:
    behaviour.fail_times, behaviour.fail_status, behaviour.retry_after = 1, 429, "30"
    sleeps: list[float] = []
    adapter(url, sleeps, backoff_max_seconds=0.3).person("syn-0000002")
    assert sleeps == [0.3]


def test_a_client_error_is_not_retried(url: str, behaviour: Behaviour) -> None:
    behaviour.fail_times, behaviour.fail_status = 5, 403
    with pytest.raises(SourceAnswerInvalid, match="HTTP 403"):
        adapter(url).person("syn-0000001")
    assert len(behaviour.requests) == 1


def test_a_slow_source_times_out_on_every_attempt(url: str, behaviour: Behaviour) -> None:
    behaviour.delay_seconds = 1.0
    with pytest.raises(SourceUnavailable, match="ReadTimeout"):
        adapter(url, attempts=2, read_timeout_seconds=0.2).person("syn-0000001")
    assert len(behaviour.requests) == 2


def test_the_deadline_bounds_all_attempts(url: str, behaviour: Behaviour) -> None:
    behaviour.fail_times = 10
    with pytest.raises(SourceUnavailable, match=r"after 1 attempt\(s\)"):
        adapter(url, attempts=5, backoff_seconds=2.0, deadline_seconds=0.5).person("syn-0000001")


def test_an_unreachable_source_is_unavailable() -> None:
    from servicekit.local import free_port

    with pytest.raises(SourceUnavailable, match="ConnectError"):
        adapter(f"http://127.0.0.1:{free_port()}", attempts=2).person("syn-0000001")


def test_reads_the_event_feed_with_its_cursor(url: str, behaviour: Behaviour) -> None:
    behaviour.events = [
        {"subject_id": "syn-0000003", "basis": "status:BIM", "change": "withdrawn",
         "effective": "2026-03-01"},
        {"subject_id": "syn-0000004", "basis": "insurance", "change": "suspended",
         "effective": "2026-03-02"},
    ]  # fmt: skip
    events, cursor = adapter(url).events()
    assert [(e.subject_id, e.change) for e in events] == [
        ("syn-0000003", SourceChange.WITHDRAWN),
        ("syn-0000004", SourceChange.SUSPENDED),
    ]
    assert adapter(url).events(cursor) == ([], "2")
    behaviour.events.append({"subject_id": "x", "basis": "status:BIM", "change": "gone"})
    with pytest.raises(SourceAnswerInvalid, match="malformed"):
        adapter(url).events(cursor)


def test_mutual_tls(tmp_path: Path, behaviour: Behaviour) -> None:
    pki = make_pki(tmp_path / "pki")
    with serve(fake_source_app(SOURCE, behaviour), tls=pki) as url:
        with_cert = adapter(
            url, ca_file=pki.ca, client_cert_file=pki.client_cert, client_key_file=pki.client_key
        )
        assert with_cert.person("syn-0000005")["person_id"] == "syn-0000005"
        without_cert = adapter(url, ca_file=pki.ca, attempts=1)
        with pytest.raises(SourceUnavailable):
            without_cert.person("syn-0000005")
        untrusted = adapter(url, attempts=1)  # the system's CAs do not know the test CA
        with pytest.raises(SourceUnavailable, match="ConnectError"):
            untrusted.person("syn-0000005")


def test_the_feed_is_polled_and_what_was_built_on_a_withdrawn_status_is_revoked(
    url: str, behaviour: Behaviour, tmp_path: Path
) -> None:
    """``POST /operator/source-events/poll``: the HTTP source's feed through the issuer."""
    from issuer.api import create_app
    from issuer.services import IssuerServices
    from issuer.settings import IssuerSettings
    from servicekit.local import asgi_client
    from verifier.signing import LocalSigner, generate_private_key
    from verifier.status import TokenStatus

    token = "operator-token-for-the-feed-test-0123456789"
    settings = IssuerSettings(
        public_base_url="https://issuer.example.test", admin_tokens=[token],
        database_url=f"sqlite:///{tmp_path / 'issuer.db'}", status_list_size=1024,
    )  # fmt: skip
    signer = LocalSigner(generate_private_key("ES256"))
    source = adapter(url)
    services = IssuerServices.build(
        settings, document_signer=signer, status_signer=signer, source=source
    )
    subject = next(p for p in SOURCE.people() if p["social_statuses"])
    code = subject["social_statuses"][0]["code"]
    entry = services.status.allocate(group_id="wallet")
    services.lifecycle.record(
        grant_reference="g-1", credential_type="social-status",
        credential_ids=[entry.credential_id], subject_id=subject["person_id"],
        basis=[f"status:{code}"],
    )  # fmt: skip
    behaviour.events = [
        {"subject_id": subject["person_id"], "basis": f"status:{code}", "change": "withdrawn",
         "effective": "2026-03-01"},
        {"subject_id": "syn-0000049", "basis": "insurance", "change": "suspended",
         "effective": "2026-03-01"},
    ]  # fmt: skip
    client = asgi_client(create_app(services), "https://issuer.example.test")
    operator = {"Authorization": f"Bearer {token}"}
    first = client.post("/operator/source-events/poll", json={}, headers=operator)
    assert first.status_code == 200, first.text
    assert first.json()["events"] == 2 and first.json()["cursor"] == "2"
    assert [o["outcome"] for o in first.json()["issuances"]] == ["changed"]
    with services.db.session() as session:
        (stored,) = services.status.entries(session, [entry.credential_id])
        assert TokenStatus(stored.status) is TokenStatus.INVALID
    again = client.post("/operator/source-events/poll", json={"after": "2"}, headers=operator)
    assert again.json() == {"events": 0, "issuances": [], "cursor": "2"}
    assert client.post("/operator/source-events/poll", json={}).status_code == 401
