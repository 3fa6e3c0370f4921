"""Subscriptions living through the sandbox's clock (issue 23): renewal orders at the next
renewal price when the clock passes an ExpirationDate, expiry without recurring billing, the
history they write, and the signed license change notifications (LCN) they send to a real
listener that verifies them with the client's ``avangate_compat.lcn``."""

from __future__ import annotations

import calendar
import datetime
import urllib.error
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Callable

import pytest

from avangate_compat import Client, lcn
from avangate_compat.sandbox import Sandbox
from avangate_compat.sandbox.resources import subscription_life

from .conftest import BACKENDS
from .listeners import LCNListener, ipn_listener
from .listeners import lcn_listener as make_lcn_listener
from .test_orders import BILLING, a_test_order

DAY = 86400
VAT = {"DE": Decimal("0.19"), "RO": Decimal("0.19"), "FR": Decimal("0.20"),
       "GB": Decimal("0.20"), "ES": Decimal("0.21"), "US": Decimal(0)}
CENT = Decimal("0.01")


def recurring_order(items: list[dict[str, Any]], country: str = "RO",
                    **fields: Any) -> dict[str, Any]:
    """A TEST order in EUR whose payment asks for recurring billing."""
    order = a_test_order(items, Currency="EUR", BillingDetails={**BILLING, "CountryCode": country},
                         **fields)
    order["PaymentDetails"] = {**order["PaymentDetails"], "Currency": "EUR",
                               "RecurringEnabled": True}
    return order


def team_plan(quantity: int = 1) -> dict[str, Any]:
    return {"Code": "TeamPlan2024", "Quantity": quantity}


def advance(sandbox: Sandbox, days: float) -> Any:
    return sandbox.control("POST", "clock/advance", {"seconds": days * DAY})


def stored(sandbox: Sandbox, reference: str) -> Any:
    return sandbox.service.store.get("subscription", reference)


def stored_order(sandbox: Sandbox, ref_no: str) -> Any:
    record: Any = sandbox.service.store.get("order", ref_no)
    return record["order"]


def months_after(day: str, months: int) -> str:
    """``day`` moved on ``months`` times by a month, a month-end day cut to a shorter month's
    last (where renewals go on from)."""
    date = datetime.date.fromisoformat(day)
    for _ in range(months):
        year, month = divmod(date.month, 12)
        last = calendar.monthrange(date.year + year, month + 1)[1]
        date = datetime.date(date.year + year, month + 1, min(date.day, last))
    return date.isoformat()


def days_until(day: str) -> int:
    """Days from today (the sandbox's clock, reset for each test) to ``day``."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    return (datetime.date.fromisoformat(day) - today).days


def expected_price(country: str, quantity: int, unit: str, gross: bool) -> tuple[Decimal, Decimal]:
    """(net, final) of ``quantity`` at ``unit``, net or gross, with the country's VAT."""
    total, rate = Decimal(unit) * quantity, VAT[country]
    if gross:
        return (total / (1 + rate)).quantize(CENT), total.quantize(CENT)
    return total.quantize(CENT), (total * (1 + rate)).quantize(CENT)


def subscription_of(order: Any) -> str:
    return str(order.Items[0].ProductDetails.Subscriptions[0].SubscriptionReference)


# -- renewal -------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_a_recurring_subscription_renews_with_an_order_at_its_next_renewal_price(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    placed = client.placeOrder(recurring_order([team_plan(3)]))
    reference = subscription_of(placed)
    quoted = client.getNextRenewalPrice(reference, "EUR")
    assert (quoted.NetPrice, quoted.FinalPrice) == expected_price("RO", 3, "24.00", gross=False)
    sold = stored(sandbox, reference)
    assert sold["RecurringEnabled"] is True

    answer = advance(sandbox, 32)  # past one monthly ExpirationDate, short of the next
    assert answer["subscriptions_renewed"] == answer["renewal_orders"] == 1

    renewed = stored(sandbox, reference)
    assert renewed["ExpirationDate"] == months_after(sold["ExpirationDate"], 1)
    assert renewed["SubscriptionEnabled"] is True
    ref_no = renewed["History"][-1]["ReferenceNo"]
    order = client.getOrder(ref_no)  # a renewal order, read like any other
    assert order.RefNo == ref_no != placed.RefNo
    assert (order.NetPrice, order.GrossPrice, order.Currency) == (
        quoted.NetPrice, quoted.FinalPrice, "EUR")
    assert order.Status == "COMPLETE" and order.TestOrder is True  # charged a month ago
    assert order.OrderDate == f"{sold['ExpirationDate']} 00:00:00"
    assert order.CustomerReference == placed.CustomerReference
    [line] = order.Items
    assert (line.Code, line.Quantity, line.Price.GrossPrice) == ("TeamPlan2024", 3,
                                                                 quoted.FinalPrice)
    [made] = line.ProductDetails.Subscriptions
    assert (made.SubscriptionReference, made.ExpirationDate) == (
        reference, renewed["ExpirationDate"])
    assert order.BillingDetails.Email == BILLING["Email"]


