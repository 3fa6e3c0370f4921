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


SCENARIOS: dict[str, Scenario] = {f.__name__: f for f in [
    get_lead, get_lead_not_found, reads_in_order, update_product, update_product_refused,
    set_product_status, search_leads, add_lead, update_lead, mark_leads,
    session_expired_midrun,
]}
SESSION_ONLY = {"session_expired_midrun"}


def cases() -> list[tuple[str, str]]:
    return [(backend, name) for backend in ("soap", "jsonrpc", "rest") for name in SCENARIOS
            if not (backend == "rest" and name in SESSION_ONLY)]
