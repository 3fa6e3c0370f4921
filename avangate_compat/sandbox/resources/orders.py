"""Orders: placing a test order (its customer and subscriptions with it), reading it as its
status moves PENDING -> AUTHRECEIVED -> COMPLETE with the sandbox's clock
(docs/api-facts.md, "Orders, refunds and customers")."""

from __future__ import annotations

import calendar
import copy
import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

from avangate_compat.sandbox.resources import subscription_life as life
from avangate_compat.sandbox.resources.base import handles, invalid, made_code, paging, typed
from avangate_compat.sandbox.resources.customers import END_USER_FIELDS, customer_for_order
from avangate_compat.sandbox.resources.order_flow import (
    Note,
    advance,
    send,
    stamp,
    stored_order,
    sweep,
)
from avangate_compat.sandbox.resources.order_lines import (
    MAX_QUANTITY,
    catalog_unit_price,
    chosen_options,
    configuration_for,
    dynamic_unit_price,
    line_price,
    refuse,
    vat_rate,
)

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

TEST_CARD = "4111111111111111"
FIRST_REF_NO = 80000000


@handles("getOrder")
def get_order(service: Service, reference: Any) -> dict[str, Any]:
    """The order as placed, with its status as of now."""
    notes: list[Note] = []
    with service.writing:
        record = stored_order(service, reference)
        if advance(service, record, notes):
            service.store.put("order", reference, record)
    send(service, notes)
    return copy.deepcopy(record["order"])


@handles("searchOrders")
def search_orders(service: Service, options: Any) -> dict[str, Any]:
    """The documented REST filters on every protocol: by default the orders of the last
    7 days (``Newer``), which StartDate overrides; sorted by date then RefNo, paged."""
    opts = typed(options or {}, "OrderSearchOptions")
    nested = opts.get("Pagination") or {}
    page, limit = paging({"Page": opts.get("Page") or nested.get("Page"),
                          "Limit": opts.get("Limit") or nested.get("Limit")})
    start, end, newer = opts.get("StartDate"), opts.get("EndDate"), opts.get("Newer")
    if start is None and newer is None:
        newer = stamp(service.clock.now() - 7 * 86400)
    tests = opts.get("IncludeTestOrders") or "YES"
    sweep(service)
    records = service.store.all("order")
    exact = {"RefNo": "RefNo", "Status": "Status", "ApproveStatus": "ApproveStatus",
             "ExternalRefNo": "ExternalReference"}

    def wanted(order: dict[str, Any]) -> bool:
        date = str(order.get("OrderDate") or "")
        return (all(opts.get(key) is None or order.get(field) == opts[key]
                    for key, field in exact.items())
                and (start is None or date[:10] >= start) and (end is None or date[:10] <= end)
                and (start is not None or newer is None or date >= str(newer))
                and (tests != "NO" or not order.get("TestOrder"))
                and (tests != "ONLY" or bool(order.get("TestOrder")))
                and (opts.get("PartnerOrders") is None or
                     bool(order.get("PartnerCode")) is opts["PartnerOrders"]))

    found = sorted((r["order"] for r in records if wanted(r["order"])),
                   key=lambda o: (str(o.get("OrderDate")), str(o.get("RefNo"))))
    first = (page - 1) * limit
    return {"Items": copy.deepcopy(found[first:first + limit]),
            "Pagination": {"Page": page, "Limit": limit, "Count": len(found)}}


