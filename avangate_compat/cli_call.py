"""``avangate-compat call OPERATION [ARGS...]``: any operation of the spec, or one of the
facade's helpers, from the shell. The arguments' rule is in :mod:`avangate_compat.cli_args`.

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
import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional, TextIO

import attrs

from . import Client
from .cli_args import Call, describe, plan, raw_params, report, usage
from .cli_settings import add_flags, config_from
from .convert import unstructure
from .errors import (
    APIError,
    AvangateError,
    ConfigurationError,
    TransportError,
    ValidationError,
)
from .logs import command_log

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def register(commands: Any) -> None:
    """Add the ``call`` subcommand to ``avangate-compat``'s subparsers."""
    parser = commands.add_parser(
        "call", help="call any API operation, print the result as JSON",
        usage="%(prog)s [-h] [--list] [--raw] [-v] [SETTINGS...] [OPERATION] [ARGS ...]",
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
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every request and answer (the wire log, secrets replaced: "
                             "as AVANGATE_LOG=wire), retries and logins on stderr; by default "
                             "stderr holds at most the one error line")
    add_flags(parser)
    parser.set_defaults(call_parser=parser)


def run(args: argparse.Namespace, stdout: Optional[TextIO] = None,
        stderr: Optional[TextIO] = None) -> int:
    """Run a parsed ``call`` command line; returns the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    with command_log(err, args.verbose, "avangate-compat call"):
        return _run(args, out, err)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    secrets: list[str] = []
    try:
        if args.list:
            out.write(describe(args.operation))
            return EXIT_OK
        if not args.operation:
            raise usage("an OPERATION is required (see --list)")
        call = None if args.raw else plan(args.operation, args.args)  # before any setting
        config = config_from(args)
        if args.verbose:
            config = attrs.evolve(config, log_wire=True)
        secrets = [config.secret_key]
        if call is None:
            call = Call("call_raw", [args.operation,
                                     *raw_params(config.backend, args.operation, args.args)])
        with Client(config) as client:
            result = getattr(client, call.method)(*call.args, **call.kwargs)
        out.write(dumps(plain(result)) + "\n")
        out.flush()
        return EXIT_OK
    except (ValidationError, ConfigurationError) as exc:
        report(err, "avangate-compat call", exc, secrets)
        return EXIT_USAGE
    except (APIError, TransportError, AvangateError) as exc:
        report(err, "avangate-compat call", exc, secrets)
        return EXIT_ERROR


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
