"""Subscriptions (issue 23): the sandbox's rules for each call, on every backend, and the
client's checks before any request."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Callable

import attrs
import pytest

from avangate_compat import Client, InvalidRequestError, NotFoundError, ValidationError, models
from avangate_compat.sandbox import Sandbox
from avangate_compat.sandbox.resources import subscription_life

from .conftest import BACKENDS

IMPORT: dict[str, Any] = {
    "ExternalSubscriptionReference": "IMPORT-1", "StartDate": "2026-01-01",
    "ExpirationDate": "2099-01-01", "ExternalCustomerReference": "IMPORTED-1",
    "Product": {"ProductCode": "TeamPlan2024", "ProductQuantity": 2},
    "EndUser": {"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com",
                "CountryCode": "GB"},
}


def _today(sandbox: Sandbox) -> datetime.date:
    return datetime.date.fromisoformat(sandbox.service.clock.stamp()[:10])


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[str, str]]]:
    """The license change notifications the handlers hand to the LCN sender."""
    notes: list[list[tuple[str, str]]] = []
    monkeypatch.setattr(subscription_life, "send",
                        lambda service, queued: notes.extend(queued))
    return notes


@pytest.mark.parametrize("backend", BACKENDS)
def test_seeded_and_ordered_subscriptions_answer_whole_objects(
        make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    seed = client.getSubscription("SUBSCR0003")
    assert isinstance(seed, models.Subscription)
    assert seed.Product == models.SubscriptionProduct(
        ProductCode="TeamPlan2024", ProductId=4720002, ProductName="Team plan",
        ProductQuantity=1, PriceOptionCodes=[])
    assert seed.EndUser is not None and seed.EndUser.Email == "customer@2checkout.com"
    assert (seed.AvangateCustomerReference, seed.ExternalCustomerReference) == \
        (435384557, "SEED-CUSTOMER-1")
    assert seed.DeliveryInfo is not None and seed.DeliveryInfo.Codes is not None
    assert seed.DeliveryInfo.Codes[0].Code == "TEAM-KEY-0003"
    assert (seed.RecurringEnabled, seed.SubscriptionEnabled, seed.Lifetime) == \
        (False, True, False)
    assert seed.Status in ("ACTIVE", "EXPIRED")
    order = client.placeOrder({
        "Currency": "EUR", "ExternalCustomerReference": "SUBS-BUYER",
        "Items": [{"Code": "TeamPlan2024", "Quantity": 5}],
        "BillingDetails": {"FirstName": "Ada", "LastName": "Lovelace",
                           "Email": "ada@example.com", "CountryCode": "DE"},
        "PaymentDetails": {"Type": "TEST", "Currency": "EUR"}})
    reference = order.Items[0].ProductDetails.Subscriptions[0].SubscriptionReference
    made = client.getSubscription(str(reference))
    assert made.Status == "ACTIVE" and made.SubscriptionEnabled is True
    assert made.Product is not None and made.Product.ProductQuantity == 5
    assert made.ExternalCustomerReference == "SUBS-BUYER"
    assert made.TestSubscription is True
    assert made.AvangateCustomerReference == order.CustomerReference
    history = client.getSubscriptionHistory(str(reference))
    assert [(h.Type, h.ReferenceNo) for h in history] == [("SALE", order.RefNo)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_cancel_stops_at_once_disable_recurring_runs_to_expiry(
        make_client: Callable[..., Client], backend: str,
        sent: list[list[tuple[str, str]]]) -> None:
    client = make_client(backend)
    for reference in ("SUBSCR0001", "SUBSCR0003"):  # the seed's have no recurring billing
        assert client.enableRecurringBilling(reference)
    assert client.cancelSubscription("SUBSCR0001", ["CHURN_REASON_EXTRAORDINARY"], "moving")
    cancelled = client.getSubscription("SUBSCR0001")
    assert (cancelled.SubscriptionEnabled, cancelled.Status) == (False, "DISABLED")
    assert cancelled.RecurringEnabled is True  # untouched: no billing as it is disabled
    billed = client.searchSubscriptions({"NextBillingDateAfter": "2000-01-01"}).Items or []
    assert [s.SubscriptionReference for s in billed] == ["SUBSCR0003"]  # not the cancelled
    assert client.enableSubscription("SUBSCR0001")
    enabled = client.getSubscription("SUBSCR0001")
    assert enabled.SubscriptionEnabled is True and enabled.Status != "DISABLED"

    assert client.disableRecurringBilling("SUBSCR0003", ["CHURN_REASON_PREFER_MANUAL"])
    running = client.getSubscription("SUBSCR0003")
    assert (running.RecurringEnabled, running.SubscriptionEnabled) == (False, True)
    assert running.ExpirationDate == "2026-03-01"
    assert client.enableRecurringBilling("SUBSCR0003")
    assert client.getSubscription("SUBSCR0003").RecurringEnabled is True
    assert [(dict(note)["LICENSE_CODE"], dict(note)["STATUS"]) for note in sent[2:]] == [
        ("SUBSCR0001", "DISABLED"), ("SUBSCR0001", "ACTIVE"), ("SUBSCR0003", "ACTIVE"),
        ("SUBSCR0003", "ACTIVE")]
    # a state already set: true, and nothing changes (safe to repeat)
    assert client.enableSubscription("SUBSCR0001")
    assert len(sent) == 6


@pytest.mark.parametrize("backend", BACKENDS)
def test_extend_adds_days_shortens_but_never_into_the_past(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    reference = client.addSubscription(IMPORT)
    assert client.extendSubscription(reference, 31)
    assert client.getSubscription(reference).ExpirationDate == "2099-02-01"
    assert client.extendSubscription(reference, -1)
    assert client.getSubscription(reference).ExpirationDate == "2099-01-31"
    left = (datetime.date(2099, 1, 31) - _today(sandbox)).days
    with pytest.raises(InvalidRequestError) as raised:
        client.extendSubscription(reference, -(left + 1))
    assert raised.value.code == "EXPIRATION_DATE_IN_THE_PAST"
    assert client.getSubscription(reference).ExpirationDate == "2099-01-31"
    assert client.extendSubscription(reference, -left)  # down to today is allowed
    assert client.getSubscription(reference).ExpirationDate == _today(sandbox).isoformat()
    with pytest.raises(NotFoundError):
        client.extendSubscription("NOSUCHSUBS", 1)


def test_extend_refuses_zero_and_non_numbers_before_any_request(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client("jsonrpc")
    for days in (0, "5", 1.5, True, 40000):
        with pytest.raises(ValidationError):
            client.extendSubscription("SUBSCR0001", days)  # type: ignore[arg-type]
    assert sandbox.service.stats.snapshot()["requests"] == {}


@pytest.mark.parametrize("backend", BACKENDS)
def test_update_changes_the_editable_fields_and_refuses_the_others(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    reference = client.addSubscription(IMPORT)
    other = client.createCustomer({"FirstName": "Grace", "LastName": "Hopper",
                                   "ExternalCustomerReference": "NEW-OWNER"})
    read = client.getSubscription(reference)
    assert read.EndUser is not None
    changed = attrs.evolve(
        read, ExpirationDate="2099-06-30", RecurringEnabled=True, SubscriptionEnabled=False,
        EndUser=attrs.evolve(read.EndUser, City="London"),
        ExternalCustomerReference="NEW-OWNER", Status="WHATEVER")  # Status: derived, ignored
    assert client.updateSubscription(changed)
    after = client.getSubscription(reference)
    assert (after.ExpirationDate, after.RecurringEnabled, after.SubscriptionEnabled) == \
        ("2099-06-30", True, False)
    assert after.EndUser is not None and after.EndUser.City == "London"
    assert after.EndUser.Email == "ada@example.com"
    assert (after.AvangateCustomerReference, after.ExternalCustomerReference) == \
        (other, "NEW-OWNER")
    assert [s.SubscriptionReference for s in client.getCustomerSubscriptions(other)] == \
        [reference]
    assert client.getCustomerSubscriptions(0, "IMPORTED-1") == []

    refusals = {
        "SKU": attrs.evolve(after, SKU="OTHER"),
        "Product": attrs.evolve(after, Product=models.SubscriptionProduct(ProductQuantity=9)),
        "StartDate": attrs.evolve(after, StartDate="2026-02-01"),
        "ActivationDate": attrs.evolve(after, ActivationDate="2099-01-01"),
    }
    for field, body in refusals.items():
        with pytest.raises(InvalidRequestError) as raised:
            client.updateSubscription(body)
        assert raised.value.code == "FIELD_NOT_EDITABLE", field
        assert field in raised.value.message
    past = (_today(sandbox) - datetime.timedelta(days=1)).isoformat()
    with pytest.raises(InvalidRequestError) as raised:
        client.updateSubscription(attrs.evolve(after, ExpirationDate=past))
    assert raised.value.code == "EXPIRATION_DATE_IN_THE_PAST"
    with pytest.raises(NotFoundError):
        client.updateSubscription(attrs.evolve(after, ExternalCustomerReference="NOBODY"))
    assert client.getSubscription(reference) == after  # every refusal left it as it was


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_expired_subscription_can_be_written_back_unchanged(
        make_client: Callable[..., Client], backend: str) -> None:
    """Its ExpirationDate is in the past but not changed: not refused."""
    client = make_client(backend)
    seed = client.getSubscription("SUBSCR0002")
    assert seed.ExpirationDate == "2025-11-30"
    assert client.updateSubscription(attrs.evolve(seed, RecurringEnabled=True))
    assert client.getSubscription("SUBSCR0002").RecurringEnabled is True


def test_churn_reasons_are_checked_before_any_request(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    calls = [("cancelSubscription", ("SUBSCR0001", ["TOO_EXPENSIVE"])),
             ("cancelSubscription", ("SUBSCR0001", ["CHURN_REASON_COVID"], "why")),
             ("disableRecurringBilling", ("SUBSCR0001", None, "why")),
             ("disableRecurringBilling", ("SUBSCR0001", [42]))]
    for backend in BACKENDS:
        client = make_client(backend)
        for operation, args in calls:
            with pytest.raises(ValidationError):
                client.call(operation, *args)
    assert sandbox.service.stats.snapshot()["requests"] == {}


def test_the_sandbox_checks_churn_reasons_too(make_client: Callable[..., Client]) -> None:
    """A caller that skips the client's checks (raw JSON-RPC here) meets the same rule."""
    client = make_client("jsonrpc")
    for reasons, other in ((["TOO_EXPENSIVE"], None), (["CHURN_REASON_COVID"], "why")):
        with pytest.raises(InvalidRequestError) as raised:
            client.call_raw("cancelSubscription", "SUBSCR0001", reasons, other)
        assert raised.value.code == "INVALID_CHURN_REASON"
    assert client.getSubscription("SUBSCR0001").SubscriptionEnabled is True


