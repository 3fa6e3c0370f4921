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
import zlib
from collections.abc import Mapping
from decimal import Decimal
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
SCHEMA_TYPES = load().enums["SchemaType"]
PRICE_TYPES = load().enums["PriceType"]
PURCHASE_TYPES = load().enums["PurchaseType"]
PRODUCT_TYPES = load().enums["ProductType"]
# VAT the sandbox charges on renewals by billing country (final = net * (1 + rate)); elsewhere 0
VAT = {"DE": Decimal("0.19"), "RO": Decimal("0.19"), "FR": Decimal("0.20"),
       "GB": Decimal("0.20"), "BG": Decimal("0.20"), "ES": Decimal("0.21")}
CENT = Decimal("0.01")
MAX_PAGE_LIMIT = 200
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
            rows: list[tuple[str, str, Any]] = []
            rows += [("sku", sku["Code"], sku) for sku in seed.skus(seed.products())]
            rows += [("subscription", s["SubscriptionReference"], s)
                     for s in seed.subscriptions()]
            rows.append(("partner", seed.PARTNER["PartnerCode"], dict(seed.PARTNER)))
            rows += [("reseller", r["ResellerCode"],
                      {"reseller": r, "PartnerCode": seed.PARTNER["PartnerCode"]})
                     for r in seed.resellers()]
            self.store.put_many(rows)
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

    def generate_leads(self, count: Any) -> dict[str, int]:
        """Add ``count`` generated leads (for big-listing tests and benchmarks), in batches."""
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1_000_000:
            raise invalid("expected {leads: N} with N from 1 to 1000000")
        with self._writing:
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
        records, count = self.store.search_leads(opts, page, limit)
        return {"Items": [r["lead"] for r in records],
                "Pagination": {"Page": page, "Limit": limit, "Count": count}}

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
        rows = [("product", merged["ProductCode"], merged)]
        if merged.get("Enabled") and not current.get("Enabled"):  # as setProductStatus
            rows += self._review_on_enable(merged["ProductCode"], merged)
        self.store.put_many(rows)
        return True

    def setProductStatus(self, code: Any, status: Any, review_url: Any = None,
                         review_details: Any = None) -> bool:
        """Enable or disable; enabling a product that needs review (one added through the
        API and not yet enabled) takes ReviewProductUrl and ReviewAdditionalDetails."""
        if not isinstance(status, bool):
            raise invalid("Status must be a boolean")
        with self._writing:
            product = self.getProductByCode(code)
            if review_url is not None:
                product["ReviewProductUrl"] = review_url
            if review_details is not None:
                product["ReviewAdditionalDetails"] = review_details
            rows = [("product", code, product)]
            if status and not product.get("Enabled"):
                rows += self._review_on_enable(code, product)
            product["Enabled"] = status
            self.store.put_many(rows)
        return True

    def _review_on_enable(self, code: str, product: Mapping[str, Any]
                          ) -> list[tuple[str, str, Any]]:
        """The review state written when ``product`` is enabled: a product that needs review
        goes in review with its ReviewProductUrl and ReviewAdditionalDetails, or is refused."""
        if self._review_status(code) != "NEEDS_REVIEW":
            return []
        if not product.get("ReviewProductUrl") or not product.get("ReviewAdditionalDetails"):
            raise Fault("PRODUCT_ERROR", f"Product {code!r} needs review before it is "
                                         "enabled: send ReviewProductUrl and "
                                         "ReviewAdditionalDetails")
        return [("review", code, {"Status": "IN_REVIEW"})]

    def _review_status(self, code: str) -> str:
        found = self.store.get("review", code)
        return "APPROVED" if found is None else str(found["Status"])

    def searchProducts(self, options: Any) -> dict[str, Any]:
        """Filters as the REST API documents them (Name is a part of the name, the others
        exact, text without regard to case), sorted by ProductCode, paged as searchLeads."""
        opts = self._typed(options or {}, "ProductSearchOptions")
        page, limit = _page(opts)
        for kind in opts.get("Types") or []:
            if kind not in PRODUCT_TYPES:
                raise invalid(f"Types must be among {', '.join(PRODUCT_TYPES)}")

        def wanted(product: Mapping[str, Any]) -> bool:
            checks: list[tuple[str, Callable[[Any], bool]]] = [
                ("Name", lambda v: v.lower() in (product.get("ProductName") or "").lower()),
                ("Codes", lambda v: product.get("ProductCode") in v),
                ("Types", lambda v: product.get("ProductType") in v),
                ("Enabled", lambda v: bool(product.get("Enabled")) is v),
                ("ReviewStatus", lambda v: self._review_status(
                    str(product.get("ProductCode"))).lower() == v.lower()),
                ("GroupName", lambda v: (product.get("GroupName") or "").lower() == v.lower()),
            ]
            return all(check(opts[key]) for key, check in checks if opts.get(key) is not None)

        found = sorted((p for p in self.store.all("product") if wanted(p)),
                       key=lambda p: str(p.get("ProductCode")))
        start = (page - 1) * limit
        return {"Items": found[start:start + limit],
                "Pagination": {"Page": page, "Limit": limit, "Count": len(found)}}

    def addProduct(self, product: Any) -> bool:
        """A new product, stored as sent plus what the system assigns: AvangateId, the codes
        of its pricing configurations, ProductType REGULAR and Enabled false by default. It
        needs review: added enabled, it must carry ReviewProductUrl and
        ReviewAdditionalDetails."""
        value = self._typed(product, "Product")
        if not isinstance(value, dict):
            raise invalid("the product must be an object")
        code = value.get("ProductCode")
        if not code or not value.get("ProductName"):
            raise invalid("ProductCode and ProductName are required")
        if value.get("AvangateId") is not None:
            raise Fault("PRODUCT_ERROR", "AvangateId is system-generated")
        if value.get("ProductType") is None:
            value["ProductType"] = "REGULAR"
        if value["ProductType"] not in PRODUCT_TYPES:
            raise invalid(f"ProductType must be one of {', '.join(PRODUCT_TYPES)}")
        value["Enabled"] = bool(value.get("Enabled"))
        value["AvangateId"] = str(4_800_000 + zlib.crc32(code.encode()) % 100_000)
        configurations = value.get("PricingConfigurations") or []
        for n, config in enumerate(configurations):
            self._check_configuration(config, f"PricingConfigurations[{n}]")
            if config.get("Code") is None:
                config["Code"] = _made_code(code, config.get("Name"), n)
        review = "IN_REVIEW" if value["Enabled"] else "NEEDS_REVIEW"
        if value["Enabled"] and not (value.get("ReviewProductUrl") and
                                     value.get("ReviewAdditionalDetails")):
            raise Fault("PRODUCT_ERROR", "a new product needs review before it is enabled: "
                                         "send ReviewProductUrl and ReviewAdditionalDetails, "
                                         "or add it disabled")
        with self._writing:
            if not self.store.add("product", code, value):
                raise Fault("PRODUCT_ERROR", f"Product {code!r} already exists")
            self.store.put("review", code, {"Status": review})
        return True

    # -- pricing configurations ----------------------------------------------------------------

    def getPricingConfigurations(self, product_code: Any) -> list[Any]:
        return list(self.getProductByCode(product_code).get("PricingConfigurations") or [])

    def _configuration(self, product: Mapping[str, Any], code: Any) -> dict[str, Any]:
        for config in product.get("PricingConfigurations") or []:
            if config.get("Code") == code:
                return config  # type: ignore[no-any-return]
        raise Fault("PRICING_CONFIGURATION_NOT_FOUND", f"Product {product.get('ProductCode')!r} "
                                                       f"has no pricing configuration {code!r}",
                    404)

    def getPricingConfigurationByCode(self, product_code: Any, code: Any) -> dict[str, Any]:
        if not isinstance(code, str) or not code:
            raise invalid("pricingConfigurationCode must be a non-empty string")
        return self._configuration(self.getProductByCode(product_code), code)

    def getPricingConfigurationByName(self, product_code: Any, name: Any, schema_type: Any,
                                      price_type: Any = None) -> dict[str, Any]:
        """The configuration with this name and PricingSchema (and PriceType, when given)."""
        if schema_type not in SCHEMA_TYPES:
            raise invalid(f"schemaType must be one of {', '.join(SCHEMA_TYPES)}")
        if price_type is not None and price_type not in PRICE_TYPES:
            raise invalid(f"priceType must be one of {', '.join(PRICE_TYPES)}")
        for config in self.getPricingConfigurations(product_code):
            if config.get("Name") == name and config.get("PricingSchema") == schema_type \
                    and price_type in (None, config.get("PriceType")):
                return config  # type: ignore[no-any-return]
        wanted = f"{name!r} ({schema_type}{', ' + price_type if price_type else ''})"
        raise Fault("PRICING_CONFIGURATION_NOT_FOUND",
                    f"Product {product_code!r} has no pricing configuration {wanted}", 404)

    @staticmethod
    def _check_configuration(config: Mapping[str, Any], where: str) -> None:
        if not config.get("Name"):
            raise invalid(f"{where}.Name is required")
        if config.get("PricingSchema") not in SCHEMA_TYPES:
            raise invalid(f"{where}.PricingSchema must be one of {', '.join(SCHEMA_TYPES)}")
        if config.get("PriceType") not in (None, *PRICE_TYPES):
            raise invalid(f"{where}.PriceType must be one of {', '.join(PRICE_TYPES)}")
        for kind in ("Regular", "Renewal"):
            for n, entry in enumerate((config.get("Prices") or {}).get(kind) or []):
                entry.setdefault("MinQuantity", 1)
                entry.setdefault("MaxQuantity", 99999)
                low, high = entry["MinQuantity"] or 1, entry["MaxQuantity"] or 99999
                if entry.get("Amount") is None or not entry.get("Currency") or \
                        not 1 <= low <= high:
                    raise invalid(f"{where}.Prices.{kind}[{n}] needs an Amount, a Currency "
                                  "and 1 <= MinQuantity <= MaxQuantity")

    def addPricingConfiguration(self, configuration: Any, product_code: Any) -> bool:
        config = self._typed(configuration, "PricingConfiguration")
        if not isinstance(config, dict):
            raise invalid("the pricing configuration must be an object")
        self._check_configuration(config, "PricingConfiguration")
        with self._writing:
            product = self.getProductByCode(product_code)
            configurations = product.setdefault("PricingConfigurations", [])
            if config.get("Code") is not None:
                raise Fault("PRODUCT_ERROR", "the pricing configuration Code is "
                                             "system-generated")
            config["Code"] = _made_code(product_code, config.get("Name"), len(configurations))
            if config.get("Default"):
                for other in configurations:
                    other["Default"] = False
            configurations.append(config)
            self.store.put("product", product_code, product)
        return True

    def updatePricingConfiguration(self, configuration: Any, product_code: Any) -> bool:
        """Replaces the configuration with its Code; documented rules: the Code and the
        PricingSchema cannot change, nor the MinQuantity/MaxQuantity intervals (every interval
        sent must be one the configuration has); an Amount of -1 deletes a price."""
        config = self._typed(configuration, "PricingConfiguration")
        if not isinstance(config, dict) or not config.get("Code"):
            raise invalid("the pricing configuration must be an object with its Code")
        self._check_configuration(config, "PricingConfiguration")
        with self._writing:
            product = self.getProductByCode(product_code)
            current = self._configuration(product, config["Code"])
            if config["PricingSchema"] != current.get("PricingSchema"):
                raise Fault("PRODUCT_ERROR", f"PricingSchema of {config['Code']!r} cannot "
                                             f"change from {current.get('PricingSchema')} to "
                                             f"{config['PricingSchema']}")
            for kind in ("Regular", "Renewal"):
                known = {(p.get("MinQuantity") or 1, p.get("MaxQuantity") or 99999)
                         for p in (current.get("Prices") or {}).get(kind) or []}
                prices = (config.get("Prices") or {}).get(kind) or []
                for entry in prices:
                    interval = (entry["MinQuantity"], entry["MaxQuantity"])
                    if known and interval not in known:
                        raise Fault("PRODUCT_ERROR", f"the {kind} interval {interval[0]}-"
                                                     f"{interval[1]} is not one of the "
                                                     "configuration's: intervals cannot "
                                                     "change")
                if prices:
                    config["Prices"][kind] = [p for p in prices if p.get("Amount") != -1]
            if config.get("Default"):
                for other in product["PricingConfigurations"]:
                    other["Default"] = False
            index = product["PricingConfigurations"].index(current)
            product["PricingConfigurations"][index] = config
            self.store.put("product", product_code, product)
        return True

    # -- SKUs ----------------------------------------------------------------------------------

    def getSKUDetails(self, code: Any) -> dict[str, Any]:
        sku = self._existing("sku", code)
        return {field: sku.get(field) for field, _ in load().types["SKUDetails"]}

    def getSKUCodeByDetails(self, details: Any) -> str:
        """The SKU of a pricing configuration that fits the details. Left out: Currency is the
        configuration's default, PurchaseType NEW_PRODUCT, Quantity 1, PriceOptions none. An
        SKU without a currency or purchase type applies to all; one without price options to
        any options; the most specific fitting SKU wins, then the first by code."""
        query = self._typed(details, "SKUDetailsQuery")
        if not isinstance(query, dict) or not query.get("PricingConfigurationCode"):
            raise invalid("PricingConfigurationCode is required")
        config_code = query["PricingConfigurationCode"]
        config = next((c for p in self.store.all("product")
                       for c in p.get("PricingConfigurations") or []
                       if c.get("Code") == config_code), None)
        if config is None:
            raise Fault("PRICING_CONFIGURATION_NOT_FOUND",
                        f"Pricing configuration {config_code!r} does not exist", 404)
        purchase = query.get("PurchaseType") or "NEW_PRODUCT"
        if purchase not in PURCHASE_TYPES:
            raise invalid(f"PurchaseType must be one of {', '.join(PURCHASE_TYPES)}")
        currency = (query.get("Currency") or config.get("DefaultCurrency") or "").upper()
        quantity = query.get("Quantity") or 1
        wanted = _option_set(query.get("PriceOptions"))
        fits = []
        for sku in self.store.all("sku"):
            options = _option_set(sku.get("PriceOptions"))
            if sku.get("PricingConfigurationCode") != config_code \
                    or (sku.get("Currency") or currency).upper() != currency \
                    or (sku.get("PurchaseType") or purchase) != purchase \
                    or not (sku.get("FromQuantity") or 1) <= quantity \
                    <= (sku.get("ToQuantity") or 99999) \
                    or not _options_fit(wanted, options):
                continue
            specific = sum(1 for f in ("Currency", "PurchaseType") if sku.get(f)) + \
                (1 if options else 0)
            fits.append((-specific, sku["Code"]))
        if not fits:
            raise Fault("SKU_NOT_FOUND", f"No SKU of {config_code!r} fits these details", 404)
        return min(fits)[1]  # type: ignore[no-any-return]

    def setSku(self, schema: Any) -> bool:
        """Replace the whole SKU schema of every product named: its SKUs become exactly
        these. Every configuration must be the product's, and an SKU code may not belong to
        another product. All products or none."""
        entries = self._typed(schema, "SKUSchemaProduct[]")
        if not entries:
            raise invalid("at least one product schema must be given")
        with self._writing:
            existing = {s["Code"]: s for s in self.store.all("sku")}
            puts: list[tuple[str, str, Any]] = []
            deletes: list[tuple[str, str]] = []
            named: set[str] = set()
            for entry in entries:
                product = self.getProductByCode(entry.get("ProductCode"))
                product_code = product["ProductCode"]
                deletes += [("sku", code) for code, sku in existing.items()
                            if sku.get("ProductCode") == product_code]
                for config in entry.get("PriceConfigurations") or []:
                    self._configuration(product, config.get("PriceConfigurationCode"))
                    for sku in config.get("SKUs") or []:
                        code = sku.get("Code")
                        if not code:
                            raise invalid("every SKU needs a Code")
                        owner = existing.get(code, {}).get("ProductCode")
                        if code in named or owner not in (None, product_code):
                            raise invalid(f"SKU code {code!r} is used twice")
                        if sku.get("PurchaseType") not in (None, *PURCHASE_TYPES):
                            raise invalid(f"PurchaseType of {code!r} must be one of "
                                          f"{', '.join(PURCHASE_TYPES)}")
                        named.add(code)
                        puts.append(("sku", code, {
                            "Code": code, "ProductCode": product_code,
                            "PricingConfigurationCode": config["PriceConfigurationCode"],
                            "Currency": sku.get("Currency"),
                            "PurchaseType": sku.get("PurchaseType"),
                            "PriceOptions": sku.get("PriceOptions") or [],
                            "FromQuantity": sku.get("FromQuantity"),
                            "ToQuantity": sku.get("ToQuantity")}))
            self.store.apply(puts, deletes)
        return True

    def deleteSku(self, entries: Any) -> bool:
        """Remove the SKU codes named, each under its product and configuration: all of them,
        or none when one is unknown there."""
        deletions = self._typed(entries, "SKUDeletion[]")
        if not deletions:
            raise invalid("at least one product must be given")
        with self._writing:
            codes: list[tuple[str, str]] = []
            for entry in deletions:
                product_code = self.getProductByCode(entry.get("ProductCode"))["ProductCode"]
                for config in entry.get("PriceConfigurations") or []:
                    for code in config.get("SKUs") or []:
                        sku = self.store.get("sku", code or "")
                        if sku is None or sku.get("ProductCode") != product_code or \
                                sku.get("PricingConfigurationCode") != \
                                config.get("PriceConfigurationCode"):
                            raise Fault("SKU_NOT_FOUND", f"SKU {code!r} is not in "
                                        f"{product_code}/{config.get('PriceConfigurationCode')}",
                                        404)
                        codes.append(("sku", code))
            self.store.apply([], codes)
        return True

    # -- subscriptions: renewal prices ---------------------------------------------------------

    def _subscription(self, reference: Any) -> dict[str, Any]:
        return self._existing("subscription", reference)

    def getNextRenewalPrice(self, reference: Any, currency: Any) -> dict[str, Any]:
        """The custom renewal price while it has cycles left (in its currency), else the
        renewal price of the subscription's pricing configuration for its quantity (the
        regular price where it has none); taxes by billing country."""
        subscription = self._subscription(reference)
        currency = _currency(currency)
        custom = subscription.get("CustomRenewalPrice")
        quantity = subscription.get("Quantity") or 1
        gross = False
        if custom and custom.get("CyclesLeft", 0) > 0 and custom["Currency"] == currency:
            unit = Decimal(custom["Price"])
        else:
            product = self.getProductByCode(subscription["ProductCode"])
            config = self._configuration(product, subscription["PricingConfigurationCode"])
            gross = config.get("PriceType") == "GROSS"
            prices = config.get("Prices") or {}
            entry = next((p for kind in ("Renewal", "Regular") for p in prices.get(kind) or []
                          if p.get("Currency") == currency and
                          (p.get("MinQuantity") or 1) <= quantity <=
                          (p.get("MaxQuantity") or 99999)), None)
            if entry is None:
                raise invalid(f"Subscription {reference!r} has no renewal price in {currency}")
            unit = Decimal(entry["Amount"])
        rate = VAT.get(str(subscription.get("CountryCode")), Decimal(0))
        total = unit * quantity
        net = (total / (1 + rate) if gross else total).quantize(CENT)
        final = (total if gross else total * (1 + rate)).quantize(CENT)
        return {"NetPrice": net, "NetCurrency": currency, "FinalPrice": final,
                "FinalCurrency": currency}

    def setCustomRenewalPrice(self, reference: Any, price: Any, currency: Any, cycles: Any,
                              text: Any = None) -> bool:
        """The price of the next ``cycles`` renewals, in ``currency``; replaces any before."""
        amount = _amount(self._typed(price, "decimal"), "Price")
        count = self._typed(cycles, "int")
        if count is None or not 1 <= count <= 1000:
            raise invalid("Cycles must be between 1 and 1000")
        currency = _currency(currency)
        with self._writing:
            subscription = self._subscription(reference)
            subscription["CustomRenewalPrice"] = {
                "Price": amount, "Currency": currency, "Cycles": count, "CyclesLeft": count,
                "Text": text}
            self.store.put("subscription", reference, subscription)
        return True

    def renewSubscription(self, reference: Any, days: Any, price: Any, currency: Any) -> bool:
        """Extend the expiration date by ``days`` and record the renewal at ``price``; one
        cycle of a custom renewal price is used up."""
        count = self._typed(days, "int")
        if count is None or not 1 <= count <= 36500:
            raise invalid("days must be between 1 and 36500")
        amount = _amount(self._typed(price, "decimal"), "price")
        currency = _currency(currency)
        with self._writing:
            subscription = self._subscription(reference)
            try:
                expires = datetime.date.fromisoformat(subscription["ExpirationDate"]) + \
                    datetime.timedelta(days=count)
            except OverflowError:
                raise invalid("the expiration date would pass the year 9999") from None
            subscription["ExpirationDate"] = expires.isoformat()
            subscription.setdefault("Renewals", []).append(
                {"Days": count, "Price": amount, "Currency": currency,
                 "Date": self.clock.stamp()})
            custom = subscription.get("CustomRenewalPrice")
            if custom:
                custom["CyclesLeft"] -= 1
                if custom["CyclesLeft"] <= 0:
                    subscription["CustomRenewalPrice"] = None
            self.store.put("subscription", reference, subscription)
        return True

    # -- Channel Manager: partners and resellers -----------------------------------------------

    def createReseller(self, reseller: Any) -> str:
        """A new reseller of the partner (the sandbox's one partner: setPartner is not
        modelled); answers its ResellerCode."""
        value = self._typed(reseller, "Reseller")
        if not isinstance(value, dict):
            raise invalid("the reseller must be an object")
        if value.get("ResellerCode") is not None:
            raise invalid("ResellerCode is system-generated")
        if not any(value.get(f) for f in ("Company", "FirstName", "LastName", "Email")):
            raise invalid("a reseller needs a Company, a FirstName, a LastName or an Email")
        with self._writing:
            number = len(self.store.all("reseller")) + 1
            while True:
                code = f"RS{number:08d}"
                value["ResellerCode"] = code
                if self.store.add("reseller", code, {
                        "reseller": value, "PartnerCode": seed.PARTNER["PartnerCode"]}):
                    return code
                number += 1

    def getPartnerResellers(self, partner_code: Any, options: Any) -> list[Any]:
        self._existing("partner", partner_code)
        page, limit = _page(self._typed(options or {}, "PageOptions"))
        mine = sorted((r["reseller"] for r in self.store.all("reseller")
                       if r["PartnerCode"] == partner_code),
                      key=lambda r: str(r["ResellerCode"]))
        start = (page - 1) * limit
        return mine[start:start + limit]


