"""Refunds: issueRefund's rules, each refusal with the documented message
(docs/api-facts.md, "Orders, refunds and customers")."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from avangate_compat.sandbox.resources.base import Fault, handles, invalid, typed
from avangate_compat.sandbox.resources.order_flow import Note, advance, send, stored_order

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

# The documented refusals (messages; the API documents no codes for them)
TOTAL_DONE = "You have already placed a Total refund for this order."
PENDING = "You already have a pending refund request."
EXCEEDED = "The maximum refundable amount for this order has been exceeded."
STATUS = "You cannot place a refund request due to the order's current status."
PAYMENT = "You cannot place a refund request due to the order's payment details."
EXPIRED = "The allowed period to request a new refund for this order has expired"
BAD_AMOUNT = "Invalid ORDER_AMOUNT"
BAD_CODES = "PRODUCTS_CODES missing or format incorrect"
BAD_QUANTITY = "Invalid PRODUCTS_QTY"
REFUND_WINDOW = datetime.timedelta(days=365)


def refused(message: str) -> Fault:
    return Fault("REFUND_NOT_ALLOWED", message, 400, -32602)


@handles("issueRefund")
def issue_refund(service: Service, reference: Any, amount: Any, items: Any,
                 comment: Any = None, reason: Any = None) -> bool:
    """A refund request of ``amount``: of the whole order when ``items`` is ``""`` or
    ``[]``, else of the lines named. It is pending for the sandbox's refund delay; a total
    refund then moves the order to REFUND."""
    value = typed(amount, "decimal")
    lines = [] if items in ("", None) else typed(items, "RefundItem[]")
    for text in (comment, reason):
        if text is not None and not isinstance(text, str):
            raise invalid("the comment and the reason are text")
    notes: list[Note] = []
    with service.writing:
        record = stored_order(service, reference)
        advance(service, record, notes)
        _check(service, record, value, lines)
        record["refunds"].append({
            "Amount": value, "Items": lines, "Comment": comment, "Reason": reason,
            "Total": not lines, "Requested": service.clock.now(), "Status": "PENDING"})
        advance(service, record, notes)
        service.store.put("order", reference, record)
    send(service, notes)
    return True


def _check(service: Service, record: Mapping[str, Any], amount: Any, lines: list[Any]) -> None:
    order, refunds = record["order"], record["refunds"]
    if amount is None or amount <= 0:
        raise refused(BAD_AMOUNT)
    if any(r["Total"] for r in refunds):
        raise refused(TOTAL_DONE)
    if any(r["Status"] == "PENDING" for r in refunds):
        raise refused(PENDING)
    if order["Status"] != "COMPLETE":
        raise refused(STATUS)
    placed = datetime.datetime.strptime(order["OrderDate"], "%Y-%m-%d %H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)
    now = datetime.datetime.fromtimestamp(service.clock.now(), datetime.timezone.utc)
    if now - placed > REFUND_WINDOW:
        raise refused(EXPIRED)
    total = Decimal(order.get("GrossPrice") or 0)
    if total <= 0:
        raise refused(PAYMENT)
    remaining = total - sum((Decimal(r["Amount"]) for r in refunds), Decimal(0))
    if amount > remaining:
        raise refused(EXCEEDED)
    if not lines and amount != remaining:
        raise refused(BAD_AMOUNT)  # a total refund gives back all that is left
    _check_lines(order, lines, amount)


def _check_lines(order: Mapping[str, Any], lines: list[Any], amount: Decimal) -> None:
    by_reference = {item.get("LineItemReference"): item for item in order.get("Items") or []}
    for line in lines:
        item = by_reference.get(line.get("LineItemReference"))
        if item is None:
            raise refused(BAD_CODES)
        if line.get("Quantity") is not None and not 1 <= line["Quantity"] <= item["Quantity"]:
            raise refused(BAD_QUANTITY)
        if line.get("Amount") is not None and \
                line["Amount"] > Decimal((item.get("Price") or {}).get("GrossPrice") or 0):
            raise refused(EXCEEDED)
    amounts = [line["Amount"] for line in lines if line.get("Amount") is not None]
    if lines and len(amounts) == len(lines) and sum(amounts, Decimal(0)) != amount:
        raise refused(BAD_AMOUNT)
