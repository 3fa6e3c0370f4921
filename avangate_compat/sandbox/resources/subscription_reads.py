"""Reading subscriptions: one, a list by references, a customer's, a search with the
documented filters, and a subscription's history (docs/api-facts.md, "Subscriptions")."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Optional

from avangate_compat.sandbox.resources.base import handles, invalid, paging, real_date, typed
from avangate_compat.sandbox.resources.customers import existing_customer, subscriptions_of
from avangate_compat.sandbox.resources.subscription_records import shown, stored

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

_TRUE, _FALSE = ("true", "1"), ("false", "0")
Record = Mapping[str, Any]


@handles("getSubscription")
def get_subscription(service: Service, reference: Any) -> dict[str, Any]:
    return shown(service, stored(service, reference))


@handles("getSubscriptions")
def get_subscriptions(service: Service, references: Any,
                      aggregate: Any = None) -> list[dict[str, Any]]:
    """The subscriptions of ``references``, in that order; one unknown is refused. The
    sandbox is one account: ``aggregate`` (other accounts too) finds nothing more."""
    codes = typed(references, "string[]")
    typed(aggregate, "boolean")
    if not codes:
        raise invalid("SubscriptionReferences must name at least one subscription")
    return [shown(service, stored(service, code)) for code in codes]


@handles("getSubscriptionHistory")
def get_subscription_history(service: Service, reference: Any) -> list[dict[str, Any]]:
    """Its SALE and RENEWAL entries, oldest first."""
    return copy.deepcopy(stored(service, reference).get("History") or [])


@handles("getCustomerSubscriptions")
def get_customer_subscriptions(service: Service, reference: Any,
                               external: Any = None) -> list[dict[str, Any]]:
    """The subscriptions of the customer either reference names (both must name the same
    one), by SubscriptionReference."""
    customer = existing_customer(service, typed(reference, "int"), external)
    return [shown(service, record) for record in
            sorted(subscriptions_of(service, customer),
                   key=lambda r: str(r["SubscriptionReference"]))]


@handles("searchSubscriptions")
def search_subscriptions(service: Service, options: Any = None) -> dict[str, Any]:
    """The documented filters (dates inclusive, YYYY-MM-DD), sorted by purchase date then
    reference, paged; every filter must hold."""
    raw = dict(options) if isinstance(options, Mapping) else options
    recurring = None
    if isinstance(raw, dict) and raw.get("RecurringEnabled") is not None:
        recurring = _recurring(raw.pop("RecurringEnabled"))
    opts = typed(raw or {}, "SubscriptionSearchOptions")
    for key, value in opts.items():
        if key.endswith(("After", "Before")) and value is not None and not real_date(value):
            raise invalid(f"{key} must be a date as YYYY-MM-DD")
    nested = opts.get("Pagination") or {}
    page, limit = paging({"Page": opts.get("Page") or nested.get("Page"),
                          "Limit": opts.get("Limit") or nested.get("Limit")})
    tests = [test for key, test in _filters(opts).items() if opts.get(key) is not None]
    if recurring is not None:
        tests.append(lambda r: bool(r.get("RecurringEnabled")) in recurring)
    found = sorted((r for r in service.store.all("subscription") if all(t(r) for t in tests)),
                   key=lambda r: (str(r.get("PurchaseDate") or r.get("StartDate") or ""),
                                  str(r["SubscriptionReference"])))
    first = (page - 1) * limit
    return {"Items": [shown(service, r) for r in found[first:first + limit]],
            "Pagination": {"Page": page, "Limit": limit, "Count": len(found)}}


def _recurring(value: Any) -> set[bool]:
    """RecurringEnabled as a boolean, a "true"/"false" text, or a list (or SOAP array) of
    them: the values that match."""
    values = list(value.values()) if isinstance(value, Mapping) else \
        value if isinstance(value, list) else [value]
    meant = set()
    for item in values:
        text = str(item).strip().lower()
        if isinstance(item, bool) or text in _TRUE + _FALSE:
            meant.add(item if isinstance(item, bool) else text in _TRUE)
        else:
            raise invalid("RecurringEnabled must be a boolean or a list of 'true'/'false'")
    return meant


def _date(record: Record, *path: str) -> str:
    value: Any = record
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return str(value or "")[:10]


def _renewed(record: Record) -> str:
    renewals = record.get("Renewals") or []
    return str(renewals[-1].get("Date") or "")[:10] if renewals else ""


def _next_billing(record: Record) -> str:
    billed = record.get("RecurringEnabled") and record.get("SubscriptionEnabled", True)
    return _date(record, "ExpirationDate") if billed else ""


def _between(read: Callable[[Record], str], low: Optional[str], high: Optional[str]
             ) -> Callable[[Record], bool]:
    def test(record: Record) -> bool:
        value = read(record)
        return bool(value) and (low is None or value >= low) and (high is None or value <= high)
    return test


def _email(opts: Mapping[str, Any]) -> Callable[[Record], bool]:
    wanted = str(opts.get("CustomerEmail") or "").lower()

    def test(record: Record) -> bool:
        email = str((record.get("EndUser") or {}).get("Email") or "").lower()
        return email == wanted if opts.get("ExactMatchEmail") else wanted in email
    return test


def _filters(opts: Mapping[str, Any]) -> dict[str, Callable[[Record], bool]]:
    """Filter name -> its test, for the filters given (a range by either of its ends)."""
    def equal(field: str, key: str) -> Callable[[Record], bool]:
        return lambda r: r.get(field) == opts[key]

    def flag(field: str, key: str, default: bool) -> Callable[[Record], bool]:
        return lambda r: bool(r.get(field, default)) is opts[key]

    countries = {str(c).upper() for c in opts.get("CountryCodes") or []}
    tests: dict[str, Callable[[Record], bool]] = {
        "CustomerEmail": _email(opts),
        "DeliveredCode": lambda r: any(
            c.get("Code") == opts["DeliveredCode"]
            for c in (r.get("DeliveryInfo") or {}).get("Codes") or []),
        "AvangateCustomerReference": equal("AvangateCustomerReference",
                                           "AvangateCustomerReference"),
        "ExternalCustomerReference": equal("ExternalCustomerReference",
                                           "ExternalCustomerReference"),
        "SubscriptionEnabled": flag("SubscriptionEnabled", "SubscriptionEnabled", True),
        "ProductCodes": lambda r: r.get("ProductCode") in opts["ProductCodes"],
        "CountryCodes": lambda r: str((r.get("EndUser") or {}).get("CountryCode") or
                                      r.get("CountryCode") or "").upper() in countries,
        "PartnerCode": equal("PartnerCode", "PartnerCode"),
        "LifetimeSubscription": flag("Lifetime", "LifetimeSubscription", False),
        "TestSubscription": flag("TestSubscription", "TestSubscription", False),
        "Type": lambda r: ("TRIAL" if r.get("IsTrial") else "REGULAR") ==
        str(opts["Type"]).upper(),
    }
    ranges: dict[str, Callable[[Record], str]] = {
        "Purchased": lambda r: _date(r, "PurchaseDate") or _date(r, "StartDate"),
        "Expire": lambda r: _date(r, "ExpirationDate"),
        "Renewed": _renewed,
        "Notification": lambda r: _date(r, "Modified") or _date(r, "PurchaseDate"),
        "Modified": lambda r: _date(r, "Modified") or _date(r, "PurchaseDate"),
        "NextBillingDate": _next_billing,
    }
    for name, read in ranges.items():
        test = _between(read, opts.get(f"{name}After"), opts.get(f"{name}Before"))
        tests[f"{name}After"] = tests[f"{name}Before"] = test
    return tests