@handles("placeOrder")
def place_order(service: Service, order: Any) -> dict[str, Any]:
    """A test (or free) order: priced, filed under its customer (made if new), with a
    subscription for every subscription product; answered as getOrder would, PENDING."""
    value = typed(order, "Order")
    if not isinstance(value, dict):
        raise invalid("the order must be an object")
    if value.get("RefNo") not in (None, ""):
        raise invalid("RefNo must be null for a new order")
    items = value.get("Items") or []
    if not items:
        raise refuse("ORDER_PRODUCTS_EMPTY", "The order has no products")
    if len({bool(item.get("IsDynamic")) for item in items}) > 1:
        raise refuse("ORDER_ITEMS_INVALID", "Dynamic and catalog products cannot be mixed in "
                                            "one order")
    billing = value.get("BillingDetails") or {}
    currency = str(value.get("Currency") or (value.get("PaymentDetails") or {}).get("Currency")
                   or "").upper()
    notes: list[life.Note] = []  # the LCN of each new subscription
    with service.writing:
        lines = [_line(service, item, index, billing, currency)
                 for index, item in enumerate(items)]
        currency = lines[0]["Price"]["Currency"]
        total = sum((line["Price"]["GrossPrice"] for line in lines), Decimal(0))
        payment = payment_details(value.get("PaymentDetails"), total, currency)
        placed = _file(service, value, lines, payment, currency, notes)
    life.send(service, notes)
    return placed


def _line(service: Service, item: dict[str, Any], index: int, billing: dict[str, Any],
          currency: str) -> dict[str, Any]:
    quantity = 1 if item.get("Quantity") is None else item["Quantity"]
    if not 1 <= quantity <= MAX_QUANTITY:
        raise refuse("ORDER_ITEMS_QUANTITY_INVALID", f"Items[{index}].Quantity must be "
                                                     f"between 1 and {MAX_QUANTITY}")
    rate = vat_rate(billing.get("CountryCode"))
    line = dict(item, Quantity=quantity, LineItemReference=None, ProductDetails=None)
    if item.get("IsDynamic"):
        if not currency:
            raise refuse("ORDER_CURRENCY_INVALID", "a dynamic order needs its Currency")
        gross = str(item.get("PriceType") or "GROSS").upper() == "GROSS"
        unit = dynamic_unit_price(item, index)
        line.update(Code=None, PriceType="GROSS" if gross else "NET", _subscription=None,
                    _product=None)
        line["Price"] = line_price(unit, quantity, gross, rate, currency, item.get("Price"))
        line["_details"] = {"Name": item.get("Name"), "ProductId": None,
                            "ExtraInfo": None, "RenewalStatus": False, "Subscriptions": []}
        return line
    code = item.get("Code")
    product = service.store.get("product", code) if isinstance(code, str) and code else None
    if product is None or not product.get("Enabled"):
        raise refuse("ORDER_PRODUCT_CODE_INVALID", f"Requested product [{code}] was not found.")
    config = configuration_for(product, billing.get("CountryCode"))
    currency = currency or str(config.get("DefaultCurrency"))
    unit = catalog_unit_price(product, config, currency, quantity, chosen_options(item))
    gross = config.get("PriceType") == "GROSS"
    line.update(Name=product["ProductName"], IsDynamic=False, PriceType=config.get("PriceType"),
                _product=product, _configuration=config["Code"])
    line["Price"] = line_price(unit, quantity, gross, rate, currency, item.get("Price"))
    line["_details"] = {"Name": product["ProductName"], "ProductId": product.get("AvangateId"),
                        "ExtraInfo": None, "RenewalStatus": False, "Subscriptions": []}
    return line


def payment_details(details: Any, total: Decimal, currency: str) -> dict[str, Any]:
    """What the order's PaymentDetails become: TEST with the test card, or a free order."""
    details = details or {}
    kind = str(details.get("Type") or ("FREE" if total == 0 else "")).upper()
    method = details.get("PaymentMethod") or {}
    card = method.get("CardNumber")
    if kind == "TEST" and card not in (None, "", TEST_CARD):
        raise refuse("PAYMENT_NOT_SUPPORTED", f"The sandbox authorizes only the test card "
                                              f"{TEST_CARD} in a TEST order")
    if kind != "TEST" and not (kind == "FREE" and total == 0):
        raise refuse("PAYMENT_NOT_SUPPORTED", "The sandbox takes test orders (PaymentDetails."
                                              "Type TEST) and free orders only")
    shown = None if not method else {
        **{key: None for key in method}, "CardType": method.get("CardType"),
        "ExpirationYear": method.get("ExpirationYear"),
        "ExpirationMonth": method.get("ExpirationMonth"),
        "HolderName": method.get("HolderName"), "RecurringEnabled": method.get("RecurringEnabled"),
        "FirstDigits": card[:4] if card else None, "LastDigits": card[-4:] if card else None}
    return {"Type": kind, "Currency": currency, "PaymentMethod": shown,
            "CustomerIP": details.get("CustomerIP"),
            "RecurringEnabled": details.get("RecurringEnabled")}


