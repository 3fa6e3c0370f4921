"""The sandbox's own reading of the shipped WSDL: each object's fields and their types.

The sandbox reads the WSDL with plain lxml, as a server would, and uses it to type what clients
send (string numbers, "0"-keyed lists, SOAP text) into one canonical form before storing it. It
shares nothing with the client's converter, so a bug there cannot hide here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import attrs
from lxml import etree

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCALARS = ("string", "int", "boolean", "decimal")

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
class Schema:
    types: dict[str, list[tuple[str, str]]]
    """type name -> [(field, type)]; a type ending in ``[]`` is an array of that type."""
    operations: dict[str, tuple[list[tuple[str, str]], str, str]]
    """operation -> ([(part, type)], return part name, return type)"""
    namespace: str
    wsdl_text: str


def wsdl_text() -> str:
    return resources.files("avangate_compat.wsdl").joinpath("avangate-6.0.wsdl") \
        .read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def load() -> Schema:
    text = wsdl_text()
    root = etree.fromstring(text.encode("utf-8"), parser=etree.XMLParser(
        resolve_entities=False, no_network=True))
    namespace = root.get("targetNamespace")
    arrays: dict[str, str] = {}
    types: dict[str, list[tuple[str, str]]] = {}
    for complex_type in root.iter(f"{{{XSD_NS}}}complexType"):
        name = complex_type.get("name")
        attribute = complex_type.find(f".//{{{XSD_NS}}}attribute")
        if attribute is not None and attribute.get(f"{{{WSDL_NS}}}arrayType"):
            arrays[name] = _local(attribute.get(f"{{{WSDL_NS}}}arrayType")[:-2])
            continue
        types[name] = [(e.get("name"), _local(e.get("type")))
                       for e in complex_type.iter(f"{{{XSD_NS}}}element")]

    def resolve(type_name: str) -> str:
        return arrays[type_name] + "[]" if type_name in arrays else type_name

    types = {name: [(f, resolve(t)) for f, t in fields] for name, fields in types.items()}
    messages = {m.get("name"): [(p.get("name"), resolve(_local(p.get("type"))))
                                for p in m.iter(f"{{{WSDL_NS}}}part")]
                for m in root.iter(f"{{{WSDL_NS}}}message")}
    operations = {}
    for op in root.find(f"{{{WSDL_NS}}}portType").iter(f"{{{WSDL_NS}}}operation"):
        name = op.get("name")
        (ret_name, ret_type), = messages[_local(op.find(f"{{{WSDL_NS}}}output").get("message"))]
        params = messages[_local(op.find(f"{{{WSDL_NS}}}input").get("message"))]
        operations[name] = (params, ret_name, ret_type)
    return Schema(types, operations, namespace, text)


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


def _local(qname: str) -> str:
    return qname.rsplit(":", 1)[-1]


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
