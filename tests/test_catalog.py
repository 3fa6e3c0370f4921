"""The catalog calls beyond the first eight (issue 15): every operation's error paths on every
backend, the sandbox's rules that keep its state consistent, and the REST gaps held open."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any, Callable

import pytest

from avangate_compat import (
    Client,
    InvalidRequestError,
    NotFoundError,
    ValidationError,
    models,
)
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS, SESSION_BACKENDS

NOWHERE = "http://127.0.0.1:9"  # nothing listens: a call that reached the network would fail
CONFIG = {"Name": "Extra", "PricingSchema": "FLAT",
          "Prices": {"Regular": [{"Amount": "10", "Currency": "USD"}]}}
SCHEMA = [{"ProductCode": "NOSUCHPRODUCT", "PriceConfigurations": []}]

# operation -> arguments naming something that does not exist
UNKNOWN: dict[str, tuple[Any, ...]] = {
    "getPricingConfigurations": ("NOSUCHPRODUCT",),
    "getPricingConfigurationByCode": ("TeamPlan2024", "NOSUCHCODE"),
    "getPricingConfigurationByName": ("TeamPlan2024", "No such name", "FLAT"),
    "addPricingConfiguration": (CONFIG, "NOSUCHPRODUCT"),
    "updatePricingConfiguration": ({**CONFIG, "Code": "NOSUCHCODE"}, "TeamPlan2024"),
    "getSKUDetails": ("NOSUCHSKU",),
    "getSKUCodeByDetails": ({"PricingConfigurationCode": "NOSUCHCODE"},),
    "setSku": (SCHEMA,),
    "deleteSku": ([{"ProductCode": "TeamPlan2024", "PriceConfigurations": [{
        "PriceConfigurationCode": "8C4E6A2B31", "SKUs": ["NOSUCHSKU"]}]}],),
    "getNextRenewalPrice": ("NOSUCHSUB", "USD"),
    "setCustomRenewalPrice": ("NOSUCHSUB", Decimal("1"), "USD", 1),
    "renewSubscription": ("NOSUCHSUB", 30, Decimal("1"), "USD"),
    "setProductStatus": ("NOSUCHPRODUCT", True, "https://example.com/r", "notes"),
    "getPartnerResellers": ("NOSUCHPARTNER", {}),
    "getOrder": ("99999999",),
    "issueRefund": ("99999999", Decimal("1"), []),
    "getCustomerInformation": (999, ""),
    "updateCustomerInformation": ({"AvangateCustomerReference": 999, "FirstName": "X"},),
    "placeOrder": ({"CustomerReference": 999, "Items": [{"Code": "04C26C50F8"}],
                    "PaymentDetails": {"Type": "TEST"}},),
    "getSubscription": ("NOSUCHSUB",),
    "getSubscriptions": (["SUBSCR0001", "NOSUCHSUB"],),
    "getSubscriptionHistory": ("NOSUCHSUB",),
    "addSubscription": ({"Product": {"ProductCode": "NOSUCHPRODUCT"},
                         "StartDate": "2026-01-01", "ExpirationDate": "2027-01-01"},),
    "updateSubscription": ({"SubscriptionReference": "NOSUCHSUB"},),
    "cancelSubscription": ("NOSUCHSUB",),
    "enableSubscription": ("NOSUCHSUB",),
    "enableRecurringBilling": ("NOSUCHSUB",),
    "disableRecurringBilling": ("NOSUCHSUB", ["CHURN_REASON_DONT_NEED"]),
    "extendSubscription": ("NOSUCHSUB", 5),
    "getCustomerSubscriptions": (999,),
}
UNKNOWN_CASES = [(backend, name) for name in UNKNOWN for backend in BACKENDS]


@pytest.mark.parametrize(("backend", "operation"), UNKNOWN_CASES,
                         ids=[f"{b}-{n}" for b, n in UNKNOWN_CASES])
def test_an_unknown_code_is_not_found_on_every_backend(
        make_client: Callable[..., Client], backend: str, operation: str) -> None:
    with pytest.raises(NotFoundError) as raised:
        make_client(backend).call(operation, *UNKNOWN[operation])
    assert raised.value.operation == operation and raised.value.code


# operation -> (bad arguments, the field path the ValidationError names)
BAD: list[tuple[str, tuple[Any, ...], str]] = [
    ("getPricingConfigurations", ("",), "ProductCode"),
    ("getPricingConfigurationByCode", ("TeamPlan2024", "../x"), "pricingConfigurationCode"),
    ("getPricingConfigurationByName", ("TeamPlan2024", "Europe", "flat"), "schemaType"),
    ("getPricingConfigurationByName", ("TeamPlan2024", "Europe", "FLAT", "BOTH"), "priceType"),
    ("addPricingConfiguration", ({**CONFIG, "PricingSchema": "STEEP"}, "TeamPlan2024"),
     "PricingConfiguration.PricingSchema"),
    ("addPricingConfiguration", ({**CONFIG, "Code": "MINE"}, "TeamPlan2024"),
     "PricingConfiguration.Code"),
    ("addPricingConfiguration", ({**CONFIG, "Prices": {"Regular": [
        {"Amount": "1", "Currency": "EURO"}]}}, "TeamPlan2024"),
     "PricingConfiguration.Prices.Regular[0].Currency"),
    ("updatePricingConfiguration", (CONFIG, "TeamPlan2024"), "PricingConfiguration.Code"),
    ("updatePricingConfiguration", ({**CONFIG, "Code": "X", "Prices": {"Regular": [
        {"Amount": "1", "Currency": "USD", "MinQuantity": 9, "MaxQuantity": 2}]}},
        "TeamPlan2024"), "PricingConfiguration.Prices.Regular[0].MinQuantity"),
    ("getSKUDetails", ("a/b",), "skuCode"),
    ("getSKUCodeByDetails", ({"Currency": "EUR"},), "Details.PricingConfigurationCode"),
    ("getSKUCodeByDetails", ({"PricingConfigurationCode": "X", "PurchaseType": "TRIAL"},),
     "Details.PurchaseType"),
    ("getSKUCodeByDetails", ({"PricingConfigurationCode": "X", "Quantity": 0},),
     "Details.Quantity"),
    ("setSku", ([],), "Schema"),
    ("setSku", ([{"ProductCode": "P", "PriceConfigurations": [{
        "PriceConfigurationCode": "C", "SKUs": [{"Code": ""}]}]}],),
     "Schema[0].PriceConfigurations[0].SKUs[0].Code"),
    ("deleteSku", ([{"ProductCode": "P", "PriceConfigurations": [{
        "PriceConfigurationCode": "C", "SKUs": []}]}],), "SKUs[0].PriceConfigurations[0].SKUs"),
    ("getNextRenewalPrice", ("SUBSCR0001", "US"), "Currency"),
    ("setCustomRenewalPrice", ("SUBSCR0001", Decimal("-1"), "USD", 1), "Price"),
    ("setCustomRenewalPrice", ("SUBSCR0001", Decimal("NaN"), "USD", 1), "Price"),
    ("setCustomRenewalPrice", ("SUBSCR0001", Decimal("1"), "USD", 0), "Cycles"),
    ("setCustomRenewalPrice", ("SUBSCR0001", Decimal("1"), "USD", 1, "\x00"), "ReasonText"),
    ("renewSubscription", ("SUBSCR0001", 0, Decimal("1"), "USD"), "days"),
    ("renewSubscription", ("SUBSCR0001", 30, True, "USD"), "price"),
    ("searchProducts", ({"Colour": "red"},), "SearchOptions.Colour"),
    ("searchProducts", ({"Types": ["GADGET"]},), "SearchOptions.Types[0]"),
    ("searchProducts", ({"Enabled": "yes"},), "SearchOptions.Enabled"),
    ("searchProducts", ({"Limit": 0},), "SearchOptions.Limit"),
    ("addProduct", ({"ProductName": "No code"},), "Product.ProductCode"),
    ("addProduct", ({"ProductCode": "P", "ProductName": "x", "AvangateId": "1"},),
     "Product.AvangateId"),
    ("addProduct", ({"ProductCode": "P", "ProductName": "x", "PricingConfigurations": [
        {"Name": "D"}]},), "Product.PricingConfigurations[0].PricingSchema"),
    ("setProductStatus", ("YourProductCode", True, ""), "ReviewProductUrl"),
    ("createReseller", ({"Phone": "123"},), "Reseller"),
    ("createReseller", ({"Company": "C", "ResellerCode": "R1"},), "Reseller.ResellerCode"),
    ("createReseller", ({"Company": "C", "Country": "GBR"},), "Reseller.Country"),
    ("getPartnerResellers", ("SANDBOXPARTNER", {"Page": -1}), "Options.Page"),
    ("getOrder", ("../1",), "RefNo"),
    ("placeOrder", ({"RefNo": "1", "Items": [{"Code": "P"}]},), "Order.RefNo"),
    ("placeOrder", ({"Items": [{"Code": "P", "Quantity": "two"}]},), "Order.Items[0].Quantity"),
    ("placeOrder", ({"Currency": "EURO", "Items": []},), "Order.Currency"),
    ("searchOrders", ({"Status": "DONE"},), "SearchOptions.Status"),
    ("searchOrders", ({"Pagination": {"Limit": 0}},), "SearchOptions.Pagination.Limit"),
    ("searchOrders", ({"Limit": 2, "Pagination": {"Limit": 3}},),
     "SearchOptions.Pagination.Limit"),
    ("searchOrders", ({"StartDate": "2024-02-30"},), "SearchOptions.StartDate"),
    ("issueRefund", ("12345678", Decimal("-1"), []), "Amount"),
    ("issueRefund", ("12345678", Decimal("1"), "all"), "Items"),
    ("issueRefund", ("12345678", Decimal("1"), [{"Quantity": 1}]), "Items[0].LineItemReference"),
    ("issueRefund", ("12345678", Decimal("1"), [], 7), "Comment"),
    ("createCustomer", ({"AvangateCustomerReference": 5, "FirstName": "X"},),
     "Customer.AvangateCustomerReference"),
    ("createCustomer", ({"CountryCode": "USA"},), "Customer.CountryCode"),
    ("getCustomerInformation", (-1,), "AvangateCustomerReference"),
    ("getCustomerInformation", ("abc",), "AvangateCustomerReference"),
    ("updateCustomerInformation", ({"FirstName": "X"},), "Customer.AvangateCustomerReference"),
    ("updateCustomerInformation", ({"AvangateCustomerReference": 5}, "yes"),
     "UpdateEndUserSubscriptions"),
    ("getSubscription", ("a/b",), "SubscriptionReference"),
    ("getSubscriptions", ([],), "SubscriptionReferences"),
    ("getSubscriptions", (["SUBSCR0001"], "yes"), "Aggregate"),
    ("searchSubscriptions", ({"RecurringEnabled": "maybe"},),
     "SearchOptions.RecurringEnabled[0]"),
    ("searchSubscriptions", ({"CountryCodes": ["FRA"]},), "SearchOptions.CountryCodes[0]"),
    ("searchSubscriptions", ({"PurchasedAfter": "2026-13-01"},), "SearchOptions.PurchasedAfter"),
    ("addSubscription", ({"SubscriptionReference": "X", "Product": {"ProductCode": "P"}},),
     "Subscription.SubscriptionReference"),
    ("addSubscription", ({"StartDate": "2026-01-01", "ExpirationDate": "2027-01-01"},),
     "Subscription.Product"),
    ("addSubscription", ({"Product": {"ProductCode": "P"}, "StartDate": "2026-01-01"},),
     "Subscription.ExpirationDate"),
    ("updateSubscription", ({"RecurringEnabled": True},), "Subscription.SubscriptionReference"),
    ("updateSubscription", ({"SubscriptionReference": "S", "ExpirationDate": "soon"},),
     "Subscription.ExpirationDate"),
    ("cancelSubscription", ("S", ["CHURN_REASON_BORED"]), "ChurnReasons[0]"),
    ("cancelSubscription", ("S", ["CHURN_REASON_COVID"], "why"), "ChurnReasonOther"),
    ("enableSubscription", ("",), "SubscriptionReference"),
    ("enableRecurringBilling", ("..",), "SubscriptionReference"),
    ("disableRecurringBilling", ("S", None, "why"), "ChurnReasonOther"),
    ("extendSubscription", ("S", 0), "Days"),
    ("getSubscriptionHistory", (None,), "SubscriptionReference"),
    ("getCustomerSubscriptions", (-3,), "AvangateCustomerReference"),
    ("getCustomerSubscriptions", (0, ""), "AvangateCustomerReference"),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("operation", "args", "path"), BAD,
                         ids=[f"{o}-{p}" for o, _, p in BAD])
def test_bad_arguments_are_refused_before_any_request(
        backend: str, operation: str, args: tuple[Any, ...], path: str) -> None:
    with Client(backend=backend, base_url=NOWHERE, merchant_code="M", secret_key="k",
                max_retries=0) as client, pytest.raises(ValidationError) as raised:
        client.call(operation, *args)
    assert raised.value.path == path, raised.value
    assert client.login_count == 0


def test_every_new_operation_has_error_path_cases() -> None:
    from avangate_compat.spec import raw
    added = set(raw()["operations"]) - {"login", "getLead", "searchLeads", "addLead",
                                        "updateLead", "markLeads", "getProductByCode",
                                        "updateProduct"}
    assert added <= {o for o, _, _ in BAD}
    assert added - {"searchProducts", "addProduct", "createReseller",
                    "searchOrders", "createCustomer", "searchSubscriptions"} <= set(UNKNOWN)


# -- the sandbox's rules ------------------------------------------------------------------------


def test_every_sku_resolves_back_to_the_details_it_was_made_from(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("jsonrpc")
    codes = sorted(s["Code"] for s in sandbox.service.store.all("sku"))
    assert len(codes) > 10
    for code in codes:
        details: models.SKUDetails = client.getSKUDetails(code)
        query = {"PricingConfigurationCode": details.PricingConfigurationCode,
                 "Currency": details.Currency, "PurchaseType": details.PurchaseType,
                 "PriceOptions": [{"Code": o.Code, "Options": o.Options[:1]}
                                  for o in details.PriceOptions],
                 "Quantity": details.ToQuantity}
        assert client.getSKUCodeByDetails(query) == code
    # the documented example's shape: currency, interval, purchase type, options (A: any)
    assert "SKU-8C4E6A2B31-EUR-1-10-N-A" in codes


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_by_name_honours_schema_and_price_type(make_client: Callable[..., Client],
                                               backend: str) -> None:
    client = make_client(backend)
    found = client.getPricingConfigurationByName("TeamPlan2024", "Volume", "DYNAMIC")
    assert found.Code == "9D5F7B3C42"
    assert client.getPricingConfigurationByName("TeamPlan2024", "Volume", "DYNAMIC",
                                                "GROSS") == found
    for args in (("Volume", "FLAT"), ("Volume", "DYNAMIC", "NET"), ("volume", "DYNAMIC")):
        with pytest.raises(NotFoundError):
            client.getPricingConfigurationByName("TeamPlan2024", *args)


def test_renewals_extend_the_expiration_and_use_up_a_custom_price(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("soap")
    store = sandbox.service.store
    seeded: Any = store.get("subscription", "SUBSCR0003")
    before = datetime.date.fromisoformat(seeded["ExpirationDate"])
    custom = client.getNextRenewalPrice("SUBSCR0003", "EUR")
    assert custom == models.RenewalPrice(NetPrice=Decimal("19.00"), NetCurrency="EUR",
                                         FinalPrice=Decimal("22.80"), FinalCurrency="EUR")
    assert client.renewSubscription("SUBSCR0003", 30, Decimal("22.80"), "EUR") is True
    assert client.getNextRenewalPrice("SUBSCR0003", "EUR") == custom  # one cycle left
    assert client.renewSubscription("SUBSCR0003", 365, "22.80", "eur") is True
    after: Any = store.get("subscription", "SUBSCR0003")
    assert datetime.date.fromisoformat(after["ExpirationDate"]) == \
        before + datetime.timedelta(days=395)
    assert [(r["Days"], r["Price"], r["Currency"]) for r in after["Renewals"]] == \
        [(30, Decimal("22.80"), "EUR"), (365, Decimal("22.80"), "EUR")]
    # the custom price is used up: the configuration's GROSS renewal price again (FR VAT)
    assert client.getNextRenewalPrice("SUBSCR0003", "EUR") == models.RenewalPrice(
        NetPrice=Decimal("24.79"), NetCurrency="EUR", FinalPrice=Decimal("29.75"),
        FinalCurrency="EUR")
    assert client.setCustomRenewalPrice("SUBSCR0003", Decimal("9.99"), "USD", 3, "win-back")
    assert client.getNextRenewalPrice("SUBSCR0003", "USD").NetPrice == Decimal("9.99")


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_added_product_reads_back_as_sent(make_client: Callable[..., Client],
                                             backend: str) -> None:
    client = make_client(backend)
    product = models.Product(ProductCode="ADDED-1", ProductName="Added", ProductVersion="2.0",
                             GroupName="New", Platforms=[models.Platform(PlatformName="Linux")])
    assert client.addProduct(product) is True
    stored = client.getProductByCode("ADDED-1")
    assert stored.AvangateId and stored.ProductType == "REGULAR" and stored.Enabled is False
    assert (stored.ProductName, stored.ProductVersion, stored.GroupName) == \
        ("Added", "2.0", "New")
    assert stored.Platforms == product.Platforms
    assert client.searchProducts({"Codes": "ADDED-1"}).Items == [stored]


@pytest.mark.parametrize("backend", BACKENDS)
def test_search_products_filters_and_paginates(sandbox: Sandbox,
                                               make_client: Callable[..., Client],
                                               backend: str) -> None:
    client = make_client(backend)
    for n in range(7):
        client.addProduct({"ProductCode": f"PAGED-{n}", "ProductName": f"Paged {n}",
                           "GroupName": "Paging"})
    pages = [client.searchProducts({"GroupName": "paging", "Limit": 3, "Page": page})
             for page in (1, 2, 3, 4)]
    assert [p.Pagination for p in pages] == [models.Pagination(Page=n, Limit=3, Count=7)
                                             for n in (1, 2, 3, 4)]
    assert [x.ProductCode for p in pages for x in p.Items] == [f"PAGED-{n}" for n in range(7)]
    assert pages[3].Items == []
    enabled = client.searchProducts({"Enabled": True, "Limit": 200})
    assert {p.ProductCode for p in enabled.Items} == {
        p["ProductCode"] for p in sandbox.service.store.all("product") if p["Enabled"]}


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_enabling_a_product_that_needs_review_takes_the_review_details(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    client.addProduct({"ProductCode": "REVIEWED", "ProductName": "Reviewed"})
    with pytest.raises(InvalidRequestError, match="needs review"):
        client.setProductStatus("REVIEWED", True)
    assert client.call("setProductStatus", "REVIEWED", True, "https://example.com/try",
                       "Log in as demo/demo") is True
    product = client.getProductByCode("REVIEWED")
    assert (product.Enabled, product.ReviewProductUrl, product.ReviewAdditionalDetails) == \
        (True, "https://example.com/try", "Log in as demo/demo")
    assert [p.ProductCode for p in client.searchProducts({"ReviewStatus": "IN_REVIEW"}).Items] \
        == ["REVIEWED"]


def test_update_pricing_configuration_keeps_code_schema_and_intervals(
        make_client: Callable[..., Client]) -> None:
    client = make_client("rest")
    config = client.getPricingConfigurationByCode("TeamPlan2024", "9D5F7B3C42")
    for change in ({"PricingSchema": "FLAT"},):
        with pytest.raises(InvalidRequestError, match="PricingSchema"):
            client.updatePricingConfiguration({**_plain(config), **change}, "TeamPlan2024")
    moved = _plain(config)
    moved["Prices"]["Regular"][0]["MaxQuantity"] = 50
    with pytest.raises(InvalidRequestError, match="intervals cannot change"):
        client.updatePricingConfiguration(moved, "TeamPlan2024")
    assert client.getPricingConfigurationByCode("TeamPlan2024", "9D5F7B3C42") == config


def _plain(value: Any) -> Any:
    from avangate_compat.convert import unstructure
    return unstructure(value)


def test_concurrent_writes_stay_consistent(sandbox: Sandbox,
                                           make_client: Callable[..., Client]) -> None:
    clients = [make_client(backend) for backend in BACKENDS for _ in range(2)]
    codes: list[str] = []
    added: list[bool] = []
    errors: list[BaseException] = []

    def work(client: Client) -> None:
        try:
            codes.append(client.createReseller({"Company": "Race Ltd"}))
            added.append(client.addProduct({"ProductCode": "RACE", "ProductName": "Race"}))
        except InvalidRequestError as exc:  # the adds of RACE that lost: PRODUCT_ERROR
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(codes)) == len(clients)  # every reseller got its own code
    assert added == [True] and len(errors) == len(clients) - 1  # one add of RACE won


# -- REST forms built from several parameters (query fields, bodies) ---------------------------


SEVERAL_PARAMETERS: dict[str, tuple[Any, ...]] = {
    "getPricingConfigurationByName": ("TeamPlan2024", "Europe", "FLAT", "GROSS"),
    "setCustomRenewalPrice": ("SUBSCR0001", Decimal("5"), "USD", 1, "reason"),
    "renewSubscription": ("SUBSCR0001", 30, Decimal("5"), "USD"),
}


@pytest.mark.parametrize("operation", sorted(SEVERAL_PARAMETERS))
def test_rest_answers_as_soap_does_for_several_parameter_forms(
        make_client: Callable[..., Client], sandbox: Sandbox, operation: str) -> None:
    expected = make_client("soap").call(operation, *SEVERAL_PARAMETERS[operation])
    sandbox.service.reset()
    assert make_client("rest").call(operation, *SEVERAL_PARAMETERS[operation]) == expected


def test_rest_enables_a_product_that_needs_review(make_client: Callable[..., Client]) -> None:
    client = make_client("rest")
    client.addProduct({"ProductCode": "REVIEWED", "ProductName": "Reviewed"})
    assert client.call("setProductStatus", "REVIEWED", True, "https://example.com/try",
                       "notes") is True


def test_the_readme_catalog_example_runs() -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("## The catalog calls", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    exec(compile(code.group(1), "README.md", "exec"), {})
