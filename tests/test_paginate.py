"""The generic paginator: every paged search of the spec walked by one piece of code, with the
guards against servers that do not page, prefetching, and map's progress callback."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any, Callable

import attrs
import pytest

from avangate_compat import Client, TransportError, ValidationError, paginate, spec
from avangate_compat.sandbox import Sandbox

from . import fakehttp
from .conftest import BACKENDS
from .fakehttp import http


@pytest.mark.parametrize("backend", BACKENDS)
def test_iter_products_walks_every_page_of_search_products(
        make_client: Callable[..., Client], backend: str) -> None:
    client = make_client(backend)
    first = client.searchProducts({"Limit": 100})
    assert first.Pagination.Count == len(first.Items) >= 3
    expected = [p.ProductCode for p in first.Items]
    assert [p.ProductCode for p in client.iter_products(Limit=1)] == expected
    assert [p.ProductCode for p in client.iter_products(Limit=2, prefetch=True)] == expected
    assert [p.ProductCode for p in client.iter_products(Limit=1, Page=2)] == expected[1:]
    enabled = [p.ProductCode for p in first.Items if p.Enabled]
    assert [p.ProductCode for p in client.iter_products(Enabled=True, Limit=1)] == enabled


def test_iterating_checks_the_filters_before_any_call(sandbox: Sandbox,
                                                      make_client: Callable[..., Client]) -> None:
    client = make_client("jsonrpc")
    with pytest.raises(ValidationError, match="Enabled"):
        next(client.iter_products(Enabled="maybe"))
    with pytest.raises(ValidationError, match="Colour"):
        next(client.iter_leads(Colour="red"))
    assert sandbox.control("GET", "stats")["logins"] == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_progress_is_called_after_each_page_as_map_calls_it(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str) -> None:
    sandbox.generate_leads(58)  # 100 leads with the 42 seeded
    calls: list[tuple[int, int]] = []
    walked = list(make_client(backend).iter_leads(
        Limit=30, progress=lambda done, total: calls.append((done, total))))
    assert len(walked) == 100
    assert calls == [(30, 100), (60, 100), (90, 100), (100, 100)]


def test_progress_of_a_walk_started_later_counts_what_it_gives(
        make_client: Callable[..., Client]) -> None:
    calls: list[tuple[int, int]] = []
    walked = list(make_client("rest").iter_leads(
        Limit=10, Page=3, progress=lambda done, total: calls.append((done, total))))
    assert len(walked) == 22  # 42 seeded leads, pages 3 to 5
    assert calls == [(10, 22), (20, 22), (22, 22)]


def test_progress_of_an_empty_search_ends_at_zero(make_client: Callable[..., Client]) -> None:
    calls: list[tuple[int, int]] = []
    assert list(make_client("soap").iter_products(
        Name="no such product", progress=lambda *args: calls.append(args))) == []
    assert calls == [(0, 0)]


@pytest.mark.parametrize("family", ["leads", "products"])
@pytest.mark.parametrize("pagination", [
    {"Page": 1, "Limit": 2, "Count": 1_000_000},      # Page echoed wrong from page 2 on
    {"Page": None, "Limit": 2, "Count": 1_000_000},   # no echo: the same page comes back
])
def test_every_walker_stops_when_the_server_ignores_page(family: str, pagination: Any) -> None:
    key = paginate.paginator(family).item_key
    page = {"Items": [{key: "A"}, {key: "B"}], "Pagination": pagination}
    with fakehttp.serve(fakehttp.answer(http("200 OK", json.dumps(page).encode()))) as server:
        client = Client(backend="rest", merchant_code="M", secret_key="S", base_url=server.url)
        with pytest.raises(TransportError, match="does not page"):
            list(getattr(client, f"iter_{family}")())
        assert len(server.requests) <= 2


def test_a_walk_ends_at_the_count_its_first_page_announced() -> None:
    """A server whose Count grows with every page cannot keep a walk going."""
    served = [0]

    def respond(_request: fakehttp.Request, conn: socket.socket) -> None:
        served[0] += 1
        number = served[0]
        page = {"Items": [{"ProductCode": f"P{number}"}],
                "Pagination": {"Page": number, "Limit": 1, "Count": 3 + number}}
        conn.sendall(http("200 OK", json.dumps(page).encode()))

    with fakehttp.serve(respond) as server:
        client = Client(backend="rest", merchant_code="M", secret_key="S", base_url=server.url)
        with pytest.raises(TransportError, match="does not page"):
            list(client.iter_products())
    assert served[0] == 5  # pages 1-4 of the first Count of 4, then page 5 is refused


def test_an_abandoned_prefetching_product_walk_leaves_no_thread_behind(
        make_client: Callable[..., Client]) -> None:
    walk = make_client("rest").iter_products(Limit=1, prefetch=True)
    assert next(walk).ProductCode
    walk.close()
    time.sleep(0.5)
    assert not [t for t in threading.enumerate() if t.name.startswith("avangate-prefetch")]


def test_a_paginator_entry_alone_gives_a_walker(monkeypatch: pytest.MonkeyPatch,
                                                make_client: Callable[..., Client]) -> None:
    """What orders and subscriptions got: ``iter_<family>`` from the spec, no code."""
    loaded = spec.load()
    extra = attrs.evolve(loaded.paginators["leads"], family="ro_leads")
    patched = attrs.evolve(loaded, paginators={**loaded.paginators, "ro_leads": extra})
    monkeypatch.setattr(spec, "load", lambda: patched)
    monkeypatch.setattr(paginate, "load", lambda: patched)
    client = make_client("jsonrpc")
    assert [lead.LeadCode for lead in client.iter_ro_leads(Country="RO", Limit=3)] \
        == [lead.LeadCode for lead in client.iter_leads(Country="RO", Limit=3)]
    with pytest.raises(AttributeError, match="iter_invoices"):
        client.iter_invoices()  # not declared


def test_an_unknown_family_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="known: leads, orders, products, subscriptions"):
        paginate.paginator("orderz")
