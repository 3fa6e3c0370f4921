"""Products: read, search, add and update the catalogue, enable and disable with review."""

from __future__ import annotations

import copy
import secrets
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

from avangate_compat.sandbox.resources.base import (
    Fault,
    existing,
    handles,
    invalid,
    made_code,
    paging,
    typed,
)
from avangate_compat.sandbox.resources.pricing import check_configuration
from avangate_compat.sandbox.schema import load

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

PRODUCT_TYPES = load().enums["ProductType"]


@handles("getProductByCode")
def get_product_by_code(service: Service, code: Any) -> dict[str, Any]:
    return existing(service, "product", code)


@handles("updateProduct")
def update_product(service: Service, product: Any) -> bool:
    """Documented rules: AvangateId and ProductType are fixed; a pricing configuration's
    Code cannot change, nor its PricingSchema between DYNAMIC and FLAT."""
    value = typed(product, "Product")
    if not isinstance(value, dict):
        raise invalid("the product must be an object")
    with service.writing:  # read, check, merge and write as one step
        return _update_product(service, value)


def _update_product(service: Service, value: dict[str, Any]) -> bool:
    current = get_product_by_code(service, value.get("ProductCode"))
    for field in ("AvangateId", "ProductType"):
        if value.get(field) is not None and value[field] != current.get(field):
            raise Fault("PRODUCT_ERROR", f"{field} cannot be changed")
    existing = {c.get("Code"): c for c in current.get("PricingConfigurations") or []}
    for config in value.get("PricingConfigurations") or []:
        code = config.get("Code")
        if code is None:
            config["Code"] = secrets.token_hex(5).upper()  # a new configuration
            continue
        if code not in existing:
            raise Fault("PRODUCT_ERROR", f"Pricing configuration code {code!r} does not "
                                         "exist: codes cannot be changed")
        old_schema = existing[code].get("PricingSchema")
        if config.get("PricingSchema") not in (None, old_schema):
            raise Fault("PRODUCT_ERROR", f"PricingSchema of {code!r} cannot change from "
                                         f"{old_schema} to {config['PricingSchema']}")
        for kind in ("Regular", "Renewal"):
            prices = (config.get("Prices") or {}).get(kind)
            if prices:  # Amount -1 deletes a price (and a null entry is refused on input)
                config["Prices"][kind] = [p for p in prices if p.get("Amount") != -1]
    merged = copy.deepcopy(current)
    merged.update(value)
    merged["AvangateId"], merged["ProductType"] = current.get("AvangateId"), \
        current.get("ProductType")
    rows = [("product", merged["ProductCode"], merged)]
    if merged.get("Enabled") and not current.get("Enabled"):  # as setProductStatus
        rows += _review_on_enable(service, merged["ProductCode"], merged)
    service.store.put_many(rows)
    return True


@handles("setProductStatus")
def set_product_status(service: Service, code: Any, status: Any, review_url: Any = None,
                       review_details: Any = None) -> bool:
    """Enable or disable; enabling a product that needs review (one added through the
    API and not yet enabled) takes ReviewProductUrl and ReviewAdditionalDetails."""
    if not isinstance(status, bool):
        raise invalid("Status must be a boolean")
    with service.writing:
        product = get_product_by_code(service, code)
        if review_url is not None:
            product["ReviewProductUrl"] = review_url
        if review_details is not None:
            product["ReviewAdditionalDetails"] = review_details
        rows = [("product", code, product)]
        if status and not product.get("Enabled"):
            rows += _review_on_enable(service, code, product)
        product["Enabled"] = status
        service.store.put_many(rows)
    return True


def _review_on_enable(service: Service, code: str, product: Mapping[str, Any]
                      ) -> list[tuple[str, str, Any]]:
    """The review state written when ``product`` is enabled: a product that needs review
    goes in review with its ReviewProductUrl and ReviewAdditionalDetails, or is refused."""
    if _review_status(service, code) != "NEEDS_REVIEW":
        return []
    if not product.get("ReviewProductUrl") or not product.get("ReviewAdditionalDetails"):
        raise Fault("PRODUCT_ERROR", f"Product {code!r} needs review before it is "
                                     "enabled: send ReviewProductUrl and "
                                     "ReviewAdditionalDetails")
    return [("review", code, {"Status": "IN_REVIEW"})]


