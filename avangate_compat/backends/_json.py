"""JSON as the JSON-RPC and REST codecs send and read it: Decimals exact, no NaN or Infinity."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Optional

from ..errors import TransportError
from ..transport import Answer
from ._answers import http_failure


def dumps(payload: Any) -> bytes:
    """JSON with Decimals sent as exact numbers (integers when whole)."""
    return _ENCODE(payload).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return as_float  # repr round-trips: the JSON text is exactly the decimal
        return str(value)  # more digits than a double holds: send the exact text
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


# One encoder for the process (json.dumps with options builds one per call).
_ENCODE = json.JSONEncoder(default=_json_default, separators=(",", ":"), allow_nan=False).encode


def loads(answer: Answer, operation: str, backend: str) -> Optional[Any]:
    """The JSON body with floats read as Decimal; ``None`` for an empty body. A body that is
    not JSON (or nests past the parser's depth) is a transport error: with an error status,
    the same one every protocol raises for it (:func:`._answers.http_failure`)."""
    if not answer.body.strip():
        return None
    try:
        body = answer.body  # as json.loads reads bytes, without building a decoder per call
        return _DECODE(body.decode(json.detect_encoding(body), "surrogatepass"))
    except (ValueError, RecursionError):
        if answer.status >= 300:
            raise http_failure(operation, backend, answer) from None
        raise TransportError(operation, backend, f"answer is not JSON ({answer.content_type})",
                             answer.status) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_DECODE = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant).decode
