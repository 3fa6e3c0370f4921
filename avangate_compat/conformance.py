"""``avangate-compat check --live``: a read-only conformance run against the user's own account.

What no public document shows (the real 6.0 WSDL, the real error codes and SOAP faultcodes,
which hash algorithms login accepts, whether the inferred REST mappings read the same data),
the people who use this library can see. This module turns their account into evidence, at no
risk to their data:

- it logs in with every hash algorithm (sha256, sha3-256, md5) on SOAP and JSON-RPC, and signs a
  REST request with each, and reports which were accepted;
- it runs **read operations only** (``searchLeads`` with ``Limit`` 1, ``getLead``,
  ``getProductByCode``, ``getPricingConfigurations`` when the spec has it) on the three
  protocols, and reports whether each answered, whether the three answers convert to equal
  objects (with the field-level differences if not), the fields the models do not know
  (``extra_fields``, found anywhere in the results) and the time of each call;
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
import textwrap
import time
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Callable, Optional, TextIO

import attrs

from . import convert
from .auth import Call
from .config import BACKENDS, HASH_ALGORITHMS, Config
from .errors import APIError, AvangateError, ConfigurationError, TransportError
from .spec import OperationSpec, load

UNKNOWN_LEAD = "ZZNOSUCHLEAD"
"""A lead code no account holds (real codes are ten hexadecimal digits)."""
BOGUS_SESSION = "avangate-compat-check-bogus-session"
"""Not shaped like a real sessionID (32 hex digits), so no scan mistakes it for one."""
CASSETTE = "avangate-check.yaml"
ISSUE_TRACKER = "the avangate-compat project's issue tracker"
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


# -- outcomes ------------------------------------------------------------------------------------


@attrs.define
class Outcome:
    """One call on one backend: its value or its error, and how long it took."""

    ms: float
    value: Any = None
    error: Optional[BaseException] = None

    @property
    def status(self) -> str:
        """``ok``; ``error`` (the server answered with a refusal); ``failed`` (no usable
        answer: transport failure, unreadable answer, or a bug of this library)."""
        if self.error is None:
            return "ok"
        if isinstance(self.error, APIError) and self.error.code != "UNREADABLE_ANSWER":
            return "error"
        return "failed"


def timed(call: Callable[[], Any]) -> Outcome:
    start = time.perf_counter()
    try:
        value = call()
    except Exception as exc:  # noqa: BLE001 - a diagnostic run reports a bug, it goes on
        return Outcome(_ms(start), error=exc)
    return Outcome(_ms(start), value=value)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def describe_error(exc: BaseException, backend: str) -> dict[str, Any]:
    """What the server said and what the library made of it: class, code, message, HTTP
    status, the SOAP faultcode or JSON-RPC error number read from the raw answer, and the
    start of the raw answer (already scrubbed of secrets by the library)."""
    out: dict[str, Any] = {"class": type(exc).__name__,
                           "code": getattr(exc, "code", None),
                           "message": str(getattr(exc, "message", exc))[:500],
                           "http_status": getattr(exc, "http_status", None)}
    if isinstance(exc, TransportError):
        out["failure"] = exc.failure
    answer = getattr(exc, "answer", None)
    body = answer.body if answer is not None else ""
    if backend == "soap" and body:
        found = re.search(r"<(?:[\w.-]+:)?faultcode\b[^>]*>([^<]*)<", body)
        out["faultcode"] = found.group(1).strip() if found else None
        found = re.search(r"<(?:[\w.-]+:)?faultstring\b[^>]*>([^<]*)<", body)
        out["faultstring"] = found.group(1).strip() if found else None
    if backend == "jsonrpc" and body:
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            error = json.loads(body).get("error") or {}
            out["rpc_code"] = error.get("code")
            out["rpc_error_code"] = (error.get("data") or {}).get("error_code")
    if backend == "rest" and body:
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            out["error_code"] = json.loads(body).get("error_code")
    out["body"] = body
    return out


# -- comparing answers ---------------------------------------------------------------------------


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


ABSENT = _Absent()


def plain(value: Any) -> Any:
    """A result as plain data with the API's keys (``extra_fields`` merged back in)."""
    if attrs.has(type(value)):
        return convert.unstructure(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def differences(values: Mapping[str, Any], path: str = "") -> list[dict[str, Any]]:
    """Where plain values (one per backend) differ: ``[{"path", "values": {backend: v}}]``,
    recursing through mappings (the union of their keys) and lists (index by index)."""
    items = list(values.values())
    if items and all(isinstance(v, Mapping) for v in items):
        keys = list(dict.fromkeys(k for v in items for k in v))
        return [d for k in keys for d in differences(
            {b: v.get(k, ABSENT) for b, v in values.items()}, f"{path}.{k}")]
    if items and all(isinstance(v, list) for v in items):
        longest = max(len(v) for v in items)
        return [d for i in range(longest) for d in differences(
            {b: v[i] if i < len(v) else ABSENT for b, v in values.items()}, f"{path}[{i}]")]
    if all(_same(v, items[0]) for v in items):
        return []
    return [{"path": path or "(result)", "values": {b: jsonable(v) for b, v in values.items()}}]


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def unknown_fields(value: Any, path: str) -> list[str]:
    """Paths of every field a server sent that the models do not know (``extra_fields``)."""
    found: list[str] = []
    if attrs.has(type(value)):
        found += [f"{path}.{key}" for key in getattr(value, "extra_fields", {}) or {}]
        for field in attrs.fields(type(value)):
            if field.name != "extra_fields":
                found += unknown_fields(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += unknown_fields(item, f"{path}[{index}]")
    return found


def jsonable(value: Any) -> Any:
    if value is ABSENT:
        return "<absent>"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


# -- the WSDL ------------------------------------------------------------------------------------

_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
_XSD = "http://www.w3.org/2001/XMLSchema"

Fields = tuple[tuple[str, str], ...]


@attrs.frozen
class WsdlShape:
    """What the comparison looks at: the target namespace, the binding style, each
    operation's arguments (name, type) in order and result, each complex type's fields."""

    namespace: str
    style: str
    operations: dict[str, Fields]
    results: dict[str, Fields]
    types: dict[str, Fields]


def _local(qname: Optional[str]) -> str:
    return (qname or "").rsplit(":", 1)[-1]


def read_wsdl(data: bytes) -> WsdlShape:
    """Parse a WSDL 1.1 document safely (no DTD, no entities, no network, no imports)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    root = etree.fromstring(data, parser=parser)
    if root.getroottree().docinfo.doctype:
        raise ValueError("the WSDL declares a DTD; refused")
    if root.tag != f"{{{_WSDL}}}definitions":
        raise ValueError(f"not a WSDL 1.1 document (root element {_local(root.tag)!r})")
    elements = {e.get("name"): e for schema in root.iter(f"{{{_XSD}}}schema")
                for e in schema.iterchildren(f"{{{_XSD}}}element")}
    messages = {m.get("name"): m for m in root.iterchildren(f"{{{_WSDL}}}message")}

    def parts(message_qname: Optional[str]) -> Fields:
        message = messages.get(_local(message_qname))
        if message is None:
            return ()
        out: list[tuple[str, str]] = []
        for part in message.iterchildren(f"{{{_WSDL}}}part"):
            element = part.get("element")
            if element is None:
                out.append((part.get("name") or "", _local(part.get("type"))))
                continue
            wrapper = elements.get(_local(element))  # document/literal: the wrapper's fields
            inline = wrapper.find(f"{{{_XSD}}}complexType") if wrapper is not None else None
            out.extend(_fields(inline) if inline is not None
                       else [(part.get("name") or "", _local(element))])
        return tuple(out)

    operations: dict[str, Fields] = {}
    results: dict[str, Fields] = {}
    for port_type in root.iterchildren(f"{{{_WSDL}}}portType"):
        for operation in port_type.iterchildren(f"{{{_WSDL}}}operation"):
            name = operation.get("name") or ""
            given, answer = operation.find(f"{{{_WSDL}}}input"), \
                operation.find(f"{{{_WSDL}}}output")
            operations[name] = parts(given.get("message") if given is not None else None)
            results[name] = parts(answer.get("message") if answer is not None else None)
    types = {ct.get("name"): tuple(_fields(ct)) for ct in root.iter(f"{{{_XSD}}}complexType")
             if ct.get("name")}
    binding = next(root.iter(f"{{{_SOAP_BINDING}}}binding"), None)
    body = next(root.iter(f"{{{_SOAP_BINDING}}}body"), None)
    style = (binding.get("style") if binding is not None else None) or "document"
    use = (body.get("use") if body is not None else None) or "literal"
    return WsdlShape(root.get("targetNamespace") or "", f"{style}/{use}", operations, results,
                     types)


def _fields(complex_type: Any) -> list[tuple[str, str]]:
    """A complex type's fields in order: its elements (not those of nested anonymous types),
    ``[]`` with the item type for a SOAP-encoded array, ``<extends>`` with a base type."""
    out: list[tuple[str, str]] = []
    for node in complex_type.iter():
        local = _local(str(node.tag).rsplit("}", 1)[-1])
        if local == "extension" and node.get("base"):
            out.append(("<extends>", _local(node.get("base"))))
        elif local == "attribute" and node.get(f"{{{_WSDL}}}arrayType"):
            out.append(("[]", _local(node.get(f"{{{_WSDL}}}arrayType"))))
        elif local == "element" and _owner(node) is complex_type:
            kind = node.get("type") or node.get("ref") or "(anonymous)"
            repeated = node.get("maxOccurs") not in (None, "1")
            out.append((node.get("name") or _local(node.get("ref")),
                        _local(kind) + ("[]" if repeated else "")))
    return out


def _owner(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != f"{{{_XSD}}}complexType":
        parent = parent.getparent()
    return parent


def compare_wsdl(reference: WsdlShape, live: WsdlShape) -> list[dict[str, str]]:
    """Differences from the reference (shipped) WSDL to the live one, one entry each:
    ``{"what": "operation" | "type" | "binding", "name", "detail"}``."""
    found: list[dict[str, str]] = []

    def add(what: str, name: str, detail: str) -> None:
        found.append({"what": what, "name": name, "detail": detail})

    if reference.namespace != live.namespace:
        add("binding", "targetNamespace", f"shipped {reference.namespace!r}, "
                                          f"live {live.namespace!r}")
    if reference.style != live.style:
        add("binding", "style", f"shipped {reference.style}, live {live.style}")
    for what, ours, theirs in (("operation", reference.operations, live.operations),
                               ("type", reference.types, live.types)):
        for name in sorted(set(ours) | set(theirs)):
            if name not in theirs:
                add(what, name, "only in the shipped WSDL")
            elif name not in ours:
                add(what, name, f"only in the live WSDL: ({_signature(theirs[name])})")
            else:
                for detail in _compare_fields(ours[name], theirs[name],
                                              "argument" if what == "operation" else "field"):
                    add(what, name, detail)
    for name in sorted(set(reference.results) & set(live.results)):
        if [t for _, t in reference.results[name]] != [t for _, t in live.results[name]]:
            add("operation", name, f"result: shipped ({_signature(reference.results[name])}), "
                                   f"live ({_signature(live.results[name])})")
    return found


def _signature(fields: Fields) -> str:
    return ", ".join(f"{name}: {type_name}" for name, type_name in fields)


def _compare_fields(ours: Fields, theirs: Fields, noun: str) -> list[str]:
    names, live_names = [n for n, _ in ours], [n for n, _ in theirs]
    out = []
    missing = [n for n in names if n not in live_names]
    added = [n for n in live_names if n not in names]
    if missing:
        out.append(f"{noun}(s) only in the shipped WSDL: {', '.join(missing)}")
    if added:
        out.append(f"{noun}(s) only in the live WSDL: {', '.join(added)}")
    common = [n for n in names if n in live_names]
    if common != [n for n in live_names if n in names]:
        out.append(f"{noun} order: shipped ({', '.join(names)}), live ({', '.join(live_names)})")
    types, live_types = dict(ours), dict(theirs)
    out += [f"{noun} {n}: type {types[n]} shipped, {live_types[n]} live"
            for n in common if types[n] != live_types[n]]
    return out


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
        from .operations import OPERATIONS

        self.options = options
        self.operations = OPERATIONS
        self.problems: list[str] = []
        self.clients: dict[str, Any] = {}
        self.codes: dict[str, Optional[str]] = {"lead": options.lead, "product": options.product}

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
        from .backends.soap import SHIPPED_WSDL, shipped_file
        from .transport import HttpRequest, HttpSettings, Secrets, Transport

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
        out["ms"] = _ms(start)
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
        except (OSError, ValueError) as exc:  # lxml's XMLSyntaxError is a ValueError
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
        from .client import Client

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
            code = codes["lead"] if name == "getLead" else codes["product"]
            return (code,) if code else None

        for name in ("searchLeads", "getLead", "getProductByCode", "getPricingConfigurations"):
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
        from .operations import OPERATIONS

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
    from .operations import OPERATIONS

    result = OPERATIONS[operation].spec.result
    return result[:-2] if result.endswith("[]") else result


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("avangate-compat")
    except Exception:  # noqa: BLE001 - not installed as a distribution: a checkout
        return "unknown"


def send_back(problems: Sequence[str], options: Options) -> str:
    if not problems:
        return ("Everything agreed. Nothing to send back (a report is still welcome on "
                f"{ISSUE_TRACKER}: it turns what the library infers into what is known).")
    attach = ["this report (--json writes the machine-readable form)",
              "the live WSDL (--save-wsdl live.wsdl)" + (
                  f", saved to {options.save_wsdl}" if options.save_wsdl else ""),
              "the recorded cassettes (--record DIR)" + (
                  f", in {options.record}" if options.record else "")]
    return ("Something differed. Please open an issue on " + ISSUE_TRACKER + " and attach: "
            + "; ".join(attach) + ". Credentials, login hashes and session ids are scrubbed "
            "from the cassettes, but the records read are kept as the server sent them (a "
            "lead holds a customer's name and email): read them first, or run with "
            "--lead/--product naming test records.")


def run(options: Options) -> Report:
    """Run the whole check (recording it when asked) and return the report."""
    with _recording(options):
        return _Run(options).run()


@contextlib.contextmanager
def _recording(options: Options) -> Iterator[None]:
    if options.record is None:
        yield
        return
    from .testing import make_vcr

    os.makedirs(options.record, exist_ok=True)
    path = os.path.join(options.record, CASSETTE)
    if os.path.exists(path):
        os.remove(path)  # ours, from an earlier run: "all" would append to it
    recorder = make_vcr(secrets=[options.config.merchant_code, options.config.secret_key],
                        record_mode="all")
    with recorder.use_cassette(path):
        yield


# -- output --------------------------------------------------------------------------------------


def _short(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[:width - 3] + "..."


def _from_fault(body: str) -> str:
    """A SOAP answer from its Fault element on (the envelope's start says nothing)."""
    found = re.search(r"<(?:[\w.-]+:)?Fault\b", body)
    return " ".join((body[found.start():] if found else body).split())


def render(data: Mapping[str, Any], out: TextIO) -> None:
    """The human-readable report."""
    def line(text: str = "") -> None:
        print(text, file=out)

    line(f"avangate-compat check: read-only conformance run against {data['base_url']}")
    line(f"  {data['started']}, version {data['version']}; merchant code and key not shown")
    line(f"  {data['write_rule']}")
    wsdl = data.get("wsdl", {})
    line()
    line(f"WSDL  {wsdl.get('url')}")
    if wsdl.get("fetched"):
        live = wsdl.get("live")
        if live:
            line(f"  live: {live['operations']} operations, {live['types']} complex types, "
                 f"{live['style']}, namespace {live['namespace']} ({wsdl.get('ms')} ms)")
        diffs = wsdl.get("differences", [])
        line(f"  compared with the {wsdl['reference']} WSDL: "
             + (f"{len(diffs)} difference(s)" if diffs else "identical"))
        for diff in diffs:
            line(f"    {diff['what']} {diff['name']}: {diff['detail']}")
        if wsdl.get("saved_to"):
            line(f"  saved to {wsdl['saved_to']} (configure it with wsdl=)")
    if wsdl.get("error"):
        line(f"  not read: {wsdl['error'].get('class')}: {wsdl['error'].get('message')}")
    line()
    line("Login: hash algorithms accepted (REST: a signed searchLeads)")
    for backend, entry in data.get("logins", {}).items():
        cells = []
        for algorithm, result in entry["algorithms"].items():
            verdict = "accepted" if result["accepted"] else \
                f"refused [{result.get('error', {}).get('code')}]"
            cells.append(f"{algorithm} {verdict} ({result['ms']} ms)")
        line(f"  {backend:<8} " + "  ".join(cells) + f"   -> using {entry['used']}")
    line()
    line("Reads (the same call on every backend)")
    for step in data.get("calls", []):
        if "skipped" in step:
            line(f"  {step['operation']}: skipped, {step['skipped']}")
            continue
        args = ", ".join(_short(a, 30) for a in step["args"])
        verdict = "equal" if step["agree"] else "DIFFER"
        line(f"  {step['operation']}({args}): {verdict}"
             + (f"  [{step['note']}]" if step.get("note") else ""))
        for backend, entry in step["backends"].items():
            extra = ""
            if "error" in entry:
                error = entry["error"]
                extra = f" {error['class']} [{error['code']}] {error['message'][:80]}"
            line(f"    {backend:<8} {entry['status']:<7} {entry['ms']:>8} ms{extra}")
        for diff in step["differences"]:
            values = "  ".join(f"{b}={_short(v, 40)}" for b, v in diff["values"].items())
            line(f"    differs at {diff['path']}: {values}")
        unknown = step["unknown_fields"]
        if unknown and len({tuple(f) for f in unknown.values()}) == 1 \
                and len(unknown) == len(step["backends"]):
            line(f"    unknown fields (every backend): {', '.join(next(iter(unknown.values())))}")
        else:
            for backend, fields in unknown.items():
                line(f"    unknown fields over {backend}: {', '.join(fields)}")
    line()
    line("Errors the server returned (provoked, harmless)")
    for case in data.get("errors", []):
        line(f"  {case['case']}: {case['call']} (expected {case['expected_class']})")
        for backend, entry in case["backends"].items():
            if "not_applicable" in entry:
                line(f"    {backend:<8} not applicable: {entry['not_applicable']}")
                continue
            if entry.get("status") == "ok":
                line(f"    {backend:<8} ACCEPTED by the server")
                continue
            wire = [f"{k}={entry[k]!r}" for k in ("faultcode", "rpc_code", "rpc_error_code",
                                                  "error_code") if entry.get(k) is not None]
            line(f"    {backend:<8} {entry['class']} code={entry['code']!r} "
                 f"HTTP {entry['http_status']} {' '.join(wire)}")
            line(f"             message: {entry['message'][:200]!r}")
            if entry.get("body"):
                line(f"             answer: {_short(_from_fault(entry['body']), 200)}")
    line()
    problems = data.get("problems", [])
    if problems:
        line(f"Result: {len(problems)} problem(s) (exit 1)")
        for problem in problems:
            line(f"  - {problem}")
    else:
        line("Result: everything agreed (exit 0)")
    line()
    line("What to send back")
    for text in textwrap.wrap(data.get("send_back", ""), width=96):
        line(f"  {text}")


# -- the command ---------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--live", action="store_true",
                        help="required: confirms that this contacts the server configured "
                             "(read-only calls only)")
    parser.add_argument("--ini", metavar="FILE",
                        help="read the settings from this INI file (default: AVANGATE_* "
                             "environment variables)")
    parser.add_argument("--section", default="avangate",
                        help="INI section (default %(default)s)")
    parser.add_argument("--base-url", help="another server, such as a local sandbox")
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


def command(args: argparse.Namespace, out: Optional[TextIO] = None,
            err: Optional[TextIO] = None) -> int:
    """Run ``avangate-compat check`` from parsed arguments: 0 agreed, 1 differed, 2 usage."""
    out = out or sys.stdout
    err = err or sys.stderr
    if not args.live:
        print("avangate-compat check: this contacts the configured server with read-only "
              "calls; pass --live to run it", file=err)
        return 2
    overrides = {"base_url": args.base_url} if args.base_url else {}
    try:
        config = Config.from_ini(args.ini, args.section, **overrides) if args.ini \
            else Config.from_env(**overrides)
    except (ConfigurationError, ValueError, TypeError) as exc:
        print(f"avangate-compat check: {exc}", file=err)
        return 2
    if args.record is not None:
        try:
            import vcr  # noqa: F401 - only to say what --record needs
        except ImportError:
            print("avangate-compat check: --record needs vcrpy (pip install vcrpy)", file=err)
            return 2
    if args.wsdl_reference is not None and not os.path.isfile(args.wsdl_reference):
        print(f"avangate-compat check: no file {args.wsdl_reference!r}", file=err)
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
