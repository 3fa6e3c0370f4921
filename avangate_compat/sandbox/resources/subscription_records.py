"""A stored subscription and the Subscription object it answers as (docs/api-facts.md,
"Subscriptions").

The store keeps the API's fields plus the sandbox's own: ``ProductCode`` and ``Quantity`` (the
authority for ``Product.ProductCode`` and ``Product.ProductQuantity``), the renewal pricing
(``PricingConfigurationCode``, ``DynamicRenewalPrice``, ``CustomRenewalPrice``), ``Renewals``,
``History``, ``PurchaseDate``, ``Modified`` (the last change), ``Churn`` (the reasons given
when it was cancelled or its recurring billing stopped) and ``OrderRefNo``. ``Status`` is not
stored alone: :func:`.subscription_life.status` reads it from the state (ACTIVE, DISABLED,
or EXPIRED once the clock has expired it), the one rule LCNs and reads share.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from avangate_compat.sandbox.resources import subscription_life as life
from avangate_compat.sandbox.resources.base import Fault, existing, invalid
from avangate_compat.sandbox.schema import load

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

FREE_TEXT_REASONS = ("CHURN_REASON_EXTRAORDINARY", "CHURN_REASON_OTHER")


def fields(type_name: str = "Subscription") -> list[str]:
    return [field for field, _ in load().types[type_name]]


def today(service: Service) -> str:
    """The sandbox clock's date, YYYY-MM-DD."""
    return service.clock.stamp()[:10]


def stored(service: Service, reference: Any) -> dict[str, Any]:
    """The stored subscription ``reference``, or SUBSCRIPTION_NOT_FOUND."""
    return existing(service, "subscription", reference, "SubscriptionReference")


def pending(service: Service, record: Mapping[str, Any]) -> bool:
    """Pending activation: its StartDate is still to come."""
    return str(record.get("StartDate") or "") > today(service)


def product_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The Product member: the stored one, its code and quantity from the record's own."""
    product: dict[str, Any] = dict.fromkeys(fields("SubscriptionProduct"))
    product.update(record.get("Product") or {})
    product["ProductCode"] = record.get("ProductCode")
    product["ProductQuantity"] = record.get("Quantity") or 1
    return product


def shown(service: Service, record: Mapping[str, Any]) -> dict[str, Any]:
    """The Subscription object of a stored record, as every read answers it."""
    out = {field: copy.deepcopy(record.get(field)) for field in fields()}
    out["Product"] = product_of(record)
    end_user: dict[str, Any] = dict.fromkeys(fields("EndUser"))
    end_user.update(record.get("EndUser") or {})
    out["EndUser"] = end_user
    for flag, default in (("RecurringEnabled", False), ("SubscriptionEnabled", True),
                          ("ReceiveNotifications", True), ("Lifetime", False),
                          ("TestSubscription", False), ("IsTrial", False)):
        out[flag] = default if record.get(flag) is None else bool(record[flag])
    out["Status"] = life.status(dict(record))
    return out


def churn_reasons(reasons: Any, other: Any) -> tuple[list[str], Any]:
    """The churn reasons, each of the documented list; the free text only with
    EXTRAORDINARY or OTHER."""
    if reasons in (None, ""):
        reasons = []
    if isinstance(reasons, str):
        reasons = [reasons]
    if isinstance(reasons, Mapping):
        reasons = list(reasons.values())
    allowed = load().enums["ChurnReason"]
    if not isinstance(reasons, list) or any(r not in allowed for r in reasons):
        raise Fault("INVALID_CHURN_REASON", f"ChurnReasons must be of {', '.join(allowed)}")
    if other not in (None, "") and not set(reasons) & set(FREE_TEXT_REASONS):
        raise Fault("INVALID_CHURN_REASON", "ChurnReasonOther goes only with "
                                            f"{' or '.join(FREE_TEXT_REASONS)}")
    if other not in (None, "") and not isinstance(other, str):
        raise invalid("ChurnReasonOther must be text")
    return reasons, other or None