@pytest.mark.parametrize("backend", BACKENDS)
def test_customer_subscriptions_by_either_reference_and_a_mismatching_pair(
        make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    client.addSubscription(IMPORT)
    seeded = ["SUBSCR0001", "SUBSCR0002", "SUBSCR0003"]
    for args in ((435384557,), (0, "SEED-CUSTOMER-1"), (435384557, "SEED-CUSTOMER-1")):
        found = client.getCustomerSubscriptions(*args)
        assert [s.SubscriptionReference for s in found] == seeded, args
        assert all(isinstance(s, models.Subscription) for s in found)
    with pytest.raises(NotFoundError):
        client.getCustomerSubscriptions(435384557, "IMPORTED-1")
    with pytest.raises(NotFoundError):
        client.getCustomerSubscriptions(999999999)
    with pytest.raises(ValidationError):
        client.getCustomerSubscriptions("not a number")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="give an AvangateCustomerReference"):
        client.getCustomerSubscriptions()
    with pytest.raises(ValidationError):
        client.getCustomerSubscriptions(0, "")


def test_there_is_no_disable_subscription_call(make_client: Callable[..., Client]) -> None:
    """The documented "disable" is cancelSubscription (REST: DELETE /subscriptions/{ref}/)."""
    client = make_client("jsonrpc")
    with pytest.raises(AttributeError):
        client.disableSubscription  # noqa: B018
    with pytest.raises(ValidationError):
        client.call("disableSubscription", "SUBSCR0001")


