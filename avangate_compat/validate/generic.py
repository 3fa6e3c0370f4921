"""The generic argument checks: what a code, a text, a date, a currency, a price, an enum
value, a filter object or any value the wire carries must be, whatever the operation.

Each checker takes the operation name, the parameter name and the user's value, and returns
plain data (dicts with API keys, strings, booleans) or raises :class:`ValidationError` with a
message a user can act on.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

from ..convert import bounded_decimal, structure
from ..errors import ConversionError, ValidationError
from ..spec import load

Checker = Callable[[str, str, Any], Any]

_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What XML 1.0 cannot carry (SOAP would fail on it, other backends must refuse it alike):
# C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_NESTING = 32


def _decoded(operation: str, name: str, value: Any) -> Any:
    """Python 2 code passed ``str`` (bytes): accept UTF-8 bytes as text."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(operation, f"{name}: bytes that are not UTF-8 text",
                                  name) from None
    return value


def code(operation: str, name: str, value: Any) -> str:
    """A non-empty identifier such as a LeadCode or ProductCode. It may stand in a REST path,
    so ``.``, ``..`` and ``/`` are refused: no code can reach another resource."""
    value = _decoded(operation, name, value)
    if not isinstance(value, str):
        raise ValidationError(operation, f"{name} must be a string, got {type(value).__name__}",
                              name)
    if not value.strip():
        raise ValidationError(operation, f"{name} must not be empty", name)
    if _CONTROL.search(value) or _NOT_XML.search(value):
        raise ValidationError(operation, f"{name} must not contain control characters", name)
    if value.strip() in (".", "..") or "/" in value or "\\" in value:
        raise ValidationError(operation, f"{name} must not be '.', '..' or hold a slash", name)
    return value


def boolean(operation: str, name: str, value: Any) -> bool:
    """A real ``bool``: ``"false"`` or ``0`` are refused, since PHP would read them differently."""
    if not isinstance(value, bool):
        raise ValidationError(operation, f"{name} must be True or False, got {value!r}", name)
    return value


def as_model(operation: str, name: str, value: Any, cls: type) -> Any:
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        try:
            return structure(dict(value), cls)
        except ConversionError as exc:
            raise ValidationError(operation, f"{name}{exc.path}: {exc.reason}",
                                  f"{name}{exc.path}") from None
    raise ValidationError(operation, f"{name} must be a {cls.__name__} or a mapping, "
                                     f"got {type(value).__name__}")


def language(operation: str, name: str, value: Any) -> str:
    """ISO 639-1: two letters (the API answers them upper case, as ``"BG"``)."""
    if not isinstance(value, str) or not _TWO_LETTERS.fullmatch(value):
        raise ValidationError(operation, f"{name} must be a two-letter ISO 639-1 code, "
                                         f"got {value!r}", name)
    return value


def country(operation: str, name: str, value: Any) -> str:
    """ISO 3166-1 alpha-2: two letters."""
    if not isinstance(value, str) or not _TWO_LETTERS.fullmatch(value):
        raise ValidationError(operation, f"{name} must be a two-letter ISO 3166 country code, "
                                         f"got {value!r}", name)
    return value


def date(operation: str, name: str, value: Any) -> str:
    """``YYYY-MM-DD``, a real calendar date; a ``datetime.date`` is accepted and formatted."""
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            datetime.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise ValidationError(operation, f"{name} must be a date as YYYY-MM-DD, got {value!r}",
                          name)


