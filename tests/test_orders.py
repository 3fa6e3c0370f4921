"""Orders, refunds and customers (issue 22): the sandbox's rules on every backend."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

import pytest

from avangate_compat import Client, NotFoundError, models
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS


@pytest.mark.parametrize("backend", BACKENDS)
def test_get_order_reads_the_seed_order(make_client: Callable[..., Client],
                                        backend: str) -> None:
    order = make_client(backend).getOrder("12345678")
    assert isinstance(order, models.Order)
    assert (order.RefNo, order.Status, order.Currency) == ("12345678", "COMPLETE", "EUR")
    item = order.Items[0]
    assert isinstance(item, models.OrderItem)
    assert (item.Code, item.Quantity, item.LineItemReference) == ("04C26C50F8", 2, "A1B2C3D4E5")
    assert item.ProductDetails == models.OrderProductDetails(
        Name="softy", ProductId=4639321, RenewalStatus=False, Subscriptions=[])
    assert item.Price is not None and item.Price.GrossPrice == Decimal("47.60")
    assert order.CustomerDetails is not None
    assert order.CustomerDetails.AvangateCustomerReference == 435384557


@pytest.mark.parametrize("backend", BACKENDS)
def test_get_order_of_an_unknown_reference_is_not_found(make_client: Callable[..., Client],
                                                        backend: str) -> None:
    with pytest.raises(NotFoundError) as raised:
        make_client(backend).getOrder("99999999")
    assert raised.value.operation == "getOrder" and raised.value.code == "ORDER_NOT_FOUND"


@pytest.mark.parametrize("backend", BACKENDS)
def test_ids_sent_as_text_are_read_as_ints(sandbox: Sandbox, make_client: Callable[..., Client],
                                           backend: str) -> None:
    """Some API versions send ProductId and AvangateCustomerReference as strings."""
    record: Any = sandbox.service.store.get("order", "12345678")
    record["order"]["Items"][0]["ProductDetails"]["ProductId"] = "4639321"
    record["order"]["CustomerDetails"]["AvangateCustomerReference"] = "435384557"
    record["order"]["CustomerReference"] = "435384557"
    sandbox.service.store.put("order", "12345678", record)
    order = make_client(backend).getOrder("12345678")
    assert order.Items[0].ProductDetails.ProductId == 4639321
    assert order.CustomerDetails.AvangateCustomerReference == 435384557
    assert order.CustomerReference == 435384557
