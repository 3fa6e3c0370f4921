"""Changing subscriptions: the import without payment data, the update of the documented
editable fields, cancel and enable, the recurring billing switches, and the extension
(docs/api-facts.md, "Subscriptions").

Each write changes the stored record under ``service.writing``, queues its license change
notification (:mod:`.subscription_life`) and sends it once the lock is released.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable

from avangate_compat.sandbox.resources import subscription_life as life
from avangate_compat.sandbox.resources.base import (
    Fault,
    handles,
    invalid,
    made_code,
    not_found,
    real_date,
    typed,
)
from avangate_compat.sandbox.resources.customers import (
    END_USER_FIELDS,
    customer_for_order,
    existing_customer,
    find_customer,
)
from avangate_compat.sandbox.resources.order_lines import configuration_for
from avangate_compat.sandbox.resources.subscription_records import (
    churn_reasons,
    fields,
    pending,
    shown,
    stored,
    today,
)

if TYPE_CHECKING:
    from avangate_compat.sandbox.service import Service

# updateSubscription's documented editable fields; Status is derived, never written
EDITABLE = ("EndUser", "ExpirationDate", "ActivationDate", "SubscriptionEnabled",
            "RecurringEnabled", "ExternalCustomerReference")
IGNORED = ("Status",)
MAX_DAYS = 36500


def _change(service: Service, reference: Any,
            edit: Callable[[dict[str, Any]], bool]) -> bool:
    """Run ``edit`` on the stored subscription; when it says it changed something, stamp,
    store and notify. True (the calls' answer)."""
    notes: list[life.Note] = []
    with service.writing:
        record = stored(service, reference)
        if edit(record):
            record["Modified"] = service.clock.stamp()
            life.changed(service, record, notes, "VENDOR")
            service.store.put("subscription", record["SubscriptionReference"], record)
    life.send(service, notes)
    return True


def _switch(field: str, value: bool, churn: Any = None) -> Callable[[dict[str, Any]], bool]:
    def edit(record: dict[str, Any]) -> bool:
        if churn is not None:
            record["Churn"] = churn
        if bool(record.get(field, field == "SubscriptionEnabled")) is value:
            return churn is not None
        record[field] = value
        if field == "SubscriptionEnabled":  # cancelled: DISABLED; enabled again: ACTIVE
            record["Status"] = life.ACTIVE if value else life.DISABLED
        return True
    return edit


def _churn(service: Service, kind: str, reasons: Any, other: Any) -> Any:
    checked, text = churn_reasons(reasons, other)
    if not checked and text is None:
        return None
    return {"Kind": kind, "Reasons": checked, "Other": text, "Date": service.clock.stamp()}


@handles("cancelSubscription")
def cancel_subscription(service: Service, reference: Any, reasons: Any = None,
                        other: Any = None) -> bool:
    """Disabled at once (SubscriptionEnabled off): no more billing, no renewal."""
    churn = _churn(service, "CANCEL", reasons, other)
    return _change(service, reference, _switch("SubscriptionEnabled", False, churn))


@handles("enableSubscription")
def enable_subscription(service: Service, reference: Any) -> bool:
    return _change(service, reference, _switch("SubscriptionEnabled", True))


@handles("enableRecurringBilling")
def enable_recurring_billing(service: Service, reference: Any) -> bool:
    return _change(service, reference, _switch("RecurringEnabled", True))


@handles("disableRecurringBilling")
def disable_recurring_billing(service: Service, reference: Any, reasons: Any = None,
                              other: Any = None) -> bool:
    """Only RecurringEnabled off: the subscription stays enabled and runs to expiry."""
    churn = _churn(service, "RECURRING", reasons, other)
    return _change(service, reference, _switch("RecurringEnabled", False, churn))


@handles("extendSubscription")
def extend_subscription(service: Service, reference: Any, days: Any) -> bool:
    """``days`` more (fewer when negative, never before today) on its ExpirationDate."""
    count = typed(days, "int")
    if count is None or count == 0 or not -MAX_DAYS <= count <= MAX_DAYS:
        raise invalid(f"Days must be a whole number from -{MAX_DAYS} to {MAX_DAYS}, not 0")

    def edit(record: dict[str, Any]) -> bool:
        if record.get("Lifetime"):
            raise invalid("a lifetime subscription does not expire: it cannot be extended")
        expires = datetime.date.fromisoformat(str(record["ExpirationDate"])[:10])
        try:
            moved = (expires + datetime.timedelta(days=count)).isoformat()
        except OverflowError:
            raise invalid("the expiration date would pass the year 9999") from None
        if count < 0 and moved < today(service):
            raise _past(moved)
        record["ExpirationDate"] = moved
        return True
    return _change(service, reference, edit)


def _past(value: str) -> Fault:
    return Fault("EXPIRATION_DATE_IN_THE_PAST", f"the ExpirationDate {value} would be in "
                                                "the past")


@handles("updateSubscription")
def update_subscription(service: Service, subscription: Any) -> bool:
    """The documented editable fields change; any other field sent (not null) must be as
    stored, else FIELD_NOT_EDITABLE; Status is derived and ignored."""
    value = typed(subscription, "Subscription")
    if not isinstance(value, dict) or not value.get("SubscriptionReference"):
        raise invalid("the subscription must be an object with its SubscriptionReference")

    def edit(record: dict[str, Any]) -> bool:
        current = shown(service, record)
        target = _owner(service, record, value)
        for field, sent in value.items():
            if field in EDITABLE or field in IGNORED or sent is None:
                continue
            if field == "AvangateCustomerReference" and target is not None and \
                    sent == target["AvangateCustomerReference"]:
                continue
            if _differs(sent, current.get(field)):
                raise Fault("FIELD_NOT_EDITABLE", f"{field} cannot be changed by "
                                                  "updateSubscription; the editable fields "
                                                  f"are {', '.join(EDITABLE)}")
        before = dict(record)
        _edit_dates(service, record, value, pending(service, record))
        for flag in ("SubscriptionEnabled", "RecurringEnabled"):
            if value.get(flag) is not None and value[flag] != record.get(flag):
                _switch(flag, value[flag])(record)
        if value.get("EndUser") is not None:
            end_user = dict(record.get("EndUser") or {})
            end_user.update({k: v for k, v in value["EndUser"].items() if v is not None})
            record["EndUser"] = end_user
        if target is not None:
            record["AvangateCustomerReference"] = target["AvangateCustomerReference"]
            record["ExternalCustomerReference"] = target.get("ExternalCustomerReference")
        return record != before
    return _change(service, value["SubscriptionReference"], edit)


def _differs(sent: Any, current: Any) -> bool:
    """Whether a value sent differs from the stored one; in objects (lists of them too),
    only the members sent (not null) count."""
    if isinstance(sent, Mapping):
        current = current if isinstance(current, Mapping) else {}
        return any(v is not None and _differs(v, current.get(k)) for k, v in sent.items())
    if isinstance(sent, list) and isinstance(current, list) and len(sent) == len(current):
        return any(_differs(a, b) for a, b in zip(sent, current))
    return bool(sent != current)


def _edit_dates(service: Service, record: dict[str, Any], value: Mapping[str, Any],
                is_pending: bool) -> None:
    for field in ("ExpirationDate", "ActivationDate"):
        sent = value.get(field)
        if sent is None or sent == record.get(field):
            continue
        if not real_date(sent):
            raise invalid(f"{field} must be a date as YYYY-MM-DD")
        if sent < today(service):
            raise _past(sent) if field == "ExpirationDate" else \
                invalid("ActivationDate must not be in the past")
        if field == "ActivationDate" and not is_pending:
            raise Fault("FIELD_NOT_EDITABLE", "ActivationDate can change only while the "
                                              "subscription is pending activation")
        record[field] = sent


def _owner(service: Service, record: Mapping[str, Any],
           value: Mapping[str, Any]) -> Any:
    """The customer a new ExternalCustomerReference moves the subscription to, or None."""
    external = value.get("ExternalCustomerReference")
    if external in (None, "") or external == record.get("ExternalCustomerReference"):
        return None
    customer = find_customer(service, None, external)
    if customer is None:
        raise not_found("Customer", str(external))
    return customer


@handles("addSubscription")
def add_subscription(service: Service, subscription: Any) -> str:
    """Import a subscription without payment data: its catalog product, its period and its
    end user (the customer the references name, or a new one); answers its reference."""
    value = typed(subscription, "Subscription")
    if not isinstance(value, dict):
        raise invalid("the subscription must be an object")
    if value.get("SubscriptionReference") not in (None, ""):
        raise invalid("SubscriptionReference is given by the platform")
    start, end = value.get("StartDate"), value.get("ExpirationDate")
    if not (isinstance(start, str) and real_date(start) and isinstance(end, str)
            and real_date(end)) or start > end:
        raise invalid("StartDate and ExpirationDate must be dates (YYYY-MM-DD), in that order")
    end_user = {field: (value.get("EndUser") or {}).get(field) for field in END_USER_FIELDS}
    notes: list[life.Note] = []
    with service.writing:
        product = _product(service, value.get("Product") or {})
        reference, external = (value.get("AvangateCustomerReference"),
                               value.get("ExternalCustomerReference"))
        if reference not in (None, 0) and external not in (None, ""):
            existing_customer(service, reference, external)  # both must name one customer
        customer = customer_for_order(service, reference, external, end_user,
                                      end_user.get("Language"))
        number = len(service.store.all("subscription")) + 1
        reference = made_code("import", number)
        while service.store.get("subscription", reference) is not None:
            number += 1
            reference = made_code("import", number)
        record = _imported(value, reference, product, customer, end_user)
        record["Modified"] = service.clock.stamp()
        life.history(record, "SALE", None)
        life.changed(service, record, notes, "VENDOR")
        service.store.put_many([
            ("customer", str(customer["AvangateCustomerReference"]), customer),
            ("subscription", reference, record)])
    life.send(service, notes)
    return reference


def _product(service: Service, wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The catalog product a subscription imports for, by ProductCode or ProductId."""
    code, number = wanted.get("ProductCode"), wanted.get("ProductId")
    if code:
        product = service.store.get("product", code)
    else:
        product = next((p for p in service.store.all("product")
                        if str(p.get("AvangateId")) == str(number)), None)
    if product is None:
        raise not_found("Product", str(code or number))
    if number is not None and str(product.get("AvangateId")) != str(number):
        raise invalid("Product.ProductId and Product.ProductCode name different products")
    return product  # type: ignore[no-any-return]


def _imported(value: Mapping[str, Any], reference: str, product: Mapping[str, Any],
              customer: Mapping[str, Any], end_user: dict[str, Any]) -> dict[str, Any]:
    sent = value.get("Product") or {}
    country = str(end_user.get("CountryCode") or "").upper() or None
    record = {field: value.get(field) for field in fields()}
    record.update(
        SubscriptionReference=reference, ProductCode=product["ProductCode"],
        PricingConfigurationCode=configuration_for(product, country)["Code"]
        if product.get("PricingConfigurations") else None,
        DynamicRenewalPrice=None, CustomRenewalPrice=None, Renewals=[], History=[],
        Quantity=sent.get("ProductQuantity") or 1, CountryCode=country,
        Product={"ProductId": int(product["AvangateId"]) if product.get("AvangateId")
                 else None, "ProductName": product.get("ProductName"),
                 "ProductVersion": sent.get("ProductVersion"),
                 "PriceOptionCodes": sent.get("PriceOptionCodes") or []},
        EndUser=end_user, PurchaseDate=value["StartDate"], OrderRefNo=None,
        AvangateCustomerReference=customer["AvangateCustomerReference"],
        ExternalCustomerReference=customer.get("ExternalCustomerReference"),
        SubscriptionEnabled=value.get("SubscriptionEnabled") is not False,
        RecurringEnabled=bool(value.get("RecurringEnabled")))
    record.pop("Status", None)
    return record