def _file(service: Service, value: dict[str, Any], lines: list[dict[str, Any]],
          payment: dict[str, Any], currency: str, notes: list[life.Note]) -> dict[str, Any]:
    """Store the order, its customer and its subscriptions (each with its SALE history entry
    and its LCN queued on ``notes``) in one write."""
    number, ref_no = next(ref_numbers(service))
    billing = value.get("BillingDetails") or {}
    customer = customer_for_order(service, value.get("CustomerReference"),
                                  value.get("ExternalCustomerReference"), billing,
                                  value.get("Language"))
    now = service.clock.now()
    date = stamp(now)
    rows: list[tuple[str, str, Any]] = []
    for index, line in enumerate(lines):
        line["LineItemReference"] = made_code("line", ref_no, index)
        product = line.pop("_product")
        details = line.pop("_details")
        configuration = line.pop("_configuration", None)
        line.pop("_subscription", None)
        recurring = line.get("RecurringOptions") or {}
        if (product is not None and product.get("GeneratesSubscription")) or \
                (product is None and recurring.get("CycleLength")):
            subscription = _subscription(ref_no, index, line, product, configuration,
                                         customer, billing, date,
                                         bool(payment.get("RecurringEnabled")))
            subscription.update(TestSubscription=payment["Type"] == "TEST", Modified=date)
            life.history(subscription, "SALE", ref_no)
            life.changed(service, subscription, notes)
            rows.append(("subscription", subscription["SubscriptionReference"], subscription))
            details["Subscriptions"].append({
                "SubscriptionReference": subscription["SubscriptionReference"],
                "PurchaseDate": date, "SubscriptionStartDate": date,
                "ExpirationDate": subscription["ExpirationDate"], "Lifetime": False})
            details["RenewalStatus"] = bool(payment.get("RecurringEnabled"))
        line["ProductDetails"] = details
    if any(row[0] == "subscription" for row in rows):
        customer["Enabled"] = True
    rows.append(("customer", str(customer["AvangateCustomerReference"]), customer))
    record = order_record(value, lines, payment, currency, customer, (number, ref_no), now)
    rows.append(("order", ref_no, record))
    service.store.put_many(rows)
    return copy.deepcopy(record["order"])


def ref_numbers(service: Service) -> Iterator[tuple[int, str]]:
    """(OrderNo, RefNo) of the next new orders: numbered after the orders stored, skipping
    any number taken. Read under the write lock, used before it is released."""
    taken = set(service.store.codes("order"))
    number = len(taken)
    while True:
        number += 1
        if str(FIRST_REF_NO + number) not in taken:
            yield number, str(FIRST_REF_NO + number)


def order_record(value: dict[str, Any], lines: list[dict[str, Any]], payment: dict[str, Any],
                 currency: str, customer: dict[str, Any], numbers: tuple[int, str],
                 placed: float) -> dict[str, Any]:
    """The stored record of a new order (``value``'s fields with its priced ``lines``), as
    getOrder answers it when placed, PENDING: placeOrder's and a renewal's."""
    number, ref_no = numbers
    net = sum((line["Price"]["NetPrice"] for line in lines), Decimal(0))
    gross = sum((line["Price"]["GrossPrice"] for line in lines), Decimal(0))
    order = {field: value.get(field) for field in value}
    order.update(
        RefNo=ref_no, OrderNo=number, Status="PENDING", ApproveStatus="WAITING",
        VendorApproveStatus="OK", Currency=currency, OrderDate=stamp(placed), FinishDate=None,
        Source=value.get("Source") or "API", TestOrder=payment["Type"] == "TEST",
        HasShipping=bool(value.get("DeliveryDetails")) and any(
            line.get("Tangible") for line in lines),
        RecurringEnabled=bool(payment.get("RecurringEnabled")),
        CustomerReference=customer.get("AvangateCustomerReference"),
        ExternalCustomerReference=customer.get("ExternalCustomerReference"),
        Items=lines, PaymentDetails=payment, CustomerDetails=dict(customer),
        Promotions=value.get("Promotions") or [], AdditionalFields=value.get("AdditionalFields")
        or [], NetPrice=net, GrossPrice=gross, NetDiscountedPrice=net,
        GrossDiscountedPrice=gross, Discount=Decimal("0.00"), VAT=gross - net)
    return {"order": order, "refunds": [], "placed": placed}


