"""Customers and the order flow (issue 22): customer rules on every backend, the order's
status moving with the sandbox's clock, and the signed IPNs sent to a listener."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from avangate_compat import Client, InvalidRequestError, NotFoundError, models
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS
from .listeners import IPNListener, ipn_listener
from .test_orders import BILLING, a_test_order

# -- customers --------------------------------------------------------------------------------

GRACE = {"FirstName": "Grace", "LastName": "Hopper", "Email": "grace@example.com",
         "CountryCode": "US", "Language": "en", "ExternalCustomerReference": "SHOP-GRACE"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_new_customer_is_inactive_until_a_subscription_is_attached(
        make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    reference = client.createCustomer(GRACE)
    assert isinstance(reference, int) and reference > 0
    customer = client.getCustomerInformation(reference)
    assert isinstance(customer, models.Customer)
    assert (customer.AvangateCustomerReference, customer.Email, customer.Enabled) == (
        reference, "grace@example.com", False)
    client.placeOrder(a_test_order([{"Code": "04C26C50F8"}], CustomerReference=reference))
    assert client.getCustomerInformation(reference).Enabled is False  # no subscription
    client.placeOrder(a_test_order([{"Code": "TeamPlan2024"}], CustomerReference=reference))
    assert client.getCustomerInformation(reference).Enabled is True


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_customer_is_found_by_either_reference(make_client: Callable[..., Client],
                                                 backend: str) -> None:
    client = make_client(backend)
    reference = client.createCustomer(GRACE)
    by_external = client.getCustomerInformation(0, "SHOP-GRACE")
    assert by_external == client.getCustomerInformation(reference) \
        == client.getCustomerInformation(reference, "SHOP-GRACE") \
        == client.getCustomerInformation(str(reference))  # the reference as text, too
    with pytest.raises(NotFoundError):  # both given: they must name the same customer
        client.getCustomerInformation(reference, "SEED-CUSTOMER-1")
    with pytest.raises(NotFoundError):
        client.getCustomerInformation(0, "NOBODY")
    with pytest.raises(InvalidRequestError):  # an external reference is one customer's
        client.createCustomer(GRACE)


@pytest.mark.parametrize("backend", BACKENDS)
def test_update_end_user_subscriptions_copies_the_changes(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    reference = client.createCustomer(GRACE)
    order = client.placeOrder(a_test_order([{"Code": "TeamPlan2024"}],
                                           CustomerReference=reference))
    subscription = order.Items[0].ProductDetails.Subscriptions[0].SubscriptionReference

    def end_user() -> Any:
        stored: Any = sandbox.service.store.get("subscription", subscription)
        return stored["EndUser"]

    customer = client.getCustomerInformation(reference)
    customer.Email, customer.City = "grace@navy.example", "Arlington"
    assert client.updateCustomerInformation(customer) is True
    assert client.getCustomerInformation(reference).City == "Arlington"
    assert end_user()["Email"] == BILLING["Email"]  # not copied without the flag
    customer.Phone = "555-0100"
    assert client.updateCustomerInformation(customer, True) is True
    assert (end_user()["Email"], end_user()["City"], end_user()["Phone"]) == (
        "grace@navy.example", "Arlington", "555-0100")


# -- the order flow and its IPNs --------------------------------------------------------------

@pytest.fixture
def listener(sandbox: Sandbox) -> Any:
    heard = ipn_listener(sandbox.secret_key)
    yield heard
    heard.close()
    sandbox.control("POST", "settings", {"ipn_url": None, "order_authorized_after": 60,
                                         "order_complete_after": 300, "refund_after": 0})


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_order_moves_on_with_the_clock_and_its_ipns_are_sent(
        sandbox: Sandbox, make_client: Callable[..., Client], listener: IPNListener,
        backend: str) -> None:
    settings = sandbox.control("POST", "settings", {
        "ipn_url": listener.url, "order_authorized_after": 10, "order_complete_after": 20})
    assert (settings["order_authorized_after"], settings["ipn_url"]) == (10.0, listener.url)
    client = make_client(backend)
    placed = client.placeOrder(a_test_order([{"Code": "TeamPlan2024", "Quantity": 2}],
                                            ExternalReference="STORE-IPN"))
    assert placed.Status == "PENDING"
    sandbox.control("POST", "clock/advance", {"seconds": 10})
    assert client.getOrder(placed.RefNo).Status == "AUTHRECEIVED" and not listener.received
    moved = sandbox.control("POST", "clock/advance", {"seconds": 10})
    assert moved["orders_moved"] == 1  # the clock alone completes it and sends the IPN
    [done] = listener.received
    assert (done.ref_no, done.order_status, done.ref_no_ext) == (
        placed.RefNo, "COMPLETE", "STORE-IPN")
    assert done.total == placed.GrossPrice and done.test_order is True
    assert [(p.code, p.qty) for p in done.products] == [("TeamPlan2024", 2)]
    assert client.getOrder(placed.RefNo).Status == "COMPLETE"
    client.issueRefund(placed.RefNo, placed.GrossPrice, [], "", "Other")
    refunded = listener.received[-1]
    assert (refunded.ref_no, refunded.order_status) == (placed.RefNo, "REFUND")
    log = sandbox.control("GET", "ipn/log")
    assert [entry["answer_valid"] for entry in log] == [True, True]


def test_the_order_settings_are_checked(sandbox: Sandbox) -> None:
    import urllib.error
    for body in ({"order_complete_after": -1}, {"refund_after": "soon"},
                 {"ipn_url": "http://example.com/ipn"}):
        with pytest.raises(urllib.error.HTTPError) as raised:
            sandbox.control("POST", "settings", body)
        assert raised.value.code == 400
