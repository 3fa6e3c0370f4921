"""``avangate-compat call``'s arguments: command-line words to the arguments of one call.

The rule (also in ``docs/usage.md``):

- An argument ``Name=value`` whose ``Name`` is a word (letters, digits, ``_``, and ``.`` between
  words) is a *pair*; anything else is a *value*. A value that must contain ``=`` is written
  as JSON: ``'"a=b"'``.
- Values fill the operation's parameters in order. A pair names a parameter (``LeadCode=...``),
  a field of the operation's one object parameter (``Country=RO`` for searchLeads'
  ``SearchOptions``), or a dotted path into an object parameter
  (``Lead.BillingDetails.Email=...``). Pairs add to an object given as a value.
- A value (or a pair's value) starting with ``{``, ``[`` or ``"`` is JSON, and one that does
  not parse is a usage error saying where (line and column): a stray comma never turns an
  object into a string. Any other word is JSON where it parses (``true``, ``3``) and a string
  where it does not; where the spec declares the target a string, it is taken as typed, so
  ``getLead 12345`` sends the code ``"12345"``. Decimals in JSON stay exact. JSON nested
  deeper than the client accepts (:data:`validate.MAX_NESTING`) is a usage error too.
- The facade's helpers (:data:`HELPERS`, ``update_product_fields``) take the same forms: their
  parameters, then ``Field=value`` pairs for the fields to change.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any, Optional, TextIO

import attrs

from .errors import APIError, TransportError, ValidationError
from .spec import SCALARS, ApiSpec, OperationSpec, item_type, load
from .spec import ParamSpec as Param
from .validate import MAX_NESTING

USAGE = "avangate-compat call"
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)=(.*)", re.S)
_JSON_START = ('"', "{", "[")
_STRINGLY_FILTERS = ("text", "codes", "date", "language", "country")


def usage(message: str) -> ValidationError:
    """A command line that cannot become a call (exit 2, nothing sent); errors.py holds every
    exception class, so this is a :class:`ValidationError` of the command line itself."""
    return ValidationError(USAGE, message)


@attrs.frozen
class Helper:
    """A method of the facade that is no API operation: its parameters, and the object type
    whose fields its ``Field=value`` pairs set (passed as keyword arguments)."""

    params: tuple[Param, ...]
    fields_of: str
    result: str


HELPERS = {
    "update_product_fields": Helper((Param("ProductCode", "string"),), "Product", "boolean"),
}
"""The facade's helpers ``call`` runs, beside the operations of the spec."""


@attrs.frozen
class Call:
    """What the command line asks for: ``client.<method>(*args, **kwargs)``."""

    method: str
    args: list[Any]
    kwargs: dict[str, Any] = attrs.Factory(dict)


# -- one word -----------------------------------------------------------------------------------

def parse_value(text: str, stringly: bool = False, where: str = "argument") -> Any:
    """A command-line word as a value (the rule in the module docstring)."""
    if text.lstrip().startswith(_JSON_START):
        return _json(text, where)
    if stringly:
        return text
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError:
        return text  # a plain word


def _json(text: str, where: str) -> Any:
    shown = text if len(text) <= 40 else text[:37] + "..."
    try:
        value = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise usage(f"{where} {shown!r} is not valid JSON: {exc.msg} (line {exc.lineno}, "
                    f"column {exc.colno})") from None
    except RecursionError:
        value = None  # deeper than the parser goes: deeper than the limit
    else:
        if _depth(value) <= MAX_NESTING:
            return value
    raise usage(f"{where} {shown!r} is nested deeper than {MAX_NESTING} levels")


def _depth(value: Any) -> int:
    """How deep objects and arrays nest in ``value`` (without recursion: any depth is safe)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) \
            else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


# -- a whole command line -------------------------------------------------------------------------

def plan(operation: str, words: list[str]) -> Call:
    """The call ``avangate-compat call OPERATION WORDS...`` makes: an operation of the spec, or
    one of the facade's :data:`HELPERS`."""
    helper = HELPERS.get(operation)
    if helper is None:
        return Call("call", [operation, *build_args(operation, words)])
    changes = Param("changes", helper.fields_of, optional=True)
    builder = _Builder(load(), operation, (*helper.params, changes))
    builder.take(words)
    values = builder.values
    fields = values.get("changes")
    if not isinstance(fields, dict) or not fields:
        raise usage(f"{operation}: name the fields to change, as {helper.fields_of} "
                    "Field=value pairs or one JSON object")
    return Call(operation, [values[p.name] for p in helper.params], fields)


