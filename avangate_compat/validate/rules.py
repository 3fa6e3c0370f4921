"""The domain rules of the arguments: what the API requires of a lead, a whole product, a new
product, a pricing configuration, an SKU schema or deletion, a reseller, and lead marks and
searches (docs/api-facts.md). Each refuses bad input with the field's path before any I/O,
built from the generic checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import models
from ..convert import unstructure
from ..errors import ValidationError
from .generic import (
    as_model,
    boolean,
    code,
    country,
    currency,
    enum_value,
    filters_of,
    language,
    non_empty_list,
    one_of,
    one_or_many,
    positive_int,
    price,
    text,
)

# What every product the API returns carries. updateProduct replaces the whole product, so an
# argument without these is a partial update that would erase the rest.
COMPLETE_PRODUCT = ("ProductName", "ProductType", "Enabled")
_PARTIAL_PRODUCT = ("updateProduct replaces the whole product and erases every field left out; "
                    "read it with getProductByCode, change it, and write that back, or call "
                    "update_product_fields(ProductCode, Field=value, ...)")


def product(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A whole Product (model or mapping) that names its ProductCode."""
    if isinstance(value, Mapping):
        missing = [f for f in (*COMPLETE_PRODUCT, "PricingConfigurations") if f not in value]
        if missing:
            raise ValidationError(operation, f"{name} lacks {', '.join(missing)}: "
                                             f"{_PARTIAL_PRODUCT}", name)
    item = as_model(operation, name, value, models.Product)
    code(operation, f"{name}.ProductCode", item.ProductCode)
    missing = [f for f in COMPLETE_PRODUCT if getattr(item, f) is None]
    if missing:
        raise ValidationError(operation, f"{name} has no {', '.join(missing)}: "
                                         f"{_PARTIAL_PRODUCT}", name)
    return unstructure(item)


