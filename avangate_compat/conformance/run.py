"""``avangate-compat check --live``: a read-only conformance run against the user's own account.

What no public document shows (the real 6.0 WSDL, the real error codes and SOAP faultcodes,
which hash algorithms login accepts, whether the inferred REST mappings read the same data),
the people who use this library can see. This module turns their account into evidence, at no
risk to their data:

- it logs in with every hash algorithm (sha256, sha3-256, md5) on SOAP and JSON-RPC, and signs a
  REST request with each, and reports which were accepted;
- it runs **read operations only** (``searchLeads`` with ``Limit`` 1, ``getLead``,
  ``getProductByCode``, ``getPricingConfigurations`` when the spec has it,
  ``searchSubscriptions`` with ``Limit`` 50) on the three protocols, and reports whether each
  answered, whether the three answers convert to equal objects (with the field-level
  differences if not), the fields the models do not know (``extra_fields``, found anywhere in
  the results) and the time of each call;
- it reports the ``Subscription.Status`` values the subscriptions it read show, since no 6.0
  document lists them;
- it fetches the live WSDL and compares it with the shipped one (operations, argument names and
  order, complex types and their fields);
- it provokes two harmless errors (an unknown lead code, a bogus sessionID) and reports the
  exact code, message and SOAP faultcode the server used, and the exception class the library
  mapped each to;
- ``--record DIR`` keeps scrubbed vcrpy cassettes of the whole run (credentials, login hashes
  and session ids replaced, as :func:`avangate_compat.testing.make_vcr` does).

**The write rule.** An operation is a *read* when its name starts with ``get`` or ``search``,
the spec marks it idempotent, it confirms nothing (no ``confirmed_by``, no boolean
acknowledgement as result) and its REST form, if any, is a ``GET``. Every other operation of the
spec but ``login`` is a *write*. :func:`guard` refuses to send anything but ``login`` and reads,
so no future edit of the read list can make this command write.

Exit status: 0 when everything agreed, 1 when something differed or failed (the whole report
is printed all the same), 2 for a usage error (no ``--live``, no credentials, a bad option).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Optional, TextIO

import attrs

from ..auth import Call
from ..cli_paths import path_problem
from ..cli_settings import add_flags, config_from
from ..config import BACKENDS, HASH_ALGORITHMS, Config
from ..errors import AvangateError, ConfigurationError
from ..spec import OperationSpec, load
from .answers import (
    Outcome,
    describe_error,
    differences,
    jsonable,
    ms_since,
    plain,
    statuses,
    timed,
    unknown_fields,
)
from .render import render, send_back
from .wsdl import compare_wsdl, read_wsdl

UNKNOWN_LEAD = "ZZNOSUCHLEAD"
"""A lead code no account holds (real codes are ten hexadecimal digits)."""
BOGUS_SESSION = "avangate-compat-check-bogus-session"
"""Not shaped like a real sessionID (32 hex digits), so no scan mistakes it for one."""
CASSETTE = "avangate-check.yaml"
SUBSCRIPTION_SAMPLE = 50
"""How many subscriptions searchSubscriptions reads for the Status values it reports."""
EXPECTED_ERRORS = {"unknown_lead": "NotFoundError", "bogus_session": "SessionError"}


# -- the write rule ------------------------------------------------------------------------------


def is_read(spec: OperationSpec) -> bool:
    """A read: named ``get...``/``search...``, idempotent, confirming nothing, ``GET`` on REST."""
    rest_method = spec.rest.method if spec.rest is not None else None
    return (spec.name.startswith(("get", "search")) and spec.idempotent
            and spec.confirmed_by is None and spec.result != "boolean"
            and rest_method in (None, "GET"))


def write_operations() -> list[str]:
    """Every operation of the spec this command must never call: all but ``login`` and reads."""
    return [name for name, spec in load().operations.items()
            if name != "login" and not is_read(spec)]


def guard(name: str) -> None:
    """Refuse any operation but ``login`` and the reads of :func:`is_read`."""
    spec = load().operations.get(name)
    if spec is None or (name != "login" and not is_read(spec)):
        raise RuntimeError(f"the conformance check refuses to send {name!r}: not a read")


# -- the run -------------------------------------------------------------------------------------


@attrs.define
class Options:
    config: Config
    product: Optional[str] = None
    lead: Optional[str] = None
    save_wsdl: Optional[str] = None
    record: Optional[str] = None
    reference_wsdl: Optional[str] = None
    """The WSDL the live one is compared with; ``None``: the one shipped in the package."""


@attrs.define
class Report:
    data: dict[str, Any]
    problems: list[str]


class _Run:
    def __init__(self, options: Options) -> None:
        from ..operations import OPERATIONS

        self.options = options
        self.operations = OPERATIONS
        self.problems: list[str] = []
        self.clients: dict[str, Any] = {}
        self.codes: dict[str, Optional[str]] = {"lead": options.lead, "product": options.product}
        self.observed: dict[str, Any] = {}

    # each call goes through here: nothing but login and reads can be sent
    def call(self, backend: str, name: str, *args: Any) -> Outcome:
        guard(name)
        return timed(lambda: self.clients[backend].call(name, *args))

    def run(self) -> Report:
        data: dict[str, Any] = {
            "tool": "avangate-compat check",
            "version": _version(),
            "started": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M:%S UTC"),
            "base_url": self.options.config.base_url,
            "endpoints": {"soap": self.options.config.soap_endpoint,
                          "jsonrpc": self.options.config.jsonrpc_endpoint,
                          "rest": self.options.config.rest_endpoint},
            "write_rule": "reads only: names starting with get/search that the spec marks "
                          "idempotent, confirm nothing and are GET on REST; plus login",
        }
        try:
            data["wsdl"] = self.wsdl()
            data["logins"] = self.logins()
            data["calls"] = self.reads()
            data["observed"] = self.observed
            data["errors"] = self.errors()
        finally:
            for client in self.clients.values():
                client.close()
        data["problems"] = self.problems
        data["verdict"] = "differ" if self.problems else "agree"
        data["send_back"] = send_back(self.problems, self.options)
        return Report(data, self.problems)

    # -- WSDL ------------------------------------------------------------------------------------

    def wsdl(self) -> dict[str, Any]:
        from ..backends.soap import SHIPPED_WSDL, shipped_file
        from ..transport import HttpRequest, HttpSettings, Secrets, Transport

        config = attrs.evolve(self.options.config, backend="soap")
        url = config.soap_endpoint + "?wsdl"
        out: dict[str, Any] = {"url": url, "fetched": False, "saved_to": None,
                               "reference": self.options.reference_wsdl or "shipped",
                               "differences": []}
        transport = Transport(HttpSettings(config), "soap",
                              Secrets([config.secret_key, config.merchant_code]))
        start = time.perf_counter()
        try:
            answer = transport.send(HttpRequest("GET", url, label="wsdl"),
                                    time.monotonic() + config.deadline)
        except AvangateError as exc:
            out["error"] = describe_error(exc, "soap")
            self.problems.append(f"the live WSDL could not be fetched from {url}: {exc}")
            return out
        finally:
            transport.close()
        out["ms"] = ms_since(start)
        out["http_status"] = answer.status
        if answer.status != 200:
            self.problems.append(f"the live WSDL answered HTTP {answer.status} at {url}")
            return out
        out["fetched"] = True
        if self.options.save_wsdl:
            with open(self.options.save_wsdl, "wb") as handle:
                handle.write(answer.body)
            out["saved_to"] = self.options.save_wsdl
        reference_path = self.options.reference_wsdl or shipped_file(SHIPPED_WSDL)
        try:
            with open(reference_path, "rb") as handle:
                reference = read_wsdl(handle.read())
            live = read_wsdl(answer.body)
        except (OSError, ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError: SyntaxError
            out["error"] = {"class": type(exc).__name__, "message": str(exc)[:500]}
            self.problems.append(f"a WSDL could not be read: {exc}")
            return out
        out["live"] = {"namespace": live.namespace, "style": live.style,
                       "operations": len(live.operations), "types": len(live.types)}
        out["differences"] = compare_wsdl(reference, live)
        if out["differences"]:
            self.problems.append(f"the live WSDL differs from the {out['reference']} one in "
                                 f"{len(out['differences'])} place(s)")
        return out

    # -- login -----------------------------------------------------------------------------------

    def logins(self) -> dict[str, Any]:
        from ..client import Client

        out: dict[str, Any] = {}
        preferred = self.options.config.hash_algorithm
        for backend in BACKENDS:
            results: dict[str, Any] = {}
            candidates: dict[str, Any] = {}
            for algorithm in HASH_ALGORITHMS:
                client = Client(attrs.evolve(self.options.config, backend=backend,
                                             hash_algorithm=algorithm))
                if backend == "rest":  # no login: a signed read is the test
                    guard("searchLeads")
                    outcome = timed(functools.partial(client.call, "searchLeads", {"Limit": 1}))
                else:
                    guard("login")
                    outcome = timed(client.login)
                entry: dict[str, Any] = {"accepted": outcome.status == "ok", "ms": outcome.ms}
                if outcome.error is not None:
                    entry["error"] = describe_error(outcome.error, backend)
                    if outcome.status == "failed":
                        self.problems.append(f"{backend}: {algorithm} login failed without an "
                                             f"answer: {outcome.error}")
                    client.close()
                else:
                    candidates[algorithm] = client
                results[algorithm] = entry
            chosen = preferred if preferred in candidates else next(iter(candidates), None)
            for algorithm, client in candidates.items():
                if algorithm == chosen:
                    self.clients[backend] = client
                else:
                    client.close()
            out[backend] = {"algorithms": results, "used": chosen}
            if chosen is None:
                self.problems.append(f"{backend}: no hash algorithm was accepted")
        accepted = {b: sorted(a for a, r in out[b]["algorithms"].items() if r["accepted"])
                    for b in BACKENDS}
        if len({tuple(v) for v in accepted.values()}) > 1:
            self.problems.append("the backends accept different hash algorithms: " + "; ".join(
                f"{b} {', '.join(v) or 'none'}" for b, v in accepted.items()))
        return out

    # -- reads -----------------------------------------------------------------------------------

    def reads(self) -> list[dict[str, Any]]:
        codes = self.codes
        notes: dict[str, str] = {}
        steps: list[dict[str, Any]] = []

        def args_of(name: str) -> Optional[tuple[Any, ...]]:
            if name == "searchLeads":
                return ({"Limit": 1},)
            if name == "searchSubscriptions":  # a sample for the Status values it shows
                return ({"Limit": SUBSCRIPTION_SAMPLE},)
            code = codes["lead"] if name == "getLead" else codes["product"]
            return (code,) if code else None

        for name in ("searchLeads", "getLead", "getProductByCode", "getPricingConfigurations",
                     "searchSubscriptions"):
            if name not in self.operations:
                steps.append({"operation": name, "skipped": "not in this version's spec"})
                continue
            args = args_of(name)
            if args is None:
                what = "--lead" if name == "getLead" else "--product"
                steps.append({"operation": name,
                              "skipped": f"no code to read: give {what} CODE"})
                continue
            step, outcomes = self.compare(name, args)
            if name in ("getProductByCode", "getPricingConfigurations") \
                    and "product" in notes:
                step["note"] = notes["product"]
            steps.append(step)
            ok = [o.value for o in outcomes.values() if o.status == "ok"]
            if name == "searchSubscriptions":
                self.observed["Subscription.Status"] = statuses(ok)
            if name == "searchLeads" and not codes["lead"] and ok and ok[0].Items:
                codes["lead"] = ok[0].Items[0].LeadCode
                notes["lead"] = "the first lead searchLeads returned"
            if name == "getLead" and not codes["product"] and ok and ok[0].Items \
                    and ok[0].Items[0].Code:
                codes["product"] = ok[0].Items[0].Code
                notes["product"] = f"the product of lead {codes['lead']}'s first item"
            if name == "getLead" and "lead" in notes:
                step["note"] = notes["lead"]
        return steps

    def compare(self, name: str, args: tuple[Any, ...]) -> tuple[dict[str, Any],
                                                                 dict[str, Outcome]]:
        outcomes = {b: self.call(b, name, *args) for b in BACKENDS if b in self.clients}
        step: dict[str, Any] = {"operation": name, "args": jsonable(list(args)),
                                "backends": {}, "agree": True, "differences": [],
                                "unknown_fields": {}}
        for backend, outcome in outcomes.items():
            entry: dict[str, Any] = {"status": outcome.status, "ms": outcome.ms}
            if outcome.error is not None:
                entry["error"] = describe_error(outcome.error, backend)
                if outcome.status == "failed":
                    self.problems.append(f"{name} over {backend} failed: {outcome.error}")
            else:
                fields = sorted(set(re.sub(r"\[\d+\]", "[]", p)
                                    for p in unknown_fields(outcome.value, _root(name))))
                if fields:
                    step["unknown_fields"][backend] = fields
            step["backends"][backend] = entry
        shapes = {b: plain(o.value) if o.status == "ok"
                  else {"<error>": type(o.error).__name__, "code": getattr(o.error, "code", None)}
                  for b, o in outcomes.items()}
        if len(shapes) > 1:
            step["differences"] = differences(shapes)
            step["agree"] = not step["differences"]
        if not step["agree"]:
            self.problems.append(f"{name}: the backends' answers differ in "
                                 f"{len(step['differences'])} place(s)")
        unknown = sorted({f for fields in step["unknown_fields"].values() for f in fields})
        if unknown:
            self.problems.append(f"{name}: fields the models do not know: {', '.join(unknown)}")
        return step, outcomes

    # -- provoked errors -------------------------------------------------------------------------

    def errors(self) -> list[dict[str, Any]]:
        from ..operations import OPERATIONS

        lead = self.codes["lead"] or UNKNOWN_LEAD
        cases: list[dict[str, Any]] = []
        unknown: dict[str, Any] = {}
        for backend in BACKENDS:
            if backend in self.clients:
                unknown[backend] = self.call(backend, "getLead", UNKNOWN_LEAD)
        cases.append(self._case("unknown_lead", f"getLead({UNKNOWN_LEAD!r})", unknown))
        bogus: dict[str, Any] = {}
        guard("getLead")
        operation = OPERATIONS["getLead"]
        for backend in ("soap", "jsonrpc"):
            client = self.clients.get(backend)
            if client is None:
                continue
            # Below the session handling, so the bogus sessionID reaches the server as it is
            # (Client.call and call_raw would log in again and repeat the call).
            bogus[backend] = timed(functools.partial(
                client._pipeline.send, Call(operation, [BOGUS_SESSION, lead]),
                time.monotonic() + client.config.deadline))
        case = self._case("bogus_session", f"getLead({lead!r}) with sessionID "
                                           f"{BOGUS_SESSION!r}", bogus)
        case["backends"]["rest"] = {"not_applicable": "REST has no session: every request "
                                                      "is signed"}
        cases.append(case)
        return cases

    def _case(self, case: str, call: str, outcomes: Mapping[str, Outcome]) -> dict[str, Any]:
        expected = EXPECTED_ERRORS[case]
        out: dict[str, Any] = {"case": case, "call": call, "expected_class": expected,
                               "backends": {}}
        classes = set()
        for backend, outcome in outcomes.items():
            if outcome.error is None:
                out["backends"][backend] = {"status": "ok", "ms": outcome.ms}
                self.problems.append(f"{case} over {backend}: the server accepted {call}")
                continue
            described = describe_error(outcome.error, backend)
            described["ms"] = outcome.ms
            out["backends"][backend] = described
            classes.add(described["class"])
            if described["class"] != expected:
                self.problems.append(f"{case} over {backend}: mapped to {described['class']} "
                                     f"(code {described['code']!r}), expected {expected}")
        if len(classes) > 1:
            self.problems.append(f"{case}: the backends raised different classes: "
                                 f"{', '.join(sorted(classes))}")
        return out


def _root(operation: str) -> str:
    from ..operations import OPERATIONS

    result = OPERATIONS[operation].spec.result
    return result[:-2] if result.endswith("[]") else result


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("avangate-compat")
    except Exception:  # noqa: BLE001 - not installed as a distribution: a checkout
        return "unknown"


def run(options: Options) -> Report:
    """Run the whole check (recording it when asked) and return the report."""
    with _recording(options):
        return _Run(options).run()


@contextlib.contextmanager
def _recording(options: Options) -> Iterator[None]:
    if options.record is None:
        yield
        return
    from ..testing import make_vcr

    os.makedirs(options.record, exist_ok=True)
    path = os.path.join(options.record, CASSETTE)
    if os.path.exists(path):
        os.remove(path)  # ours, from an earlier run: "all" would append to it
    recorder = make_vcr(secrets=[options.config.merchant_code, options.config.secret_key],
                        record_mode="all")
    with recorder.use_cassette(path):
        yield


# -- the command ---------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live", action="store_true",
                        help="required: confirms that this contacts the server configured "
                             "(read-only calls only)")
    parser.add_argument("--product", metavar="CODE", help="a product to read (default: the "
                        "product of the first item of the lead read)")
    parser.add_argument("--lead", metavar="CODE",
                        help="a lead to read (default: the first one searchLeads returns)")
    parser.add_argument("--save-wsdl", metavar="PATH", help="keep the live WSDL in this file")
    parser.add_argument("--wsdl-reference", metavar="PATH",
                        help="compare the live WSDL with this file instead of the shipped one "
                             "(for instance one saved earlier with --save-wsdl)")
    parser.add_argument("--record", metavar="DIR",
                        help=f"save scrubbed vcrpy cassettes of the whole run as DIR/{CASSETTE}")
    parser.add_argument("--json", action="store_true",
                        help="print the report as JSON instead of text")
    add_flags(parser)  # --base-url (another server, such as a local sandbox), --ini, ...


def command(args: argparse.Namespace, out: Optional[TextIO] = None,
            err: Optional[TextIO] = None) -> int:
    """Run ``avangate-compat check`` from parsed arguments: 0 agreed, 1 differed, 2 usage."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not args.live:
        print("avangate-compat check: this contacts the configured server with read-only "
              "calls; pass --live to run it", file=err)
        return 2
    try:
        config = config_from(args)
    except (ConfigurationError, ValueError, TypeError) as exc:
        print(f"avangate-compat check: {exc}", file=err)
        return 2
    if args.record is not None:
        try:
            import vcr  # noqa: F401 - only to say what --record needs
        except ImportError:
            print("avangate-compat check: --record needs vcrpy (pip install "
                  "'avangate-compat[test]')", file=err)
            return 2
    problem = path_problem(args)
    if problem:
        print(f"avangate-compat check: {problem}", file=err)
        return 2
    options = Options(config, product=args.product, lead=args.lead, save_wsdl=args.save_wsdl,
                      record=args.record, reference_wsdl=args.wsdl_reference)
    report = run(options)
    if args.json:
        json.dump(report.data, out, indent=2, ensure_ascii=False, default=str)
        print(file=out)
    else:
        render(report.data, out)
    return 1 if report.problems else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="avangate-compat check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return command(parser.parse_args(argv))