def _subscription(ref_no: str, index: int, line: dict[str, Any],
                  product: Optional[dict[str, Any]], configuration: Any,
                  customer: dict[str, Any], billing: dict[str, Any],
                  date: str, recurring_billing: bool) -> dict[str, Any]:
    """A subscription record in the store shape the subscriptions resource reads: a catalog
    product's cycle and prices come from the product, a dynamic one's from its line (it
    renews at the price sent); recurring billing as the order's payment asked."""
    start = datetime.date.fromisoformat(date[:10])
    if product is not None:
        information = product.get("SubscriptionInformation") or {}
        cycle = (information.get("BillingCycle") or 1,
                 information.get("BillingCycleUnits") or "M")
        dynamic = None
    else:
        recurring = line.get("RecurringOptions") or {}
        cycle = (recurring.get("CycleLength") or 1, recurring.get("CycleUnit") or "MONTH")
        price = line["Price"]
        dynamic = {"Price": price["UnitGrossPrice"] if line["PriceType"] == "GROSS"
                   else price["UnitNetPrice"], "Currency": price["Currency"],
                   "PriceType": line["PriceType"]}
    return {
        "SubscriptionReference": made_code("subscription", ref_no, index),
        "ProductCode": product["ProductCode"] if product else None,
        "PricingConfigurationCode": configuration, "DynamicRenewalPrice": dynamic,
        "Quantity": line["Quantity"], "CountryCode": billing.get("CountryCode"),
        "StartDate": start.isoformat(),
        "ExpirationDate": after(start, *cycle).isoformat(),
        "BillingCycle": cycle[0], "BillingCycleUnits": cycle[1],
        "Currency": line["Price"]["Currency"], "ProductName": line.get("Name"),
        "CustomRenewalPrice": None, "Renewals": [], "OrderRefNo": ref_no,
        "AvangateCustomerReference": customer["AvangateCustomerReference"],
        "ExternalCustomerReference": customer.get("ExternalCustomerReference"),
        "EndUser": {**{field: billing.get(field) for field in END_USER_FIELDS},
                    "Language": customer.get("Language")},
        "SubscriptionEnabled": True, "RecurringEnabled": recurring_billing,
        # the Subscription object's own fields (subscription_records.py)
        "ExternalSubscriptionReference": None, "ActivationDate": None, "PurchaseDate": date,
        "Product": {"ProductId": int(product["AvangateId"])
                    if product and product.get("AvangateId") else None,
                    "ProductName": product["ProductName"] if product else line.get("Name"),
                    "ProductVersion": None, "PriceOptionCodes": sorted(
                        option for _, option in chosen_options(line))},
        "SKU": line.get("SKU"), "DeliveryInfo": None, "ReceiveNotifications": True,
        "Lifetime": False, "PartnerCode": None, "TestSubscription": False,
        "IsTrial": bool(line.get("Trial")), "History": [],
    }


def after(start: datetime.date, count: int, unit: str) -> datetime.date:
    """``start`` plus ``count`` billing cycles of ``unit`` (D/DAY, W/WEEK, M/MONTH, Y/YEAR);
    a month-end day is cut to the target month's last day."""
    if unit.upper().startswith(("D", "W")):
        return start + datetime.timedelta(days=count * (7 if unit.upper()[0] == "W" else 1))
    months = count * (12 if unit.upper().startswith("Y") else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return datetime.date(year, month + 1, day)
