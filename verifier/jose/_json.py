"""JSON at the trust boundary: bounded, strict, never a traceback.

Python's C decoder is fast and raises ``RecursionError`` on deep nesting; both that and every
decoding error become :class:`MalformedInput`. ``NaN``/``Infinity`` are not JSON and are refused.
"""

from __future__ import annotations

import json
from typing import Any

from verifier import codes
from verifier._errors import MalformedInput


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):  # "1e999" parses to infinity: not a JSON number
        raise ValueError(f"number {text[:20]} is out of range")
    return value


_decoder = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


def loads_json(data: bytes | str, *, what: str = "value") -> Any:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = _decoder.decode(text)
    except RecursionError:
        raise MalformedInput(f"{what} is nested too deeply", code=codes.INPUT_DEPTH) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedInput(f"{what} is not valid JSON ({exc})", code=codes.INPUT_JSON) from None
    return value


def loads_object(data: bytes | str, *, what: str = "value") -> dict[str, Any]:
    value = loads_json(data, what=what)
    if not isinstance(value, dict):
        raise MalformedInput(f"{what} is not a JSON object", code=codes.INPUT_JSON)
    return value


_compact_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dumps_compact(value: Any) -> str:
    """Compact UTF-8 JSON as we emit it (no whitespace, non-ASCII kept as is)."""
    return _compact_encoder.encode(value)
