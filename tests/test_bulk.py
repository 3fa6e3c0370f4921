"""Bulk work over one client: map with bounded concurrency and a rate cap, and big listings
walked page by page (prefetching the next one)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Callable

import pytest

from avangate_compat import Client, NotFoundError, ValidationError
from avangate_compat.sandbox import Sandbox

from . import fakehttp
from .conftest import BACKENDS
from .fakehttp import Request, http


@pytest.mark.parametrize("backend", BACKENDS)
def test_map_keeps_input_order_and_collects_errors(make_client: Callable[..., Client],
                                                  backend: str) -> None:
    client = make_client(backend)
    codes = ["60E6C4B574", "NOSUCHLEAD", "60E6C4B574", "ALSOMISSING"] * 3
    progress: list[tuple[int, int]] = []
    outcomes = client.map("getLead", codes, max_workers=4,
                          progress=lambda done, total: progress.append((done, total)))
    assert [o.args for o in outcomes] == [(code,) for code in codes]
    assert [o.ok for o in outcomes] == [True, False, True, False] * 3
    assert all(isinstance(o.error, NotFoundError) for o in outcomes if not o.ok)
    assert all(o.value is not None and o.value.LeadCode == "60E6C4B574"
               for o in outcomes if o.ok)
    assert sorted(progress) == [(n, len(codes)) for n in range(1, len(codes) + 1)]


def test_map_takes_argument_tuples_and_typed_handles(make_client: Callable[..., Client]) -> None:
    from avangate_compat import operations
    client = make_client("jsonrpc")
    outcomes = client.map(operations.SET_PRODUCT_STATUS,
                          [("YourProductCode", True), ("04C26C50F8", False)])
    assert [o.value for o in outcomes] == [True, True]


def test_map_never_sends_more_requests_than_the_rate_allows(
        make_client: Callable[..., Client]) -> None:
    client = make_client("rest")
    starts: list[float] = []
    lock = threading.Lock()
    real_send = client._transport.send

    def timed(request: Any, deadline: float) -> Any:  # every request sent: the cap's unit
        with lock:
            starts.append(time.monotonic())
        return real_send(request, deadline)

    client._transport.send = timed  # type: ignore[method-assign]
    outcomes = client.map("getProductByCode", ["04C26C50F8"] * 30, max_workers=8,
                          rate_limit=40)
    assert all(o.ok for o in outcomes)
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 1 / 40 - 0.005  # evenly spaced: never a burst
    assert starts[-1] - starts[0] >= 29 / 40 - 0.01


def test_map_paces_retries_too() -> None:
    """The cap counts every request sent: a server answering bare 503s to reads sees no more
    than ``rate_limit`` requests in any one-second window, retries included."""
    seen: list[float] = []

    def busy(_request: Request, conn: socket.socket) -> None:
        seen.append(time.monotonic())
        conn.sendall(http("503 Service Unavailable", b"<html>busy</html>", "text/html"))

    with fakehttp.serve(busy) as server:
        client = Client(backend="rest", merchant_code="M", secret_key="S", base_url=server.url,
                        max_retries=2, retry_backoff=0.01, retry_backoff_max=0.01)
        outcomes = client.map("getLead", ["L1"] * 6, max_workers=4, rate_limit=10)
    assert [getattr(o.error, "http_status", None) for o in outcomes] == [503] * 6
    assert len(seen) == 18  # each read sent three times
    assert max(sum(1 for t in seen if start <= t < start + 1) for start in seen) <= 10


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_workers": 0}, "max_workers"), ({"max_workers": True}, "max_workers"),
    ({"rate_limit": 0}, "rate_limit"), ({"rate_limit": float("nan")}, "rate_limit"),
])
def test_map_settings_are_checked(make_client: Callable[..., Client], kwargs: dict[str, Any],
                                  message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make_client("rest").map("getLead", ["60E6C4B574"], **kwargs)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_big_listing_walks_every_lead_once_with_or_without_prefetch(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    sandbox.generate_leads(1200)
    client = make_client(backend)
    plain = [lead.LeadCode for lead in client.iter_leads(Limit=200)]
    ahead = [lead.LeadCode for lead in client.iter_leads(Limit=200, prefetch=True)]
    assert plain == ahead and len(plain) == len(set(plain)) == 1242  # 42 seeded + 1,200
    assert [lead.LeadCode for lead in client.iter_leads(Limit=100, Country="RO",
                                                        prefetch=True)] \
        == [lead.LeadCode for lead in client.iter_leads(Limit=100, Country="RO")]


def test_an_abandoned_prefetching_walk_leaves_no_thread_behind(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    sandbox.generate_leads(600)
    client = make_client("jsonrpc")
    walk = client.iter_leads(Limit=100, prefetch=True)
    assert next(walk).LeadCode
    walk.close()
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name.startswith("avangate-prefetch")]


def test_generated_leads_are_refused_beyond_bounds(sandbox: Sandbox) -> None:
    import urllib.error
    with pytest.raises(urllib.error.HTTPError):
        sandbox.control("POST", "seed/generated", {"leads": 0})
    with pytest.raises(urllib.error.HTTPError):
        sandbox.control("POST", "seed/generated", {"leads": "many"})
