"""The facade against the sandbox's injected faults: each ends in the documented behaviour (a
retry where it is safe, a typed error where it is not), and no write is lost or duplicated."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from avangate_compat import Client, SessionError, TransportError
from avangate_compat.errors import OutcomeUnknownError, RateLimitError
from avangate_compat.sandbox import Sandbox

from .conftest import BACKENDS

LEAD = {"Currency": "EUR", "Items": [{"Code": "04C26C50F8", "Quantity": 1}],
        "ExternalReference": "FAULT-TEST",
        "BillingDetails": {"FirstName": "A", "LastName": "B", "Email": "f@example.com",
                           "CountryCode": "RO"}}


def _client(make_client: Callable[..., Client], backend: str, slept: list[float],
            **settings: Any) -> Client:
    client = make_client(backend, **settings)
    client._transport.sleep = slept.append  # type: ignore[assignment]
    return client


def _fault_leads(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.service.store.all("lead")
               if r["lead"].get("ExternalReference") == "FAULT-TEST")


def _ready(client: Client) -> None:
    """Log in first, so a one-shot fault meets the call under test, not the login."""
    client.getLead("60E6C4B574")


@pytest.mark.parametrize("kind", ["http_error", "html", "drop", "truncate"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_call_safe_to_repeat_is_retried_through_a_passing_fault(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str, kind: str) -> None:
    slept: list[float] = []
    client = _client(make_client, backend, slept)
    _ready(client)
    sandbox.inject_fault(kind, count=1)
    product = client.getProductByCode("NewProdCodeAPI12345")
    assert product.ProductCode == "NewProdCodeAPI12345" and len(slept) == 1
    product.ProductName = f"after a {kind}"
    sandbox.inject_fault(kind, count=1)
    assert client.updateProduct(product) is True  # idempotent: repeated once, applied once
    assert client.getProductByCode("NewProdCodeAPI12345").ProductName == f"after a {kind}"


@pytest.mark.parametrize("kind", ["http_error", "html", "drop", "truncate"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_write_not_safe_to_repeat_fails_and_is_neither_lost_nor_doubled(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str, kind: str) -> None:
    slept: list[float] = []
    client = _client(make_client, backend, slept)
    _ready(client)
    sandbox.inject_fault(kind, count=1)
    with pytest.raises(TransportError):
        client.addLead(LEAD)
    assert slept == []  # it may have run: never sent twice by the library
    assert _fault_leads(sandbox) == 0  # the faulted request did not run
    assert client.addLead(LEAD).LeadCode  # the caller decides to try again
    assert _fault_leads(sandbox) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_truncated_answer_is_never_taken_for_a_confirmed_write(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    slept: list[float] = []
    client = _client(make_client, backend, slept, max_retries=0)
    _ready(client)
    sandbox.inject_fault("truncate", count=1, operations=["setProductStatus", "getProductByCode"])
    with pytest.raises(TransportError) as caught:
        client.setProductStatus("YourProductCode", True)
    assert caught.value.failure == "disconnected"
    assert client.setProductStatus("YourProductCode", True) is True
    retrying = _client(make_client, backend, slept)  # safe to repeat: sent again, confirmed
    _ready(retrying)
    sandbox.inject_fault("truncate", count=1, operations=["setProductStatus", "getProductByCode"])
    assert retrying.setProductStatus("YourProductCode", False) is True and len(slept) == 1
    assert retrying.getProductByCode("YourProductCode").Enabled is False


@pytest.mark.parametrize("backend", BACKENDS)
def test_rate_limits_are_waited_out_for_every_operation(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    slept: list[float] = []
    client = _client(make_client, backend, slept)
    _ready(client)
    sandbox.inject_fault("rate_limit", count=1, retry_after=2)
    assert client.addLead(LEAD).LeadCode  # refused unrun, so repeated even though not idempotent
    assert slept == [2.0]
    assert _fault_leads(sandbox) == 1
    sandbox.inject_fault("rate_limit", count=5, retry_after=1)
    with pytest.raises(RateLimitError) as caught:
        _client(make_client, backend, [], max_retries=2).getLead("60E6C4B574")
    assert caught.value.retry_after == 1.0


@pytest.mark.parametrize("backend", ["soap", "jsonrpc"])
@pytest.mark.parametrize("shape", ["documented", "forbidden"])
def test_a_session_expiry_storm_costs_one_login_per_refused_call(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str, shape: str) -> None:
    sandbox.control("POST", "settings", {"session_error": shape})
    try:
        client = make_client(backend)
        _ready(client)
        sandbox.inject_fault("session_expiry", count=1)
        assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
        assert client.login_count == 2
        sandbox.inject_fault("session_expiry", count=2)  # the repeat is refused too
        with pytest.raises(SessionError):
            client.addLead(LEAD)
        assert client.login_count == 3 and _fault_leads(sandbox) == 0
    finally:
        sandbox.control("POST", "settings", {"session_error": "documented"})


@pytest.mark.parametrize("backend", ["soap", "jsonrpc"])
def test_the_real_expired_session_answer_logs_in_again(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    sandbox.control("POST", "settings", {"session_error": "forbidden"})
    try:
        client = make_client(backend)
        _ready(client)
        sandbox.control("POST", "sessions/expire")
        assert client.getProductByCode("04C26C50F8").ProductCode == "04C26C50F8"
        assert client.login_count == 2
    finally:
        sandbox.control("POST", "settings", {"session_error": "documented"})


@pytest.mark.parametrize("backend", BACKENDS)
def test_latency_past_the_deadline_is_cut_at_the_deadline(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend, deadline=1, read_timeout=5)
    _ready(client)
    sandbox.inject_fault("latency", count=1, ms=3000)
    with pytest.raises(TransportError) as caught:
        client.getLead("60E6C4B574")
    assert caught.value.failure == "deadline"
    sandbox.inject_fault("latency", count=1, ms=200)
    assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"  # late, not lost


@pytest.mark.parametrize("kind", ["http_error", "drop", "truncate"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_write_whose_answer_is_lost_says_it_may_have_happened_and_how_to_check(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str, kind: str) -> None:
    """Not repeated (it could double an order or a refund), and told apart from a call that
    never left: the error says the write may have happened and how to find out."""
    slept: list[float] = []
    client = _client(make_client, backend, slept)
    _ready(client)
    sandbox.inject_fault(kind, count=1, operations=["addLead"])
    with pytest.raises(OutcomeUnknownError) as caught:
        client.addLead(LEAD)
    error = caught.value
    assert slept == [] and error.sent and error.operation == "addLead"
    assert "may have happened" in str(error) and "searchLeads" in error.check
    assert error.check in str(error)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_read_or_a_write_never_sent_is_no_unknown_outcome(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    slept: list[float] = []
    client = _client(make_client, backend, slept, max_retries=0)
    _ready(client)
    sandbox.inject_fault("drop", count=1, operations=["getLead"])
    with pytest.raises(TransportError) as read:
        client.getLead("60E6C4B574")  # a read: safe to repeat, whatever happened
    assert not isinstance(read.value, OutcomeUnknownError)
    unreachable = make_client(backend, base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(TransportError) as never_sent:
        unreachable.addLead(LEAD)
    assert not never_sent.value.sent and not isinstance(never_sent.value, OutcomeUnknownError)


def test_every_write_not_safe_to_repeat_says_how_to_check_it() -> None:
    from avangate_compat.operations import OPERATIONS

    for operation in OPERATIONS.values():
        if operation.needs_session and not operation.idempotent:
            assert operation.spec.if_unknown, f"{operation.name} has no if_unknown in the spec"
        else:
            assert operation.spec.if_unknown is None, f"{operation.name} is safe to repeat"
