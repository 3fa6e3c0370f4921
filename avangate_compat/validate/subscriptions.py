"""The argument rules of the subscription calls (docs/api-facts.md, "Subscriptions"): churn
reasons from the documented list, a day count, the search filters (``RecurringEnabled`` in both
documented shapes), a subscription to import and one to write back."""

from __future__ import annotations

from typing import Any, Optional

from .. import models
from ..convert import unstructure
from ..errors import ValidationError
from .generic import (
    as_model,
    code,
    country,
    date,
    filters_of,
    language,
    one_of,
    one_or_many,
)
from .orders import order_search

# ChurnReasonOther is documented only with these two reasons
FREE_TEXT_REASONS = ("CHURN_REASON_EXTRAORDINARY", "CHURN_REASON_OTHER")
_TRUE = ("true", "1")
_FALSE = ("false", "0")
# the fields updateSubscription documents as editable (the rest must be left as read)
EDITABLE = ("EndUser", "ExpirationDate", "ActivationDate", "SubscriptionEnabled",
            "RecurringEnabled", "ExternalCustomerReference")


def churn_reasons(operation: str, name: str, value: Any) -> list[str]:
    """Reasons of the documented ChurnReason list; one reason or a list (None: none), sent
    as a list."""
    values = [] if value is None else [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)):
        raise ValidationError(operation, f"{name} must be a list of churn reasons", name)
    check = one_of("ChurnReason")
    return [check(operation, f"{name}[{i}]", reason) for i, reason in enumerate(values)]


def churn(operation: str, name: str, args: list[Any]) -> None:
    """ChurnReasonOther goes with CHURN_REASON_EXTRAORDINARY or CHURN_REASON_OTHER only."""
    del name
    reasons = args[1] if len(args) > 1 else None
    other = args[2] if len(args) > 2 else None
    if other and not set(reasons or ()) & set(FREE_TEXT_REASONS):
        raise ValidationError(operation, "ChurnReasonOther is documented only with "
                                         f"{' or '.join(FREE_TEXT_REASONS)} among the "
                                         "ChurnReasons", "ChurnReasonOther")


def either_customer(operation: str, name: str, args: list[Any]) -> None:
    """A customer's subscriptions need one of its references (0 and "" stand for none)."""
    del name
    if not args[0] and not (len(args) > 1 and args[1]):
        raise ValidationError(operation, "give an AvangateCustomerReference or an "
                                         "ExternalCustomerReference",
                              "AvangateCustomerReference")


def days(operation: str, name: str, value: Any) -> int:
    """A whole, non-zero number of days; negative shortens (the server keeps it in the
    future)."""
    if isinstance(value, bool) or not isinstance(value, int) or value == 0 \
            or not -36500 <= value <= 36500:
        raise ValidationError(operation, f"{name} must be a whole number of days from -36500 "
                                         f"to 36500, not 0, got {value!r}", name)
    return value


def recurring_enabled(operation: str, name: str, value: Any) -> Optional[bool]:
    """A boolean (REST, the PHP sample) or a list of "true"/"false" texts (the SOAP and
    JSON-RPC pages' StringArray): sent as the boolean it means, or no filter when the list
    holds both."""
    if isinstance(value, bool):
        return value
    values = [value] if isinstance(value, str) else value
    if isinstance(values, (list, tuple)) and values:
        meant = set()
        for index, item in enumerate(values):
            text = str(item).strip().lower() if isinstance(item, (str, bool)) else None
            if text not in _TRUE + _FALSE:
                raise ValidationError(operation, f"{name}[{index}] must be 'true' or 'false', "
                                                 f"got {item!r}", f"{name}[{index}]")
            meant.add(text in _TRUE)
        return meant.pop() if len(meant) == 1 else None
    raise ValidationError(operation, f"{name} must be True, False or a list of 'true'/'false', "
                                     f"got {value!r}", name)


def countries(operation: str, name: str, value: Any) -> list[str]:
    """One ISO 3166 code or a list of them; always sent as a list."""
    return one_or_many(operation, name, value, country, "a country code or a non-empty list")


_subscription_filters = filters_of("SubscriptionSearchOptions")


def subscription_search(operation: str, name: str, value: Any) -> dict[str, Any]:
    """The searchSubscriptions filters, the page folded as searchOrders folds it; a
    RecurringEnabled list holding both values is no filter at all."""
    out = order_search(operation, name, value, _subscription_filters)
    if "RecurringEnabled" in out and out["RecurringEnabled"] is None:
        del out["RecurringEnabled"]
    return out


def _dates_and_codes(operation: str, name: str, subscription: models.Subscription) -> None:
    for field in ("StartDate", "ExpirationDate", "ActivationDate"):
        value = getattr(subscription, field)
        if value is not None:
            date(operation, f"{name}.{field}", value)
    end_user = subscription.EndUser
    if end_user is not None and end_user.CountryCode is not None:
        country(operation, f"{name}.EndUser.CountryCode", end_user.CountryCode)
    if end_user is not None and end_user.Language is not None:
        language(operation, f"{name}.EndUser.Language", end_user.Language)


def new_subscription(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A subscription to import: its product (code or id), StartDate and ExpirationDate (in
    that order); the SubscriptionReference is the platform's to give."""
    subscription: models.Subscription = as_model(operation, name, value, models.Subscription)
    if subscription.SubscriptionReference is not None:
        raise ValidationError(operation, f"{name}.SubscriptionReference is given by the "
                                         "platform: leave it out",
                              f"{name}.SubscriptionReference")
    product = subscription.Product
    if product is None or not (product.ProductCode or product.ProductId):
        raise ValidationError(operation, f"{name}.Product needs its ProductCode or ProductId",
                              f"{name}.Product")
    for field in ("StartDate", "ExpirationDate"):
        if getattr(subscription, field) is None:
            raise ValidationError(operation, f"{name}.{field} is required",
                                  f"{name}.{field}")
    _dates_and_codes(operation, name, subscription)
    if str(subscription.StartDate) > str(subscription.ExpirationDate):
        raise ValidationError(operation, f"{name}.ExpirationDate is before its StartDate",
                              f"{name}.ExpirationDate")
    return unstructure(subscription)


def subscription_update(operation: str, name: str, value: Any) -> dict[str, Any]:
    """A whole Subscription to write back (as getSubscription answered it, edited): it names
    its SubscriptionReference. Which fields may differ is the server's rule (EDITABLE)."""
    subscription: models.Subscription = as_model(operation, name, value, models.Subscription)
    reference = subscription.SubscriptionReference
    if not reference:
        raise ValidationError(operation, f"{name}.SubscriptionReference is required: send the "
                                         "subscription getSubscription answered",
                              f"{name}.SubscriptionReference")
    code(operation, f"{name}.SubscriptionReference", reference)
    _dates_and_codes(operation, name, subscription)
    return unstructure(subscription)
