"""Orders, refunds and customers (issue 22): the sandbox's rules on every backend."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import pytest

from avangate_compat import Client, InvalidRequestError, NotFoundError, models
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_get_order_reads_the_seed_order(make_client: Callable[..., Client],
                                        backend: str) -> None:
    order = make_client(backend).getOrder("12345678")
    assert isinstance(order, models.Order)
    assert (order.RefNo, order.Status, order.Currency) == ("12345678", "COMPLETE", "EUR")
    item = order.Items[0]
    assert isinstance(item, models.OrderItem)
    assert (item.Code, item.Quantity, item.LineItemReference) == ("04C26C50F8", 2, "A1B2C3D4E5")
    assert item.ProductDetails == models.OrderProductDetails(
        Name="softy", ProductId=4639321, RenewalStatus=False, Subscriptions=[])
    assert item.Price is not None and item.Price.GrossPrice == Decimal("47.60")
    assert order.CustomerDetails is not None
    assert order.CustomerDetails.AvangateCustomerReference == 435384557


@pytest.mark.parametrize("backend", BACKENDS)
def test_get_order_of_an_unknown_reference_is_not_found(make_client: Callable[..., Client],
                                                        backend: str) -> None:
    with pytest.raises(NotFoundError) as raised:
        make_client(backend).getOrder("99999999")
    assert raised.value.operation == "getOrder" and raised.value.code == "ORDER_NOT_FOUND"


@pytest.mark.parametrize("backend", BACKENDS)
def test_ids_sent_as_text_are_read_as_ints(sandbox: Sandbox, make_client: Callable[..., Client],
                                           backend: str) -> None:
    """Some API versions send ProductId and AvangateCustomerReference as strings."""
    record: Any = sandbox.service.store.get("order", "12345678")
    record["order"]["Items"][0]["ProductDetails"]["ProductId"] = "4639321"
    record["order"]["CustomerDetails"]["AvangateCustomerReference"] = "435384557"
    record["order"]["CustomerReference"] = "435384557"
    sandbox.service.store.put("order", "12345678", record)
    order = make_client(backend).getOrder("12345678")
    assert order.Items[0].ProductDetails.ProductId == 4639321
    assert order.CustomerDetails.AvangateCustomerReference == 435384557
    assert order.CustomerReference == 435384557


# -- placeOrder -------------------------------------------------------------------------------

TEST_CARD = {"CardNumber": "4111111111111111", "CardType": "VISA", "ExpirationYear": "2030",
             "ExpirationMonth": "12", "CCID": "123", "HolderName": "Ada Lovelace"}
BILLING = {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com",
           "CountryCode": "US"}


def a_test_order(items: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """A TEST order of ``items`` paid with the test card, as the vendor's sample builds it."""
    return {"Currency": "usd", "Language": "en", "Country": "US", "CustomerIP": "10.0.0.1",
            "ExternalReference": "STORE-1", "Items": items, "BillingDetails": dict(BILLING),
            "PaymentDetails": {"Type": "TEST", "Currency": "USD", "CustomerIP": "10.0.0.1",
                               "PaymentMethod": dict(TEST_CARD)}, **fields}


