"""The sandbox never stalls a new client because many old ones keep connections open: past
``max_connections`` it closes the longest idle keep-alive ones, and with none idle it answers
503 at once (waitress alone stops accepting at 100 and lets the 101st wait out its deadline)."""

from __future__ import annotations

import socket
import ssl
import time
from typing import Any

import pytest

from avangate_compat import Client, TransportError
from avangate_compat.sandbox import Sandbox

from .conftest import over_both_schemes

sandbox = over_both_schemes  # over http and over https


def test_500_clients_that_never_close_are_all_served(sandbox: Sandbox) -> None:
    """As a test suite that makes a client per test and never closes it leaves them: each
    logs in and reads, keeps its connection, and the next one is served all the same (a
    short deadline, so a stall fails instead of waiting a minute)."""
    clients: list[Client] = []
    try:
        for number in range(500):
            client = Client(backend="jsonrpc", deadline=10.0, max_retries=0,
                            **sandbox.client_settings)
            clients.append(client)
            assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574", number
        # the first clients' connections were closed for the later ones: they reconnect
        for client in clients[:5]:
            assert client.getProductByCode("YourProductCode").ProductCode == "YourProductCode"
    finally:
        for client in clients:
            client.close()
    assert sandbox.service.stats.snapshot()["connections"] >= 500


def _half_request(server: Sandbox) -> socket.socket:
    """A connection busy with a request whose headers have not all arrived."""
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock: Any = raw
    if server.tls:
        context = ssl.create_default_context(cafile=server.ca_path)
        sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
    sock.sendall(b"POST /rpc/6.0/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return sock  # type: ignore[no-any-return]


def test_with_every_connection_busy_a_new_one_is_answered_503_at_once(
        sandbox: Sandbox) -> None:
    with Sandbox(tls=sandbox.tls, max_connections=2) as small:
        busy = [_half_request(small) for _ in range(2)]
        try:
            with Client(backend="jsonrpc", deadline=10.0, max_retries=0,
                        **small.client_settings) as client, \
                    pytest.raises(TransportError) as caught:
                client.getLead("60E6C4B574")
            assert caught.value.http_status == 503
            assert caught.value.retry_after == 1.0
        finally:
            for sock in busy:
                sock.close()
        for _ in range(500):  # the sandbox sees them go on its next loop turn
            if small.open_connections() == 0:
                break
            time.sleep(0.01)
        # the busy ones gone, the same sandbox serves again
        with Client(backend="jsonrpc", deadline=10.0, max_retries=0,
                    **small.client_settings) as client:
            assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"


def test_idle_connections_are_closed_longest_idle_first(sandbox: Sandbox) -> None:
    with Sandbox(tls=sandbox.tls, max_connections=3) as small:
        clients = [Client(backend="rest", deadline=10.0, max_retries=0,
                          **small.client_settings) for _ in range(6)]
        try:
            for client in clients:
                assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
            assert small.open_connections() <= 3
        finally:
            for client in clients:
                client.close()
