"""Customers: found by either reference, created by an order or by createCustomer; inactive
until a subscription is attached (docs/api-facts.md, "Orders, refunds and customers")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from avangate_compat.sandbox.resources.base import invalid, not_found
from avangate_compat.sandbox.schema import load

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

FIRST_REFERENCE = 500000001
CONTACT_FIELDS = ("FirstName", "LastName", "Company", "FiscalCode", "Address1", "Address2",
                  "City", "State", "Zip", "CountryCode", "Phone", "Fax", "Email")


def customer_fields() -> list[str]:
    return [field for field, _ in load().types["Customer"]]


def find_customer(service: Service, reference: Any = None,
                  external: Any = None) -> Optional[dict[str, Any]]:
    """The customer with this AvangateCustomerReference, else with this
    ExternalCustomerReference; None when neither names one."""
    if reference not in (None, 0, ""):
        found = service.store.get("customer", str(reference))
        if found is not None:
            return found  # type: ignore[no-any-return]
    if external not in (None, ""):
        for customer in service.store.all("customer"):
            if customer.get("ExternalCustomerReference") == external:
                return customer  # type: ignore[no-any-return]
    return None


def existing_customer(service: Service, reference: Any, external: Any) -> dict[str, Any]:
    """The customer both references name (a reference given must match), or the refusal."""
    if reference in (None, 0, "") and external in (None, ""):
        raise invalid("give an AvangateCustomerReference or an ExternalCustomerReference")
    by_reference = find_customer(service, reference) if reference not in (None, 0, "") else None
    by_external = find_customer(service, None, external) if external not in (None, "") else None
    found = by_reference or by_external
    if found is None or (by_reference is not None and external not in (None, "") and
                         by_reference is not by_external and
                         by_reference.get("ExternalCustomerReference") != external):
        raise not_found("Customer", str(reference if reference not in (None, 0, "")
                                        else external))
    return found


def new_customer(service: Service, contact: Mapping[str, Any]) -> dict[str, Any]:
    """A customer stored under the next free AvangateCustomerReference (hold
    ``service.writing``); inactive, as every customer without a subscription."""
    customer = {field: contact.get(field) for field in customer_fields()}
    customer["Enabled"] = False
    customer["Trial"] = bool(customer.get("Trial"))
    number = FIRST_REFERENCE + len(service.store.all("customer"))
    while not service.store.add("customer", str(number),
                                {**customer, "AvangateCustomerReference": number}):
        number += 1
    customer["AvangateCustomerReference"] = number
    return customer


def customer_for_order(service: Service, reference: Any, external: Any,
                       billing: Mapping[str, Any], language: Any) -> dict[str, Any]:
    """The order's customer: the one its references name, else a new one made from the
    billing details that keeps ``external`` (hold ``service.writing``)."""
    if reference not in (None, 0, ""):
        found = find_customer(service, reference)
        if found is None:
            raise not_found("Customer", str(reference))
        return found
    found = find_customer(service, None, external)
    if found is not None:
        return found
    contact = {field: billing.get(field) for field in CONTACT_FIELDS}
    return new_customer(service, {**contact, "ExternalCustomerReference": external or None,
                                  "Language": language})
