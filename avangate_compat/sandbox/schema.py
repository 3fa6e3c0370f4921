"""The sandbox's own reading of the API spec: each object's fields and types, each operation's
parameters and REST route, the enums.

The sandbox reads ``spec.json`` with plain ``json``, as moto reads botocore's models: the same
data the client and the shipped WSDL derive from, read by code of its own. It types what clients
send (string numbers, "0"-keyed lists, SOAP text) into one canonical form before storing it,
and shares nothing with the client's converter, so a bug there cannot hide here.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Optional

import attrs

SCALARS = ("string", "int", "boolean", "decimal", "any")
MAX_ANY_DEPTH = 32
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}", re.ASCII)

# Numbers are refused, before any conversion, unless their text is plain ASCII decimal notation
# of sane size: Decimal -> int of a huge exponent ("1e999999999") never returns, and formatting
# one with "f" writes a gigabyte. The limits are generous for money and counts.
MAX_INTEGER_DIGITS = 18  # |x| < 1e18, inside int64
MAX_FRACTION_DIGITS = 28  # Decimal's default precision; 0.1000000000000000055511 fits
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)
# What XML 1.0 cannot carry: C0 controls but tab, LF, CR; surrogates; U+FFFE and U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INDEX = re.compile(r"[0-9]{1,9}", re.ASCII)


class Invalid(ValueError):
    """A value does not fit the declared type (the caller turns it into a protocol error)."""


@attrs.frozen
class RestRoute:
    method: str
    path: str
    """The path below the REST root, ``{Param}`` / ``{Param.Field}`` placeholders kept."""
    body: Any = None
    """the parameter sent as JSON body, or {body key: parameter} for a body of several"""
    query: Any = None
    """the parameter sent as query string (an object), or a list of parameters sent as
    query fields"""
    unwrap: Optional[str] = None
    zero_keyed: frozenset[str] = frozenset()
    """the members the answer sends ``"0"``-keyed, at any depth"""
    page_of: Optional[str] = None
    """the operation each item of this page answer is shaped as (``Items`` ``"0"``-keyed)"""
    created: Optional[str] = None
    """the Location of a write answered ``201 Created``, ``{Param.Field}`` placeholders kept"""


@attrs.frozen
class Schema:
    types: dict[str, list[tuple[str, str]]]
    """type name -> [(field, type)]; a type ending in ``[]`` is an array of that type."""
    operations: dict[str, tuple[list[tuple[str, str]], str, str]]
    """operation -> ([(part, type)] with the sessionID first, return part name, return type)"""
    optional: dict[str, int]
    """operation -> how many of its last parameters may be left out"""
    rest: dict[str, RestRoute]
    """operation -> its REST route, for the operations that have a documented one"""
    enums: dict[str, tuple[str, ...]]
    endpoints: dict[str, str]
    namespace: str
    wsdl_text: str
    jsonrpc_zero_keyed: dict[str, frozenset[str]] = attrs.field(factory=dict)
    """operation -> the lists its JSON-RPC answer sends ``"0"``-keyed, at any depth (the
    operation's ``jsonrpc.zero_keyed`` in the spec); every other list is a JSON array"""


def wsdl_text() -> str:
    return resources.files("avangate_compat.wsdl").joinpath("avangate-6.0.wsdl") \
        .read_text(encoding="utf-8")


def spec_data() -> dict[str, Any]:
    text = resources.files("avangate_compat").joinpath("spec.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def load() -> Schema:
    return from_spec(spec_data())


def from_spec(spec: dict[str, Any]) -> Schema:
    operations: dict[str, tuple[list[tuple[str, str]], str, str]] = {}
    optional: dict[str, int] = {}
    rest: dict[str, RestRoute] = {}
    jsonrpc_zero_keyed: dict[str, frozenset[str]] = {}
    for name, entry in spec["operations"].items():
        session = [("sessionID", "string")] if entry.get("session", True) else []
        params = session + [(p["name"], p["type"]) for p in entry["params"]]
        operations[name] = (params, f"{name}Return", entry["result"])
        optional[name] = sum(1 for p in entry["params"] if p.get("optional"))
        route = entry.get("rest") or {}
        if route.get("path"):
            rest[name] = RestRoute(route["method"], route["path"], route.get("body"),
                                   route.get("query"), route.get("unwrap"),
                                   frozenset(route.get("zero_keyed", ())),
                                   route.get("page_of"), route.get("created"))
        if entry.get("jsonrpc", {}).get("zero_keyed"):
            jsonrpc_zero_keyed[name] = frozenset(entry["jsonrpc"]["zero_keyed"])
    types = {name: list(fields.items()) for name, fields in spec["types"].items()}
    return Schema(types, operations, optional, rest,
                  {k: tuple(v) for k, v in spec["enums"].items()}, dict(spec["endpoints"]),
                  spec["namespace"], wsdl_text(), jsonrpc_zero_keyed)


def _zero_keyed(value: Mapping[Any, Any], path: str) -> list[Any]:
    """A PHP-style ``{"0": a, "1": b}`` list, or one object where a list is declared. Only
    short ASCII digit keys are indices ("²".isdigit() is true, and int() of 5,000 digits
    fails); a key that looks like a number but is none of them is refused."""
    keys = list(value)
    if keys and all(isinstance(k, str) and _INDEX.fullmatch(k) for k in keys):
        return [value[k] for k in sorted(keys, key=int)]
    if any(isinstance(k, str) and (k.isdigit() or k.isdecimal() or k.isnumeric())
           for k in keys):
        raise Invalid(f"{path}: list keys must be ASCII indices 0-999999999")
    return [value]


def number_text(value: Any, path: str = "") -> str:
    """The text of an int or Decimal, refused when it is not finite or absurdly large."""
    if isinstance(value, int):
        if abs(value) >= 10 ** MAX_INTEGER_DIGITS:
            raise Invalid(f"{path}: number out of range (|x| < 1e{MAX_INTEGER_DIGITS})")
        return str(value)
    if not value.is_finite():
        raise Invalid(f"{path}: {value} is not a finite number")
    return str(_number(str(value), path))


def _number(value: Any, path: str, type_name: str = "number") -> Decimal:
    """``value`` (text, int or Decimal) as a Decimal, checked on its text in O(length) first:
    ASCII digits, an exponent of at most four digits, |x| < 1e18, at most 28 digits after
    the point. Only then is anything converted."""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = number_text(value, path) if isinstance(value, int) or not value.is_finite() \
            else str(value)
    if not isinstance(value, str):
        raise Invalid(f"{path}: expected a {type_name}")
    text = value.strip()
    if _NUMBER.fullmatch(text) is None:
        raise Invalid(f"{path}: {text[:40]!r} is not a valid {type_name}")
    number = Decimal(text)  # cheap now: the exponent has at most four digits
    if number and number.adjusted() >= MAX_INTEGER_DIGITS:
        raise Invalid(f"{path}: number out of range (|x| < 1e{MAX_INTEGER_DIGITS})")
    if -int(number.as_tuple().exponent) > MAX_FRACTION_DIGITS:
        raise Invalid(f"{path}: more than {MAX_FRACTION_DIGITS} digits after the point")
    return number


def _any(value: Any, path: str, depth: int = 0) -> Any:
    """A value of undeclared shape (``any``): kept as sent, but every part of it checked."""
    if depth > MAX_ANY_DEPTH:
        raise Invalid(f"{path}: nested too deeply")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        if NOT_XML.search(value):
            raise Invalid(f"{path}: holds a character XML cannot carry")
        return value
    if isinstance(value, (int, Decimal)):
        return _number(value, path)
    if isinstance(value, list):
        return [_any(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or not _XML_NAME.fullmatch(key):
                raise Invalid(f"{path}: keys must be XML names (letters, digits, _ . -)")
            out[key] = _any(item, f"{path}.{key}", depth + 1)
        return out
    raise Invalid(f"{path}: unsupported value")


def canonical(value: Any, type_name: str, path: str = "") -> Any:
    """Type ``value`` as ``type_name`` declares: the one form the store keeps.

    Accepts what real clients send: numbers as strings, lists as ``{"0": ...}`` objects, a
    single object where a list is declared. Unknown fields of an object are dropped, as the
    real API ignores what it does not know.
    """
    if value is None:
        return None
    if type_name.endswith("[]"):
        item = type_name[:-2]
        if isinstance(value, Mapping):
            value = _zero_keyed(value, path)
        elif not isinstance(value, list):
            value = [value]
        items = [canonical(v, item, f"{path}[{i}]") for i, v in enumerate(value)]
        if item not in SCALARS and any(v is None for v in items):
            raise Invalid(f"{path}: a list of {item} cannot hold null")
        return items
    if type_name == "any":
        return _any(value, path)
    try:
        if type_name == "string":
            if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
                raise Invalid(f"{path}: expected a string")
            text = value if isinstance(value, str) else number_text(value, path)
            if NOT_XML.search(text):
                raise Invalid(f"{path}: holds a character XML cannot carry")
            return text
        if type_name == "int":
            if isinstance(value, bool):
                raise Invalid(f"{path}: expected an integer")
            number = _number(value, path, type_name)
            if number != number.to_integral_value():
                raise Invalid(f"{path}: expected an integer")
            return int(number)  # safe: |number| < 1e18
        if type_name == "decimal":
            if isinstance(value, bool):
                raise Invalid(f"{path}: expected a number")
            return _number(value, path, type_name)
        if type_name == "boolean":
            if isinstance(value, bool):
                return value
            if str(value).strip().lower() in ("1", "true"):
                return True
            if str(value).strip().lower() in ("0", "false"):
                return False
            raise Invalid(f"{path}: expected a boolean")
    except (InvalidOperation, ValueError) as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid(f"{path}: {value!r} is not a valid {type_name}") from None
    fields = load().types.get(type_name)
    if fields is None:
        raise Invalid(f"{path}: unknown type {type_name}")
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, Mapping) and list(value) == ["0"]:
        value = value["0"]
    if not isinstance(value, Mapping):
        raise Invalid(f"{path or type_name}: expected an object")
    return {f: canonical(value.get(f), t, f"{path}.{f}" if path else f)
            for f, t in fields if f in value}