def positive_int(operation: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(operation, f"{name} must be a positive integer, got {value!r}",
                              name)
    return value


def one_of(enum: str) -> Checker:
    """A value of the spec's enum ``enum``."""
    choices = load().enums[enum]

    def check(operation: str, name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValidationError(operation, f"{name} must be one of {', '.join(choices)}, "
                                             f"got {value!r}", name)
        return value
    return check



def one_or_many(operation: str, name: str, value: Any, each: Checker,
                expected: str) -> list[Any]:
    """One value (a string) or a non-empty list of them, each checked by ``each``; always
    sent as a list. ``expected`` ends the refusal: "{name} must be {expected}"."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values:
        raise ValidationError(operation, f"{name} must be {expected}", name)
    return [each(operation, f"{name}[{i}]", v) for i, v in enumerate(values)]


def codes(operation: str, name: str, value: Any) -> list[str]:
    """One code or a list of codes; always sent as a list."""
    return one_or_many(operation, name, value, code, "a code or a non-empty list of codes")


def text(operation: str, name: str, value: Any) -> str:
    value = _decoded(operation, name, value)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(operation, f"{name} must be a non-empty string", name)
    return value


def sendable(operation: str, name: str, value: Any, depth: int = 0) -> Any:
    """``value`` as the wire can carry it: text XML can hold (UTF-8 bytes, as Python 2 code
    passed strings, become text), booleans, finite numbers within range, lists and objects
    with text keys, not nested absurdly deep. Runs on the wire data of every call, whatever
    built it, so a model whose attributes were set by hand is checked too; a fault is
    reported with its field path."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (bytes, bytearray)):
        value = _decoded(operation, name, value)
    if isinstance(value, str):
        if _NOT_XML.search(value):
            raise ValidationError(operation, f"{name} holds a character XML cannot carry "
                                             "(a control character or lone surrogate)", name)
        return value
    if depth > MAX_NESTING:
        raise ValidationError(operation, f"{name} nests deeper than {MAX_NESTING} levels", name)
    if isinstance(value, (int, float, Decimal)):
        try:
            bounded_decimal(value)
        except ConversionError as exc:
            raise ValidationError(operation, f"{name}: {exc}", name) from None
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, entry in value.items():
            if not isinstance(key, str):
                raise ValidationError(operation, f"{name} has a key that is not text: "
                                                 f"{key!r}", name)
            out[key] = sendable(operation, f"{name}.{key}", entry, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [sendable(operation, f"{name}[{i}]", entry, depth + 1)
                for i, entry in enumerate(value)]
    raise ValidationError(operation, f"{name}: cannot send a {type(value).__name__}", name)


_CURRENCY = re.compile(r"[A-Za-z]{3}")


def currency(operation: str, name: str, value: Any) -> str:
    """ISO 4217: three letters, sent upper case (``"usd"`` -> ``"USD"``)."""
    value = _decoded(operation, name, value)
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise ValidationError(operation, f"{name} must be a three-letter ISO 4217 currency "
                                         f"code, got {value!r}", name)
    return value.upper()


def price(operation: str, name: str, value: Any) -> Decimal:
    """A finite amount of money, zero or more: a ``Decimal``, an ``int`` or numeric text (a
    ``float`` is read through its shortest repr, ``19.99`` stays 19.99)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ValidationError(operation, f"{name} must be a number, got "
                                         f"{type(value).__name__}", name)
    try:
        amount = bounded_decimal(value)
    except ConversionError as exc:
        raise ValidationError(operation, f"{name}: {exc}", name) from None
    if amount < 0:
        raise ValidationError(operation, f"{name} must not be negative, got {amount}", name)
    return amount


def enum_value(operation: str, name: str, value: Any, enum: str) -> str:
    return one_of(enum)(operation, name, value)  # type: ignore[no-any-return]


def filters_of(type_name: str) -> Checker:
    """The check of a filter object the spec declares under ``filters``: every filter by its
    own check, unknown ones refused (never silently ignored), ``None`` left out. The checks
    are looked up once, on first use (the table of named checks is built after this)."""
    resolved: dict[str, Checker] = {}

    def check(operation: str, name: str, value: Any) -> dict[str, Any]:
        if not resolved:
            from . import named_check
            resolved.update({field: named_check(kind)
                             for field, kind in load().filters[type_name].items()})
        checks = resolved
        if not isinstance(value, Mapping):
            raise ValidationError(operation, f"{name} must be a mapping of filters", name)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            checker = checks.get(key)
            if checker is None:
                raise ValidationError(operation, f"unknown filter {key!r}; known: "
                                                 f"{', '.join(checks)}", f"{name}.{key}")
            out[key] = checker(operation, f"{name}.{key}", item)
        return out
    return check


def non_empty_list(operation: str, name: str, value: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ValidationError(operation, f"{name} must be a non-empty list", name)
    return list(value)


