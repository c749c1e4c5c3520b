"""An authentic source behind an HTTP API (docs/sources.md, "HTTP adapter").

The API (JSON over HTTPS, mutual TLS when the source asks for it):

- ``GET  {url}/citizens/{person_id}`` → the citizen's record, 404 when unknown;
- ``POST {url}/subjects/lookup`` ``{"national_number"}`` → ``{"person_id"}``, 404 when unknown
  (the national number travels in the body, never in a URL a proxy would log);
- ``GET  {url}/events?after=<cursor>`` → ``{"events": [...], "cursor"}``, the source's changes.

Each call has a connect and a read timeout and an overall deadline. Connection failures,
timeouts, 429 and 5xx are retried with exponential back-off and jitter (``Retry-After`` is
honoured up to the back-off cap) until the attempts or the deadline run out:
:class:`SourceUnavailable`. A 4xx other than 404 and 429 is not retried. Bodies are read up
to :data:`MAX_BODY_BYTES`; every record is checked (issuer.sources._records): a lying source
gets :class:`SourceAnswerInvalid`.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from issuer.errors import SourceAnswerInvalid, SourceUnavailable
from issuer.sources._events import SourceChange, SourceEvent
from issuer.sources._records import SUBJECT_ID, checked_record

MAX_BODY_BYTES = 256 * 1024
MAX_EVENTS = 1000
_RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpSourceOptions:
    url: str
    connect_timeout_seconds: float = 2.0
    read_timeout_seconds: float = 3.0
    #: Every attempt of one call, back-off included, ends by then.
    deadline_seconds: float = 10.0
    attempts: int = 3
    backoff_seconds: float = 0.2
    backoff_max_seconds: float = 2.0
    #: The CA bundle the source's certificate must chain to (default: the system's).
    ca_file: Path | None = None
    #: The issuer's client certificate and key for mutual TLS.
    client_cert_file: Path | None = None
    client_key_file: Path | None = None
    #: A bearer token the source expects (``Authorization: Bearer``), if any.
    token: str | None = None


class HttpAuthenticSource:
    def __init__(
        self,
        options: HttpSourceOptions,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._options = options
        self._sleep = sleep
        cert = None
        if options.client_cert_file is not None:
            cert = (str(options.client_cert_file), str(options.client_key_file))
        verify: Any = True
        if options.ca_file is not None:
            import ssl

            verify = ssl.create_default_context(cafile=str(options.ca_file))
            if cert is not None:
                verify.load_cert_chain(*cert)
        elif cert is not None:
            import ssl

            verify = ssl.create_default_context()
            verify.load_cert_chain(*cert)
        headers = {"Accept": "application/json"}
        if options.token:
            headers["Authorization"] = f"Bearer {options.token}"
        self._client = httpx.Client(
            base_url=options.url.rstrip("/"),
            timeout=httpx.Timeout(
                options.read_timeout_seconds, connect=options.connect_timeout_seconds
            ),
            verify=verify,
            headers=headers,
            follow_redirects=False,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    # -- the AuthenticSource protocol ------------------------------------------------------------
    def person(self, person_id: str) -> dict[str, Any]:
        if SUBJECT_ID.fullmatch(person_id) is None:
            raise KeyError("unknown person")
        status, body = self._call("GET", f"/citizens/{quote(person_id, safe='')}")
        if status == 404:
            raise KeyError("unknown person")
        return checked_record(body, person_id)

    def subject_for(self, national_number: str) -> str | None:
        status, body = self._call(
            "POST", "/subjects/lookup", json_body={"national_number": national_number}
        )
        if status == 404:
            return None
        person_id = body.get("person_id") if isinstance(body, dict) else None
        if not isinstance(person_id, str) or SUBJECT_ID.fullmatch(person_id) is None:
            raise SourceAnswerInvalid("the source's lookup answer has no valid person_id")
        return person_id

    def events(self, after: str | None = None) -> tuple[list[SourceEvent], str | None]:
        """The source's changes after ``cursor`` and the cursor to ask from next time."""
        params = {} if after is None else {"after": after}
        status, body = self._call("GET", "/events", params=params)
        if status == 404 or not isinstance(body, dict):
            raise SourceAnswerInvalid("the source's event feed is not a JSON object")
        raw_events, cursor = body.get("events"), body.get("cursor")
        if not isinstance(raw_events, list) or len(raw_events) > MAX_EVENTS:
            raise SourceAnswerInvalid(f"the source's events are not a list (at most {MAX_EVENTS})")
        if cursor is not None and (not isinstance(cursor, str) or len(cursor) > 256):
            raise SourceAnswerInvalid("the source's event cursor is not a short string")
        return [_event(e) for e in raw_events], cursor

    # -- HTTP ------------------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        json_body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """``(status, decoded JSON)`` of a 200 or 404 answer, after the retries."""
        options = self._options
        deadline = time.monotonic() + options.deadline_seconds
        failure = "no attempt"
        for attempt in range(1, options.attempts + 1):
            retry_after: float | None = None
            try:
                with self._client.stream(method, path, json=json_body, params=params) as response:
                    if response.status_code in (200, 404):
                        return response.status_code, _json(response)
                    failure = f"HTTP {response.status_code}"
                    if response.status_code not in _RETRIED_STATUSES:
                        raise SourceAnswerInvalid(
                            f"the source refused the request ({failure}); not retried"
                        )
                    retry_after = _retry_after(response.headers.get("retry-after"))
            except httpx.TransportError as exc:  # connect, TLS, timeouts, broken bodies
                failure = type(exc).__name__
            if attempt == options.attempts:
                break
            delay = min(options.backoff_max_seconds, options.backoff_seconds * 2 ** (attempt - 1))
            delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret
            if retry_after is not None:
                delay = max(delay, min(retry_after, options.backoff_max_seconds))
            if time.monotonic() + delay >= deadline:
                break
            self._sleep(delay)
        raise SourceUnavailable(
            f"the authentic source did not answer after {attempt} attempt(s): {failure}"
        )


def _json(response: httpx.Response) -> Any:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise SourceAnswerInvalid(f"the source's answer is larger than {MAX_BODY_BYTES} bytes")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise SourceAnswerInvalid(f"the source's answer is larger than {MAX_BODY_BYTES} bytes")
    if response.status_code == 404:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise SourceAnswerInvalid("the source's answer is not JSON") from None


def _retry_after(value: str | None) -> float | None:
    return float(value) if value is not None and value.isdigit() else None


def _event(raw: object) -> SourceEvent:
    if not isinstance(raw, dict):
        raise SourceAnswerInvalid("a source event is not an object")
    subject = raw.get("subject_id")
    if not isinstance(subject, str) or SUBJECT_ID.fullmatch(subject) is None:
        raise SourceAnswerInvalid("a source event has no valid subject_id")
    try:
        until = raw.get("valid_until")
        return SourceEvent(
            subject_id=subject,
            basis=str(raw.get("basis")),
            change=SourceChange(raw.get("change")),
            effective=date.fromisoformat(str(raw.get("effective"))),
            valid_until=None if until is None else date.fromisoformat(str(until)),
        )
    except ValueError:
        raise SourceAnswerInvalid(
            "a source event is malformed (basis, change, effective, valid_until)"
        ) from None
