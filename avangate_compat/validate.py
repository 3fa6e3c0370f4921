"""Argument checks that run before any network I/O and turn arguments into wire data.

Each checker takes the operation name, the parameter name and the user's value, and returns
plain data (dicts with API keys, strings, booleans) or raises :class:`ValidationError` with a
message a user can act on.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

from . import models
from .convert import bounded_decimal, structure, unstructure
from .errors import ConversionError, ValidationError
from .spec import load

Checker = Callable[[str, str, Any], Any]

LEAD_TYPES = load().enums["LeadType"]
_TWO_LETTERS = re.compile(r"[A-Za-z]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What XML 1.0 cannot carry (SOAP would fail on it, other backends must refuse it alike):
# C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_NESTING = 32


def _decoded(operation: str, name: str, value: Any) -> Any:
    """Python 2 code passed ``str`` (bytes): accept UTF-8 bytes as text."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(operation, f"{name}: bytes that are not UTF-8 text",
                                  name) from None
    return value


def code(operation: str, name: str, value: Any) -> str:
    """A non-empty identifier such as a LeadCode or ProductCode. It may stand in a REST path,
    so ``.``, ``..`` and ``/`` are refused: no code can reach another resource."""
    value = _decoded(operation, name, value)
    if not isinstance(value, str):
        raise ValidationError(operation, f"{name} must be a string, got {type(value).__name__}",
                              name)
    if not value.strip():
        raise ValidationError(operation, f"{name} must not be empty", name)
    if _CONTROL.search(value) or _NOT_XML.search(value):
        raise ValidationError(operation, f"{name} must not contain control characters", name)
    if value.strip() in (".", "..") or "/" in value or "\\" in value:
        raise ValidationError(operation, f"{name} must not be '.', '..' or hold a slash", name)
    return value


def boolean(operation: str, name: str, value: Any) -> bool:
    """A real ``bool``: ``"false"`` or ``0`` are refused, since PHP would read them differently."""
    if not isinstance(value, bool):
        raise ValidationError(operation, f"{name} must be True or False, got {value!r}", name)
    return value


def _as_model(operation: str, name: str, value: Any, cls: type) -> Any:
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        try:
            return structure(dict(value), cls)
        except ConversionError as exc:
            raise ValidationError(operation, f"{name}{exc.path}: {exc.reason}",
                                  f"{name}{exc.path}") from None
    raise ValidationError(operation, f"{name} must be a {cls.__name__} or a mapping, "
                                     f"got {type(value).__name__}")


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
    item = _as_model(operation, name, value, models.Product)
    code(operation, f"{name}.ProductCode", item.ProductCode)
    missing = [f for f in COMPLETE_PRODUCT if getattr(item, f) is None]
    if missing:
        raise ValidationError(operation, f"{name} has no {', '.join(missing)}: "
                                         f"{_PARTIAL_PRODUCT}", name)
    return unstructure(item)


