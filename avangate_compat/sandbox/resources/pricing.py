"""Pricing configurations of a product, and the SKUs that name their prices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Optional

from avangate_compat.sandbox.resources.base import (
    Fault,
    existing,
    handles,
    invalid,
    made_code,
    typed,
)
from avangate_compat.sandbox.schema import load

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

SCHEMA_TYPES = load().enums["SchemaType"]
PRICE_TYPES = load().enums["PriceType"]
PURCHASE_TYPES = load().enums["PurchaseType"]


def _product(service: Service, code: Any) -> dict[str, Any]:
    return existing(service, "product", code)


@handles("getPricingConfigurations")
def get_pricing_configurations(service: Service, product_code: Any) -> list[Any]:
    return list(_product(service, product_code).get("PricingConfigurations") or [])


def find_configuration(product: Mapping[str, Any], code: Any) -> dict[str, Any]:
    for config in product.get("PricingConfigurations") or []:
        if config.get("Code") == code:
            return config  # type: ignore[no-any-return]
    raise Fault("PRICING_CONFIGURATION_NOT_FOUND", f"Product {product.get('ProductCode')!r} "
                                                   f"has no pricing configuration {code!r}",
                404)


@handles("getPricingConfigurationByCode")
def get_pricing_configuration_by_code(service: Service, product_code: Any,
                                      code: Any) -> dict[str, Any]:
    if not isinstance(code, str) or not code:
        raise invalid("pricingConfigurationCode must be a non-empty string")
    return find_configuration(_product(service, product_code), code)


@handles("getPricingConfigurationByName")
def get_pricing_configuration_by_name(service: Service, product_code: Any, name: Any,
                                      schema_type: Any, price_type: Any = None
                                      ) -> dict[str, Any]:
    """The configuration with this name and PricingSchema (and PriceType, when given)."""
    if schema_type not in SCHEMA_TYPES:
        raise invalid(f"schemaType must be one of {', '.join(SCHEMA_TYPES)}")
    if price_type is not None and price_type not in PRICE_TYPES:
        raise invalid(f"priceType must be one of {', '.join(PRICE_TYPES)}")
    for config in get_pricing_configurations(service, product_code):
        if config.get("Name") == name and config.get("PricingSchema") == schema_type \
                and price_type in (None, config.get("PriceType")):
            return config  # type: ignore[no-any-return]
    wanted = f"{name!r} ({schema_type}{', ' + price_type if price_type else ''})"
    raise Fault("PRICING_CONFIGURATION_NOT_FOUND",
                f"Product {product_code!r} has no pricing configuration {wanted}", 404)


def check_configuration(config: Mapping[str, Any], where: str) -> None:
    if not config.get("Name"):
        raise invalid(f"{where}.Name is required")
    if config.get("PricingSchema") not in SCHEMA_TYPES:
        raise invalid(f"{where}.PricingSchema must be one of {', '.join(SCHEMA_TYPES)}")
    if config.get("PriceType") not in (None, *PRICE_TYPES):
        raise invalid(f"{where}.PriceType must be one of {', '.join(PRICE_TYPES)}")
    for kind in ("Regular", "Renewal"):
        for n, entry in enumerate((config.get("Prices") or {}).get(kind) or []):
            entry.setdefault("MinQuantity", 1)
            entry.setdefault("MaxQuantity", 99999)
            low, high = entry["MinQuantity"] or 1, entry["MaxQuantity"] or 99999
            if entry.get("Amount") is None or not entry.get("Currency") or \
                    not 1 <= low <= high:
                raise invalid(f"{where}.Prices.{kind}[{n}] needs an Amount, a Currency "
                              "and 1 <= MinQuantity <= MaxQuantity")


@handles("addPricingConfiguration")
def add_pricing_configuration(service: Service, configuration: Any, product_code: Any) -> bool:
    config = typed(configuration, "PricingConfiguration")
    if not isinstance(config, dict):
        raise invalid("the pricing configuration must be an object")
    check_configuration(config, "PricingConfiguration")
    with service.writing:
        product = _product(service, product_code)
        configurations = product.setdefault("PricingConfigurations", [])
        if config.get("Code") is not None:
            raise Fault("PRODUCT_ERROR", "the pricing configuration Code is "
                                         "system-generated")
        config["Code"] = made_code(product_code, config.get("Name"), len(configurations))
        if config.get("Default"):
            for other in configurations:
                other["Default"] = False
        configurations.append(config)
        service.store.put("product", product_code, product)
    return True


@handles("updatePricingConfiguration")
def update_pricing_configuration(service: Service, configuration: Any, product_code: Any) -> bool:
    """Replaces the configuration with its Code; documented rules: the Code and the
    PricingSchema cannot change, nor the MinQuantity/MaxQuantity intervals (every interval
    sent must be one the configuration has); an Amount of -1 deletes a price."""
    config = typed(configuration, "PricingConfiguration")
    if not isinstance(config, dict) or not config.get("Code"):
        raise invalid("the pricing configuration must be an object with its Code")
    check_configuration(config, "PricingConfiguration")
    with service.writing:
        product = _product(service, product_code)
        current = find_configuration(product, config["Code"])
        if config["PricingSchema"] != current.get("PricingSchema"):
            raise Fault("PRODUCT_ERROR", f"PricingSchema of {config['Code']!r} cannot "
                                         f"change from {current.get('PricingSchema')} to "
                                         f"{config['PricingSchema']}")
        for kind in ("Regular", "Renewal"):
            known = {(p.get("MinQuantity") or 1, p.get("MaxQuantity") or 99999)
                     for p in (current.get("Prices") or {}).get(kind) or []}
            prices = (config.get("Prices") or {}).get(kind) or []
            for entry in prices:
                interval = (entry["MinQuantity"], entry["MaxQuantity"])
                if known and interval not in known:
                    raise Fault("PRODUCT_ERROR", f"the {kind} interval {interval[0]}-"
                                                 f"{interval[1]} is not one of the "
                                                 "configuration's: intervals cannot "
                                                 "change")
            if prices:
                config["Prices"][kind] = [p for p in prices if p.get("Amount") != -1]
        if config.get("Default"):
            for other in product["PricingConfigurations"]:
                other["Default"] = False
        index = product["PricingConfigurations"].index(current)
        product["PricingConfigurations"][index] = config
        service.store.put("product", product_code, product)
    return True

# -- SKUs ----------------------------------------------------------------------------------


@handles("getSKUDetails")
def get_sku_details(service: Service, code: Any) -> dict[str, Any]:
    sku = existing(service, "sku", code)
    return {field: sku.get(field) for field, _ in load().types["SKUDetails"]}


@handles("getSKUCodeByDetails")
def get_sku_code_by_details(service: Service, details: Any) -> str:
    """The SKU of a pricing configuration that fits the details. Left out: Currency is the
    configuration's default, PurchaseType NEW_PRODUCT, Quantity 1, PriceOptions none. An
    SKU without a currency or purchase type applies to all; one without price options to
    any options; the most specific fitting SKU wins, then the first by code."""
    query = typed(details, "SKUDetailsQuery")
    if not isinstance(query, dict) or not query.get("PricingConfigurationCode"):
        raise invalid("PricingConfigurationCode is required")
    config_code = query["PricingConfigurationCode"]
    config = next((c for p in service.store.all("product")
                   for c in p.get("PricingConfigurations") or []
                   if c.get("Code") == config_code), None)
    if config is None:
        raise Fault("PRICING_CONFIGURATION_NOT_FOUND",
                    f"Pricing configuration {config_code!r} does not exist", 404)
    purchase = query.get("PurchaseType") or "NEW_PRODUCT"
    if purchase not in PURCHASE_TYPES:
        raise invalid(f"PurchaseType must be one of {', '.join(PURCHASE_TYPES)}")
    currency = (query.get("Currency") or config.get("DefaultCurrency") or "").upper()
    quantity = query.get("Quantity") or 1
    wanted = _option_set(query.get("PriceOptions"))
    fits = []
    for sku in service.store.all("sku"):
        options = _option_set(sku.get("PriceOptions"))
        if sku.get("PricingConfigurationCode") != config_code \
                or (sku.get("Currency") or currency).upper() != currency \
                or (sku.get("PurchaseType") or purchase) != purchase \
                or not (sku.get("FromQuantity") or 1) <= quantity \
                <= (sku.get("ToQuantity") or 99999) \
                or not _options_fit(wanted, options):
            continue
        specific = sum(1 for f in ("Currency", "PurchaseType") if sku.get(f)) + \
            (1 if options else 0)
        fits.append((-specific, sku["Code"]))
    if not fits:
        raise Fault("SKU_NOT_FOUND", f"No SKU of {config_code!r} fits these details", 404)
    return min(fits)[1]  # type: ignore[no-any-return]


@handles("setSku")
def set_sku(service: Service, schema: Any) -> bool:
    """Replace the whole SKU schema of every product named: its SKUs become exactly
    these. Every configuration must be the product's, and an SKU code may not belong to
    another product. All products or none."""
    entries = typed(schema, "SKUSchemaProduct[]")
    if not entries:
        raise invalid("at least one product schema must be given")
    with service.writing:
        existing = {s["Code"]: s for s in service.store.all("sku")}
        puts: list[tuple[str, str, Any]] = []
        deletes: list[tuple[str, str]] = []
        named: set[str] = set()
        for entry in entries:
            product = _product(service, entry.get("ProductCode"))
            product_code = product["ProductCode"]
            deletes += [("sku", code) for code, sku in existing.items()
                        if sku.get("ProductCode") == product_code]
            for config in entry.get("PriceConfigurations") or []:
                find_configuration(product, config.get("PriceConfigurationCode"))
                for sku in config.get("SKUs") or []:
                    owner = existing.get(sku.get("Code") or "", {}).get("ProductCode")
                    stored = _stored_sku(sku, product_code, config, owner, named)
                    named.add(stored["Code"])
                    puts.append(("sku", stored["Code"], stored))
        service.store.apply(puts, deletes)
    return True


def _stored_sku(sku: Mapping[str, Any], product_code: str, config: Mapping[str, Any],
                owner: Optional[str], named: set[str]) -> dict[str, Any]:
    """One SKU of a schema as stored, refused without a code, with a code already named in
    this schema or owned by another product (``owner``), or with an unknown PurchaseType."""
    code = sku.get("Code")
    if not code:
        raise invalid("every SKU needs a Code")
    if code in named or owner not in (None, product_code):
        raise invalid(f"SKU code {code!r} is used twice")
    if sku.get("PurchaseType") not in (None, *PURCHASE_TYPES):
        raise invalid(f"PurchaseType of {code!r} must be one of {', '.join(PURCHASE_TYPES)}")
    return {"Code": code, "ProductCode": product_code,
            "PricingConfigurationCode": config["PriceConfigurationCode"],
            "Currency": sku.get("Currency"), "PurchaseType": sku.get("PurchaseType"),
            "PriceOptions": sku.get("PriceOptions") or [],
            "FromQuantity": sku.get("FromQuantity"), "ToQuantity": sku.get("ToQuantity")}


@handles("deleteSku")
def delete_sku(service: Service, entries: Any) -> bool:
    """Remove the SKU codes named, each under its product and configuration: all of them,
    or none when one is unknown there."""
    deletions = typed(entries, "SKUDeletion[]")
    if not deletions:
        raise invalid("at least one product must be given")
    with service.writing:
        codes: list[tuple[str, str]] = []
        for entry in deletions:
            product_code = _product(service, entry.get("ProductCode"))["ProductCode"]
            for config in entry.get("PriceConfigurations") or []:
                for code in config.get("SKUs") or []:
                    sku = service.store.get("sku", code or "")
                    if sku is None or sku.get("ProductCode") != product_code or \
                            sku.get("PricingConfigurationCode") != \
                            config.get("PriceConfigurationCode"):
                        raise Fault("SKU_NOT_FOUND", f"SKU {code!r} is not in "
                                    f"{product_code}/{config.get('PriceConfigurationCode')}",
                                    404)
                    codes.append(("sku", code))
        service.store.apply([], codes)
    return True


def _option_set(options: Any) -> frozenset[tuple[str, str]]:
    return frozenset((str(group.get("Code")), str(option))
                     for group in options or [] for option in group.get("Options") or [])


def _options_fit(wanted: frozenset[tuple[str, str]],
                 offered: frozenset[tuple[str, str]]) -> bool:
    """An SKU without options fits any; one with options fits a choice among them."""
    return not offered or (bool(wanted) and wanted <= offered)