@pytest.mark.parametrize("backend", BACKENDS)
def test_add_subscription_imports_without_payment_data(
        make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    reference = client.addSubscription(IMPORT)
    imported = client.getSubscription(reference)
    assert imported.ExternalSubscriptionReference == "IMPORT-1"
    assert imported.Product is not None and imported.Product.ProductId == 4720002
    assert (imported.StartDate, imported.ExpirationDate) == ("2026-01-01", "2099-01-01")
    assert imported.RecurringEnabled is False and imported.Status == "ACTIVE"
    customer = client.getCustomerInformation(0, "IMPORTED-1")
    assert customer.AvangateCustomerReference == imported.AvangateCustomerReference
    assert [(h.Type, h.ReferenceNo) for h in client.getSubscriptionHistory(reference)] == \
        [("SALE", None)]
    by_id = client.addSubscription({**IMPORT, "Product": {"ProductId": 4717836}})
    product = client.getSubscription(by_id).Product
    assert product is not None and product.ProductCode == "NewProdCodeAPI12345"
    with pytest.raises(NotFoundError):
        client.addSubscription({**IMPORT, "Product": {"ProductCode": "NOSUCHPRODUCT"}})
    wrongs: list[dict[str, Any]] = [{"SubscriptionReference": "MINE"}, {"Product": {}},
                                    {"ExpirationDate": "2025-01-01"},
                                    {"StartDate": "01/01/2026"}]
    for wrong in wrongs:
        with pytest.raises(ValidationError):
            client.addSubscription({**IMPORT, **wrong})


@pytest.mark.parametrize("backend", BACKENDS)
def test_renew_subscription_writes_a_renewal_entry(
        make_client: Callable[..., Client], backend: str,
        sent: list[list[tuple[str, str]]]) -> None:
    client = make_client(backend)
    assert client.renewSubscription("SUBSCR0002", 30, "60.00", "EUR")
    history = client.getSubscriptionHistory("SUBSCR0002")
    assert [h.Type for h in history] == ["SALE", "RENEWAL"]
    assert history[-1].ExpirationDate == "2025-12-30"
    assert [dict(n)["EXPIRATION_DATE"] for n in sent] == ["2025-12-30 00:00:00"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_manual_renewal_is_charged_as_an_order_at_the_price_given(
        make_client: Callable[..., Client], backend: str) -> None:
    """renewSubscription charges the stored payment data: the sandbox files a renewal order
    at the price given (SUBSCR0002: 3 seats of a net-priced plan billed in Germany, so 19 %
    VAT on top), and the RENEWAL history entry names it."""
    client = make_client(backend)
    assert client.renewSubscription("SUBSCR0002", 30, "60.00", "EUR")
    renewal = client.getSubscriptionHistory("SUBSCR0002")[-1]
    assert renewal.Type == "RENEWAL" and renewal.ReferenceNo
    order = client.getOrder(renewal.ReferenceNo)
    assert (order.Currency, order.NetPrice, order.GrossPrice) == (
        "EUR", Decimal("60.00"), Decimal("71.40"))
    [line] = order.Items
    assert (line.Code, line.Quantity) == ("TeamPlan2024", 3)
    subscriptions = line.ProductDetails.Subscriptions
    assert [(s.SubscriptionReference, s.ExpirationDate) for s in subscriptions] == [
        ("SUBSCR0002", "2025-12-30")]


def test_aggregate_has_no_rest_read_and_is_refused_there(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    """REST reads one subscription at a time (no documented list route): asking it to
    search aggregated accounts is refused before any request; the RPC protocols take it."""
    with pytest.raises(ValidationError, match="Aggregate"):
        make_client("rest").getSubscriptions(["SUBSCR0001"], True)
    assert sandbox.service.stats.snapshot()["requests"] == {}
    soap = make_client("soap").getSubscriptions(["SUBSCR0002", "SUBSCR0001"], True)
    assert [s.SubscriptionReference for s in soap] == ["SUBSCR0002", "SUBSCR0001"]
    assert make_client("rest").getSubscriptions(["SUBSCR0002", "SUBSCR0001"]) == soap


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_imported_subscription_with_sparse_objects_can_be_written_back(
        make_client: Callable[..., Client], backend: str) -> None:
    """A raw import kept only the members it sent (a delivered code without its file);
    writing the subscription back as read (nulls filled in by the model) changes nothing."""
    client = make_client(backend)
    reference = make_client("jsonrpc").call_raw("addSubscription", {**IMPORT, "DeliveryInfo": {
        "Description": "keys", "Codes": [{"Code": "KEY-1"}]}})
    read = client.getSubscription(reference)
    assert read.DeliveryInfo is not None and read.DeliveryInfo.Codes is not None
    assert client.updateSubscription(attrs.evolve(read, RecurringEnabled=True))
    changed = attrs.evolve(read, DeliveryInfo=models.DeliveryInfo(
        Codes=[models.DeliveryCode(Code="KEY-2")]))
    with pytest.raises(InvalidRequestError, match="DeliveryInfo"):
        client.updateSubscription(changed)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_import_naming_two_customers_is_refused(make_client: Callable[..., Client],
                                                   backend: str) -> None:
    client = make_client(backend)
    with pytest.raises(NotFoundError):
        client.addSubscription({**IMPORT, "AvangateCustomerReference": 435384557,
                                "ExternalCustomerReference": "SOMEONE-ELSE"})
    reference = client.addSubscription({**IMPORT, "AvangateCustomerReference": 435384557,
                                        "ExternalCustomerReference": "SEED-CUSTOMER-1"})
    assert client.getSubscription(reference).AvangateCustomerReference == 435384557


def test_copying_customer_details_to_end_users_notifies_each_subscription(
        make_client: Callable[..., Client], sent: list[list[tuple[str, str]]]) -> None:
    """updateCustomerInformation(..., UpdateEndUserSubscriptions=True) changes every
    subscription of the customer: each sends its license change notification."""
    client = make_client("jsonrpc")
    customer = client.getCustomerInformation(435384557)
    customer.City = "Cluj"
    assert client.updateCustomerInformation(customer, True)
    assert sorted(dict(note)["LICENSE_CODE"] for note in sent) == \
        ["SUBSCR0001", "SUBSCR0002", "SUBSCR0003"]
    end_user = client.getSubscription("SUBSCR0002").EndUser
    assert end_user is not None and end_user.City == "Cluj"


@pytest.mark.parametrize("backend", BACKENDS)
def test_reads_show_what_the_clock_did(sandbox: Sandbox, make_client: Callable[..., Client],
                                       backend: str) -> None:
    """The calls and the clock share one Status rule: expired by the clock, a subscription
    reads EXPIRED (not cancelled: DISABLED); enabled again it reads ACTIVE; a cancelled one
    the clock leaves alone."""
    client = make_client(backend)
    assert client.cancelSubscription("SUBSCR0003")
    sandbox.control("POST", "clock/advance", {"seconds": 0})  # the seed's dates are past
    expired = client.getSubscription("SUBSCR0002")
    assert (expired.SubscriptionEnabled, expired.Status) == (False, "EXPIRED")
    assert client.getSubscription("SUBSCR0003").Status == "DISABLED"
    assert [s.SubscriptionReference for s in client.searchSubscriptions(
        {"SubscriptionEnabled": False}).Items] == ["SUBSCR0002", "SUBSCR0001", "SUBSCR0003"]
    assert client.enableSubscription("SUBSCR0002")
    assert client.getSubscription("SUBSCR0002").Status == "ACTIVE"
