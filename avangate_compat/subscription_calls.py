"""The subscription calls of the facade, typed: what :class:`~avangate_compat.Client` adds
to the spec's operations for subscriptions. Each method is the documented call of
the same name; ``client.call("getSubscription", ...)`` reaches the same operation untyped.

There is no ``disableSubscription``: the documented way to disable a subscription is
:meth:`SubscriptionCalls.cancelSubscription` (REST ``DELETE /subscriptions/{ref}/``).
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, Union

if TYPE_CHECKING:
    from . import models
    from . import operations as ops
    from .operations import Operation
else:  # loaded by the first call, as the client's other handles: importing costs nothing
    class _Operations:
        def __getattr__(self, name: str) -> Any:
            from . import operations
            return getattr(operations, name)

    ops = _Operations()

T = TypeVar("T")


class SubscriptionCalls:
    """Mixed into :class:`~avangate_compat.Client`."""

    if TYPE_CHECKING:
        def call(self, operation: Operation[T], *args: Any) -> T: ...

    def getSubscription(self, SubscriptionReference: str) -> models.Subscription:
        """The subscription with this reference (``Status`` is a plain string: 6.0 documents
        no values for it)."""
        return self.call(ops.GET_SUBSCRIPTION, SubscriptionReference)

    def getSubscriptions(self, SubscriptionReferences: Sequence[str],
                         Aggregate: Optional[bool] = None) -> list[models.Subscription]:
        """The subscriptions of these references, in that order. ``Aggregate=True`` searches
        your aggregated accounts too (SOAP and JSON-RPC; REST has no such read)."""
        return self.call(ops.GET_SUBSCRIPTIONS, *_given(SubscriptionReferences, Aggregate))

    def searchSubscriptions(self, SearchOptions: Optional[Mapping[str, Any]] = None, /,
                            **filters: Any) -> models.SubscriptionSearchResult:
        """One page of subscriptions. Filters (a mapping, or keywords): CustomerEmail,
        ExactMatchEmail, DeliveredCode, AvangateCustomerReference, ExternalCustomerReference,
        Aggregate, SubscriptionEnabled, RecurringEnabled (True/False, or the RPC pages' list
        of "true"/"false"), ProductCodes, CountryCodes, PartnerCode, Purchased/Expire/
        Renewed/Notification/Modified/NextBillingDate After and Before (``YYYY-MM-DD``),
        LifetimeSubscription, Type, TestSubscription, Page, Limit (or Pagination)."""
        return self.call(ops.SEARCH_SUBSCRIPTIONS, {**(SearchOptions or {}), **filters})

    def iter_subscriptions(self, *, prefetch: bool = False,
                           progress: Optional[Callable[[int, int], None]] = None,
                           **filters: Any) -> Generator[models.Subscription, None, None]:
        """Every subscription matching ``filters`` (those of :meth:`searchSubscriptions`;
        ``Page`` is the page to start from), walked page by page as ``iter_leads`` walks
        leads, with the same guards, ``prefetch`` and ``progress``."""
        from . import paginate
        return paginate.items(self, "subscriptions", filters,  # type: ignore[arg-type]
                              prefetch=prefetch, progress=progress)

    def addSubscription(self, subscription: Union[models.Subscription, Mapping[str, Any]]
                        ) -> str:
        """Import a subscription without payment data (its product, StartDate,
        ExpirationDate, EndUser, your ExternalCustomerReference...): its new reference. Not
        safe to repeat: give it an ExternalSubscriptionReference to look it up by."""
        return self.call(ops.ADD_SUBSCRIPTION, subscription)

    def updateSubscription(self, subscription: Union[models.Subscription, Mapping[str, Any]]
                           ) -> bool:
        """Write back a subscription read with :meth:`getSubscription`: ``True``. Only
        EndUser, ExpirationDate (not in the past), ActivationDate (while pending),
        SubscriptionEnabled, RecurringEnabled and ExternalCustomerReference (which moves it
        to that customer) may change; any other field that differs is refused
        (``FIELD_NOT_EDITABLE``), a field left ``None`` is kept, ``Status`` is ignored."""
        return self.call(ops.UPDATE_SUBSCRIPTION, subscription)

    def cancelSubscription(self, SubscriptionReference: str,
                           ChurnReasons: Optional[Sequence[str]] = None,
                           ChurnReasonOther: Optional[str] = None) -> bool:
        """Disable the subscription at once: no more billing, no renewal (the documented
        "disable"). ``ChurnReasons`` from the documented list; ``ChurnReasonOther`` only with
        CHURN_REASON_EXTRAORDINARY or CHURN_REASON_OTHER."""
        return self.call(ops.CANCEL_SUBSCRIPTION,
                         *_given(SubscriptionReference, ChurnReasons, ChurnReasonOther))

    def enableSubscription(self, SubscriptionReference: str) -> bool:
        """Enable a cancelled subscription again."""
        return self.call(ops.ENABLE_SUBSCRIPTION, SubscriptionReference)

    def enableRecurringBilling(self, SubscriptionReference: str) -> bool:
        """Renew the subscription automatically when it expires."""
        return self.call(ops.ENABLE_RECURRING_BILLING, SubscriptionReference)

    def disableRecurringBilling(self, SubscriptionReference: str,
                                ChurnReasons: Optional[Sequence[str]] = None,
                                ChurnReasonOther: Optional[str] = None) -> bool:
        """Stop automatic renewal only: the subscription stays enabled until it expires
        (unlike :meth:`cancelSubscription`). Churn reasons as for cancelSubscription."""
        return self.call(ops.DISABLE_RECURRING_BILLING,
                         *_given(SubscriptionReference, ChurnReasons, ChurnReasonOther))

    def extendSubscription(self, SubscriptionReference: str, Days: int) -> bool:
        """``Days`` more on its ExpirationDate; negative shortens it, never into the past.
        Not safe to repeat: read the ExpirationDate first when an answer was lost."""
        return self.call(ops.EXTEND_SUBSCRIPTION, SubscriptionReference, Days)

    def getSubscriptionHistory(self, SubscriptionReference: str
                               ) -> list[models.SubscriptionHistory]:
        """Its SALE, RENEWAL and UPGRADE entries, oldest first."""
        return self.call(ops.GET_SUBSCRIPTION_HISTORY, SubscriptionReference)

    def getCustomerSubscriptions(self, AvangateCustomerReference: int = 0,
                                 ExternalCustomerReference: Optional[str] = None
                                 ) -> list[models.Subscription]:
        """The subscriptions of the customer either reference names (0: none); given both,
        they must name the same customer, else :class:`NotFoundError`."""
        return self.call(ops.GET_CUSTOMER_SUBSCRIPTIONS,
                         *_given(AvangateCustomerReference, ExternalCustomerReference))


def _given(*args: Any) -> tuple[Any, ...]:
    """The arguments without the trailing ones left out, so SOAP omits them too."""
    given = list(args)
    while len(given) > 1 and given[-1] is None:
        given.pop()
    return tuple(given)