SUPPORT_BASIC = [{"Name": "SUPPORT", "Options": [{"Value": "basic"}]}]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_test_order_makes_the_order_its_customer_and_its_subscription(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    placed = client.placeOrder(a_test_order(
        [{"Code": "NewProdCodeAPI12345", "Quantity": 2, "PriceOptions": SUPPORT_BASIC}],
        ExternalCustomerReference="SHOP-CUSTOMER-7"))
    assert placed.RefNo and placed.Status == "PENDING" and placed.TestOrder is True
    assert client.getOrder(placed.RefNo) == placed
    line = placed.Items[0]
    assert line.Price == models.OrderPrice(  # a GROSS configuration, no VAT in the US
        Currency="USD", UnitNetPrice=Decimal("99.99"), UnitGrossPrice=Decimal("99.99"),
        UnitVAT=Decimal("0.00"), VATPercent=Decimal("0.00"), NetPrice=Decimal("199.98"),
        GrossPrice=Decimal("199.98"), VAT=Decimal("0.00"), Discount=Decimal("0.00"))
    assert placed.GrossPrice == Decimal("199.98") and line.LineItemReference
    assert placed.PaymentDetails.PaymentMethod.LastDigits == "1111"
    assert placed.PaymentDetails.PaymentMethod.CardNumber is None  # never echoed
    customer = placed.CustomerDetails
    assert customer.ExternalCustomerReference == "SHOP-CUSTOMER-7"
    assert customer.Enabled is True  # a subscription is attached
    reference = line.ProductDetails.Subscriptions[0].SubscriptionReference
    stored: Any = sandbox.service.store.get("subscription", reference)
    assert (stored["ProductCode"], stored["Quantity"], stored["OrderRefNo"]) == (
        "NewProdCodeAPI12345", 2, placed.RefNo)
    # the subscriptions resource sees it: its renewal price comes from the configuration
    assert client.getNextRenewalPrice(reference, "USD").FinalPrice == Decimal("99.98")


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_order_honours_an_existing_customer(make_client: Callable[..., Client],
                                               backend: str) -> None:
    client = make_client(backend)
    first = client.placeOrder(a_test_order([{"Code": "04C26C50F8"}],
                                         ExternalCustomerReference="SHOP-CUSTOMER-8"))
    second = client.placeOrder(a_test_order([{"Code": "04C26C50F8"}],
                                          ExternalCustomerReference="SHOP-CUSTOMER-8"))
    assert first.CustomerReference == second.CustomerReference
    assert first.CustomerDetails.Enabled is False  # no subscription product bought
    third = client.placeOrder(a_test_order([{"Code": "04C26C50F8"}],
                                         CustomerReference=435384557))
    assert third.CustomerDetails.ExternalCustomerReference == "SEED-CUSTOMER-1"
    assert first.RefNo != second.RefNo != third.RefNo


@pytest.mark.parametrize(("items", "country", "unit_net", "unit_gross"), [
    # the volume interval 11..99999 of a NET configuration, no VAT in the US
    ([{"Code": "TeamPlan2024", "Quantity": 11}], "US", "28.00", "28.00"),
    # the billing country picks the Europe configuration (GROSS, 20% VAT in France)
    ([{"Code": "TeamPlan2024", "Quantity": 1}], "FR", "29.75", "35.70"),
    # a NET price with 19% VAT in Germany, in the configuration for Germany
    ([{"Code": "NewProdCodeAPI12345", "Quantity": 1}], "DE", "89.00", "105.91"),
])
def test_catalog_lines_are_priced_from_the_pricing_configuration(
        make_client: Callable[..., Client], items: list[dict[str, Any]], country: str,
        unit_net: str, unit_gross: str) -> None:
    currency = "EUR" if country in ("FR", "DE") else "USD"
    order = make_client("jsonrpc").placeOrder(a_test_order(
        items, Currency=currency, BillingDetails={**BILLING, "CountryCode": country}))
    price = order.Items[0].Price
    assert (price.UnitNetPrice, price.UnitGrossPrice) == (Decimal(unit_net), Decimal(unit_gross))
    assert order.Currency == currency
    assert order.GrossPrice == price.UnitGrossPrice * order.Items[0].Quantity


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_dynamic_order_is_priced_from_the_price_sent(make_client: Callable[..., Client],
                                                       backend: str) -> None:
    order = make_client(backend).placeOrder(a_test_order([{
        "Code": None, "IsDynamic": True, "Name": "Consulting hour", "Quantity": 3,
        "PurchaseType": "PRODUCT", "Tangible": False, "PriceType": "NET",
        "Price": {"Amount": "40.00", "Type": "CUSTOM"},
        "PriceOptions": [{"Name": "Urgency", "Options": [
            {"Name": "Same day", "Value": "sameday", "Surcharge": "10.00"}]}]}],
        BillingDetails={**BILLING, "CountryCode": "DE"}, Currency="EUR"))
    line = order.Items[0]
    assert line.IsDynamic is True and line.Name == "Consulting hour"
    assert line.Price.UnitNetPrice == Decimal("50.00")
    assert line.Price.UnitGrossPrice == Decimal("59.50")  # 19% VAT in Germany
    assert order.NetPrice == Decimal("150.00") and order.GrossPrice == Decimal("178.50")


def test_a_free_order_needs_no_payment(make_client: Callable[..., Client]) -> None:
    order = make_client("rest").placeOrder({
        "Currency": "USD", "BillingDetails": BILLING, "Items": [{
            "IsDynamic": True, "Name": "Free sample", "Price": {"Amount": 0, "Type": "CUSTOM"}}]})
    assert order.GrossPrice == 0 and order.PaymentDetails.Type == "FREE"


REFUSED_ORDERS = [
    ("ORDER_PRODUCTS_EMPTY", a_test_order([])),
    ("ORDER_PRODUCT_CODE_INVALID", a_test_order([{"Code": "NOSUCHPRODUCT"}])),
    ("ORDER_PRODUCT_CODE_INVALID", a_test_order([{"Code": "YourProductCode"}])),  # disabled
    ("ORDER_ITEMS_QUANTITY_INVALID", a_test_order([{"Code": "04C26C50F8", "Quantity": 0}])),
    ("ORDER_ITEMS_QUANTITY_INVALID", a_test_order([{"Code": "04C26C50F8", "Quantity": 100000}])),
    ("ORDER_ITEMS_INVALID", a_test_order([
        {"Code": "04C26C50F8"},
        {"IsDynamic": True, "Name": "x", "Price": {"Amount": 1, "Type": "CUSTOM"}}])),
    ("ORDER_PRODUCT_PRICE_TYPE_INVALID", a_test_order([
        {"IsDynamic": True, "Name": "x", "Price": {"Amount": 1, "Type": "NET"}}])),
    ("ORDER_PRODUCT_NAME_INVALID", a_test_order([
        {"IsDynamic": True, "Price": {"Amount": 1, "Type": "CUSTOM"}}])),
    ("PRODUCT_ERROR", a_test_order([{"Code": "NewProdCodeAPI12345"}])),  # required option
    ("PAYMENT_NOT_SUPPORTED", a_test_order([{"Code": "04C26C50F8"}], PaymentDetails={
        "Type": "TEST", "PaymentMethod": {**TEST_CARD, "CardNumber": "4000000000000002"}})),
    ("PAYMENT_NOT_SUPPORTED", a_test_order([{"Code": "04C26C50F8"}], PaymentDetails={
        "Type": "CC", "PaymentMethod": TEST_CARD})),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("code", "order"), REFUSED_ORDERS,
                         ids=[f"{c}-{i}" for i, (c, _) in enumerate(REFUSED_ORDERS)])
def test_refused_orders_get_the_documented_codes(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str, code: str,
        order: dict[str, Any]) -> None:
    before = len(sandbox.service.store.all("order"))
    with pytest.raises(InvalidRequestError) as raised:
        make_client(backend).placeOrder(order)
    assert raised.value.code == code and raised.value.operation == "placeOrder"
    assert len(sandbox.service.store.all("order")) == before  # nothing half-written


# -- searchOrders, iter_orders, export --------------------------------------------------------

def _place(client: Client, count: int, **fields: Any) -> list[str]:
    return [str(client.placeOrder(a_test_order([{"Code": "04C26C50F8"}], **fields)).RefNo)
            for _ in range(count)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_orders_filters_and_pages(sandbox: Sandbox, make_client: Callable[..., Client],
                                         backend: str) -> None:
    client = make_client(backend)
    placed = _place(client, 5)
    marked = _place(client, 1, ExternalReference="STORE-MARKED")
    first = client.searchOrders({"Limit": 2})
    assert isinstance(first, models.OrderSearchResult)
    assert first.Pagination == models.Pagination(Page=1, Limit=2, Count=6)
    # the seed order is older than the default 7 days (Newer); a date range finds it
    assert [o.RefNo for o in first.Items] == placed[:2]
    old = client.searchOrders({"StartDate": "2024-01-01", "EndDate": "2024-12-31"})
    assert [o.RefNo for o in old.Items] == ["12345678"]
    assert [o.RefNo for o in client.searchOrders({"ExternalRefNo": "STORE-MARKED"}).Items] \
        == marked
    # the RPC form of the page is taken too
    nested = client.searchOrders({"Pagination": {"Page": 3, "Limit": 2}})
    assert [o.RefNo for o in nested.Items] == placed[4:] + marked
    assert client.searchOrders({"Status": "COMPLETE"}).Pagination.Count == 0
    sandbox.service.clock.offset = 3600  # every placed order is COMPLETE an hour later
    assert client.searchOrders({"Status": "COMPLETE"}).Pagination.Count == 6
    assert client.searchOrders({"IncludeTestOrders": "NO"}).Pagination.Count == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_iter_orders_walks_every_page(make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    placed = _place(client, 5)
    assert [o.RefNo for o in client.iter_orders(Limit=2)] == placed


def test_export_orders_writes_every_order(sandbox: Sandbox, make_client: Callable[..., Client],
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from avangate_compat.cli import main
    placed = _place(make_client("jsonrpc"), 3)
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", sandbox.merchant_code)
    monkeypatch.setenv("AVANGATE_SECRET_KEY", sandbox.credentials["secret_key"])
    monkeypatch.setenv("AVANGATE_BASE_URL", sandbox.url)
    assert main(["export", "orders", "Limit=2", "--backend", "rest"]) == 0
    captured = capsys.readouterr()
    assert [json.loads(line)["RefNo"] for line in captured.out.splitlines()] == placed
    assert captured.err == "avangate-compat export: 3 orders in 2 page(s)\n"


# -- issueRefund ------------------------------------------------------------------------------

def _completed(sandbox: Sandbox, client: Client, **fields: Any) -> models.Order:
    """A test order of two lines, moved on by the clock until it is COMPLETE."""
    placed = client.placeOrder(a_test_order(
        [{"Code": "04C26C50F8", "Quantity": 2}, {"Code": "TeamPlan2024", "Quantity": 1}],
        **fields))
    sandbox.service.clock.offset += 3600
    order: models.Order = client.getOrder(placed.RefNo)
    assert order.Status == "COMPLETE" and order.FinishDate
    return order


def _refusal(call: Callable[[], Any]) -> str:
    with pytest.raises(InvalidRequestError) as raised:
        call()
    assert raised.value.code == "REFUND_NOT_ALLOWED"
    return raised.value.message


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_total_refund_moves_the_order_to_refund_and_a_second_is_refused(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    order = _completed(sandbox, client)
    assert client.issueRefund(order.RefNo, order.GrossPrice, [], "Duplicate", "Other") is True
    assert client.getOrder(order.RefNo).Status == "REFUND"
    assert _refusal(lambda: client.issueRefund(order.RefNo, order.GrossPrice, "")) == \
        "You have already placed a Total refund for this order."


@pytest.mark.parametrize("backend", BACKENDS)
def test_only_a_complete_order_is_refunded(sandbox: Sandbox, make_client: Callable[..., Client],
                                           backend: str) -> None:
    client = make_client(backend)
    placed = client.placeOrder(a_test_order([{"Code": "04C26C50F8"}]))
    assert _refusal(lambda: client.issueRefund(placed.RefNo, placed.GrossPrice, [])) == \
        "You cannot place a refund request due to the order's current status."
    sandbox.service.clock.offset += 120  # AUTHRECEIVED: still not refundable
    assert client.getOrder(placed.RefNo).Status == "AUTHRECEIVED"
    assert _refusal(lambda: client.issueRefund(placed.RefNo, placed.GrossPrice, [])) == \
        "You cannot place a refund request due to the order's current status."


@pytest.mark.parametrize("backend", BACKENDS)
def test_partial_refunds_stop_at_what_remains(sandbox: Sandbox,
                                              make_client: Callable[..., Client],
                                              backend: str) -> None:
    client = make_client(backend)
    order = _completed(sandbox, client)
    line = order.Items[0]
    assert line.Price is not None and line.Price.UnitGrossPrice is not None
    part = {"LineItemReference": line.LineItemReference, "Quantity": 1,
            "Amount": line.Price.UnitGrossPrice}
    assert client.issueRefund(order.RefNo, line.Price.UnitGrossPrice, [part], "one seat",
                              "Other") is True
    assert client.getOrder(order.RefNo).Status == "COMPLETE"  # a partial refund keeps it
    assert order.GrossPrice is not None
    remaining = order.GrossPrice - line.Price.UnitGrossPrice
    assert _refusal(lambda: client.issueRefund(order.RefNo, remaining + Decimal("0.01"), [
        models.RefundItem(LineItemReference=order.Items[1].LineItemReference, Quantity=1)])) \
        == "The maximum refundable amount for this order has been exceeded."
    # what remains is refunded by a total refund
    assert client.issueRefund(order.RefNo, remaining, []) is True
    assert client.getOrder(order.RefNo).Status == "REFUND"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_pending_refund_blocks_another(sandbox: Sandbox, make_client: Callable[..., Client],
                                         backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = make_client(backend)
    order = _completed(sandbox, client)
    monkeypatch.setitem(sandbox.service.order_settings, "refund_after", 600.0)
    line = order.Items[0]
    part = [{"LineItemReference": line.LineItemReference, "Quantity": 1}]
    assert client.issueRefund(order.RefNo, Decimal("1.00"), part) is True
    assert _refusal(lambda: client.issueRefund(order.RefNo, Decimal("1.00"), part)) == \
        "You already have a pending refund request."
    sandbox.service.clock.offset += 600  # the first is done: another may follow
    assert client.issueRefund(order.RefNo, Decimal("1.00"), part) is True


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_order_older_than_a_year_is_not_refunded(make_client: Callable[..., Client],
                                                    backend: str) -> None:
    assert _refusal(lambda: make_client(backend).issueRefund("12345678", Decimal("10"), [])) \
        == "The allowed period to request a new refund for this order has expired"


def test_refund_lines_must_be_lines_of_the_order(sandbox: Sandbox,
                                                 make_client: Callable[..., Client]) -> None:
    client = make_client("soap")
    order = _completed(sandbox, client)
    assert _refusal(lambda: client.issueRefund(order.RefNo, Decimal("1"), [
        {"LineItemReference": "NOSUCHLINE", "Quantity": 1}])) == \
        "PRODUCTS_CODES missing or format incorrect"
    assert _refusal(lambda: client.issueRefund(order.RefNo, Decimal("1"), [
        {"LineItemReference": order.Items[0].LineItemReference, "Quantity": 3}])) == \
        "Invalid PRODUCTS_QTY"


def test_the_rest_refund_body_is_lowercase_and_empty_items_mean_total(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    """The body the official PHP SDK posts: lowercase keys, items "" for a total refund."""
    import requests

    from avangate_compat.auth import rest_auth_header
    order = _completed(sandbox, make_client("rest"))
    header = rest_auth_header(sandbox.merchant_code, sandbox.secret_key, "sha256")
    answer = requests.post(
        f"{sandbox.url}/rest/6.0/orders/{order.RefNo}/refund/", timeout=5,
        headers={"X-Avangate-Authentication": header, "Accept": "application/json"},
        json={"amount": str(order.GrossPrice), "items": "", "comment": "c", "reason": "Other"})
    assert answer.status_code == 200, answer.text
    assert make_client("rest").getOrder(order.RefNo).Status == "REFUND"


def test_the_sandbox_takes_the_rpc_page_form_as_legacy_callers_send_it(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    """JSON-RPC code written from the docs nests the page: {Pagination: {Page, Limit}}."""
    from .test_sandbox import login, rpc
    placed = _place(make_client("jsonrpc"), 3)
    session = login(sandbox)["result"]
    answer = rpc(sandbox, "searchOrders", [session, {"Pagination": {"Page": 2, "Limit": 2}}])
    page = answer["result"]
    # (numbers arrive as text over the sandbox's JSON-RPC, as the API's samples show them)
    assert {k: int(v) for k, v in page["Pagination"].items()} == {"Page": 2, "Limit": 2,
                                                                  "Count": 3}
    items = page["Items"]
    refs = [item["RefNo"] for item in (items.values() if isinstance(items, dict) else items)]
    assert refs == placed[2:]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_recurring_dynamic_line_makes_a_subscription_renewing_at_its_price(
        make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    order = client.placeOrder(a_test_order([{
        "IsDynamic": True, "Name": "Hosting", "Quantity": 1, "PriceType": "NET",
        "Price": {"Amount": "10.00", "Type": "CUSTOM"},
        "RecurringOptions": {"CycleLength": 3, "CycleUnit": "MONTH", "CycleAmount": "10.00",
                             "ContractLength": 12, "ContractUnit": "MONTH"}}],
        Currency="EUR", BillingDetails={**BILLING, "CountryCode": "DE"}))
    [made] = order.Items[0].ProductDetails.Subscriptions
    assert made.ExpirationDate == _months_after(str(order.OrderDate)[:10], 3)
    assert order.CustomerDetails.Enabled is True
    renewal = client.getNextRenewalPrice(made.SubscriptionReference, "EUR")
    assert (renewal.NetPrice, renewal.FinalPrice) == (Decimal("10.00"), Decimal("11.90"))


def _months_after(day: str, months: int) -> str:
    import calendar
    import datetime
    start = datetime.date.fromisoformat(day)
    year, month = divmod(start.month - 1 + months, 12)
    last = calendar.monthrange(start.year + year, month + 1)[1]
    return datetime.date(start.year + year, month + 1, min(start.day, last)).isoformat()
