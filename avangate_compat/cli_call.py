"""``avangate-compat call OPERATION [ARGS...]``: any operation of the spec from the shell.

Arguments (the rule, also in ``docs/usage.md``):

- An argument ``Name=value`` whose ``Name`` is a word (letters, digits, ``_``, and ``.`` between
  words) is a *pair*; anything else is a *value*. A value that must contain ``=`` is written
  as JSON: ``'"a=b"'``.
- Values fill the operation's parameters in order. A pair names a parameter (``LeadCode=...``),
  a field of the operation's one object parameter (``Country=RO`` for searchLeads'
  ``SearchOptions``), or a dotted path into an object parameter
  (``Lead.BillingDetails.Email=...``). Pairs add to an object given as a value.
- A value (or a pair's value) is JSON where it parses as JSON (``true``, ``3``, ``{"a": 1}``,
  ``["A", "B"]``, ``"text"``); a word that is not JSON is a string. Where the spec declares
  the target a string, only a JSON string, object or array (starting with ``"``, ``{`` or
  ``[``) is read as JSON and any other word is taken as typed, so ``getLead 12345`` sends the
  code ``"12345"``. Decimals in JSON stay exact.

Output: the result as JSON on stdout (models through :func:`convert.unstructure`, decimals as
JSON numbers with their exact digits). Errors: one line on stderr, ``Class CODE: message``.

Exit status: 0 success; 1 the API refused the call or the server could not be reached
(:class:`APIError`, :class:`TransportError`, any other :class:`AvangateError`); 2 a usage
error: bad command line, unknown operation or field, an argument the client's checks refuse
(:class:`ValidationError`) or a missing or bad setting (:class:`ConfigurationError`); nothing
was sent then.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import os
import re
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional, TextIO

import attrs

from . import Client
from .config import BACKENDS, Config
from .convert import unstructure
from .errors import (
    APIError,
    AvangateError,
    ConfigurationError,
    TransportError,
    ValidationError,
)
from .spec import SCALARS, ApiSpec, item_type, load

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)=(.*)", re.S)
_STRINGLY_FILTERS = ("text", "codes", "date", "language", "country")



_USAGE = "avangate-compat call"


def _usage(message: str) -> ValidationError:
    """A command line that cannot become a call (exit 2, nothing sent); errors.py holds every
    exception class, so this is a :class:`ValidationError` of the command line itself."""
    return ValidationError(_USAGE, message)


def register(commands: Any) -> None:
    """Add the ``call`` subcommand to ``avangate-compat``'s subparsers."""
    parser = commands.add_parser(
        "call", help="call any operation of the API and print the result as JSON",
        description="Call any operation of the 2Checkout API 6.0 and print its result as "
                    "JSON. Credentials come from AVANGATE_* variables (AVANGATE_MERCHANT_CODE, "
                    "AVANGATE_SECRET_KEY, AVANGATE_BACKEND, AVANGATE_BASE_URL, ...) or --ini.",
        epilog="ARGS are JSON values or Name=value pairs (docs/usage.md). Exit status: 0 "
               "success, 1 API or transport error, 2 usage or validation error (nothing sent).",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("operation", nargs="?", metavar="OPERATION",
                        help="operation name (see --list); with --raw over REST, the HTTP method")
    parser.add_argument("args", nargs="*", metavar="ARGS",
                        help="JSON values in parameter order, or Name=value pairs")
    parser.add_argument("--list", action="store_true",
                        help="list the operations and their parameters ([optional] ones in "
                             "brackets); with OPERATION, that one with its fields")
    parser.add_argument("--raw", action="store_true",
                        help="print the answer as the server sent it (client.call_raw); any "
                             "method name, modelled or not; REST: METHOD /path/ [BODY]")
    parser.add_argument("--backend", choices=BACKENDS, default=None,
                        help="protocol (default: AVANGATE_BACKEND or the INI file, else jsonrpc)")
    parser.add_argument("--base-url", default=None,
                        help="host root, e.g. a sandbox's http://127.0.0.1:8080 "
                             "(default: AVANGATE_BASE_URL or https://api.2checkout.com)")
    parser.add_argument("--ini", default=None, metavar="FILE",
                        help="read the settings from this INI file instead of the environment")
    parser.add_argument("--section", default="avangate",
                        help="INI section (default %(default)s)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log the client's retries and logins on stderr (without secrets); "
                             "by default stderr holds at most the one error line")
    parser.set_defaults(call_parser=parser)


def run(args: argparse.Namespace, stdout: Optional[TextIO] = None,
        stderr: Optional[TextIO] = None) -> int:
    """Run a parsed ``call`` command line; returns the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    log = logging.getLogger("avangate_compat")
    handler: logging.Handler = logging.StreamHandler(err) if args.verbose \
        else logging.NullHandler()  # no "last resort" warnings beside the error line
    level = log.level
    log.addHandler(handler)
    if args.verbose:
        handler.setFormatter(logging.Formatter("avangate-compat call: %(levelname)s %(message)s"))
        log.setLevel(logging.DEBUG)
    try:
        return _run(args, out, err)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    secrets: list[str] = []
    try:
        if args.list:
            out.write(describe(args.operation))
            return EXIT_OK
        if not args.operation:
            raise _usage("an OPERATION is required (see --list)")
        settings: dict[str, Any] = {}
        if args.backend is not None:
            settings["backend"] = args.backend
        if args.base_url is not None:
            settings["base_url"] = args.base_url
        config = Config.from_ini(args.ini, args.section, **settings) if args.ini \
            else Config.from_env(_settings_from(os.environ), **settings)
        secrets = [config.secret_key]
        if args.raw:
            params = _raw_params(config.backend, args.operation, args.args)
        else:
            params = build_args(args.operation, args.args)
        with Client(config) as client:
            if args.raw:
                result: Any = client.call_raw(args.operation, *params)
            else:
                result = client.call(args.operation, *params)
        out.write(dumps(plain(result)) + "\n")
        out.flush()
        return EXIT_OK
    except (ValidationError, ConfigurationError) as exc:
        _report(err, exc, secrets)
        return EXIT_USAGE
    except (APIError, TransportError, AvangateError) as exc:
        _report(err, exc, secrets)
        return EXIT_ERROR


def _settings_from(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``AVANGATE_*`` variables that name a setting: others (``AVANGATE_REQUIRE_PHP``,
    ``AVANGATE_RECORD_MODE`` of the test tools) are not the client's."""
    known = {f.name.upper() for f in attrs.fields(Config)}
    return {key: value for key, value in environ.items()
            if key.startswith("AVANGATE_") and key[len("AVANGATE_"):] in known}


def _report(err: TextIO, exc: BaseException, secrets: list[str]) -> None:
    """One line: ``Class CODE: message``, the secret key never in it."""
    name = type(exc).__name__
    if isinstance(exc, ValidationError) and exc.operation == _USAGE:
        line = f"usage: {exc.message}"
    elif isinstance(exc, APIError):
        line = f"{name} {exc.code or '-'}: {exc.message}"
    elif isinstance(exc, TransportError):
        line = f"{name} {exc.failure}: {exc}"
    else:
        line = f"{name}: {exc}"
    line = " ".join(line.split())  # one line, whatever the server's message held
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    err.write(f"avangate-compat call: {line}\n")
    err.flush()


# -- arguments --------------------------------------------------------------------------------

def parse_value(text: str, stringly: bool = False) -> Any:
    """A command-line word as a value (the rule in the module docstring)."""
    if stringly and not text.lstrip().startswith(('"', "{", "[")):
        return text
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError:
        return text


def _is_stringly(spec: ApiSpec, type_name: Optional[str]) -> bool:
    if type_name is None:
        return False
    return type_name == "string" or type_name in _STRINGLY_FILTERS \
        or type_name.startswith("enum:")


def _field_type(spec: ApiSpec, type_name: str, field: str) -> Optional[str]:
    """The spec type of ``field`` in the object type ``type_name`` (None: not declared)."""
    fields = spec.filters.get(type_name) or spec.types.get(type_name) or {}
    return fields.get(field)


def _fields(spec: ApiSpec, type_name: str) -> list[str]:
    return list(spec.filters.get(type_name) or spec.types.get(type_name) or {})


def _is_object(spec: ApiSpec, type_name: str) -> bool:
    name, is_list = item_type(type_name)
    return not is_list and name not in SCALARS \
        and (name in spec.types or name in spec.filters)


def _unknown(what: str, name: str, known: list[str]) -> ValidationError:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return _usage(f"{what} has no {name!r}{hint} (known: {', '.join(known) or 'none'})")


def build_args(operation: str, words: list[str]) -> list[Any]:
    """The positional arguments of ``client.call(operation, ...)`` from command-line words."""
    spec = load()
    op = spec.operations.get(operation)
    if op is None or not op.session:
        known = [name for name, entry in spec.operations.items() if entry.session]
        raise _unknown("the API", operation, known)
    params = list(op.params)
    names = [p.name for p in params]
    values: dict[str, Any] = {}
    pairs: list[tuple[str, str]] = []
    for word in words:
        match = _PAIR.fullmatch(word)
        if match:
            pairs.append((match.group(1), match.group(2)))
            continue
        if len(values) >= len(params):
            raise _usage(f"{operation} takes {len(params)} argument(s) "
                             f"({', '.join(names)}); {word!r} is one too many")
        param = params[len(values)]
        values[param.name] = parse_value(word, _is_stringly(spec, param.type))
    objects = [p for p in params if _is_object(spec, p.type)]
    for path, text in pairs:
        head, *rest = path.split(".")
        if head in names and rest:
            target = next(p for p in params if p.name == head)
            fields = rest
        elif head in names:
            if head in values:
                raise _usage(f"{operation}: {head} is given twice")
            param = next(p for p in params if p.name == head)
            values[head] = parse_value(text, _is_stringly(spec, param.type))
            continue
        elif len(objects) == 1:
            target, fields = objects[0], [head, *rest]
        else:
            raise _unknown(operation, head, names)
        if not _is_object(spec, target.type):
            raise _usage(f"{operation}: {target.name} is a {target.type}, it has no fields")
        holder = values.setdefault(target.name, {})
        if not isinstance(holder, dict):
            raise _usage(f"{operation}: {target.name} is given as a value and by field")
        type_name = target.type
        for depth, field in enumerate(fields):
            field_type = _field_type(spec, type_name, field)
            if field_type is None:
                raise _unknown(f"{type_name} ({operation}.{target.name})", field,
                               _fields(spec, type_name))
            if depth == len(fields) - 1:
                if field in holder:
                    raise _usage(f"{operation}: {'.'.join([target.name, *fields])} "
                                     "is given twice")
                holder[field] = parse_value(text, _is_stringly(spec, field_type))
                break
            if not _is_object(spec, field_type):
                raise _usage(f"{operation}: {field} is a {field_type}, it has no fields")
            nested = holder.setdefault(field, {})
            if not isinstance(nested, dict):
                raise _usage(f"{operation}: {field} is given as a value and by field")
            holder, type_name = nested, field_type
    missing = [p.name for p in params if not p.optional and p.name not in values]
    if missing:
        raise _usage(f"{operation} needs {', '.join(missing)} "
                         f"(takes {', '.join(names) or 'nothing'})")
    args = []
    for param in params:  # optional parameters are the last ones: stop at the first absent
        if param.name not in values:
            break
        args.append(values[param.name])
    if len(args) != len(values):
        raise _usage(f"{operation}: give the optional parameters in order")
    return args


def _raw_params(backend: str, method: str, words: list[str]) -> list[Any]:
    """``--raw``: every word a value (JSON, else a string); REST paths stay as typed."""
    if backend == "rest":
        if not words:
            raise _usage("--raw over REST takes METHOD /path/ [JSON body]")
        return [words[0], *(parse_value(word) for word in words[1:])]
    return [parse_value(word) for word in words]


# -- output -----------------------------------------------------------------------------------

def plain(value: Any) -> Any:
    """A result as plain data: models through :func:`convert.unstructure`."""
    if attrs.has(type(value)):
        return plain(unstructure(value))
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def dumps(value: Any, indent: int = 2, level: int = 0) -> str:
    """JSON text in which a :class:`Decimal` is a number with its exact digits (no float)."""
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else json.dumps(str(value))
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(key), ensure_ascii=False)}: "
                 f"{dumps(item, indent, level + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = [inner + dumps(item, indent, level + 1) for item in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    if value is None or isinstance(value, (bool, int, float, str)):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)


def describe(operation: Optional[str] = None) -> str:
    """``--list``: every operation (or one, with its object parameters' fields)."""
    spec = load()
    names = [name for name, entry in spec.operations.items() if entry.session]
    if operation is not None and operation not in names:
        raise _unknown("the API", operation, names)
    lines = []
    for name in [operation] if operation else names:
        op = spec.operations[name]
        params = [f"[{p.name}: {p.type}]" if p.optional else f"{p.name}: {p.type}"
                  for p in op.params]
        lines.append(f"{name}({', '.join(params)}) -> {op.result}")
        if operation:
            for param in op.params:
                if _is_object(spec, param.type):
                    fields = spec.filters.get(param.type) or spec.types.get(param.type) or {}
                    lines.append(f"  {param.name} fields: " + ", ".join(
                        f"{key}: {kind}" for key, kind in fields.items()))
    if not operation:
        lines.append("")
        lines.append("[optional] parameters in brackets; `call --list OPERATION` shows the "
                     "fields of its object parameters")
    return "\n".join(lines) + "\n"
