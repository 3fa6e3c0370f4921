"""The operation table, derived from the spec: every API call, for all three protocols.

An :class:`Operation` joins a spec entry to what runs it in Python: the argument checks of
:mod:`avangate_compat.validate` its parameters name, and the model its result converts to. The
facade's typed handles (``GET_LEAD``, ...) are the same objects, typed by their result, so a
facade method needs no cast; a test holds each handle's type against the spec.
"""

from __future__ import annotations

from typing import Any, Generic, Optional, TypeVar

import attrs

from . import models
from . import validate as v
from .errors import ValidationError
from .spec import OperationSpec, ParamSpec, RestSpec, item_type, load

T = TypeVar("T")

_SCALAR_RESULTS: dict[str, Any] = {"string": str, "boolean": bool, "int": int}
# A parameter without a named check is checked by its type.
_TYPE_CHECKS: dict[str, v.Checker] = {"string": v.text, "boolean": v.boolean,
                                      "int": v.positive_int}


@attrs.frozen
class Param:
    name: str
    check: v.Checker


@attrs.frozen
class Operation(Generic[T]):
    spec: OperationSpec
    params: tuple[Param, ...]
    result: type[T]
    raw: bool = False
    """Not modelled by the spec (``call_raw``, the legacy clients): sent as given."""
    required: int = attrs.field(init=False)
    """How many arguments must be given (the last ones may be optional)."""

    # what every call reads, stored once rather than read through a property per use
    name: str = attrs.field(init=False, eq=False, repr=False)
    confirmed_by: Optional[str] = attrs.field(init=False, eq=False, repr=False)
    """A write's answer confirms it only when it holds this key, non-empty."""
    rest: Optional[RestSpec] = attrs.field(init=False, eq=False, repr=False)

    @required.default
    def _required(self) -> int:
        return sum(1 for p in self.spec.params if not p.optional)

    @name.default
    def _name(self) -> str:
        return self.spec.name

    @confirmed_by.default
    def _confirmed_by(self) -> Optional[str]:
        return self.spec.confirmed_by

    @rest.default
    def _rest(self) -> Optional[RestSpec]:
        return self.spec.rest

    @property
    def idempotent(self) -> bool:
        """Safe to send again when it may have reached the server."""
        return self.spec.idempotent

    @property
    def if_unknown(self) -> str:
        """How to find out whether this write happened when its answer was lost."""
        return self.spec.if_unknown or "check whether it happened before sending it again"

    @property
    def needs_session(self) -> bool:
        return self.spec.session

    def check(self, args: tuple[Any, ...]) -> list[Any]:
        """Validate user arguments and return them as wire data; no I/O happens here."""
        if not self.required <= len(args) <= len(self.params):
            names = ", ".join(p.name for p in self.params)
            raise ValidationError(self.name, f"takes {len(self.params)} argument(s) "
                                             f"({names}), got {len(args)}")
        checked = [v.sendable(self.name, p.name, p.check(self.name, p.name, a))
                   for p, a in zip(self.params, args)]
        if self.spec.check is not None:  # a rule between the parameters
            v.named_check(self.spec.check)(self.name, "", checked)
        return checked


def result_type(type_name: str) -> Any:
    """The Python type a spec type converts to: ``"Lead[]"`` -> ``list[models.Lead]``."""
    name, is_list = item_type(type_name)
    python = _SCALAR_RESULTS.get(name) or getattr(models, name)
    return list[python] if is_list else python  # type: ignore[valid-type]


def _checker(operation: str, param: ParamSpec) -> v.Checker:
    if param.check is not None:
        return v.named_check(param.check)
    if param.enum is not None:
        return v.one_of(param.enum)
    checker = _TYPE_CHECKS.get(param.type)
    if checker is None:
        raise LookupError(f"{operation}.{param.name}: a {param.type} needs a named check")
    return checker


def _build(spec: OperationSpec) -> Operation[Any]:
    return Operation(spec, tuple(Param(p.name, _checker(spec.name, p)) for p in spec.params),
                     result_type(spec.result))


OPERATIONS: dict[str, Operation[Any]] = {
    name: _build(entry) for name, entry in load().operations.items()}


def synthetic(name: str) -> Operation[Any]:
    """An operation the spec does not model, for pass-through calls (``call_raw``, the legacy
    clients): no argument checks, the answer as sent, never repeated once it may have run."""
    return Operation(OperationSpec(name=name, params=(), result="any", idempotent=False), (),
                     object, raw=True)


def typed(name: str, result: type[T]) -> Operation[T]:
    """The operation ``name``, typed by the result the facade promises (checked here)."""
    operation = OPERATIONS[name]
    if operation.result != result:  # list[X] aliases are equal, not identical
        raise TypeError(f"{name} returns {operation.result}, not {result}")
    return operation


GET_LEAD = typed("getLead", models.Lead)
SEARCH_LEADS = typed("searchLeads", models.LeadSearchResult)
ADD_LEAD = typed("addLead", models.LeadResponse)
UPDATE_LEAD = typed("updateLead", models.LeadResponse)
MARK_LEADS = typed("markLeads", models.MarkLeadsResponse)
GET_PRODUCT_BY_CODE = typed("getProductByCode", models.Product)
UPDATE_PRODUCT = typed("updateProduct", bool)
SET_PRODUCT_STATUS = typed("setProductStatus", bool)
GET_SUBSCRIPTION = typed("getSubscription", models.Subscription)
GET_SUBSCRIPTIONS = typed("getSubscriptions", list[models.Subscription])
SEARCH_SUBSCRIPTIONS = typed("searchSubscriptions", models.SubscriptionSearchResult)
ADD_SUBSCRIPTION = typed("addSubscription", str)
UPDATE_SUBSCRIPTION = typed("updateSubscription", bool)
CANCEL_SUBSCRIPTION = typed("cancelSubscription", bool)
ENABLE_SUBSCRIPTION = typed("enableSubscription", bool)
ENABLE_RECURRING_BILLING = typed("enableRecurringBilling", bool)
DISABLE_RECURRING_BILLING = typed("disableRecurringBilling", bool)
EXTEND_SUBSCRIPTION = typed("extendSubscription", bool)
GET_SUBSCRIPTION_HISTORY = typed("getSubscriptionHistory", list[models.SubscriptionHistory])
GET_CUSTOMER_SUBSCRIPTIONS = typed("getCustomerSubscriptions", list[models.Subscription])
