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
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


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
        options: dict[str, Any] = {"base_url": sandbox.url, **sandbox.credentials, **settings}
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
