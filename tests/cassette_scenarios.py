"""The calls our cassettes hold: every facade operation on every backend, error paths included.

Each scenario takes a client and a ``server`` hook (the sandbox while recording, nothing while
replaying) and returns a JSON-ready summary of what the calls returned or raised, which the
recorder stores beside the cassette and the replay tests compare against.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from typing import Any, Callable, Optional

import attrs

from avangate_compat import APIError, Client, models
from avangate_compat.convert import unstructure
from avangate_compat.sandbox import Sandbox

Scenario = Callable[[Client, Optional[Sandbox]], Any]

NEW_LEAD = {
    "Currency": "USD", "Language": "EN", "ExternalReference": "CASSETTE-1",
    "Items": [{"Code": "04C26C50F8", "Quantity": 2, "Price": {"Amount": "19.99"}}],
    "BillingDetails": {"FirstName": "Ada", "Email": "ada@example.com", "CountryCode": "GB"},
}


def summary(value: Any) -> Any:
    """Results as JSON-ready data (Decimal kept exact as text)."""
    if isinstance(value, list):
        return [summary(item) for item in value]
    if attrs.has(type(value)):
        value = unstructure(value)
    return json.loads(json.dumps(value, default=lambda v: f"Decimal({v})"
                                 if isinstance(v, Decimal) else repr(v)))


def outcome(call: Callable[[], Any]) -> Any:
    try:
        return summary(call())
    except APIError as error:
        return {"raised": type(error).__name__, "code": error.code,
                "operation": error.operation}


def get_lead(client: Client, server: Optional[Sandbox]) -> Any:
    return outcome(lambda: client.getLead("60E6C4B574"))


def get_lead_not_found(client: Client, server: Optional[Sandbox]) -> Any:
    return outcome(lambda: client.getLead("NOSUCHLEAD"))


def reads_in_order(client: Client, server: Optional[Sandbox]) -> Any:
    return {code: outcome(functools.partial(client.getProductByCode, code))
            for code in ("04C26C50F8", "NewProdCodeAPI12345", "YourProductCode")}


def update_product(client: Client, server: Optional[Sandbox]) -> Any:
    product = client.getProductByCode("NewProdCodeAPI12345")
    product.ProductName = "Edited_From_API_Again"
    return {"update": outcome(lambda: client.updateProduct(product)),
            "after": outcome(lambda: client.getProductByCode("NewProdCodeAPI12345"))}


def update_product_refused(client: Client, server: Optional[Sandbox]) -> Any:
    product = client.getProductByCode("NewProdCodeAPI12345")
    product.ProductType = "BUNDLE"
    return outcome(lambda: client.updateProduct(product))


def set_product_status(client: Client, server: Optional[Sandbox]) -> Any:
    return {"set": outcome(lambda: client.setProductStatus("YourProductCode", True)),
            "after": outcome(lambda: client.getProductByCode("YourProductCode").Enabled)}


def search_leads(client: Client, server: Optional[Sandbox]) -> Any:
    return {"page": outcome(lambda: client.searchLeads(Country="RO", Limit=3)),
            "all DE": outcome(lambda: list(client.iter_leads(Country="DE", Limit=2)))}


def add_lead(client: Client, server: Optional[Sandbox]) -> Any:
    added = client.addLead(NEW_LEAD)
    assert added.LeadCode
    return {"added": summary(added),
            "stored": outcome(lambda: client.call("getLead", added.LeadCode))}


def update_lead(client: Client, server: Optional[Sandbox]) -> Any:
    lead = client.getLead("60E6C4B574")
    changed = attrs.evolve(lead, Currency="USD", Promotions=["SPRING"])
    return {"update": outcome(lambda: client.updateLead("60E6C4B574", changed)),
            "after": outcome(lambda: client.getLead("60E6C4B574"))}


def mark_leads(client: Client, server: Optional[Sandbox]) -> Any:
    marks = [models.MarkLead(LeadCode="60E6C4B574", Used=True),
             models.MarkLead(LeadCode="NOSUCHLEAD", StopFollowups=True)]
    return outcome(lambda: client.markLeads(marks))


def session_expired_midrun(client: Client, server: Optional[Sandbox]) -> Any:
    first = outcome(lambda: client.getLead("60E6C4B574"))
    if server is not None:
        server.service.expire_sessions()  # the server forgets the session between two calls
    second = outcome(lambda: client.getLead("60E6C4B574"))
    return {"first": first, "second": second, "logins": client.login_count}


def catalog_reads(client: Client, server: Optional[Sandbox]) -> Any:
    return {
        "configurations": outcome(lambda: client.getPricingConfigurations("TeamPlan2024")),
        "by code": outcome(lambda: client.getPricingConfigurationByCode("TeamPlan2024",
                                                                         "9D5F7B3C42")),
        "unknown product": outcome(lambda: client.getPricingConfigurations("NOSUCHPRODUCT")),
        "SKU code": outcome(lambda: client.getSKUCodeByDetails({
            "PricingConfigurationCode": "9D5F7B3C42",
            "PriceOptions": [{"Code": "SEATS", "Options": ["10"]}]})),
        "SKU details": outcome(lambda: client.getSKUDetails("SKU-8C4E6A2B31-USD-11-99999-N-A")),
        "unknown SKU": outcome(lambda: client.getSKUDetails("NOSUCHSKU")),
        "renewal price": outcome(lambda: client.getNextRenewalPrice("SUBSCR0002", "EUR")),
        "unknown subscription": outcome(lambda: client.getNextRenewalPrice("NOSUCHSUB",
                                                                            "EUR")),
        "products": outcome(lambda: client.searchProducts({"Types": ["REGULAR"], "Limit": 2,
                                                           "Page": 2})),
        "resellers": outcome(lambda: client.getPartnerResellers("SANDBOXPARTNER",
                                                                {"Limit": 2})),
        "unknown partner": outcome(lambda: client.getPartnerResellers("NOSUCHPARTNER", {})),
    }


NEW_PRODUCT = {"ProductCode": "CASSETTE-PRODUCT", "ProductName": "Cassette product",
               "PricingConfigurations": [{"Name": "Default", "PricingSchema": "FLAT",
                                          "Prices": {"Regular": [{"Amount": "5",
                                                                  "Currency": "USD"}]}}]}


def catalog_writes(client: Client, server: Optional[Sandbox]) -> Any:
    configuration = client.getPricingConfigurationByCode("TeamPlan2024", "AE608C4D53")
    configuration.BillingCountries = ["DE", "FR", "AT"]
    schema = [{"ProductCode": "TeamPlan2024", "PriceConfigurations": [{
        "PriceConfigurationCode": "AE608C4D53",
        "SKUs": [{"Code": "EU-PLAN-NEW", "Currency": "EUR", "PurchaseType": "NEW_PRODUCT"},
                 {"Code": "EU-PLAN-RENEW", "Currency": "EUR", "PurchaseType": "RENEWAL"}]}]}]
    return {
        "add product": outcome(lambda: client.addProduct(NEW_PRODUCT)),
        "added": outcome(lambda: client.getProductByCode("CASSETTE-PRODUCT")),
        "add configuration": outcome(lambda: client.addPricingConfiguration(
            {"Name": "Second", "PricingSchema": "DYNAMIC"}, "CASSETTE-PRODUCT")),
        "update configuration": outcome(lambda: client.updatePricingConfiguration(
            configuration, "TeamPlan2024")),
        "updated": outcome(lambda: client.getPricingConfigurationByCode("TeamPlan2024",
                                                                         "AE608C4D53")),
        "set SKUs": outcome(lambda: client.setSku(schema)),
        "renewal SKU": outcome(lambda: client.getSKUCodeByDetails({
            "PricingConfigurationCode": "AE608C4D53", "PurchaseType": "RENEWAL"})),
        "delete SKU": outcome(lambda: client.deleteSku([{
            "ProductCode": "TeamPlan2024", "PriceConfigurations": [{
                "PriceConfigurationCode": "AE608C4D53", "SKUs": ["EU-PLAN-NEW"]}]}])),
        "create reseller": outcome(lambda: client.createReseller({"Company": "Cassette Ltd"})),
    }


def catalog_renewals(client: Client, server: Optional[Sandbox]) -> Any:
    """Pricing configurations by name, renewals and the review details of setProductStatus
    (REST: query fields and bodies built from several parameters)."""
    return {
        "by name": outcome(lambda: client.getPricingConfigurationByName(
            "TeamPlan2024", "Volume", "DYNAMIC", "GROSS")),
        "by name, not found": outcome(lambda: client.getPricingConfigurationByName(
            "TeamPlan2024", "Volume", "FLAT")),
        "custom price": outcome(lambda: client.setCustomRenewalPrice(
            "SUBSCR0001", Decimal("39.99"), "USD", 1)),
        "renew": outcome(lambda: client.renewSubscription("SUBSCR0001", 31, Decimal("39.99"),
                                                          "USD")),
        "next price": outcome(lambda: client.getNextRenewalPrice("SUBSCR0001", "USD")),
        "unknown subscription": outcome(lambda: client.renewSubscription(
            "NOSUCHSUB", 1, 1, "USD")),
        "status with review": outcome(lambda: client.call(
            "setProductStatus", "YourProductCode", True, "https://example.com/r", "notes")),
    }


ORDER = {"Currency": "USD", "ExternalCustomerReference": "CASSETTE-CUSTOMER",
         "Items": [{"Code": "TeamPlan2024", "Quantity": 2}],
         "BillingDetails": {"FirstName": "Ada", "LastName": "Lovelace",
                            "Email": "ada@example.com", "CountryCode": "US"},
         "PaymentDetails": {"Type": "TEST", "Currency": "USD"}}


def orders(client: Client, server: Optional[Sandbox]) -> Any:
    """Orders, refunds and customers (issue 22)."""
    return {
        "order": outcome(lambda: client.getOrder("12345678")),
        "unknown order": outcome(lambda: client.getOrder("99999999")),
        "placed": outcome(lambda: client.placeOrder(ORDER)),
        "no products": outcome(lambda: client.placeOrder({**ORDER, "Items": []})),
        "search": outcome(lambda: client.searchOrders({"StartDate": "2024-01-01", "Limit": 1})),
        "refund too old": outcome(lambda: client.issueRefund("12345678", Decimal("1"), [])),
        **refund(client, server),
        "create customer": outcome(lambda: client.createCustomer({
            "FirstName": "Grace", "LastName": "Hopper", "ExternalCustomerReference": "C-1"})),
        "customer": outcome(lambda: client.getCustomerInformation(0, "C-1")),
        "update customer": outcome(lambda: client.updateCustomerInformation(
            {"AvangateCustomerReference": 435384557, "FirstName": "Renamed"}, True)),
        "unknown customer": outcome(lambda: client.getCustomerInformation(999)),
    }


def refund(client: Client, server: Optional[Sandbox]) -> Any:
    """A total refund of an order the sandbox's clock has completed."""
    placed = client.placeOrder(ORDER)
    if server is not None:
        server.service.clock.offset += 3600
    return {"refund": outcome(lambda: client.issueRefund(placed.RefNo, placed.GrossPrice, [],
                                                         "cassette", "Other")),
            "refunded": outcome(lambda: client.getOrder(placed.RefNo))}