def _page(opts: Mapping[str, Any]) -> tuple[int, int]:
    page = 1 if opts.get("Page") is None else opts["Page"]
    limit = 10 if opts.get("Limit") is None else opts["Limit"]
    if page < 1 or not 1 <= limit <= MAX_PAGE_LIMIT:
        raise invalid(f"Page must be >= 1 and Limit between 1 and {MAX_PAGE_LIMIT}")
    return page, limit


def _made_code(*parts: Any) -> str:
    """A system-generated code, the same for the same parts (so every protocol makes the
    same one from the same state)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:10].upper()


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value, re.ASCII):
        raise invalid("Currency must be a three-letter ISO 4217 code")
    return value.upper()


def _amount(value: Any, name: str) -> Decimal:
    if value is None or value < 0:
        raise invalid(f"{name} must be a number, zero or more")
    return Decimal(value)


def _option_set(options: Any) -> frozenset[tuple[str, str]]:
    return frozenset((str(group.get("Code")), str(option))
                     for group in options or [] for option in group.get("Options") or [])


def _options_fit(wanted: frozenset[tuple[str, str]],
                 offered: frozenset[tuple[str, str]]) -> bool:
    """An SKU without options fits any; one with options fits a choice among them."""
    return not offered or (bool(wanted) and wanted <= offered)


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
