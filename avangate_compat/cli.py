"""avangate-compat: the 2Checkout (Avangate) API 6.0 from the shell, and its local sandbox."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional

import attrs

from . import Client
from ._version import PROJECT_URL, __version__
from .config import BACKENDS

if TYPE_CHECKING:  # the sandbox (waitress, werkzeug) loads only for the commands that run it
    from . import models
    from .sandbox import Sandbox

DEMO_LEAD = "60E6C4B574"
DEMO_PRODUCT = "NewProdCodeAPI12345"
STATUS_PRODUCT = "YourProductCode"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="avangate-compat", description=__doc__,
        epilog=f"`avangate-compat COMMAND --help` shows a command's options. Documentation: "
               f"{PROJECT_URL}")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     title="commands")
    serve = commands.add_parser("sandbox", help="run the local 2Checkout sandbox server",
                                description="Run the local 2Checkout sandbox: SOAP, JSON-RPC "
                                            "and REST on one loopback port.")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address (default %(default)s)")
    serve.add_argument("--port", type=int, default=8080,
                       help="port, 0 picks a free one and prints it (default %(default)s)")
    serve.add_argument("--merchant-code", default=None,
                       help="merchant code logins must use (default: the demo merchant code)")
    serve.add_argument("--secret-key", default=None,
                       help="secret key hashes are checked with (default: the demo key)")
    serve.add_argument("--session-ttl", type=float, default=600.0,
                       help="session lifetime in seconds (default %(default)s)")
    serve.add_argument("--max-skew", type=float, default=600.0,
                       help="allowed clock difference of login dates, seconds "
                            "(default %(default)s)")
    serve.add_argument("--session-error", choices=("documented", "forbidden"),
                       default="documented",
                       help="answer to an expired or unknown session: the documented codes, or "
                            "the FORBIDDEN answer seen from the real service "
                            "(default %(default)s)")
    serve.add_argument("--latency", type=float, default=0.0, metavar="MS",
                       help="delay every protocol answer by MS milliseconds (default 0)")
    serve.add_argument("--db", default=None,
                       help="SQLite file that keeps the state across restarts "
                            "(default: in memory)")
    serve.add_argument("--tls", action="store_true",
                       help="serve HTTPS with a throwaway CA made at start (its bundle's path "
                            "is printed)")
    serve.add_argument("--tls-client-ca", default=None, metavar="PEM",
                       help="demand a client certificate signed by this CA (implies --tls)")
    serve.add_argument("--max-connections", type=int, default=100, metavar="N",
                       help="open connections kept; past it idle keep-alive ones are closed "
                            "for new ones (default %(default)s)")
    demo_parser = commands.add_parser(
        "demo", help="try the facade on all three backends, offline, over https",
        description="Run the facade on SOAP, JSON-RPC and REST against an in-process HTTPS "
                    "sandbox and compare the answers.")
    demo_parser.add_argument("--plain-http", action="store_true",
                             help="talk to the sandbox over plain http instead of https")
    from . import cli_call
    cli_call.register(commands)
    from . import cli_export
    cli_export.register(commands)
    from . import conformance
    conformance.add_arguments(commands.add_parser(
        "check", help="read-only conformance run on your account",
        description="Read-only conformance run against your own account (needs --live)."))
    args = parser.parse_args(argv)
    if args.command == "call":
        return cli_call.run(args)
    if args.command == "export":
        return cli_export.run(args)
    if args.command == "check":
        return conformance.command(args)
    if args.command == "sandbox":
        return _serve(args)
    return demo(tls=not args.plain_http)


def _serve(args: argparse.Namespace) -> int:
    from .sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, Sandbox

    try:
        sandbox = Sandbox(args.host, args.port, args.merchant_code or DEMO_MERCHANT_CODE,
                          args.secret_key or DEMO_SECRET_KEY,
                          args.session_ttl, args.db, args.max_skew, args.session_error,
                          args.latency, args.tls, args.tls_client_ca, args.max_connections)
    except ValueError as exc:
        print(f"avangate-compat sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with sandbox:
        print(sandbox.banner(), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


Row = tuple[str, Callable[[dict[str, Any]], Any]]
ROWS: list[Row] = [
    ("getLead .LeadCode", lambda r: r["lead"].LeadCode),
    ("  .Items[0].Quantity", lambda r: r["lead"].Items[0].Quantity),
    ("  .Items[0].Price.Amount", lambda r: r["lead"].Items[0].Price.Amount),
    ("  .BillingDetails.Email", lambda r: r["lead"].BillingDetails.Email),
    ("getProductByCode .ProductName", lambda r: r["product"].ProductName),
    ("  .PricingConfigurations[0] Regular[0]",
     lambda r: _price(r["product"].PricingConfigurations[0])),
    ("updateProduct(ProductName=...)", lambda r: r["updated"]),
    ("  read back .ProductName", lambda r: r["after_update"].ProductName),
    ("setProductStatus(..., True)", lambda r: r["status"]),
    ("  read back .Enabled", lambda r: r["after_status"].Enabled),
    ("logins", lambda r: r["logins"]),
]


def _price(config: models.PricingConfiguration) -> str:
    price = config.Prices.Regular[0] if config.Prices else None
    return f"{price.Amount} {price.Currency}" if price else "-"


def _run_backend(sandbox: Sandbox, backend: str) -> dict[str, Any]:
    sandbox.service.reset()  # every backend starts from the same state
    with Client(backend=backend, **sandbox.client_settings) as client:
        result: dict[str, Any] = {"lead": client.getLead(DEMO_LEAD)}
        product = client.getProductByCode(DEMO_PRODUCT)
        result["product"] = product
        # the documented read, change, write flow
        result["updated"] = client.updateProduct(
            attrs.evolve(product, ProductName="Edited_From_API_Again"))
        result["after_update"] = client.getProductByCode(DEMO_PRODUCT)
        result["status"] = client.setProductStatus(STATUS_PRODUCT, True)
        result["after_status"] = client.getProductByCode(STATUS_PRODUCT)
        result["logins"] = client.login_count
    return result


def demo(tls: bool = True) -> int:
    """Over https by default: the path every real user takes."""
    from .sandbox import Sandbox

    with Sandbox(tls=tls) as sandbox:
        trust = f", certificate checked against {sandbox.ca_path}" if sandbox.tls else ""
        print(f"sandbox on {sandbox.url} (merchant {sandbox.merchant_code}{trust})\n")
        results = {backend: _run_backend(sandbox, backend) for backend in BACKENDS}
    table = [[label, *(str(getter(results[b])) for b in BACKENDS)] for label, getter in ROWS]
    widths = [max(len(row[i]) for row in [["", *BACKENDS], *table]) + 2
              for i in range(len(BACKENDS) + 1)]
    for row in [["", *BACKENDS], *table]:
        print("".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    keys = ("lead", "product", "updated", "after_update", "status", "after_status")
    reference = results[BACKENDS[0]]
    disagreements = [f"{key}: {backend} differs from {BACKENDS[0]}"
                     for backend in BACKENDS[1:] for key in keys
                     if results[backend][key] != reference[key]]
    print()
    if disagreements:
        print("BACKENDS DISAGREE:\n  " + "\n  ".join(disagreements))
        return 1
    print(f"all {len(BACKENDS)} backends returned equal objects for every call, fetched over "
          f"{'https' if tls else 'plain http'} (REST signs each request instead of logging in)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
