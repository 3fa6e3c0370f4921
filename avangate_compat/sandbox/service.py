"""What the sandbox does, whatever protocol asked: its state, auth and sessions, and the
routing of each operation to its handler in :mod:`.resources` (one module per resource).

Written from the documentation, not from the client: it has its own hash check, its own types
(``schema``) and its own rules, and imports nothing from the client's backends or converter.
"""

from __future__ import annotations

import calendar
import collections
import functools
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Mapping
from typing import Any, Callable, Optional

import attrs

from . import seed
from .faults import Faults
from .resources import routes
from .resources.base import LAYOUTS, Fault, invalid, real_time, typed
from .resources.leads import LEAD_TYPES
from .store import Store

__all__ = ["SESSION_ERRORS", "Clock", "Fault", "Service", "Stats", "invalid"]

ALGORITHMS: dict[Optional[str], Callable[..., Any]] = {
    None: hashlib.md5, "md5": hashlib.md5, "sha256": hashlib.sha256,
    "sha3-256": hashlib.sha3_256,
}
SESSION_ERRORS = ("documented", "forbidden")
# The one real answer on record for an expired session (JSON-RPC; SOAP carries it as a Fault).
FORBIDDEN_MESSAGE = "Invalid hash provided or session expired"
MAX_STATS_KEYS = 1000
MAX_STATS_KEY_LENGTH = 80
ROUTES = routes()