def build_args(operation: str, words: list[str]) -> list[Any]:
    """The positional arguments of ``client.call(operation, ...)`` from command-line words."""
    spec = load()
    op = spec.operations.get(operation)
    if op is None or not op.session:
        raise unknown("the API", operation, operation_names(spec))
    builder = _Builder(spec, operation, tuple(op.params))
    builder.take(words)
    return builder.ordered()


def raw_params(backend: str, method: str, words: list[str]) -> list[Any]:
    """``--raw``: every word a value (JSON, else a string); REST paths stay as typed."""
    if backend == "rest":
        if not words:
            raise usage("--raw over REST takes METHOD /path/ [JSON body]")
        return [words[0], *(parse_value(word, where="the body") for word in words[1:])]
    return [parse_value(word) for word in words]


def operation_names(spec: ApiSpec) -> list[str]:
    """What ``call`` accepts: the spec's operations a session runs, then the helpers."""
    return [name for name, entry in spec.operations.items() if entry.session] + list(HELPERS)


def unknown(what: str, name: str, known: list[str]) -> ValidationError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return usage(f"{what} has no {name!r}{hint} (known: {', '.join(known) or 'none'})")


class _Builder:
    """The values of one call's parameters, filled from words: values in order, then pairs."""

    def __init__(self, spec: ApiSpec, operation: str, params: tuple[Param, ...]) -> None:
        self.spec, self.operation, self.params = spec, operation, params
        self.names = [p.name for p in params]
        self.values: dict[str, Any] = {}

    def take(self, words: list[str]) -> None:
        pairs = []
        for word in words:
            match = _PAIR.fullmatch(word)
            if match:
                pairs.append((match.group(1), match.group(2)))
            else:
                self._positional(word)
        for path, text in pairs:
            self._pair(path.split("."), text)
        missing = [p.name for p in self.params if not p.optional and p.name not in self.values]
        if missing:
            raise usage(f"{self.operation} needs {', '.join(missing)} "
                        f"(takes {', '.join(self.names) or 'nothing'})")

    def ordered(self) -> list[Any]:
        """The values in parameter order; optional parameters are the last ones, so they stop
        at the first one absent."""
        args = []
        for param in self.params:
            if param.name not in self.values:
                break
            args.append(self.values[param.name])
        if len(args) != len(self.values):
            raise usage(f"{self.operation}: give the optional parameters in order")
        return args

    def _positional(self, word: str) -> None:
        if len(self.values) >= len(self.params):
            raise usage(f"{self.operation} takes {len(self.params)} argument(s) "
                        f"({', '.join(self.names)}); {word!r} is one too many")
        param = self.params[len(self.values)]
        self.values[param.name] = parse_value(word, _is_stringly(param.type), param.name)

    def _pair(self, path: list[str], text: str) -> None:
        head, rest = path[0], path[1:]
        objects = [p for p in self.params if _is_object(self.spec, p.type)]
        if head in self.names and not rest:
            if head in self.values:
                raise usage(f"{self.operation}: {head} is given twice")
            param = self.params[self.names.index(head)]
            self.values[head] = parse_value(text, _is_stringly(param.type), head)
        elif head in self.names:
            self._field(self.params[self.names.index(head)], rest, text)
        elif len(objects) == 1:
            self._field(objects[0], path, text)
        else:
            raise unknown(self.operation, head, self.names)

    def _field(self, target: Param, fields: list[str], text: str) -> None:
        """Set ``target.<fields...>`` to ``text``'s value, the objects on the way created."""
        if not _is_object(self.spec, target.type):
            raise usage(f"{self.operation}: {target.name} is a {target.type}, it has no fields")
        holder = self._object(self.values, target.name)
        type_name = target.type
        for field in fields[:-1]:
            type_name = self._field_type(target, type_name, field)
            if not _is_object(self.spec, type_name):
                raise usage(f"{self.operation}: {field} is a {type_name}, it has no fields")
            holder = self._object(holder, field)
        last = fields[-1]
        field_type = self._field_type(target, type_name, last)
        if last in holder:
            raise usage(f"{self.operation}: {'.'.join([target.name, *fields])} is given twice")
        holder[last] = parse_value(text, _is_stringly(field_type), ".".join(fields))

    def _object(self, holder: dict[str, Any], name: str) -> dict[str, Any]:
        nested = holder.setdefault(name, {})
        if not isinstance(nested, dict):
            raise usage(f"{self.operation}: {name} is given as a value and by field")
        return nested

    def _field_type(self, target: Param, type_name: str, field: str) -> str:
        fields = _fields(self.spec, type_name)
        if field not in fields:
            raise unknown(f"{type_name} ({self.operation}.{target.name})", field, list(fields))
        return fields[field]



