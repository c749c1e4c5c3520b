"""The issuer's Prometheus metrics and the calls that record them.

Protocol code calls :func:`issued` once per credential it issues or refuses, and
:func:`token_error` / :func:`credential_error` with the OAuth / OpenID4VCI error code it answers;
the request middleware observes :data:`REQUEST_DURATION`. List sizes and fill are read from the
database at scrape time (:func:`list_collector`), so every worker reports the same numbers.

Label values are bounded: an unknown credential type is ``other``, an error code or outcome that
is not a short ``snake_case`` word is ``other`` (a client cannot create series).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import select

from issuer.catalog import credential_types
from issuer.storage import Database, RevocationListRow, StatusListRow
from servicekit.observability import DURATION_LABELS

PREFIX = "civicred_issuer"
OTHER = "other"
_CODE = re.compile(r"[a-z][a-z0-9_]{0,47}")

REQUEST_DURATION = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "HTTP request latency by route template, method and status class.",
    DURATION_LABELS,
)
ISSUED = Counter(
    f"{PREFIX}_credentials_issued",
    "Credentials issued or refused, by credential type and outcome.",
    ("credential_type", "outcome"),
)
TOKEN_ERRORS = Counter(
    f"{PREFIX}_token_errors",
    "Error responses of the token endpoint, by OAuth error code (RFC 6749 §5.2).",
    ("error",),
)
CREDENTIAL_ERRORS = Counter(
    f"{PREFIX}_credential_errors",
    "Error responses of the credential endpoint, by error code (OpenID4VCI 1.0 §8.3.1.2).",
    ("error",),
)


def issued(type_id: str, outcome: str = "issued") -> None:
    """One credential of ``type_id`` issued (``outcome="issued"``) or not (``"refused"``,
    ``"failed"``…)."""
    ISSUED.labels(_credential_type(type_id), _code(outcome)).inc()


def token_error(code: str) -> None:
    TOKEN_ERRORS.labels(_code(code)).inc()


def credential_error(code: str) -> None:
    CREDENTIAL_ERRORS.labels(_code(code)).inc()


def _credential_type(type_id: str) -> str:
    return type_id if type_id in credential_types() else OTHER


def _code(value: str) -> str:
    return value if _CODE.fullmatch(value) else OTHER


class ListCollector(Collector):
    """Status lists (entries and allocated entries) and jti revocation lists (capacity and
    assigned jtis), one series per list, read at scrape time."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            f"{PREFIX}_list_metrics_up", "1 when the list metrics could be read from the database."
        )
        try:
            families = list(self._families())
        except Exception:  # the database is down: say so, and still answer the scrape
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator[GaugeMetricFamily]:
        size = _gauge("status_list_size", "Entries of a status list.")
        allocated = _gauge("status_list_allocated", "Allocated entries of a status list.")
        capacity = _gauge("revocation_list_capacity", "jtis a revocation list can hold.")
        assigned = _gauge("revocation_list_assigned", "jtis assigned to a revocation list.")
        with self._db.session() as session:
            for list_id, entries, used in session.execute(
                select(StatusListRow.id, StatusListRow.size, StatusListRow.allocated)
            ):
                size.add_metric([list_id], entries)
                allocated.add_metric([list_id], used)
            for list_id, room, used in session.execute(
                select(RevocationListRow.id, RevocationListRow.capacity, RevocationListRow.assigned)
            ):
                capacity.add_metric([list_id], room)
                assigned.add_metric([list_id], used)
        yield from (size, allocated, capacity, assigned)

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(())


def _gauge(name: str, documentation: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{PREFIX}_{name}", documentation, labels=["list_id"])


def list_collector(db: Database) -> ListCollector:
    return ListCollector(db)
