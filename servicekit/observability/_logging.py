"""JSON log lines that hold no personal data by construction.

A line is one JSON object: ``timestamp``, ``level``, ``logger``, ``message``, ``request_id``, the
request fields ``method``, ``route`` (the route *template*), ``status`` and ``duration_ms`` when
present, ``extra`` (other whitelisted fields) and ``exception`` (type and frames).

What cannot get in:

- **arguments**: ``message`` is the log call's constant template; ``%`` arguments are never
  interpolated (``log.info("issued %s", name)`` logs ``"issued %s"``). Values travel only as
  ``extra={...}`` fields whose *names* are whitelisted (:data:`SAFE_FIELDS` plus what a service
  adds) and whose *values* are numbers, booleans or short strings without spaces; anything
  else is written ``"[redacted]"``. Ruff's ``G`` rules forbid formatting a message in the call.
- **exception messages** (they quote inputs): an exception is its type and its frames
  (:func:`servicekit.exception_summary`), from ``exc_info`` or the ``exception_summary`` field.
- request bodies, query strings, raw paths, headers, tokens and codes are not fields at all.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from servicekit._errors import exception_summary
from servicekit.http import current_request_id

#: The request fields of an access line, written at the top level of the object.
REQUEST_FIELDS = ("method", "route", "status", "duration_ms")
#: Field names any service may log (their values describe the service, never a person).
SAFE_FIELDS = frozenset(
    {
        *REQUEST_FIELDS,
        "check",
        "count",
        "error",
        "exception_type",
        "host",
        "outcome",
        "pid",
        "port",
        "reason",
        "seconds",
        "status_class",
        "version",
        "workers",
    }
)
REDACTED = "[redacted]"
#: A record attribute holding :func:`servicekit.exception_summary` of an exception that is not
#: passed as ``exc_info`` (text formatters would print its message).
EXCEPTION_FIELD = "exception_summary"
_SAFE_TEXT = re.compile(r"[A-Za-z0-9_.:/{}#@=+,<>-]{0,200}")


class JsonFormatter(logging.Formatter):
    """One JSON object per record; ``fields`` extends :data:`SAFE_FIELDS`."""

    def __init__(self, fields: Iterable[str] = ()) -> None:
        super().__init__()
        self.fields = SAFE_FIELDS | frozenset(fields)

    def format(self, record: logging.LogRecord) -> str:
        message = record.msg if isinstance(record.msg, str) else f"<{type(record.msg).__name__}>"
        line: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            "request_id": _request_id(record),
        }
        extra = {}
        for name in sorted(self.fields & record.__dict__.keys()):
            value = safe_value(record.__dict__[name])
            if name in REQUEST_FIELDS:
                line[name] = value
            else:
                extra[name] = value
        if extra:
            line["extra"] = extra
        summary = record.__dict__.get(EXCEPTION_FIELD)
        if record.exc_info and record.exc_info[1] is not None:
            summary = exception_summary(record.exc_info[1])
        if isinstance(summary, dict):
            line["exception"] = summary
        return json.dumps(line, ensure_ascii=True, separators=(",", ":"))


def safe_value(value: Any) -> Any:
    """``value`` when it cannot be free text about a person, else :data:`REDACTED`."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and _SAFE_TEXT.fullmatch(value):
        return value
    return REDACTED


def _request_id(record: logging.LogRecord) -> str | None:
    given = record.__dict__.get("request_id")
    return given if isinstance(given, str) else current_request_id()


def logging_config(level: str, *, fields: Iterable[str] = ()) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` (uvicorn's ``log_config``): JSON lines on stdout for
    every logger, uvicorn's included; uvicorn's own access log silenced (the services log one
    access line per request themselves)."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": f"{__name__}.JsonFormatter", "fields": sorted(fields)},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "discard": {"class": "logging.NullHandler"},
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": ["discard"], "propagate": False},
            # Alembic narrates each schema inspection at INFO (readiness runs one per probe).
            "alembic": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }


def configure_logging(level: str, *, fields: Iterable[str] = ()) -> None:
    """Apply :func:`logging_config` to this process."""
    import logging.config

    logging.config.dictConfig(logging_config(level, fields=fields))