class Clock:
    """Wall time plus an offset the control API can advance (session expiry without sleeping)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def stamp(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self.now()))


@attrs.define
class Stats:
    """Counters of ``/_sandbox/stats``. Bounded whatever clients send: callers count unknown
    operations under one key, keys are cut to 80 characters, and past 1,000 keys the rest
    are counted under ``<other>``."""

    logins: int = 0
    failed_logins: int = 0
    connections: int = 0
    requests: collections.Counter[str] = attrs.Factory(collections.Counter)
    faults: collections.Counter[str] = attrs.Factory(collections.Counter)
    lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False, eq=False)

    def count(self, key: str) -> None:
        key = key[:MAX_STATS_KEY_LENGTH]
        with self.lock:
            if key not in self.requests and len(self.requests) >= MAX_STATS_KEYS:
                key = "<other>"
            self.requests[key] += 1

    def count_fault(self, kind: str) -> None:
        with self.lock:
            self.faults[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"logins": self.logins, "failed_logins": self.failed_logins,
                    "connections": self.connections, "requests": dict(self.requests),
                    "faults": dict(self.faults)}

    def reset(self) -> None:
        with self.lock:
            self.logins = self.failed_logins = self.connections = 0
            self.requests.clear()
            self.faults.clear()


class Service:
    """The sandbox's state (store, clock, sessions, stats, armed faults) and its one door:
    :meth:`call` runs an operation's handler, found by name in the spec-checked registry."""

    def __init__(self, store: Store, merchant_code: str, secret_key: str,
                 session_ttl: float = 600.0, max_skew: float = 600.0,
                 session_error: str = "documented", latency_ms: float = 0.0) -> None:
        if session_error not in SESSION_ERRORS:
            raise ValueError(f"session_error must be one of {', '.join(SESSION_ERRORS)}, "
                             f"not {session_error!r}")
        if not 0 <= latency_ms <= 60_000:
            raise ValueError("latency_ms must be between 0 and 60000")
        self.store = store
        self.merchant_code = merchant_code
        self._secret = secret_key.encode("utf-8")
        self.session_ttl = session_ttl
        self.session_error = session_error
        self.latency_ms = latency_ms
        self.max_skew = max_skew
        self.clock = Clock()
        self.stats = Stats()
        self.faults = Faults()
        self._sessions: dict[str, float] = {}
        # the order flow's delays and IPN listener (resources/order_flow.py), the LCN listener
        # (resources/subscription_life.py), and what the listeners answered
        self.order_settings: dict[str, Any] = {}
        self.ipn_log: list[dict[str, Any]] = []
        self.lcn_log: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        # every read-modify-write of a stored record holds this: two writers never interleave
        self.writing = threading.RLock()
        if store.count() == 0:
            self.reset()

    # -- state ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed state; sessions, the clock offset and armed faults are cleared."""
        with self.writing:
            self.store.clear()
            for product in seed.products():
                self.store.put("product", product["ProductCode"], product)
            for lead, meta in seed.leads():
                self.store.put("lead", lead["LeadCode"], {"lead": lead, "meta": meta})
            rows: list[tuple[str, str, Any]] = []
            rows += [("sku", sku["Code"], sku) for sku in seed.skus(seed.products())]
            rows += [("subscription", s["SubscriptionReference"], s)
                     for s in seed.subscriptions()]
            rows += [("order", o["order"]["RefNo"], o) for o in seed.orders()]
            rows.append(("customer", str(seed.SEED_CUSTOMER["AvangateCustomerReference"]),
                         dict(seed.SEED_CUSTOMER)))
            rows.append(("partner", seed.PARTNER["PartnerCode"], dict(seed.PARTNER)))
            rows += [("reseller", r["ResellerCode"],
                      {"reseller": r, "PartnerCode": seed.PARTNER["PartnerCode"]})
                     for r in seed.resellers()]
            self.store.put_many(rows)
        with self._lock:
            self._sessions.clear()
        self.clock.offset = 0.0
        self.faults.clear()
        self.ipn_log.clear()
        self.lcn_log.clear()

    def seed(self, leads: Any, products: Any) -> dict[str, int]:
        """Add or replace leads and products: all of them, or none when one is refused."""
        if not isinstance(leads, list) or not isinstance(products, list):
            raise invalid("expected {leads: [...], products: [...]}: lists of objects")
        rows: list[tuple[str, str, Any]] = []
        for n, product in enumerate(products):
            value = typed(product, "Product")
            if not isinstance(product, Mapping) or not value.get("ProductCode"):
                raise invalid(f"products[{n}]: every seeded product is an object with a "
                              "ProductCode")
            rows.append(("product", value["ProductCode"], value))
        for n, lead in enumerate(leads):
            value = typed(lead, "Lead")
            if not isinstance(lead, Mapping) or not value.get("LeadCode"):
                raise invalid(f"leads[{n}]: every seeded lead is an object with a LeadCode")
            lead_type = lead.get("Type", "New")
            created = lead.get("CreatedAt", self.clock.stamp())
            if lead_type not in LEAD_TYPES:
                raise invalid(f"leads[{n}].Type must be one of {', '.join(LEAD_TYPES)}")
            if not isinstance(created, str) or not real_time(created):
                raise invalid(f"leads[{n}].CreatedAt must be YYYY-MM-DD HH:MM:SS")
            meta = {"Type": lead_type, "CreatedAt": created, "UpdatedAt": None}
            rows.append(("lead", value["LeadCode"], {"lead": value, "meta": meta}))
        with self.writing:
            self.store.put_many(rows)
        return {"leads": len(leads), "products": len(products)}

    def generate_leads(self, count: Any) -> dict[str, int]:
        """Add ``count`` generated leads (for big-listing tests and benchmarks), in batches."""
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1_000_000:
            raise invalid("expected {leads: N} with N from 1 to 1000000")
        with self.writing:
            first = sum(1 for _ in self.store.codes("lead"))
            for start in range(first, first + count, 5000):
                size = min(5000, first + count - start)
                self.store.put_many([("lead", lead["LeadCode"], {"lead": lead, "meta": meta})
                                     for lead, meta in seed.bulk(start, size)])
        return {"leads": count}

    def expire_sessions(self, keep: bool = False) -> int:
        """End every session: forget them, or (``keep``) leave them known but expired, so the
        next call with one gets the session-expired answer (a session-expiry storm)."""
        with self._lock:
            count = len(self._sessions)
            if keep:
                self._sessions = dict.fromkeys(self._sessions, float("-inf"))
            else:
                self._sessions.clear()
        return count

    # -- authentication ------------------------------------------------------------------------

    def _expected_hash(self, code: str, date: str, algo: Optional[str]) -> Optional[str]:
        digest = ALGORITHMS.get(algo)
        if digest is None:
            return None
        message = f"{len(code.encode())}{code}{len(date.encode())}{date}".encode()
        return hmac.new(self._secret, message, digest).hexdigest()

    def _check_signature(self, code: Any, date: Any, given: Any, algo: Any) -> None:
        if not all(isinstance(v, str) for v in (code, date, given)) or \
                not (algo is None or isinstance(algo, str)):
            raise Fault("AUTHENTICATION_FAILED", "Invalid authentication parameters", 401)
        if algo not in ALGORITHMS:
            raise Fault("AUTHENTICATION_FAILED", f"Unsupported hash algorithm {algo!r}", 401)
        expected = self._expected_hash(code, date, algo) or ""
        if code != self.merchant_code or not hmac.compare_digest(expected, given.lower()):
            raise Fault("AUTHENTICATION_FAILED", "Invalid hash provided", 401)
        try:
            when = calendar.timegm(time.strptime(date, "%Y-%m-%d %H:%M:%S"))
        except ValueError:
            raise Fault("AUTHENTICATION_FAILED", "Invalid date format", 401) from None
        # skew is measured against real time: the control clock only ages sessions
        if abs(time.time() - when) > self.max_skew:
            raise Fault("AUTHENTICATION_FAILED", "Date is outside the allowed interval", 401)

    def login(self, code: Any, date: Any, given: Any, algo: Any = None) -> str:
        try:
            self._check_signature(code, date, given, algo)
        except Fault:
            with self.stats.lock:
                self.stats.failed_logins += 1
            raise
        session_id = secrets.token_hex(16)
        with self._lock:
            now = self.clock.now()
            self._sessions = {k: v for k, v in self._sessions.items()
                              if now - v <= self.session_ttl}
            self._sessions[session_id] = now
        with self.stats.lock:
            self.stats.logins += 1
        return session_id

    def check_session(self, session_id: Any) -> None:
        with self._lock:
            started = self._sessions.get(session_id) if isinstance(session_id, str) else None
            if started is None:
                raise self._session_fault("INVALID_SESSION", "Invalid or unknown session ID",
                                          10001)
            if self.clock.now() - started > self.session_ttl:
                del self._sessions[session_id]
                raise self._session_fault("SESSION_EXPIRED",
                                          "Session expired, please log in again", 10002)

    def _session_fault(self, code: str, message: str, rpc_code: int) -> Fault:
        """The documented codes, or (``session_error="forbidden"``) the one answer on record:
        JSON-RPC error 10000 "Invalid hash provided or session expired", FORBIDDEN."""
        if self.session_error == "forbidden":
            return Fault("FORBIDDEN", FORBIDDEN_MESSAGE, 401, 10000)
        return Fault(code, message, 401, rpc_code)

    def check_rest_header(self, header: Optional[str]) -> None:
        fields = dict(re.findall(r'(\w+)="([^"]*)"', header or ""))
        if not {"code", "date", "hash"} <= fields.keys():
            raise Fault("AUTHENTICATION_ERROR", "Authentication needed for this resource", 401)
        try:
            self._check_signature(fields["code"], fields["date"], fields["hash"],
                                  fields.get("algo"))
        except Fault:
            raise Fault("AUTHENTICATION_ERROR", "Authentication needed for this resource",
                        401) from None

    # -- operations ----------------------------------------------------------------------------

    def call(self, operation: str, *args: Any) -> Any:
        """Run ``operation``'s handler with the arguments after the sessionID (already checked
        by the caller), in wire order."""
        handler = ROUTES.get(operation)
        if handler is None:
            raise Fault("METHOD_NOT_FOUND", f"Method not found: {operation[:100]}", 400, -32601)
        return handler(self, *args)

    @staticmethod
    def arranged(operation: str, params: list[Any]) -> list[Any]:
        """JSON-RPC ``params`` in the spec's layout, where the operation's handlers accept
        another (``@accepts_layout``); otherwise as given."""
        layout = LAYOUTS.get(operation)
        return params if layout is None else layout(params)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        """Each operation as a method, ``service.getLead(code)``: for tests and the REPL."""
        if name not in ROUTES:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return functools.partial(ROUTES[name], self)