def _review_status(service: Service, code: str) -> str:
    found = service.store.get("review", code)
    return "APPROVED" if found is None else str(found["Status"])


@handles("searchProducts")
def search_products(service: Service, options: Any) -> dict[str, Any]:
    """Filters as the REST API documents them (Name is a part of the name, the others
    exact, text without regard to case), sorted by ProductCode, paged as searchLeads."""
    opts = typed(options or {}, "ProductSearchOptions")
    page, limit = paging(opts)
    for kind in opts.get("Types") or []:
        if kind not in PRODUCT_TYPES:
            raise invalid(f"Types must be among {', '.join(PRODUCT_TYPES)}")

    def wanted(product: Mapping[str, Any]) -> bool:
        checks: list[tuple[str, Callable[[Any], bool]]] = [
            ("Name", lambda v: v.lower() in (product.get("ProductName") or "").lower()),
            ("Codes", lambda v: product.get("ProductCode") in v),
            ("Types", lambda v: product.get("ProductType") in v),
            ("Enabled", lambda v: bool(product.get("Enabled")) is v),
            ("ReviewStatus", lambda v: _review_status(
                service, str(product.get("ProductCode"))).lower() == v.lower()),
            ("GroupName", lambda v: (product.get("GroupName") or "").lower() == v.lower()),
        ]
        return all(check(opts[key]) for key, check in checks if opts.get(key) is not None)

    found = sorted((p for p in service.store.all("product") if wanted(p)),
                   key=lambda p: str(p.get("ProductCode")))
    start = (page - 1) * limit
    return {"Items": found[start:start + limit],
            "Pagination": {"Page": page, "Limit": limit, "Count": len(found)}}


@handles("addProduct")
def add_product(service: Service, product: Any) -> bool:
    """A new product, stored as sent plus what the system assigns: AvangateId, the codes
    of its pricing configurations, ProductType REGULAR and Enabled false by default. It
    needs review: added enabled, it must carry ReviewProductUrl and
    ReviewAdditionalDetails."""
    value = typed(product, "Product")
    if not isinstance(value, dict):
        raise invalid("the product must be an object")
    code = value.get("ProductCode")
    if not code or not value.get("ProductName"):
        raise invalid("ProductCode and ProductName are required")
    if value.get("AvangateId") is not None:
        raise Fault("PRODUCT_ERROR", "AvangateId is system-generated")
    if value.get("ProductType") is None:
        value["ProductType"] = "REGULAR"
    if value["ProductType"] not in PRODUCT_TYPES:
        raise invalid(f"ProductType must be one of {', '.join(PRODUCT_TYPES)}")
    value["Enabled"] = bool(value.get("Enabled"))
    value["AvangateId"] = str(4_800_000 + zlib.crc32(code.encode()) % 100_000)
    configurations = value.get("PricingConfigurations") or []
    for n, config in enumerate(configurations):
        check_configuration(config, f"PricingConfigurations[{n}]")
        if config.get("Code") is None:
            config["Code"] = made_code(code, config.get("Name"), n)
    review = "IN_REVIEW" if value["Enabled"] else "NEEDS_REVIEW"
    if value["Enabled"] and not (value.get("ReviewProductUrl") and
                                 value.get("ReviewAdditionalDetails")):
        raise Fault("PRODUCT_ERROR", "a new product needs review before it is enabled: "
                                     "send ReviewProductUrl and ReviewAdditionalDetails, "
                                     "or add it disabled")
    with service.writing:
        if not service.store.add("product", code, value):
            raise Fault("PRODUCT_ERROR", f"Product {code!r} already exists")
        service.store.put("review", code, {"Status": review})
    return True
