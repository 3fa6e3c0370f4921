"""Argument checks that run before any network I/O and turn arguments into wire data.

:mod:`.generic` holds the checks any operation may use (a code, a text, a date, a currency, any
value the wire carries); :mod:`.rules` the API's domain rules built from them (a lead, a
product, a pricing configuration, an SKU schema, a reseller). :data:`CHECKS` is the table the
spec's ``check`` names and ``filters`` values look up.
"""

from __future__ import annotations

from .generic import (
    MAX_NESTING,
    Checker,
    boolean,
    code,
    codes,
    country,
    currency,
    date,
    filters_of,
    language,
    one_of,
    positive_int,
    price,
    sendable,
    text,
)
from .orders import (
    customer_reference,
    customer_update,
    new_customer,
    new_order,
    note,
    order_search,
    refund_items,
)
from .rules import (
    lead,
    mark_leads,
    new_product,
    pricing_configuration,
    pricing_configuration_update,
    product,
    product_types,
    reseller,
    search_filters,
    sku_deletion,
    sku_query,
    sku_schema,
)
from .subscriptions import (
    churn,
    churn_reasons,
    countries,
    days,
    either_customer,
    new_subscription,
    recurring_enabled,
    subscription_search,
    subscription_update,
)

__all__ = [
    "CHECKS",
    "MAX_NESTING",
    "Checker",
    "boolean",
    "churn",
    "churn_reasons",
    "code",
    "codes",
    "countries",
    "country",
    "currency",
    "date",
    "days",
    "either_customer",
    "filters_of",
    "language",
    "lead",
    "mark_leads",
    "named_check",
    "new_order",
    "new_product",
    "new_subscription",
    "note",
    "one_of",
    "order_search",
    "positive_int",
    "price",
    "pricing_configuration",
    "pricing_configuration_update",
    "product",
    "product_types",
    "recurring_enabled",
    "refund_items",
    "reseller",
    "search_filters",
    "sendable",
    "sku_deletion",
    "sku_query",
    "sku_schema",
    "subscription_search",
    "subscription_update",
    "text",
]

# The checks the spec names ("check" of a parameter, the values of "filters").
CHECKS: dict[str, Checker] = {
    "code": code, "codes": codes, "text": text, "boolean": boolean, "date": date,
    "positive_int": positive_int, "language": language, "country": country, "lead": lead,
    "product": product, "mark_leads": mark_leads, "search_filters": search_filters,
    "currency": currency, "price": price, "product_types": product_types,
    "product_search": filters_of("ProductSearchOptions"), "page_options": filters_of("PageOptions"),
    "pricing_configuration": pricing_configuration,
    "pricing_configuration_update": pricing_configuration_update, "sku_query": sku_query,
    "sku_schema": sku_schema, "sku_deletion": sku_deletion, "new_product": new_product,
    "reseller": reseller, "new_order": new_order,
    "order_search": order_search, "refund_items": refund_items, "note": note,
    "customer_reference": customer_reference, "new_customer": new_customer,
    "customer_update": customer_update, "churn_reasons": churn_reasons, "churn": churn,
    "days": days, "either_customer": either_customer, "recurring_enabled": recurring_enabled,
    "countries": countries,
    "subscription_search": subscription_search, "new_subscription": new_subscription,
    "subscription_update": subscription_update,
}


def named_check(name: str) -> Checker:
    """The check a spec names: one of :data:`CHECKS`, or ``enum:<Enum>``."""
    if name.startswith("enum:"):
        return one_of(name[len("enum:"):])
    return CHECKS[name]