def _is_stringly(type_name: str) -> bool:
    """Whether a plain word for this spec type is taken as typed (a string, never JSON)."""
    return type_name == "string" or type_name in _STRINGLY_FILTERS \
        or type_name.startswith("enum:")


def _fields(spec: ApiSpec, type_name: str) -> dict[str, str]:
    """The fields of an object type (or a search's filters) and their spec types."""
    return dict(spec.filters.get(type_name) or spec.types.get(type_name) or {})


def _is_object(spec: ApiSpec, type_name: str) -> bool:
    name, is_list = item_type(type_name)
    return not is_list and name not in SCALARS \
        and (name in spec.types or name in spec.filters)


def describe(operation: Optional[str] = None) -> str:
    """``--list``: every operation and helper (or one, with its object parameters' fields)."""
    spec = load()
    names = operation_names(spec)
    if operation is not None and operation not in names:
        raise unknown("the API", operation, names)
    lines = []
    for name in [operation] if operation else names:
        params, result = _signature(spec, name)
        shown = [f"[{p.name}: {p.type}]" if p.optional else f"{p.name}: {p.type}"
                 for p in params]
        if name in HELPERS:
            shown.append(f"{HELPERS[name].fields_of} field=value...")
        lines.append(f"{name}({', '.join(shown)}) -> {result}")
        if operation:
            objects = [(p.name, p.type) for p in params if _is_object(spec, p.type)]
            if name in HELPERS:
                objects.append(("changes", HELPERS[name].fields_of))
            lines.extend(f"  {param} fields: " + ", ".join(
                f"{key}: {kind}" for key, kind in _fields(spec, type_name).items())
                for param, type_name in objects)
    if not operation:
        lines.append("")
        lines.append("[optional] parameters in brackets; `call --list OPERATION` shows the "
                     "fields of its object parameters; " + ", ".join(HELPERS) + ": the "
                     "facade's helpers")
    return "\n".join(lines) + "\n"


def _signature(spec: ApiSpec, name: str) -> tuple[tuple[Param, ...], str]:
    if name in HELPERS:
        return HELPERS[name].params, HELPERS[name].result
    op: OperationSpec = spec.operations[name]
    return tuple(op.params), op.result


def report(err: TextIO, command: str, exc: BaseException, secrets: list[str],
           usage_operations: Collection[str] = (USAGE,), tail: str = "") -> None:
    """One line on ``err``: ``command: Class CODE: message`` (``usage: ...`` for a mistake on
    the command line itself), whatever the server's message held, the secret key never in it.
    """
    name = type(exc).__name__
    if isinstance(exc, ValidationError) and exc.operation in usage_operations:
        line = f"usage: {exc.message}"
    elif isinstance(exc, APIError):
        line = f"{name} {exc.code or '-'}: {exc.message}"
    elif isinstance(exc, TransportError):
        line = f"{name} {exc.failure}: {exc}"
    else:
        line = f"{name}: {exc}"
    line = " ".join(line.split()) + tail
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    err.write(f"{command}: {line}\n")
    err.flush()