IMPORTED = {"ExternalSubscriptionReference": "CASSETTE-SUB-1", "StartDate": "2026-01-01",
            "ExpirationDate": "2099-01-01", "ExternalCustomerReference": "CASSETTE-SUBSCRIBER",
            "Product": {"ProductCode": "TeamPlan2024", "ProductQuantity": 2},
            "EndUser": {"FirstName": "Ada", "LastName": "Lovelace", "CountryCode": "GB"}}


def subscriptions(client: Client, server: Optional[Sandbox]) -> Any:
    """The subscription calls (issue 23), refusals included."""
    reference = client.addSubscription(IMPORTED)
    read = client.getSubscription(reference)
    return {
        "enable recurring": outcome(lambda: client.enableRecurringBilling("SUBSCR0001")),
        "enable recurring again": outcome(lambda: client.enableRecurringBilling("SUBSCR0002")),
        "imported": summary(reference),
        "one": outcome(lambda: client.getSubscription("SUBSCR0003")),
        "unknown": outcome(lambda: client.getSubscription("NOSUCHSUBS")),
        "several": outcome(lambda: client.getSubscriptions(["SUBSCR0001", reference])),
        "search": outcome(lambda: client.searchSubscriptions(
            {"RecurringEnabled": ["true"], "Limit": 1, "Page": 2})),
        "customer's": outcome(lambda: client.getCustomerSubscriptions(0, "CASSETTE-SUBSCRIBER")),
        "customer pair disagreeing": outcome(lambda: client.getCustomerSubscriptions(
            435384557, "CASSETTE-SUBSCRIBER")),
        "update": outcome(lambda: client.updateSubscription(
            attrs.evolve(read, RecurringEnabled=True))),
        "update refused": outcome(lambda: client.updateSubscription(
            attrs.evolve(read, SKU="OTHER"))),
        "cancel": outcome(lambda: client.cancelSubscription(
            "SUBSCR0001", ["CHURN_REASON_OTHER"], "cassette")),
        "enable": outcome(lambda: client.enableSubscription("SUBSCR0001")),
        "disable recurring": outcome(lambda: client.disableRecurringBilling("SUBSCR0003")),
        "enable recurring after": outcome(lambda: client.enableRecurringBilling("SUBSCR0003")),
        "extend": outcome(lambda: client.extendSubscription(reference, 30)),
        "shorten into the past": outcome(lambda: client.extendSubscription(reference, -36500)),
        "after": outcome(lambda: client.getSubscription(reference)),
        "history": outcome(lambda: client.getSubscriptionHistory(reference)),
    }


SCENARIOS: dict[str, Scenario] = {f.__name__: f for f in [
    get_lead, get_lead_not_found, reads_in_order, update_product, update_product_refused,
    set_product_status, search_leads, add_lead, update_lead, mark_leads,
    session_expired_midrun, catalog_reads, catalog_writes, catalog_renewals, orders,
    subscriptions,
]}
SESSION_ONLY = {"session_expired_midrun"}


def cases() -> list[tuple[str, str]]:
    return [(backend, name) for backend in ("soap", "jsonrpc", "rest") for name in SCENARIOS
            if not (backend == "rest" and name in SESSION_ONLY)]
