"""What the sandbox does, whatever protocol asked: auth, sessions, leads, products, rules.

Written from the documentation, not from the client: it has its own hash check, its own types
(``schema``) and its own rules, and imports nothing from the client's backends or converter.
"""

from __future__ import annotations

import calendar
import collections
import copy
import datetime
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
from .schema import Invalid, canonical, load
from .store import Store

ALGORITHMS: dict[Optional[str], Callable[..., Any]] = {
    None: hashlib.md5, "md5": hashlib.md5, "sha256": hashlib.sha256,
    "sha3-256": hashlib.sha3_256,
}
LEAD_TYPES = load().enums["LeadType"]
SESSION_ERRORS = ("documented", "forbidden")
# The one real answer on record for an expired session (JSON-RPC; SOAP carries it as a Fault).
FORBIDDEN_MESSAGE = "Invalid hash provided or session expired"
MAX_STATS_KEYS = 1000
MAX_STATS_KEY_LENGTH = 80


class Fault(Exception):
    """A refusal, rendered by each protocol in its own documented shape."""

    def __init__(self, code: str, message: str, status: int = 400, rpc_code: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.rpc_code = rpc_code or {401: 10000, 404: 404, 500: -32603}.get(status, -32602)


def not_found(what: str, code: str) -> Fault:
    return Fault(f"{what.upper()}_NOT_FOUND", f"{what} {code!r} does not exist", 404)


def invalid(message: str) -> Fault:
    return Fault("INVALID_PARAMETERS", message, 400, -32602)


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
        self._lock = threading.Lock()
        # every read-modify-write of a stored record holds this: two writers never interleave
        self._writing = threading.RLock()
        if store.count() == 0:
            self.reset()

    # -- state ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed state; sessions, the clock offset and armed faults are cleared."""
        with self._writing:
            self.store.clear()
            for product in seed.products():
                self.store.put("product", product["ProductCode"], product)
            for lead, meta in seed.leads():
                self.store.put("lead", lead["LeadCode"], {"lead": lead, "meta": meta})
        with self._lock:
            self._sessions.clear()
        self.clock.offset = 0.0
        self.faults.clear()

    def seed(self, leads: Any, products: Any) -> dict[str, int]:
        """Add or replace leads and products: all of them, or none when one is refused."""
        if not isinstance(leads, list) or not isinstance(products, list):
            raise invalid("expected {leads: [...], products: [...]}: lists of objects")
        rows: list[tuple[str, str, Any]] = []
        for n, product in enumerate(products):
            value = self._typed(product, "Product")
            if not isinstance(product, Mapping) or not value.get("ProductCode"):
                raise invalid(f"products[{n}]: every seeded product is an object with a "
                              "ProductCode")
            rows.append(("product", value["ProductCode"], value))
        for n, lead in enumerate(leads):
            value = self._typed(lead, "Lead")
            if not isinstance(lead, Mapping) or not value.get("LeadCode"):
                raise invalid(f"leads[{n}]: every seeded lead is an object with a LeadCode")
            lead_type = lead.get("Type", "New")
            created = lead.get("CreatedAt", self.clock.stamp())
            if lead_type not in LEAD_TYPES:
                raise invalid(f"leads[{n}].Type must be one of {', '.join(LEAD_TYPES)}")
            if not isinstance(created, str) or not _real_time(created):
                raise invalid(f"leads[{n}].CreatedAt must be YYYY-MM-DD HH:MM:SS")
            meta = {"Type": lead_type, "CreatedAt": created, "UpdatedAt": None}
            rows.append(("lead", value["LeadCode"], {"lead": value, "meta": meta}))
        with self._writing:
            self.store.put_many(rows)
        return {"leads": len(leads), "products": len(products)}

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

    @staticmethod
    def _typed(value: Any, type_name: str) -> Any:
        try:
            return canonical(value, type_name)
        except Invalid as exc:
            raise invalid(str(exc)) from None

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

    # -- leads ---------------------------------------------------------------------------------

    def _existing(self, kind: str, code: Any) -> dict[str, Any]:
        """The stored ``kind`` ("lead" or "product") with this code, or the refusal."""
        what = kind.capitalize()
        if not isinstance(code, str) or not code:
            raise invalid(f"{what}Code must be a non-empty string")
        found = self.store.get(kind, code)
        if found is None:
            raise not_found(what, code)
        return found  # type: ignore[no-any-return]

    def _lead_record(self, code: Any) -> dict[str, Any]:
        return self._existing("lead", code)

    def getLead(self, code: Any) -> dict[str, Any]:
        return self._lead_record(code)["lead"]  # type: ignore[no-any-return]

    def searchLeads(self, options: Any) -> dict[str, Any]:
        opts = self._typed(options or {}, "LeadSearchOptions")
        page = 1 if opts.get("Page") is None else opts["Page"]
        limit = 10 if opts.get("Limit") is None else opts["Limit"]
        if page < 1 or not 1 <= limit <= 200:
            raise invalid("Page must be >= 1 and Limit between 1 and 200")
        for key in ("StartDate", "EndDate"):
            if opts.get(key) and not _real_date(opts[key]):
                raise invalid(f"{key} must be a date, YYYY-MM-DD")
        if opts.get("Type") and opts["Type"] not in LEAD_TYPES:
            raise invalid(f"Type must be one of {', '.join(LEAD_TYPES)}")
        matches = [r["lead"] for r in self.store.all("lead") if _matches(r, opts)]
        start = (page - 1) * limit
        return {"Items": matches[start:start + limit],
                "Pagination": {"Page": page, "Limit": limit, "Count": len(matches)}}

    def _check_lead(self, lead: Any) -> list[dict[str, str]]:
        if not isinstance(lead, Mapping):
            raise invalid("the lead must be an object")
        if not lead.get("Currency"):
            raise invalid("Currency is required")
        if not lead.get("Items"):
            raise invalid("Items is required")
        if not lead.get("BillingDetails"):
            raise invalid("BillingDetails is required")
        for n, item in enumerate(lead["Items"]):
            if item.get("Quantity") is not None and item["Quantity"] < 1:
                raise invalid(f"Items[{n}].Quantity must be at least 1")
        return [{"Code": "INVALID_PRODUCT", "Description": f"Product {item.get('Code')!r} "
                                                          "does not exist"}
                for item in lead["Items"]
                if self.store.get("product", str(item.get("Code"))) is None]

    def addLead(self, lead: Any) -> dict[str, Any]:
        value = self._typed(lead, "Lead")
        errors = self._check_lead(value)
        if errors:
            return {"LeadCode": None, "CreatedAt": None, "Errors": errors}
        code = value.get("LeadCode") or secrets.token_hex(5).upper()
        value["LeadCode"] = code
        created = self.clock.stamp()
        # insert-if-absent in one statement: of concurrent writers of one code, one wins
        if not self.store.add("lead", code, {"lead": value, "meta": {
                "Type": "New", "CreatedAt": created, "UpdatedAt": None}}):
            return {"LeadCode": None, "CreatedAt": None,
                    "Errors": [{"Code": "DUPLICATE_LEAD", "Description": f"{code} exists"}]}
        return {"LeadCode": code, "CreatedAt": created, "Errors": []}

    def updateLead(self, code: Any, lead: Any) -> dict[str, Any]:
        self._lead_record(code)
        value = self._typed(lead, "Lead")
        errors = self._check_lead(value)
        if errors:
            return {"LeadCode": None, "CreatedAt": None, "UpdatedAt": None, "Errors": errors}
        value["LeadCode"] = code  # documented: everything else is overwritten
        with self._writing:
            record = self._lead_record(code)
            record["lead"] = value
            record["meta"]["UpdatedAt"] = self.clock.stamp()
            self.store.put("lead", code, record)
        return {"LeadCode": code, "CreatedAt": record["meta"]["CreatedAt"],
                "UpdatedAt": record["meta"]["UpdatedAt"], "Errors": []}

    def markLeads(self, entries: Any) -> dict[str, Any]:
        marks = self._typed(entries, "MarkLead[]")
        if not marks:
            raise invalid("at least one lead must be given")
        done, errors = 0, []
        for mark in marks:
            with self._writing:
                record = self.store.get("lead", mark.get("LeadCode") or "")
                if record is None:
                    errors.append({"Code": "LEAD_NOT_FOUND", "Description":
                                   f"Lead {mark.get('LeadCode')!r} does not exist"})
                    continue
                if mark.get("Used"):
                    record["meta"]["Type"] = "Used"
                elif mark.get("StopFollowups"):
                    record["meta"]["Type"] = "Stopped"
                record["meta"]["UpdatedAt"] = self.clock.stamp()
                self.store.put("lead", mark["LeadCode"], record)
            done += 1
        return {"Response": f"{done} leads have been marked successfully", "Errors": errors}

    # -- products ------------------------------------------------------------------------------

    def getProductByCode(self, code: Any) -> dict[str, Any]:
        return self._existing("product", code)

    def updateProduct(self, product: Any) -> bool:
        """Documented rules: AvangateId and ProductType are fixed; a pricing configuration's
        Code cannot change, nor its PricingSchema between DYNAMIC and FLAT."""
        value = self._typed(product, "Product")
        if not isinstance(value, dict):
            raise invalid("the product must be an object")
        with self._writing:  # read, check, merge and write as one step
            return self._update_product(value)

    def _update_product(self, value: dict[str, Any]) -> bool:
        current = self.getProductByCode(value.get("ProductCode"))
        for field in ("AvangateId", "ProductType"):
            if value.get(field) is not None and value[field] != current.get(field):
                raise Fault("PRODUCT_ERROR", f"{field} cannot be changed")
        existing = {c.get("Code"): c for c in current.get("PricingConfigurations") or []}
        for config in value.get("PricingConfigurations") or []:
            code = config.get("Code")
            if code is None:
                config["Code"] = secrets.token_hex(5).upper()  # a new configuration
                continue
            if code not in existing:
                raise Fault("PRODUCT_ERROR", f"Pricing configuration code {code!r} does not "
                                             "exist: codes cannot be changed")
            old_schema = existing[code].get("PricingSchema")
            if config.get("PricingSchema") not in (None, old_schema):
                raise Fault("PRODUCT_ERROR", f"PricingSchema of {code!r} cannot change from "
                                             f"{old_schema} to {config['PricingSchema']}")
            for kind in ("Regular", "Renewal"):
                prices = (config.get("Prices") or {}).get(kind)
                if prices:  # Amount -1 deletes a price (and a null entry is refused on input)
                    config["Prices"][kind] = [p for p in prices if p.get("Amount") != -1]
        merged = copy.deepcopy(current)
        merged.update(value)
        merged["AvangateId"], merged["ProductType"] = current.get("AvangateId"), \
            current.get("ProductType")
        self.store.put("product", merged["ProductCode"], merged)
        return True

    def setProductStatus(self, code: Any, status: Any) -> bool:
        if not isinstance(status, bool):
            raise invalid("Status must be a boolean")
        with self._writing:
            product = self.getProductByCode(code)
            product["Enabled"] = status
            self.store.put("product", code, product)
        return True


def _real_date(text: str) -> bool:
    """YYYY-MM-DD in ASCII digits, and a day that exists."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text, re.ASCII):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _real_time(text: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", text, re.ASCII):
        return False
    try:
        datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def _matches(record: Mapping[str, Any], opts: Mapping[str, Any]) -> bool:
    lead, meta = record["lead"], record["meta"]
    created = (meta.get("CreatedAt") or "")[:10]
    billing = lead.get("BillingDetails") or {}
    checks: list[tuple[str, Callable[[Any], bool]]] = [
        ("LeadCode", lambda v: lead.get("LeadCode") in v),
        ("Email", lambda v: (billing.get("Email") or "").lower() == v.lower()),
        ("Type", lambda v: meta.get("Type") == v),
        ("StartDate", lambda v: created >= v),
        ("EndDate", lambda v: created <= v),
        ("ProductCode", lambda v: any(i.get("Code") in v for i in lead.get("Items") or [])),
        ("Language", lambda v: (lead.get("Language") or "").lower() == v.lower()),
        ("Country", lambda v: (billing.get("CountryCode") or "").lower() == v.lower()),
        ("GeneratedFrom", lambda v: (lead.get("GeneratedFrom") or "").lower() == v.lower()),
    ]
    return all(check(opts[key]) for key, check in checks if opts.get(key))
