"""The legacy layer on the facade's auth: one shared re-login per expiry however many threads
hold the expired sessionID, and a bounded memory of the ids it handed out."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

import pytest

from avangate_compat.auth import login_params
from avangate_compat.legacy import Client as LegacyClient
from avangate_compat.legacy import callRPC
from avangate_compat.sandbox import Sandbox

LEAD = "60E6C4B574"


def _in_threads(count: int, work: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(work())
        except Exception as exc:  # collected: the assertion names it
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_sixteen_threads_holding_one_expired_legacy_session_cause_one_login(
        sandbox: Sandbox) -> None:
    client = LegacyClient(f"{sandbox.url}/soap/6.0/?wsdl", secret_key=sandbox.secret_key)
    session = client.service.login(*login_params(sandbox.merchant_code, sandbox.secret_key,
                                                 "sha256"))
    sandbox.control("POST", "clock/advance", {"seconds": 3600})  # the server expires it
    before = sandbox.service.stats.snapshot()["logins"]
    results = _in_threads(16, lambda: client.service.getLead(session, LEAD).LeadCode)
    assert results == [LEAD] * 16
    assert sandbox.service.stats.snapshot()["logins"] - before == 1


def test_sixteen_threads_holding_one_expired_callrpc_session_cause_one_login(
        sandbox: Sandbox) -> None:
    host = f"{sandbox.url}/rpc/6.0/"
    params = login_params(sandbox.merchant_code, sandbox.secret_key, "sha256")
    session = callRPC({"jsonrpc": "2.0", "method": "login", "params": params, "id": 1}, host,
                      secret_key=sandbox.secret_key)
    sandbox.control("POST", "clock/advance", {"seconds": 3600})
    before = sandbox.service.stats.snapshot()["logins"]
    results = _in_threads(16, lambda: callRPC(
        {"jsonrpc": "2.0", "method": "getLead", "params": [session, LEAD], "id": 2}, host,
        secret_key=sandbox.secret_key).LeadCode)
    assert results == [LEAD] * 16
    assert sandbox.service.stats.snapshot()["logins"] - before == 1


def _logins(client: LegacyClient, sandbox: Sandbox, count: int) -> list[str]:
    return [client.service.login(*login_params(sandbox.merchant_code, sandbox.secret_key,
                                               "sha256")) for _ in range(count)]


@pytest.mark.parametrize("key", [True, False])
def test_a_legacy_client_forgets_sessions_replaced_and_unused_for_a_lifetime(
        sandbox: Sandbox, key: bool) -> None:
    client = LegacyClient(f"{sandbox.url}/soap/6.0/?wsdl", session_lifetime=0.5,
                          session_margin=0, secret_key=sandbox.secret_key if key else None)
    old = _logins(client, sandbox, 20)
    held = set(client._pipeline.auth.secrets)
    assert set(old) <= held  # all may still be in use: every one is scrubbed
    time.sleep(0.6)
    assert client.service.getLead(old[0], LEAD).LeadCode == LEAD  # still in use: kept
    newest = _logins(client, sandbox, 1)[0]
    held = set(client._pipeline.auth.secrets)
    assert newest in held and old[0] in held and not set(old[1:]) & held
    assert client.service.getLead(newest, LEAD).LeadCode == LEAD


def test_a_legacy_client_holds_a_bounded_number_of_sessions(sandbox: Sandbox) -> None:
    client = LegacyClient(f"{sandbox.url}/soap/6.0/?wsdl", secret_key=sandbox.secret_key)
    ids = _logins(client, sandbox, 200)
    held = list(client._pipeline.auth.secrets)
    assert len(held) <= 64 + 1  # the ids kept, and the key
    assert ids[-1] in held and sandbox.secret_key in held
    assert client.service.getLead(ids[-1], LEAD).LeadCode == LEAD
