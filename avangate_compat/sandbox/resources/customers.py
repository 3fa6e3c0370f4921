"""Customers: found by either reference, created by an order or by createCustomer; inactive
until a subscription is attached (docs/api-facts.md, "Orders, refunds and customers")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from avangate_compat.sandbox.resources import subscription_life as life
from avangate_compat.sandbox.resources.base import handles, invalid, not_found, typed
from avangate_compat.sandbox.schema import load

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

FIRST_REFERENCE = 500000001
CONTACT_FIELDS = ("FirstName", "LastName", "Company", "FiscalCode", "Address1", "Address2",
                  "City", "State", "Zip", "CountryCode", "Phone", "Fax", "Email")
# what a subscription's EndUser holds of its customer (docs/api-facts.md)
END_USER_FIELDS = ("FirstName", "LastName", "Company", "Email", "Phone", "Fax", "Address1",
                   "Address2", "Zip", "City", "State", "CountryCode", "Language")


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


def subscriptions_of(service: Service, customer: Mapping[str, Any]) -> list[dict[str, Any]]:
    reference = customer.get("AvangateCustomerReference")
    return [s for s in service.store.all("subscription")
            if s.get("AvangateCustomerReference") == reference]


def shown(service: Service, customer: Mapping[str, Any]) -> dict[str, Any]:
    """The customer as answered: Enabled while one of its subscriptions is enabled."""
    out = {field: customer.get(field) for field in customer_fields()}
    out["Enabled"] = any(s.get("SubscriptionEnabled", True)
                         for s in subscriptions_of(service, customer))
    return out


def _unique_external(service: Service, external: Any, reference: Any) -> None:
    if external in (None, ""):
        return
    holder = find_customer(service, None, external)
    if holder is not None and holder.get("AvangateCustomerReference") != reference:
        raise invalid(f"ExternalCustomerReference {external!r} belongs to another customer")


@handles("createCustomer")
def create_customer(service: Service, customer: Any) -> int:
    """A new customer, inactive until a subscription is attached; answers its reference."""
    value = typed(customer, "Customer")
    if not isinstance(value, dict):
        raise invalid("the customer must be an object")
    if value.get("AvangateCustomerReference") not in (None, 0):
        raise invalid("AvangateCustomerReference is given by the platform")
    with service.writing:
        _unique_external(service, value.get("ExternalCustomerReference"), None)
        reference: int = new_customer(service, value)["AvangateCustomerReference"]
    return reference


@handles("getCustomerInformation")
def get_customer_information(service: Service, reference: Any,
                             external: Any = None) -> dict[str, Any]:
    """The customer either reference names; when both are given they must name the same."""
    return shown(service, existing_customer(service, typed(reference, "int"), external))


@handles("updateCustomerInformation")
def update_customer_information(service: Service, customer: Any,
                                end_users: Any = False) -> bool:
    """Replace the customer's details; with ``end_users`` true, copy them to the EndUser of
    every subscription of the customer."""
    value = typed(customer, "Customer")
    if not isinstance(value, dict):
        raise invalid("the customer must be an object")
    copy_to_end_users = typed(end_users, "boolean")
    notes: list[life.Note] = []
    with service.writing:
        stored = existing_customer(service, value.get("AvangateCustomerReference"), None)
        reference = stored["AvangateCustomerReference"]
        _unique_external(service, value.get("ExternalCustomerReference"), reference)
        updated = {**stored, **{k: v for k, v in value.items() if k != "Enabled"},
                   "AvangateCustomerReference": reference}
        rows: list[tuple[str, str, Any]] = [("customer", str(reference), updated)]
        if copy_to_end_users:
            for subscription in subscriptions_of(service, stored):
                end_user = dict(subscription.get("EndUser") or {})
                end_user.update({field: updated.get(field) for field in END_USER_FIELDS})
                changed = {**subscription, "EndUser": end_user, "Modified": service.clock.stamp(),
                           "ExternalCustomerReference": updated.get("ExternalCustomerReference")}
                life.changed(service, changed, notes, "VENDOR")
                rows.append(("subscription", subscription["SubscriptionReference"], changed))
        service.store.put_many(rows)
    life.send(service, notes)
    return True
