"""Shared fixtures: one real sandbox server on 127.0.0.1 for the session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest

from avangate_compat import Client
from avangate_compat.sandbox import Sandbox

pytest_plugins = ["pytester"]

BACKENDS = ("soap", "jsonrpc", "rest")
SESSION_BACKENDS = ("soap", "jsonrpc")


@pytest.fixture(scope="session")
def http_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture(scope="session")
def https_sandbox() -> Iterator[Sandbox]:
    """The same sandbox over TLS, its certificate signed by a CA made at start."""
    with Sandbox(tls=True) as server:
        yield server


@pytest.fixture
def sandbox(http_sandbox: Sandbox) -> Sandbox:
    """The sandbox over plain http; a module runs its tests over https as well by taking
    ``sandbox = over_both_schemes`` (see there)."""
    return http_sandbox


@pytest.fixture(params=["http", "https"])
def over_both_schemes(request: pytest.FixtureRequest) -> Sandbox:
    """Assign to ``sandbox`` in a test module (``sandbox = over_both_schemes``) to run each of
    its tests against the http and the https sandbox, by parameter rather than copies."""
    return request.getfixturevalue(f"{request.param}_sandbox")  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def _fresh_state(request: pytest.FixtureRequest) -> None:
    """Every test that uses the sandbox starts from the seed state with zeroed counters."""
    if "sandbox" in request.fixturenames:
        server: Sandbox = request.getfixturevalue("sandbox")
        server.service.reset()
        server.service.session_ttl = 600.0
        server.service.stats.reset()


@pytest.fixture
def make_client(sandbox: Sandbox) -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def make(backend: str, **settings: Any) -> Client:
        options: dict[str, Any] = {**sandbox.client_settings, **settings}
        client = Client(backend=backend, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, make_client: Callable[..., Client]) -> Client:
    return make_client(request.param)


@pytest.fixture(params=SESSION_BACKENDS)
def session_client(request: pytest.FixtureRequest, make_client: Callable[..., Client]) -> Client:
    return make_client(request.param)


@pytest.fixture
def instant_orders(sandbox: Sandbox) -> Any:
    """Orders complete as soon as they are placed, so a script can refund them at once."""
    sandbox.control("POST", "settings", {"order_authorized_after": 0,
                                         "order_complete_after": 0})
    yield
    sandbox.control("POST", "settings", {"order_authorized_after": 60,
                                         "order_complete_after": 300})
