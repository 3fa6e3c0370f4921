"""JSON and bodies as the sandbox reads and writes them, for every protocol and the control API.

Reads are bounded (body size, nesting depth, number length) and exact (Decimal numbers); writes
send a Decimal as its own text and, for JSON-RPC, in the PHP-era style real answers have.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable, Union

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from .resources.base import Fault

MAX_BODY = 1024 * 1024
MAX_JSON_DEPTH = 64  # the deepest real payload (a product) nests about ten levels
JSON_TYPE = "application/json"
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def _json_depth_ok(data: bytes) -> bool:
    """Whether no array or object nests deeper than MAX_JSON_DEPTH, in one linear pass over
    the brackets outside strings (json.loads would recurse once per level)."""
    depth = 0
    for byte in _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", data)):
        depth += 1 if byte in (0x5B, 0x7B) else -1
        if depth > MAX_JSON_DEPTH:
            return False
    return True


def _parse_int(text: str) -> Any:
    # int() of thousands of digits is slow (and refused past 4,300): keep long ones Decimal,
    # for the schema to refuse as out of range
    return int(text) if len(text) <= 40 else Decimal(text)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(data: bytes) -> Any:
    """JSON as the sandbox reads it: Decimal numbers, no NaN/Infinity, bounded depth.
    ValueError when it is none."""
    if not _json_depth_ok(data):
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(data, parse_float=Decimal, parse_int=_parse_int,
                          parse_constant=_refuse_constant)
    except RecursionError:  # a body in UTF-16 escapes the byte scan above
        raise ValueError("nested too deeply") from None


def _number_json(value: Union[int, float, Decimal]) -> str:
    """A number's JSON text, exact: a Decimal is sent as its own text (19.99, 22.50,
    0.1000000000000000055511), never through float; what JSON cannot carry is null."""
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else "null"  # str(): O(digits), scientific
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    try:
        return str(value)
    except ValueError:  # more digits than Python writes
        return "null"


def _encode(value: Any, out: Callable[[str], Any]) -> None:
    if value is None or value is True or value is False:
        out("null" if value is None else "true" if value else "false")
    elif isinstance(value, str):
        out(json.dumps(value))
    elif isinstance(value, (int, float, Decimal)):
        out(_number_json(value))
    elif isinstance(value, Mapping):
        out("{")
        for n, (key, item) in enumerate(value.items()):
            out(", " if n else "")
            out(json.dumps(str(key)))
            out(": ")
            _encode(item, out)
        out("}")
    elif isinstance(value, (list, tuple)):
        out("[")
        for n, item in enumerate(value):
            out(", " if n else "")
            _encode(item, out)
        out("]")
    else:
        raise TypeError(f"cannot send {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    parts: list[str] = []
    _encode(value, parts.append)
    return "".join(parts)


def php_style(value: Any, zero_keyed: frozenset[str] = frozenset(), key: str = "") -> Any:
    """What a PHP-era JSON-RPC server sends: numbers as strings; the lists of objects named in
    ``zero_keyed`` (at any depth) as ``{"0": a, "1": b}`` objects, as the documentation's
    ``getLead`` example shows; every other list a JSON array, as integration code indexes
    product answers."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, list):
        items = [php_style(v, zero_keyed) for v in value]
        if key in zero_keyed and value and all(isinstance(v, Mapping) for v in value):
            return {str(i): item for i, item in enumerate(items)}
        return items
    return {k: php_style(v, zero_keyed, k) for k, v in value.items()}


def read_body(request: Request) -> bytes:
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise Fault("REQUEST_TOO_LARGE", f"Request body over {MAX_BODY} bytes", 413) from None