def lead(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A Lead with what addLead and updateLead require: Currency, Items, BillingDetails."""
    item: models.Lead = _as_model(operation, name, value, models.Lead)
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


def language(operation: str, name: str, value: Any) -> str:
    """ISO 639-1: two letters (the API answers them upper case, as ``"BG"``)."""
    if not isinstance(value, str) or not _TWO_LETTERS.fullmatch(value):
        raise ValidationError(operation, f"{name} must be a two-letter ISO 639-1 code, "
                                         f"got {value!r}", name)
    return value


def country(operation: str, name: str, value: Any) -> str:
    """ISO 3166-1 alpha-2: two letters."""
    if not isinstance(value, str) or not _TWO_LETTERS.fullmatch(value):
        raise ValidationError(operation, f"{name} must be a two-letter ISO 3166 country code, "
                                         f"got {value!r}", name)
    return value


def date(operation: str, name: str, value: Any) -> str:
    """``YYYY-MM-DD``, a real calendar date; a ``datetime.date`` is accepted and formatted."""
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            datetime.date.fromisoformat(value)
            return value
        except ValueError:
            pass
    raise ValidationError(operation, f"{name} must be a date as YYYY-MM-DD, got {value!r}",
                          name)


def positive_int(operation: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(operation, f"{name} must be a positive integer, got {value!r}",
                              name)
    return value


def one_of(enum: str) -> Checker:
    """A value of the spec's enum ``enum``."""
    choices = load().enums[enum]

    def check(operation: str, name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValidationError(operation, f"{name} must be one of {', '.join(choices)}, "
                                             f"got {value!r}", name)
        return value
    return check


lead_type = one_of("LeadType")


def codes(operation: str, name: str, value: Any) -> list[str]:
    """One code or a list of codes; always sent as a list."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values:
        raise ValidationError(operation, f"{name} must be a code or a non-empty list of codes",
                              name)
    return [code(operation, f"{name}[{i}]", v) for i, v in enumerate(values)]


def text(operation: str, name: str, value: Any) -> str:
    value = _decoded(operation, name, value)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(operation, f"{name} must be a non-empty string", name)
    return value


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
        mark: models.MarkLead = _as_model(operation, f"{name}[{index}]", entry, models.MarkLead)
        code(operation, f"{name}[{index}].LeadCode", mark.LeadCode)
        for flag in ("Used", "StopFollowups"):
            if getattr(mark, flag) is not None:
                boolean(operation, f"{name}[{index}].{flag}", getattr(mark, flag))
        if mark.Used is None and mark.StopFollowups is None:
            raise ValidationError(operation, f"{name}[{index}] sets neither Used nor "
                                             "StopFollowups")
        out.append(unstructure(mark))
    return out



def sendable(operation: str, name: str, value: Any, depth: int = 0) -> Any:
    """``value`` as the wire can carry it: text XML can hold (UTF-8 bytes, as Python 2 code
    passed strings, become text), booleans, finite numbers within range, lists and objects
    with text keys, not nested absurdly deep. Runs on the wire data of every call, whatever
    built it, so a model whose attributes were set by hand is checked too; a fault is
    reported with its field path."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (bytes, bytearray)):
        value = _decoded(operation, name, value)
    if isinstance(value, str):
        if _NOT_XML.search(value):
            raise ValidationError(operation, f"{name} holds a character XML cannot carry "
                                             "(a control character or lone surrogate)", name)
        return value
    if depth > MAX_NESTING:
        raise ValidationError(operation, f"{name} nests deeper than {MAX_NESTING} levels", name)
    if isinstance(value, (int, float, Decimal)):
        try:
            bounded_decimal(value)
        except ConversionError as exc:
            raise ValidationError(operation, f"{name}: {exc}", name) from None
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, entry in value.items():
            if not isinstance(key, str):
                raise ValidationError(operation, f"{name} has a key that is not text: "
                                                 f"{key!r}", name)
            out[key] = sendable(operation, f"{name}.{key}", entry, depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [sendable(operation, f"{name}[{i}]", entry, depth + 1)
                for i, entry in enumerate(value)]
    raise ValidationError(operation, f"{name}: cannot send a {type(value).__name__}", name)


# -- the catalog beyond the first eight calls: pricing configurations, SKUs, renewal prices,
# product search, new products, resellers (docs/api-facts.md, "Catalog calls beyond the first
# eight"). Each refuses bad input with the field's path before any I/O.

_CURRENCY = re.compile(r"[A-Za-z]{3}")


def currency(operation: str, name: str, value: Any) -> str:
    """ISO 4217: three letters, sent upper case (``"usd"`` -> ``"USD"``)."""
    value = _decoded(operation, name, value)
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise ValidationError(operation, f"{name} must be a three-letter ISO 4217 currency "
                                         f"code, got {value!r}", name)
    return value.upper()


def price(operation: str, name: str, value: Any) -> Decimal:
    """A finite amount of money, zero or more: a ``Decimal``, an ``int`` or numeric text (a
    ``float`` is read through its shortest repr, ``19.99`` stays 19.99)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise ValidationError(operation, f"{name} must be a number, got "
                                         f"{type(value).__name__}", name)
    try:
        amount = bounded_decimal(value)
    except ConversionError as exc:
        raise ValidationError(operation, f"{name}: {exc}", name) from None
    if amount < 0:
        raise ValidationError(operation, f"{name} must not be negative, got {amount}", name)
    return amount


def _enum_value(operation: str, name: str, value: Any, enum: str) -> str:
    return one_of(enum)(operation, name, value)  # type: ignore[no-any-return]


def product_types(operation: str, name: str, value: Any) -> list[str]:
    """One product type or a list of them (REGULAR, BUNDLE); always sent as a list."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not values:
        raise ValidationError(operation, f"{name} must be a product type or a non-empty list "
                                         "of them", name)
    return [_enum_value(operation, f"{name}[{i}]", v, "ProductType")
            for i, v in enumerate(values)]


def filters_of(type_name: str) -> Checker:
    """The check of a filter object the spec declares under ``filters``: every filter by its
    own check, unknown ones refused (never silently ignored), ``None`` left out. The checks
    are looked up once, on first use (the table of named checks is built after this)."""
    resolved: dict[str, Checker] = {}

    def check(operation: str, name: str, value: Any) -> dict[str, Any]:
        if not resolved:
            resolved.update({field: named_check(kind)
                             for field, kind in load().filters[type_name].items()})
        checks = resolved
        if not isinstance(value, Mapping):
            raise ValidationError(operation, f"{name} must be a mapping of filters", name)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if item is None:
                continue
            checker = checks.get(key)
            if checker is None:
                raise ValidationError(operation, f"unknown filter {key!r}; known: "
                                                 f"{', '.join(checks)}", f"{name}.{key}")
            out[key] = checker(operation, f"{name}.{key}", item)
        return out
    return check


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
    item: models.PricingConfiguration = _as_model(operation, name, value,
                                                  models.PricingConfiguration)
    if with_code:
        code(operation, f"{name}.Code", item.Code)
    elif item.Code is not None:
        raise ValidationError(operation, f"{name}.Code is system-generated: leave it out",
                              f"{name}.Code")
    text(operation, f"{name}.Name", item.Name)
    _enum_value(operation, f"{name}.PricingSchema", item.PricingSchema, "SchemaType")
    if item.PriceType is not None:
        _enum_value(operation, f"{name}.PriceType", item.PriceType, "PriceType")
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
    item: models.SKUDetailsQuery = _as_model(operation, name, value, models.SKUDetailsQuery)
    code(operation, f"{name}.PricingConfigurationCode", item.PricingConfigurationCode)
    if item.Currency is not None:
        item.Currency = currency(operation, f"{name}.Currency", item.Currency)
    if item.PurchaseType is not None:
        _enum_value(operation, f"{name}.PurchaseType", item.PurchaseType, "PurchaseType")
    if item.Quantity is not None:
        positive_int(operation, f"{name}.Quantity", item.Quantity)
    _options(operation, f"{name}.PriceOptions", item.PriceOptions)
    return unstructure(item)


def _non_empty_list(operation: str, name: str, value: Any) -> list[Any]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ValidationError(operation, f"{name} must be a non-empty list", name)
    return list(value)


def sku_schema(operation: str, name: str, value: Any) -> list[dict[str, Any]]:
    """Whole SKU schemas of products: every code named, every SKU with a code, a known
    PurchaseType, a currency and a quantity interval that makes sense."""
    out = []
    for index, entry in enumerate(_non_empty_list(operation, name, value)):
        where = f"{name}[{index}]"
        product_schema: models.SKUSchemaProduct = _as_model(operation, where, entry,
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
                    _enum_value(operation, f"{sku_at}.PurchaseType", sku.PurchaseType,
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
    for index, entry in enumerate(_non_empty_list(operation, name, value)):
        where = f"{name}[{index}]"
        deletion: models.SKUDeletion = _as_model(operation, where, entry, models.SKUDeletion)
        code(operation, f"{where}.ProductCode", deletion.ProductCode)
        _non_empty_list(operation, f"{where}.PriceConfigurations",
                        deletion.PriceConfigurations)
        for n, config in enumerate(deletion.PriceConfigurations):
            at = f"{where}.PriceConfigurations[{n}]"
            code(operation, f"{at}.PriceConfigurationCode", config.PriceConfigurationCode)
            for k, sku_code in enumerate(_non_empty_list(operation, f"{at}.SKUs", config.SKUs)):
                code(operation, f"{at}.SKUs[{k}]", sku_code)
        out.append(unstructure(deletion))
    return out


def new_product(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A product to add: a ProductCode (the read-back key) and a ProductName; a known
    ProductType if given; no AvangateId (the system assigns it); pricing configurations
    checked as for addPricingConfiguration."""
    item: models.Product = _as_model(operation, name, value, models.Product)
    code(operation, f"{name}.ProductCode", item.ProductCode)
    text(operation, f"{name}.ProductName", item.ProductName)
    if item.AvangateId is not None:
        raise ValidationError(operation, f"{name}.AvangateId is system-generated: leave it "
                                         "out", f"{name}.AvangateId")
    if item.ProductType is not None:
        _enum_value(operation, f"{name}.ProductType", item.ProductType, "ProductType")
    if item.Enabled is not None:
        boolean(operation, f"{name}.Enabled", item.Enabled)
    for index, config in enumerate(item.PricingConfigurations):
        pricing_configuration(operation, f"{name}.PricingConfigurations[{index}]", config)
    return unstructure(item)


def reseller(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A Reseller to create: no ResellerCode (system-generated), at least a company, a name
    or an email to know it by, a two-letter Country if given."""
    item: models.Reseller = _as_model(operation, name, value, models.Reseller)
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
    "reseller": reseller,
}


def named_check(name: str) -> Checker:
    """The check a spec names: one of :data:`CHECKS`, or ``enum:<Enum>``."""
    if name.startswith("enum:"):
        return one_of(name[len("enum:"):])
    return CHECKS[name]


_lead_filters = filters_of("LeadSearchOptions")