def lead(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A Lead with what addLead and updateLead require: Currency, Items, BillingDetails."""
    item: models.Lead = as_model(operation, name, value, models.Lead)
    code(operation, f"{name}.Currency", item.Currency)
    if not item.Items:
        raise ValidationError(operation, f"{name}.Items must hold at least one item")
    for index, entry in enumerate(item.Items):
        code(operation, f"{name}.Items[{index}].Code", entry.Code)
        if entry.Quantity is not None and entry.Quantity < 1:
            raise ValidationError(operation, f"{name}.Items[{index}].Quantity must be >= 1")
    if item.BillingDetails is None:
        raise ValidationError(operation, f"{name}.BillingDetails is required")
    if item.Language is not None:
        language(operation, f"{name}.Language", item.Language)
    if item.BillingDetails.CountryCode is not None:
        country(operation, f"{name}.BillingDetails.CountryCode", item.BillingDetails.CountryCode)
    return unstructure(item)

def search_filters(operation: str, name: str, value: Any) -> dict[str, Any]:
    """The documented searchLeads filters (the spec's LeadSearchOptions), and a date range
    that does not end before it starts."""
    out: dict[str, Any] = _lead_filters(operation, name, value)
    start, end = out.get("StartDate"), out.get("EndDate")
    if start and end and start > end:
        raise ValidationError(operation, f"StartDate {start} is after EndDate {end}")
    return out


def mark_leads(operation: str, name: str, value: Any) -> list[dict[str, Any]]:
    """A non-empty list of MarkLead entries (model or mapping), each naming its LeadCode."""
    if not isinstance(value, (list, tuple)) or not value:
        raise ValidationError(operation, f"{name} must be a non-empty list")
    out = []
    for index, entry in enumerate(value):
        mark: models.MarkLead = as_model(operation, f"{name}[{index}]", entry, models.MarkLead)
        code(operation, f"{name}[{index}].LeadCode", mark.LeadCode)
        for flag in ("Used", "StopFollowups"):
            if getattr(mark, flag) is not None:
                boolean(operation, f"{name}[{index}].{flag}", getattr(mark, flag))
        if mark.Used is None and mark.StopFollowups is None:
            raise ValidationError(operation, f"{name}[{index}] sets neither Used nor "
                                             "StopFollowups")
        out.append(unstructure(mark))
    return out

def product_types(operation: str, name: str, value: Any) -> list[str]:
    """One product type or a list of them (REGULAR, BUNDLE); always sent as a list."""
    return one_or_many(operation, name, value, one_of("ProductType"),
                       "a product type or a non-empty list of them")

def _options(operation: str, name: str, options: list[models.OptionCode]) -> None:
    for index, group in enumerate(options):
        code(operation, f"{name}[{index}].Code", group.Code)
        for n, option in enumerate(group.Options):
            text(operation, f"{name}[{index}].Options[{n}]", option)


def _quantities(operation: str, name: str, low: Any, high: Any, low_name: str,
                high_name: str) -> None:
    for field, number in ((low_name, low), (high_name, high)):
        if number is not None:
            positive_int(operation, f"{name}.{field}", number)
    if low is not None and high is not None and low > high:
        raise ValidationError(operation, f"{name}.{low_name} {low} is above {high_name} "
                                         f"{high}", f"{name}.{low_name}")


def _pricing_configuration(operation: str, name: str, value: Any,
                           with_code: bool) -> dict[str, Any]:
    item: models.PricingConfiguration = as_model(operation, name, value,
                                                  models.PricingConfiguration)
    if with_code:
        code(operation, f"{name}.Code", item.Code)
    elif item.Code is not None:
        raise ValidationError(operation, f"{name}.Code is system-generated: leave it out",
                              f"{name}.Code")
    text(operation, f"{name}.Name", item.Name)
    enum_value(operation, f"{name}.PricingSchema", item.PricingSchema, "SchemaType")
    if item.PriceType is not None:
        enum_value(operation, f"{name}.PriceType", item.PriceType, "PriceType")
    if item.DefaultCurrency is not None:
        currency(operation, f"{name}.DefaultCurrency", item.DefaultCurrency)
    for index, country_code in enumerate(item.BillingCountries):
        country(operation, f"{name}.BillingCountries[{index}]", country_code)
    for kind in ("Regular", "Renewal"):
        for index, entry in enumerate(getattr(item.Prices, kind) if item.Prices else []):
            where = f"{name}.Prices.{kind}[{index}]"
            if entry.Amount is None:
                raise ValidationError(operation, f"{where}.Amount is required",
                                      f"{where}.Amount")
            if entry.Amount != -1:  # -1 deletes the price, as documented
                price(operation, f"{where}.Amount", entry.Amount)
            currency(operation, f"{where}.Currency", entry.Currency)
            _quantities(operation, where, entry.MinQuantity, entry.MaxQuantity,
                        "MinQuantity", "MaxQuantity")
            _options(operation, f"{where}.OptionCodes", entry.OptionCodes)
    for index, assignment in enumerate(item.PriceOptions):
        code(operation, f"{name}.PriceOptions[{index}].Code", assignment.Code)
    return unstructure(item)


def pricing_configuration(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A new PricingConfiguration: a Name, a PricingSchema (FLAT, DYNAMIC), no Code (the
    system makes one), prices with a currency and sane quantity intervals."""
    return _pricing_configuration(operation, name, value, with_code=False)


def pricing_configuration_update(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A PricingConfiguration to write back: as for a new one, and it names its Code."""
    return _pricing_configuration(operation, name, value, with_code=True)


def sku_query(operation: str, name: str, value: Any) -> dict[str, Any]:
    """The details getSKUCodeByDetails resolves: PricingConfigurationCode is required."""
    item: models.SKUDetailsQuery = as_model(operation, name, value, models.SKUDetailsQuery)
    code(operation, f"{name}.PricingConfigurationCode", item.PricingConfigurationCode)
    if item.Currency is not None:
        item.Currency = currency(operation, f"{name}.Currency", item.Currency)
    if item.PurchaseType is not None:
        enum_value(operation, f"{name}.PurchaseType", item.PurchaseType, "PurchaseType")
    if item.Quantity is not None:
        positive_int(operation, f"{name}.Quantity", item.Quantity)
    _options(operation, f"{name}.PriceOptions", item.PriceOptions)
    return unstructure(item)

def sku_schema(operation: str, name: str, value: Any) -> list[dict[str, Any]]:
    """Whole SKU schemas of products: every code named, every SKU with a code, a known
    PurchaseType, a currency and a quantity interval that makes sense."""
    out = []
    for index, entry in enumerate(non_empty_list(operation, name, value)):
        where = f"{name}[{index}]"
        product_schema: models.SKUSchemaProduct = as_model(operation, where, entry,
                                                            models.SKUSchemaProduct)
        code(operation, f"{where}.ProductCode", product_schema.ProductCode)
        for n, config in enumerate(product_schema.PriceConfigurations):
            at = f"{where}.PriceConfigurations[{n}]"
            code(operation, f"{at}.PriceConfigurationCode", config.PriceConfigurationCode)
            for k, sku in enumerate(config.SKUs):
                sku_at = f"{at}.SKUs[{k}]"
                code(operation, f"{sku_at}.Code", sku.Code)
                if sku.Currency is not None:
                    sku.Currency = currency(operation, f"{sku_at}.Currency", sku.Currency)
                if sku.PurchaseType is not None:
                    enum_value(operation, f"{sku_at}.PurchaseType", sku.PurchaseType,
                                "PurchaseType")
                _quantities(operation, sku_at, sku.FromQuantity, sku.ToQuantity,
                            "FromQuantity", "ToQuantity")
                _options(operation, f"{sku_at}.PriceOptions", sku.PriceOptions)
        out.append(unstructure(product_schema))
    return out


def sku_deletion(operation: str, name: str, value: Any) -> list[dict[str, Any]]:
    """``[{ProductCode, PriceConfigurations: [{PriceConfigurationCode, SKUs: [code, ...]}]}]``,
    every level non-empty: a deletion that names nothing is a mistake, not a no-op."""
    out = []
    for index, entry in enumerate(non_empty_list(operation, name, value)):
        where = f"{name}[{index}]"
        deletion: models.SKUDeletion = as_model(operation, where, entry, models.SKUDeletion)
        code(operation, f"{where}.ProductCode", deletion.ProductCode)
        non_empty_list(operation, f"{where}.PriceConfigurations",
                        deletion.PriceConfigurations)
        for n, config in enumerate(deletion.PriceConfigurations):
            at = f"{where}.PriceConfigurations[{n}]"
            code(operation, f"{at}.PriceConfigurationCode", config.PriceConfigurationCode)
            for k, sku_code in enumerate(non_empty_list(operation, f"{at}.SKUs", config.SKUs)):
                code(operation, f"{at}.SKUs[{k}]", sku_code)
        out.append(unstructure(deletion))
    return out


def new_product(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A product to add: a ProductCode (the read-back key) and a ProductName; a known
    ProductType if given; no AvangateId (the system assigns it); pricing configurations
    checked as for addPricingConfiguration."""
    item: models.Product = as_model(operation, name, value, models.Product)
    code(operation, f"{name}.ProductCode", item.ProductCode)
    text(operation, f"{name}.ProductName", item.ProductName)
    if item.AvangateId is not None:
        raise ValidationError(operation, f"{name}.AvangateId is system-generated: leave it "
                                         "out", f"{name}.AvangateId")
    if item.ProductType is not None:
        enum_value(operation, f"{name}.ProductType", item.ProductType, "ProductType")
    if item.Enabled is not None:
        boolean(operation, f"{name}.Enabled", item.Enabled)
    for index, config in enumerate(item.PricingConfigurations):
        pricing_configuration(operation, f"{name}.PricingConfigurations[{index}]", config)
    return unstructure(item)


def reseller(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A Reseller to create: no ResellerCode (system-generated), at least a company, a name
    or an email to know it by, a two-letter Country if given."""
    item: models.Reseller = as_model(operation, name, value, models.Reseller)
    if item.ResellerCode is not None:
        raise ValidationError(operation, f"{name}.ResellerCode is system-generated: leave it "
                                         "out", f"{name}.ResellerCode")
    known_by = ("Company", "FirstName", "LastName", "Email")
    for field in known_by:
        if getattr(item, field) is not None:
            text(operation, f"{name}.{field}", getattr(item, field))
    if all(getattr(item, field) is None for field in known_by):
        raise ValidationError(operation, f"{name} needs a Company, a FirstName, a LastName or "
                                         "an Email", name)
    if item.Country is not None:
        country(operation, f"{name}.Country", item.Country)
    return unstructure(item)


_lead_filters = filters_of("LeadSearchOptions")
