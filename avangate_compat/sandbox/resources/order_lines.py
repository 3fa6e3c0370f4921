"""What each line of a new order costs: a catalog product from its pricing configuration
(currency, volume interval, price options, net or gross), a dynamic one from the price sent
(docs/api-facts.md, "Orders, refunds and customers")."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Optional

from avangate_compat.sandbox.resources.base import Fault
from avangate_compat.sandbox.resources.subscriptions import CENT, VAT

MAX_QUANTITY = 99999


def refuse(code: str, message: str) -> Fault:
    return Fault(code, message, 400, -32602)


def vat_rate(country: Any) -> Decimal:
    return VAT.get(str(country or "").upper(), Decimal(0))


def configuration_for(product: Mapping[str, Any], country: Any) -> dict[str, Any]:
    """The configuration for the billing country, else the default one, else the first."""
    configs = product.get("PricingConfigurations") or []
    country = str(country or "").upper()
    for config in configs:
        if country and country in (config.get("BillingCountries") or []):
            return config  # type: ignore[no-any-return]
    default = next((c for c in configs if c.get("Default")), configs[0] if configs else None)
    if default is None:
        raise refuse("PRODUCT_ERROR", f"Product {product.get('ProductCode')!r} has no price")
    return default  # type: ignore[no-any-return]


def chosen_options(item: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    """The price options an item chose, as (group, option) pairs."""
    return frozenset((str(group.get("Name")), str(option.get("Value") or option.get("Name")))
                     for group in item.get("PriceOptions") or []
                     for option in group.get("Options") or [])


def _offered(entry: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    return frozenset((str(group.get("Code")), str(option))
                     for group in entry.get("OptionCodes") or []
                     for option in group.get("Options") or [])


def catalog_unit_price(product: Mapping[str, Any], config: Mapping[str, Any], currency: str,
                       quantity: int, options: frozenset[tuple[str, str]]) -> Decimal:
    """The regular price for the quantity's interval in ``currency``; an entry priced for the
    chosen options wins over one for any options."""
    code = product.get("ProductCode")
    for group in config.get("PriceOptions") or []:
        if group.get("Required") and not any(g == group.get("Code") for g, _ in options):
            raise refuse("PRODUCT_ERROR", f"Product {code!r} needs an option of the price "
                                          f"options group {group.get('Code')!r}")
    fitting = [entry for entry in (config.get("Prices") or {}).get("Regular") or []
               if entry.get("Currency") == currency and
               (entry.get("MinQuantity") or 1) <= quantity <=
               (entry.get("MaxQuantity") or MAX_QUANTITY)]
    for entry in sorted(fitting, key=lambda e: not e.get("OptionCodes")):
        offered = _offered(entry)
        relevant = {pair for pair in options if pair[0] in {g for g, _ in offered}}
        if not offered or (relevant and relevant <= offered):
            return Decimal(entry["Amount"])
    raise refuse("PRODUCT_ERROR", f"Product {code!r} has no price in {currency} for "
                                  f"{quantity} units with the options chosen")


def dynamic_unit_price(item: Mapping[str, Any], index: int) -> Decimal:
    """A dynamic line's price: ``Price{Amount, Type: CUSTOM}`` plus its options' surcharges."""
    price = item.get("Price") or {}
    if not item.get("Name"):
        raise refuse("ORDER_PRODUCT_NAME_INVALID", f"Items[{index}].Name is required for a "
                                                   "dynamic product")
    if str(price.get("Type") or "").upper() != "CUSTOM":
        raise refuse("ORDER_PRODUCT_PRICE_TYPE_INVALID", f"Items[{index}].Price.Type must be "
                                                         "CUSTOM for a dynamic product")
    amount = price.get("Amount")
    if amount is None or Decimal(amount) < 0:
        raise refuse("ORDER_PRODUCT_PRICE_AMOUNT_INVALID", f"Items[{index}].Price.Amount must "
                                                           "be a number, zero or more")
    surcharge = sum((Decimal(option.get("Surcharge") or 0)
                     for group in item.get("PriceOptions") or []
                     for option in group.get("Options") or []), Decimal(0))
    return Decimal(amount) + surcharge


def line_price(unit: Decimal, quantity: int, gross: bool, rate: Decimal,
               currency: str, sent: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """The OrderPrice of a line: unit and line amounts, net, gross and VAT."""
    if gross:
        unit_gross = unit.quantize(CENT)
        unit_net = (unit / (1 + rate)).quantize(CENT)
    else:
        unit_net = unit.quantize(CENT)
        unit_gross = (unit * (1 + rate)).quantize(CENT)
    net, total = unit_net * quantity, unit_gross * quantity
    return {"Amount": (sent or {}).get("Amount"), "Type": (sent or {}).get("Type"),
            "Currency": currency, "UnitNetPrice": unit_net, "UnitGrossPrice": unit_gross,
            "UnitVAT": unit_gross - unit_net, "VATPercent": (rate * 100).quantize(CENT),
            "NetPrice": net, "GrossPrice": total, "VAT": total - net,
            "Discount": Decimal("0.00")}
