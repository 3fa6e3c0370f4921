"""The argument rules of the order and customer calls (docs/api-facts.md, "Orders, refunds
and customers"): the form of what is sent. What the platform decides (a product exists, a
quantity is within 1..99999, a refund is allowed) is the server's to refuse, with its codes."""

from __future__ import annotations

from typing import Any, Optional

from .. import models
from ..convert import unstructure
from ..errors import ValidationError
from .generic import Checker, as_model, country, currency, filters_of, language, text


def new_order(operation: str, name: str, value: Any) -> dict[str, Any]:
    """An Order to place: no RefNo (the platform gives it), well-formed currency, country and
    language codes where given; its items are the server's to judge."""
    order: models.Order = as_model(operation, name, value, models.Order)
    if order.RefNo is not None:
        raise ValidationError(operation, f"{name}.RefNo is given by the platform: leave it out "
                                         "for a new order", f"{name}.RefNo")
    if order.Currency is not None:
        order.Currency = currency(operation, f"{name}.Currency", order.Currency)
    if order.Country is not None:
        country(operation, f"{name}.Country", order.Country)
    if order.Language is not None:
        language(operation, f"{name}.Language", order.Language)
    billing = order.BillingDetails
    if billing is not None and billing.CountryCode is not None:
        country(operation, f"{name}.BillingDetails.CountryCode", billing.CountryCode)
    if order.PaymentDetails is not None and order.PaymentDetails.Currency is not None:
        order.PaymentDetails.Currency = currency(operation, f"{name}.PaymentDetails.Currency",
                                                 order.PaymentDetails.Currency)
    return unstructure(order)


_order_filters = filters_of("OrderSearchOptions")


def order_search(operation: str, name: str, value: Any,
                 filters: Optional[Checker] = None) -> dict[str, Any]:
    """The searchOrders filters (or those ``filters`` checks); the RPC form's
    ``Pagination{Page, Limit}`` is sent as ``Page`` and ``Limit``, the form every protocol
    takes (a REST query has no objects)."""
    out = (filters or _order_filters)(operation, name, value)
    nested = out.pop("Pagination", None) or {}
    for key in ("Page", "Limit"):
        if key in nested and key in out and nested[key] != out[key]:
            raise ValidationError(operation, f"{name}.{key} and {name}.Pagination.{key} "
                                             "disagree", f"{name}.Pagination.{key}")
        if key in nested:
            out[key] = nested[key]
    return out  # type: ignore[no-any-return]


def refund_items(operation: str, name: str, value: Any) -> list[dict[str, Any]]:
    """The lines of a partial refund; ``""``, ``None`` or ``[]`` mean a total refund (both
    forms are documented) and are sent as ``[]``."""
    if value in ("", None):
        return []
    if not isinstance(value, (list, tuple)):
        raise ValidationError(operation, f"{name} must be a list of refund lines, or [] for a "
                                         "total refund", name)
    out = []
    for index, entry in enumerate(value):
        where = f"{name}[{index}]"
        item: models.RefundItem = as_model(operation, where, entry, models.RefundItem)
        if not item.LineItemReference:
            raise ValidationError(operation, f"{where}.LineItemReference is required "
                                             "(from getOrder's Items)",
                                  f"{where}.LineItemReference")
        if item.Quantity is not None and item.Quantity < 1:
            raise ValidationError(operation, f"{where}.Quantity must be >= 1",
                                  f"{where}.Quantity")
        if item.Amount is not None and item.Amount < 0:
            raise ValidationError(operation, f"{where}.Amount must not be negative",
                                  f"{where}.Amount")
        out.append(unstructure(item))
    return out


def note(operation: str, name: str, value: Any) -> str:
    """Free text such as a refund's comment or reason; may be empty."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return text(operation, name, value) if value else ""
    if not isinstance(value, str):
        raise ValidationError(operation, f"{name} must be text, got {type(value).__name__}",
                              name)
    return value


def customer_reference(operation: str, name: str, value: Any) -> int:
    """An AvangateCustomerReference: a whole number, sent as text by some versions; 0 stands
    for none (a lookup by the ExternalCustomerReference alone)."""
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        value = int(value.strip())
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(operation, f"{name} must be a customer reference (a whole "
                                         f"number, 0 for none), got {value!r}", name)
    return value


def _contact(operation: str, name: str, customer: models.Customer) -> None:
    if customer.CountryCode is not None:
        country(operation, f"{name}.CountryCode", customer.CountryCode)
    if customer.Language is not None:
        language(operation, f"{name}.Language", customer.Language)


def new_customer(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A Customer to create: no AvangateCustomerReference (the platform gives it)."""
    customer: models.Customer = as_model(operation, name, value, models.Customer)
    if customer.AvangateCustomerReference is not None:
        raise ValidationError(operation, f"{name}.AvangateCustomerReference is given by the "
                                         "platform: leave it out",
                              f"{name}.AvangateCustomerReference")
    _contact(operation, name, customer)
    return unstructure(customer)


def customer_update(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A whole Customer to write back: it names its AvangateCustomerReference."""
    customer: models.Customer = as_model(operation, name, value, models.Customer)
    if not customer.AvangateCustomerReference:
        raise ValidationError(operation, f"{name}.AvangateCustomerReference is required: "
                                         "send the customer getCustomerInformation answered",
                              f"{name}.AvangateCustomerReference")
    _contact(operation, name, customer)
    return unstructure(customer)
