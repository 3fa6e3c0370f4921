"""Sessions on SOAP and JSON-RPC: one login for many threads, renewal before the lifetime ends,
and one re-login after the server refuses a session."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterator
from typing import Any, Callable

import pytest

from avangate_compat import AuthenticationError, Client, SessionError
from avangate_compat.auth import Call
from avangate_compat.sandbox import Sandbox
from avangate_compat.session import Login, SessionManager

from .conftest import SESSION_BACKENDS

_FAR = float("inf")  # no deadline


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_sixteen_threads_starting_at_once_cause_one_login(
        backend: str, sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client(backend)
    barrier = threading.Barrier(16)
    results, errors = [], []

    def work() -> None:
        barrier.wait()
        try:
            results.append(client.getLead("60E6C4B574").LeadCode)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == ["60E6C4B574"] * 16
    assert client.login_count == 1
    assert sandbox.service.stats.logins == 1


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_session_is_reused(backend: str, sandbox: Sandbox,
                           make_client: Callable[..., Client]) -> None:
    client = make_client(backend)
    for _ in range(5):
        client.getProductByCode("04C26C50F8")
    assert client.login_count == 1 == sandbox.service.stats.logins


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_logs_in_again_before_the_lifetime_ends(
        backend: str, sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client(backend, session_lifetime=0.4, session_margin=0.2)
    client.getLead("60E6C4B574")
    client.getLead("60E6C4B574")
    assert client.login_count == 1
    time.sleep(0.25)  # past lifetime - margin: renew before the server would refuse
    client.getLead("60E6C4B574")
    assert client.login_count == 2
    stats = sandbox.service.stats.snapshot()
    assert not any(key.endswith((":fault", ":error")) for key in stats["requests"])


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_expired_on_the_server_logs_in_once_and_repeats_the_call(
        backend: str, sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client(backend)
    client.getLead("60E6C4B574")
    sandbox.control("POST", "clock/advance", {"seconds": 601})  # server-side expiry
    assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"
    assert client.login_count == 2
    requests = sandbox.service.stats.snapshot()["requests"]
    assert requests[f"{backend}:getLead"] == 3  # first call, refused call, repeated call


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_revoked_session_logs_in_again(backend: str, sandbox: Sandbox,
                                       make_client: Callable[..., Client]) -> None:
    client = make_client(backend)
    client.setProductStatus("YourProductCode", True)
    assert sandbox.control("POST", "sessions/expire")["expired"] == 1
    assert client.setProductStatus("YourProductCode", False) is True
    assert client.login_count == 2


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_a_second_session_refusal_is_raised_not_looped(
        backend: str, sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    sandbox.service.session_ttl = 1e-9  # every session is expired by its first use
    client = make_client(backend)
    with pytest.raises(SessionError) as caught:
        client.getLead("60E6C4B574")
    assert caught.value.code == "SESSION_EXPIRED" and caught.value.backend == backend
    assert client.login_count == 2


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
@pytest.mark.parametrize("algorithm", ["sha256", "sha3-256", "md5"])
def test_every_documented_hash_algorithm_logs_in(
        backend: str, algorithm: str, make_client: Callable[..., Client]) -> None:
    client = make_client(backend, hash_algorithm=algorithm)
    assert client.getLead("60E6C4B574").LeadCode == "60E6C4B574"


@pytest.mark.parametrize("backend", [*SESSION_BACKENDS, "rest"])
def test_wrong_key_is_an_authentication_error_without_retrying(
        backend: str, sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    client = make_client(backend, secret_key="wrong-key")
    with pytest.raises(AuthenticationError) as caught:
        client.getLead("60E6C4B574")
    assert "wrong-key" not in str(caught.value)
    assert sandbox.service.stats.logins == 0
    assert sandbox.service.stats.failed_logins == (0 if backend == "rest" else 1)


def test_two_clients_two_accounts_side_by_side(sandbox: Sandbox,
                                               make_client: Callable[..., Client]) -> None:
    good = make_client("jsonrpc")
    bad = make_client("jsonrpc", merchant_code="OTHERMERCHANT")
    assert good.getLead("60E6C4B574").LeadCode == "60E6C4B574"
    with pytest.raises(AuthenticationError):
        bad.getLead("60E6C4B574")
    assert good.getLead("60E6C4B574").LeadCode == "60E6C4B574"
    assert good.login_count == 1


def _logins(ids: Iterator[str]) -> Login:
    """A login that yields no call: the next id of ``ids``."""
    def login(_deadline: float) -> Generator[Call, Any, str]:
        return next(ids)
        yield  # a generator, as a real login is
    return login


def _get(manager: SessionManager) -> str:
    """The manager's sessionID, its (call-free) login run to the end."""
    flow = manager.acquire(_FAR)
    with pytest.raises(StopIteration) as done:
        next(flow)
    return str(done.value.value)


def test_session_manager_invalidate_only_drops_the_refused_id() -> None:
    manager = SessionManager(_logins(iter(["first", "second", "third"])), lifetime=600,
                             margin=60)
    assert _get(manager) == "first"
    manager.invalidate("stale-id-from-another-thread")
    assert _get(manager) == "first"
    manager.invalidate("first")
    assert _get(manager) == "second"
    assert manager.login_count == 2
    assert "first" not in repr(manager) and "second" not in repr(manager)


def test_session_manager_renews_by_its_clock() -> None:
    now = [0.0]
    manager = SessionManager(_logins(iter(["a", "b"])), lifetime=600, margin=60,
                             clock=lambda: now[0])
    assert _get(manager) == "a"
    now[0] = 539.0
    assert _get(manager) == "a"
    now[0] = 540.0
    assert _get(manager) == "b"