@pytest.mark.parametrize(("country", "quantity", "unit", "gross"), [
    ("US", 1, "24.00", False),   # the default configuration, net, no VAT
    ("RO", 3, "24.00", False),   # the default configuration, net, 19 % added
    ("GB", 11, "24.00", False),  # a volume the renewal price covers too
    ("DE", 2, "29.75", True),    # the "Europe" configuration, gross, 19 % inside
    ("FR", 12, "29.75", True),   # gross, 20 % inside
])
def test_the_renewal_charges_vat_by_country_and_quantity(
        sandbox: Sandbox, make_client: Callable[..., Client], country: str, quantity: int,
        unit: str, gross: bool) -> None:
    client = make_client("jsonrpc")
    reference = subscription_of(client.placeOrder(recurring_order([team_plan(quantity)],
                                                                  country)))
    advance(sandbox, 32)
    order = client.getOrder(stored(sandbox, reference)["History"][-1]["ReferenceNo"])
    assert (order.NetPrice, order.GrossPrice) == expected_price(country, quantity, unit, gross)
    assert order.GrossPrice - order.NetPrice == order.VAT


def test_custom_renewal_price_cycles_are_used_up_then_the_regular_price_applies(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("soap")
    reference = subscription_of(client.placeOrder(recurring_order([team_plan(2)])))
    assert client.setCustomRenewalPrice(reference, Decimal("10.00"), "EUR", 2, "promo") is True
    start = stored(sandbox, reference)["ExpirationDate"]
    # one jump over three monthly ExpirationDates (at most 92 days), short of the fourth
    answer = advance(sandbox, days_until(months_after(start, 2)) + 1)
    assert (answer["subscriptions_renewed"], answer["renewal_orders"]) == (1, 3)
    record = stored(sandbox, reference)
    charged = [client.getOrder(entry["ReferenceNo"]).GrossPrice
               for entry in record["History"][1:]]
    custom = expected_price("RO", 2, "10.00", gross=False)[1]
    regular = expected_price("RO", 2, "24.00", gross=False)[1]
    assert charged == [custom, custom, regular]
    assert record["CustomRenewalPrice"] is None  # used up
    assert client.getNextRenewalPrice(reference, "EUR").FinalPrice == regular
    assert record["ExpirationDate"] == months_after(start, 3)


def test_a_dynamic_subscription_renews_at_its_price_every_cycle_the_clock_passed(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("rest")
    placed = client.placeOrder(recurring_order([{
        "IsDynamic": True, "Name": "Daily backup", "Quantity": 2, "PriceType": "NET",
        "Price": {"Amount": "1.50", "Type": "CUSTOM"},
        "RecurringOptions": {"CycleLength": 1, "CycleUnit": "DAY"}}], "DE"))
    reference = subscription_of(placed)
    first = datetime.date.fromisoformat(stored(sandbox, reference)["ExpirationDate"])
    answer = advance(sandbox, 10)  # ten daily ExpirationDates passed in one jump
    assert (answer["subscriptions_renewed"], answer["renewal_orders"]) == (1, 10)
    record = stored(sandbox, reference)
    assert record["ExpirationDate"] == (first + datetime.timedelta(days=10)).isoformat()
    history = record["History"]
    assert [entry["Type"] for entry in history] == ["SALE"] + ["RENEWAL"] * 10
    assert history[0]["ReferenceNo"] == placed.RefNo
    renewals = [entry["ReferenceNo"] for entry in history[1:]]
    assert len(set(renewals)) == 10 and placed.RefNo not in renewals
    assert [entry["ExpirationDate"] for entry in history[1:]] == [
        (first + datetime.timedelta(days=n)).isoformat() for n in range(1, 11)]
    net, final = expected_price("DE", 2, "1.50", gross=False)
    for number, ref_no in enumerate(renewals):
        order = client.getOrder(ref_no)
        assert (order.NetPrice, order.GrossPrice) == (net, final)
        assert order.Items[0].IsDynamic is True and order.Items[0].Name == "Daily backup"
        assert order.OrderDate[:10] == (first + datetime.timedelta(days=number)).isoformat()


# -- expiry and the subscriptions the clock leaves alone -----------------------------------------

def test_a_subscription_without_recurring_billing_expires(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("jsonrpc")
    placed = client.placeOrder(a_test_order([team_plan()]))  # no RecurringEnabled
    reference = subscription_of(placed)
    before = stored(sandbox, reference)
    assert before["RecurringEnabled"] is False
    assert advance(sandbox, 31 + 1)["renewal_orders"] == 0
    record = stored(sandbox, reference)
    assert (record["SubscriptionEnabled"], record["Status"]) == (False, "EXPIRED")
    assert record["ExpirationDate"] == before["ExpirationDate"]
    assert [entry["Type"] for entry in record["History"]] == ["SALE"]
    assert advance(sandbox, 365)["subscriptions_expired"] == 0  # expired once, for good


def test_the_status_an_lcn_carries() -> None:
    status = subscription_life.status
    assert status({"SubscriptionEnabled": True}) == status({}) == "ACTIVE"
    assert status({"SubscriptionEnabled": False}) == "DISABLED"
    assert status({"SubscriptionEnabled": False, "Status": "EXPIRED"}) == "EXPIRED"
    # enabled again after a cancel or an expiry: active, whatever was stored
    assert status({"SubscriptionEnabled": True, "Status": "EXPIRED"}) == "ACTIVE"
    assert status({"SubscriptionEnabled": True, "Status": "DISABLED"}) == "ACTIVE"


def test_a_disabled_subscription_neither_renews_nor_expires(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("jsonrpc")
    reference = subscription_of(client.placeOrder(recurring_order([team_plan()])))
    record = stored(sandbox, reference)
    record.update(SubscriptionEnabled=False, Status="DISABLED")  # as a cancel leaves it
    sandbox.service.store.put("subscription", reference, record)
    answer = advance(sandbox, 100)
    assert answer["renewal_orders"] == 0
    assert stored(sandbox, reference) == record


def test_a_lifetime_subscription_never_expires(sandbox: Sandbox) -> None:
    lifetime = {"SubscriptionReference": "LIFETIME01", "ProductCode": "TeamPlan2024",
                "PricingConfigurationCode": "8C4E6A2B31", "Quantity": 1, "CountryCode": "US",
                "StartDate": "2020-01-01", "ExpirationDate": "2021-01-01", "Lifetime": True,
                "SubscriptionEnabled": True, "RecurringEnabled": False,
                "CustomRenewalPrice": None, "Renewals": []}
    sandbox.service.store.put("subscription", "LIFETIME01", lifetime)
    advance(sandbox, 20 * 365)
    assert stored(sandbox, "LIFETIME01") == lifetime
    notes: list[subscription_life.Note] = []
    subscription_life.changed(sandbox.service, lifetime, notes)
    assert dict(notes[0])["EXPIRATION_DATE"] == "9999-12-31 23:59:59"


def test_a_subscription_with_no_renewal_price_in_its_currency_expires(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("jsonrpc")
    reference = subscription_of(client.placeOrder(recurring_order([team_plan()])))
    record = stored(sandbox, reference)
    record["Currency"] = "JPY"  # the product has no price in it
    sandbox.service.store.put("subscription", reference, record)
    answer = advance(sandbox, 32)
    assert (answer["renewal_orders"], stored(sandbox, reference)["Status"]) == (0, "EXPIRED")


def test_a_renewal_order_completes_and_sends_its_ipn(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    heard = ipn_listener(sandbox.secret_key)
    try:
        client = make_client("jsonrpc")
        reference = subscription_of(client.placeOrder(recurring_order([team_plan()])))
        advance(sandbox, 1)  # the sale itself completes
        sandbox.control("POST", "settings", {"ipn_url": heard.url})
        advance(sandbox, 31)
        ref_no = stored(sandbox, reference)["History"][-1]["ReferenceNo"]
        [ipn] = heard.received
        assert (ipn.ref_no, ipn.order_status) == (ref_no, "COMPLETE")
    finally:
        heard.close()
        sandbox.control("POST", "settings", {"ipn_url": None})


# -- license change notifications ----------------------------------------------------------------

@pytest.fixture
def lcn_listener(sandbox: Sandbox, request: pytest.FixtureRequest) -> Iterator[LCNListener]:
    algo, wrong = getattr(request, "param", ("sha256", False))
    heard = make_lcn_listener(sandbox.secret_key, algo, wrong)
    settings = sandbox.control("POST", "settings", {"lcn_url": heard.url})
    assert settings["lcn_url"] == heard.url
    yield heard
    heard.close()
    sandbox.control("POST", "settings", {"lcn_url": None})


@pytest.mark.parametrize("lcn_listener", [("sha256", False), ("sha3-256", False),
                                          ("md5", False)], indirect=True)
def test_every_change_sends_a_signed_lcn_the_listener_verifies_and_answers(
        sandbox: Sandbox, make_client: Callable[..., Client], lcn_listener: LCNListener) -> None:
    client = make_client("jsonrpc")
    placed = client.placeOrder(recurring_order([team_plan()],
                                               ExternalCustomerReference="SHOP-LCN-1"))
    reference = subscription_of(placed)
    sold = stored(sandbox, reference)
    [sale] = lcn_listener.received  # the new subscription
    assert (sale.license_code, sale.changed_by, sale.status, sale.test) == (
        reference, lcn.ChangedBy.VENDOR, "ACTIVE", True)
    assert sale.expiration_date == datetime.datetime.fromisoformat(sold["ExpirationDate"])
    assert (sale.email, sale.first_name, sale.country) == (BILLING["Email"], "Ada", "RO")
    assert sale.external_customer_reference == "SHOP-LCN-1"
    assert sale.avangate_customer_reference == str(placed.CustomerReference)
    assert sale.license_type == lcn.LicenseType.REGULAR and sale.get("DISABLED") == "0"

    advance(sandbox, 32)
    renewal = lcn_listener.received[-1]
    renewed = stored(sandbox, reference)["ExpirationDate"]
    assert (renewal.license_code, renewal.changed_by) == (reference, lcn.ChangedBy.SYSTEM)
    assert renewal.expiration_date == datetime.datetime.fromisoformat(renewed)
    assert renewal.date_updated == datetime.datetime.fromisoformat(sold["ExpirationDate"])
    log = sandbox.control("GET", "lcn/log")
    mine = [entry for entry in log if dict(entry["fields"])["LICENSE_CODE"] == reference]
    assert len(mine) == 2
    assert all(entry["delivered"] and entry["status"] == 200 and entry["answer_valid"]
               for entry in mine)


def test_an_expiry_sends_an_lcn_of_the_expired_subscription(
        sandbox: Sandbox, make_client: Callable[..., Client], lcn_listener: LCNListener) -> None:
    client = make_client("jsonrpc")
    reference = subscription_of(client.placeOrder(a_test_order([team_plan()])))
    advance(sandbox, 32)
    [expired] = [n for n in lcn_listener.received[1:] if n.license_code == reference]
    assert (expired.status, expired.get("DISABLED"), expired.changed_by) == (
        "EXPIRED", "1", lcn.ChangedBy.SYSTEM)


@pytest.mark.parametrize("lcn_listener", [("sha256", True)], indirect=True)
def test_a_wrong_read_receipt_is_logged_as_invalid(
        sandbox: Sandbox, make_client: Callable[..., Client], lcn_listener: LCNListener) -> None:
    make_client("jsonrpc").placeOrder(recurring_order([team_plan()]))
    [entry] = sandbox.control("GET", "lcn/log")
    assert entry["delivered"] is True and entry["answer_valid"] is False
    assert "does not match" in entry["reason"]
    assert len(lcn_listener.received) == 1  # it arrived and verified; only the answer is bad


def test_an_unreachable_listener_is_logged_and_the_change_stands(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    heard = make_lcn_listener(sandbox.secret_key)
    heard.close()  # nobody listens on its port any more
    sandbox.control("POST", "settings", {"lcn_url": heard.url})
    try:
        placed = make_client("jsonrpc").placeOrder(recurring_order([team_plan()] * 3))
        assert all(stored(sandbox, line.ProductDetails.Subscriptions[0].SubscriptionReference)
                   for line in placed.Items)
        first, *rest = sandbox.control("GET", "lcn/log")
        assert first["delivered"] is False and first["reason"].startswith("not delivered")
        assert len(rest) == 2 and all(  # not each tried and waited for in turn
            not entry["delivered"] and entry["reason"].startswith("not sent") for entry in rest)
    finally:
        sandbox.control("POST", "settings", {"lcn_url": None})


def test_the_lcn_listener_must_be_on_loopback(sandbox: Sandbox) -> None:
    for url in ("http://example.com/lcn", "https://127.0.0.1/lcn", 42):
        with pytest.raises(urllib.error.HTTPError) as raised:
            sandbox.control("POST", "settings", {"lcn_url": url})
        assert raised.value.code == 400
    assert sandbox.control("POST", "settings", {})["lcn_url"] is None


# -- a thousand at once ----------------------------------------------------------------------------

COUNTRIES = ("RO", "DE", "US", "FR", "GB", "ES")


def test_one_clock_advance_renews_a_thousand_subscriptions_each_at_its_price(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    """20 orders of 50 lines: catalog lines (net and gross configurations, volumes, six VAT
    countries, a custom price on every tenth) and dynamic lines, 1,000 subscriptions."""
    client = make_client("jsonrpc")
    expected: dict[str, tuple[Decimal, Decimal]] = {}
    for number in range(20):
        country = COUNTRIES[number % len(COUNTRIES)]
        dynamic = number % 5 == 4
        quantities = [1 + (number * 50 + line) % 17 for line in range(50)]
        if dynamic:
            items = [{"IsDynamic": True, "Name": f"Service {q}", "Quantity": q,
                      "PriceType": "NET", "Price": {"Amount": f"{q}.25", "Type": "CUSTOM"},
                      "RecurringOptions": {"CycleLength": 1, "CycleUnit": "MONTH"}}
                     for q in quantities]
        else:
            items = [team_plan(q) for q in quantities]
        order = client.placeOrder(recurring_order(items, country))
        gross = country in ("DE", "FR") and not dynamic  # the gross "Europe" configuration
        for line, quantity in zip(order.Items, quantities):
            reference = line.ProductDetails.Subscriptions[0].SubscriptionReference
            unit = f"{quantity}.25" if dynamic else "29.75" if gross else "24.00"
            expected[reference] = expected_price(country, quantity, unit, gross)
    for reference in list(expected)[::10]:
        client.setCustomRenewalPrice(reference, Decimal("20.00"), "EUR", 1)
        quantity = stored(sandbox, reference)["Quantity"]
        expected[reference] = expected_price(stored(sandbox, reference)["CountryCode"],
                                             quantity, "20.00", gross=False)
    assert len(expected) == 1000

    answer = advance(sandbox, 32)
    assert (answer["subscriptions_renewed"], answer["renewal_orders"]) == (1000, 1000)

    renewal_orders = set()
    for reference, (net, final) in expected.items():
        record = stored(sandbox, reference)
        sale, renewal = record["History"]
        assert (sale["Type"], renewal["Type"]) == ("SALE", "RENEWAL")
        assert renewal["ExpirationDate"] == record["ExpirationDate"] == months_after(
            sale["ExpirationDate"], 1)
        order = stored_order(sandbox, renewal["ReferenceNo"])
        assert (order["NetPrice"], order["GrossPrice"]) == (net, final), reference
        assert order["Items"][0]["ProductDetails"]["Subscriptions"][0][
            "SubscriptionReference"] == reference
        assert record["CustomRenewalPrice"] is None
        renewal_orders.add(renewal["ReferenceNo"])
    assert len(renewal_orders) == 1000
    sample = list(expected)[::250]  # and over the wire, as a client reads them
    for reference in sample:
        ref_no = stored(sandbox, reference)["History"][-1]["ReferenceNo"]
        assert client.getOrder(ref_no).GrossPrice == expected[reference][1]
