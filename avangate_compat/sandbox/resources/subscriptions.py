"""Subscriptions: the next renewal's price and a custom renewal price. Renewals, by the clock
and by hand: :mod:`.subscription_clock`. Reading and changing subscriptions:
:mod:`.subscription_reads`, :mod:`.subscription_writes`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

import attrs

from avangate_compat.sandbox.resources.base import existing, handles, invalid, typed
from avangate_compat.sandbox.resources.pricing import find_configuration

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

# VAT the sandbox charges on renewals by billing country (final = net * (1 + rate)); elsewhere 0
VAT = {"DE": Decimal("0.19"), "RO": Decimal("0.19"), "FR": Decimal("0.20"),
       "GB": Decimal("0.20"), "BG": Decimal("0.20"), "ES": Decimal("0.21")}
CENT = Decimal("0.01")


def _subscription(service: Service, reference: Any) -> dict[str, Any]:
    return existing(service, "subscription", reference)


@handles("getNextRenewalPrice")
def get_next_renewal_price(service: Service, reference: Any, currency: Any) -> dict[str, Any]:
    """What the next renewal costs in ``currency`` (:func:`renewal_price`)."""
    price = renewal_price(service, _subscription(service, reference), currency_code(currency))
    return {"NetPrice": price.net, "NetCurrency": price.currency, "FinalPrice": price.final,
            "FinalCurrency": price.currency}


@attrs.frozen
class RenewalPrice:
    """The next renewal of a subscription: its unit price (net or gross), quantity and VAT
    rate, and the totals charged; ``custom`` when a custom renewal price sets it."""

    unit: Decimal
    gross: bool
    quantity: int
    rate: Decimal
    currency: str
    net: Decimal
    final: Decimal
    custom: bool


def renewal_price(service: Service, subscription: dict[str, Any], currency: str,
                  product: Optional[dict[str, Any]] = None) -> RenewalPrice:
    """The custom renewal price while it has cycles left (in its currency), else the
    renewal price of the subscription's pricing configuration for its quantity (the
    regular price where it has none); taxes by billing country. getNextRenewalPrice answers
    it and the sandbox's clock charges it (resources/subscription_clock.py), which passes the
    subscription's ``product`` it has read already."""
    reference = subscription["SubscriptionReference"]
    custom = subscription.get("CustomRenewalPrice")
    quantity = subscription.get("Quantity") or 1
    gross = False
    dynamic = subscription.get("DynamicRenewalPrice")  # a dynamic product's, from its order
    is_custom = bool(custom and custom.get("CyclesLeft", 0) > 0 and
                     custom["Currency"] == currency)
    if custom and is_custom:
        unit = Decimal(custom["Price"])
    elif dynamic:
        if dynamic["Currency"] != currency:
            raise invalid(f"Subscription {reference!r} has no renewal price in {currency}")
        unit, gross = Decimal(dynamic["Price"]), dynamic["PriceType"] == "GROSS"
    else:
        product = product or existing(service, "product", subscription["ProductCode"])
        config = find_configuration(product, subscription["PricingConfigurationCode"])
        gross = config.get("PriceType") == "GROSS"
        prices = config.get("Prices") or {}
        entry = next((p for kind in ("Renewal", "Regular") for p in prices.get(kind) or []
                      if p.get("Currency") == currency and
                      (p.get("MinQuantity") or 1) <= quantity <=
                      (p.get("MaxQuantity") or 99999)), None)
        if entry is None:
            raise invalid(f"Subscription {reference!r} has no renewal price in {currency}")
        unit = Decimal(entry["Amount"])
    rate = VAT.get(str(subscription.get("CountryCode") or "").upper(), Decimal(0))
    total = unit * quantity
    net = (total / (1 + rate) if gross else total).quantize(CENT)
    final = (total if gross else total * (1 + rate)).quantize(CENT)
    return RenewalPrice(unit=unit, gross=gross, quantity=quantity, rate=rate,
                        currency=currency, net=net, final=final, custom=is_custom)


def use_custom_cycle(subscription: dict[str, Any]) -> None:
    """A renewal used up one cycle of the custom renewal price; the last one removes it."""
    custom = subscription.get("CustomRenewalPrice")
    if custom:
        custom["CyclesLeft"] -= 1
        if custom["CyclesLeft"] <= 0:
            subscription["CustomRenewalPrice"] = None


@handles("setCustomRenewalPrice")
def set_custom_renewal_price(service: Service, reference: Any, price: Any, currency: Any,
                             cycles: Any, text: Any = None) -> bool:
    """The price of the next ``cycles`` renewals, in ``currency``; replaces any before."""
    value = amount(typed(price, "decimal"), "Price")
    count = typed(cycles, "int")
    if count is None or not 1 <= count <= 1000:
        raise invalid("Cycles must be between 1 and 1000")
    currency = currency_code(currency)
    with service.writing:
        subscription = _subscription(service, reference)
        subscription["CustomRenewalPrice"] = {
            "Price": value, "Currency": currency, "Cycles": count, "CyclesLeft": count,
            "Text": text}
        service.store.put("subscription", reference, subscription)
    return True


def currency_code(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value, re.ASCII):
        raise invalid("Currency must be a three-letter ISO 4217 code")
    return value.upper()


def amount(value: Any, name: str) -> Decimal:
    if value is None or value < 0:
        raise invalid(f"{name} must be a number, zero or more")
    return Decimal(value)
