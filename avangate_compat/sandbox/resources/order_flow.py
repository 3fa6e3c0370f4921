"""How a placed order moves on with the sandbox's clock, PENDING -> AUTHRECEIVED -> COMPLETE,
its refund requests from pending to done (a total one moves the order to REFUND), and the
signed IPN the sandbox POSTs to the configured listener when an order completes and when it is
refunded (docs/sandbox.md, "Orders"). The delays and the listener are sandbox settings."""

from __future__ import annotations

import datetime
import time
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from avangate_compat.sandbox.resources.base import Fault, existing

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

# setting -> (default, minimum, maximum); delays in seconds of the sandbox's clock
SETTINGS: dict[str, tuple[float, float, float]] = {
    "order_authorized_after": (60.0, 0.0, 10.0 ** 9),
    "order_complete_after": (300.0, 0.0, 10.0 ** 9),
    "refund_after": (0.0, 0.0, 10.0 ** 9),
}
MAX_IPN_LOG = 100
Note = list[tuple[str, str]]
"""The fields of one IPN to send."""


def stored_order(service: Service, reference: Any) -> dict[str, Any]:
    """The stored record of the order ``reference`` ({"order": ..., "refunds": [...]})."""
    return existing(service, "order", reference, "RefNo")


def setting(service: Service, name: str) -> float:
    value: float = service.order_settings.get(name, SETTINGS[name][0])
    return value


def checked_settings(body: Mapping[str, Any]) -> dict[str, Any]:
    """The order settings in ``body``, each checked; the IPN and LCN listeners must be on
    loopback."""
    from avangate_compat.sandbox import ipn
    out: dict[str, Any] = {}
    for name, value in body.items():
        if name in ("ipn_url", "lcn_url"):
            out[name] = None if value is None else ipn.loopback_url(value)
            continue
        _, low, high = SETTINGS[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not low <= value <= high:
            raise Fault("INVALID_PARAMETERS", f"{name} must be a number of seconds from "
                                              f"{low:g} to {high:g}")
        out[name] = float(value)
    return out


def advance(service: Service, record: dict[str, Any], notes: list[Note]) -> bool:
    """Move the order and its refunds on as far as the clock says, adding the IPN of each
    completion and refund to ``notes``; True when anything changed (the caller stores it)."""
    changed = _settle_refunds(service, record, notes)
    order, placed = record["order"], record.get("placed")
    if placed is None or order["Status"] not in ("PENDING", "AUTHRECEIVED"):
        return changed
    authorized = setting(service, "order_authorized_after")
    completed = max(authorized, setting(service, "order_complete_after"))
    elapsed = service.clock.now() - placed
    status = ("COMPLETE" if elapsed >= completed else
              "AUTHRECEIVED" if elapsed >= authorized else "PENDING")
    if status == order["Status"]:
        return changed
    order["Status"] = status
    if status == "COMPLETE":
        order["ApproveStatus"] = "OK"
        order["FinishDate"] = stamp(placed + completed)
        notes.append(notification(order, "COMPLETE", service.clock.now()))
    return True


def _settle_refunds(service: Service, record: dict[str, Any], notes: list[Note]) -> bool:
    changed = False
    for refund in record.get("refunds") or []:
        if refund["Status"] == "PENDING" and \
                service.clock.now() - refund["Requested"] >= setting(service, "refund_after"):
            refund["Status"] = "COMPLETE"
            changed = True
            if refund["Total"]:
                record["order"]["Status"] = "REFUND"
            notes.append(notification(record["order"], "REFUND", service.clock.now(),
                                      refund["Amount"]))
    return changed


def sweep(service: Service) -> int:
    """Move every order on (the clock was advanced); send their IPNs. How many moved."""
    notes: list[Note] = []
    with service.writing:
        records = service.store.all("order")
        moved = [r for r in records if advance(service, r, notes)]
        if moved:
            service.store.put_many([("order", r["order"]["RefNo"], r) for r in moved])
    send(service, notes)
    return len(moved)


def send(service: Service, notes: list[Note]) -> None:
    """POST each IPN to the configured listener (outside the write lock: a listener may call
    the sandbox back); the reports are kept in ``service.ipn_log``."""
    url: Optional[str] = service.order_settings.get("ipn_url")
    if url is None or not notes:
        return
    from avangate_compat.sandbox import ipn
    for fields in notes:
        report = ipn.deliver({"url": url, "fields": fields}, service._secret,
                             service.clock.now())
        service.ipn_log.append(report)
        del service.ipn_log[:-MAX_IPN_LOG]


def notification(order: Mapping[str, Any], status: str, now: float,
                 refunded: Optional[Decimal] = None) -> Note:
    """The IPN fields of ``order`` in ``status``, in the documented order of the fields the
    library reads (README, "Payment notifications (IPN)")."""
    billing = order.get("BillingDetails") or {}
    fields: Note = [
        ("SALEDATE", str(order.get("OrderDate") or "")),
        ("REFNO", str(order["RefNo"])), ("REFNOEXT", str(order.get("ExternalReference") or "")),
        ("ORDERNO", str(order.get("OrderNo") or "")), ("ORDERSTATUS", status),
        ("PAYMETHOD", str((order.get("PaymentDetails") or {}).get("Type") or "")),
        ("COMPLETE_DATE", str(order.get("FinishDate") or "")),
        ("FIRSTNAME", str(billing.get("FirstName") or "")),
        ("LASTNAME", str(billing.get("LastName") or "")),
        ("CUSTOMEREMAIL", str(billing.get("Email") or "")),
        ("COUNTRY_CODE", str(billing.get("CountryCode") or "")),
        ("AVANGATE_CUSTOMER_REFERENCE", str(order.get("CustomerReference") or "")),
        ("EXTERNAL_CUSTOMER_REFERENCE", str(order.get("ExternalCustomerReference") or "")),
    ]
    items = order.get("Items") or []
    for base, read in (
            ("IPN_PID", lambda i: (i.get("ProductDetails") or {}).get("ProductId") or ""),
            ("IPN_PNAME", lambda i: i.get("Name") or ""),
            ("IPN_PCODE", lambda i: i.get("Code") or ""),
            ("IPN_QTY", lambda i: i.get("Quantity") or 1),
            ("IPN_PRICE", lambda i: (i.get("Price") or {}).get("UnitGrossPrice") or "0"),
            ("IPN_LICENSE_REF", lambda i: ",".join(
                s["SubscriptionReference"] for s in
                (i.get("ProductDetails") or {}).get("Subscriptions") or []))):
        fields += [(f"{base}[]", str(read(item))) for item in items]
    fields += [("CURRENCY", str(order.get("Currency") or "")),
               ("IPN_TOTALGENERAL", str(order.get("GrossPrice") or "0")),
               ("TEST_ORDER", "1" if order.get("TestOrder") else "0")]
    if refunded is not None:
        fields.append(("REFUND_AMOUNT", str(refunded)))
    fields.append(("IPN_DATE", time.strftime("%Y%m%d%H%M%S", time.gmtime(now))))
    return fields


def stamp(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S")
