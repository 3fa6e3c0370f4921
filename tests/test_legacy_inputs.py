"""The legacy entry points refuse what they cannot send with a typed error, before any I/O.

``legacy.Client(...)``, ``client.service.<operation>(...)`` and ``callRPC(request, host)``:
bytes that are not UTF-8, sets, NaN, unparseable URLs, a request that is not one: each is an
:class:`AvangateError` naming the fault, never a TypeError, ValueError or UnicodeError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from avangate_compat import ConfigurationError, ValidationError
from avangate_compat.legacy import Client, LegacyObject, callRPC
from avangate_compat.sandbox import Sandbox


def _requests(sandbox: Sandbox) -> int:
    return sum(sandbox.service.stats.snapshot()["requests"].values())


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


BAD_ARGUMENTS: dict[str, tuple[Any, str]] = {
    "bytes that are not UTF-8": (b"\xff", "UTF-8"),
    "a set": ({1, 2}, "cannot send a set"),
    "NaN": (float("nan"), "args[1]"),
    "Infinity": (float("inf"), "args[1]"),
    "NaN inside an object": ({"Price": {"Amount": float("nan")}}, "args[1].Price.Amount"),
    "a set inside a list": ([{"x"}], "args[1][0]"),
    "a key that is not text": ({(1, 2): "a"}, "key that is not text"),
    "a lone surrogate": ("\ud800", "lone surrogate"),
    "nesting 5,000 deep": (_deep(5000), "nests deeper"),
    "an object": (object(), "cannot send a object"),
}


@pytest.fixture
def legacy(sandbox: Sandbox) -> Iterator[Client]:
    client = Client(f"{sandbox.url}/soap/6.0/?wsdl")
    yield client
    client.close()


@pytest.mark.parametrize("case", sorted(BAD_ARGUMENTS))
def test_a_service_call_refuses_what_it_cannot_send(sandbox: Sandbox, legacy: Client,
                                                    case: str) -> None:
    value, message = BAD_ARGUMENTS[case]
    before = _requests(sandbox)
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        legacy.service.getLead("a-session-id", value)
    assert caught.value.operation == "getLead"
    assert _requests(sandbox) == before


def test_a_result_sent_back_is_still_accepted(sandbox: Sandbox, legacy: Client) -> None:
    session = legacy.service.login(sandbox.credentials["merchant_code"], *_login(sandbox))
    lead = legacy.service.getLead(session, "60E6C4B574")
    assert isinstance(lead, LegacyObject)
    assert legacy.service.getLead(session, b"60E6C4B574") == lead  # Python 2 bytes
    assert legacy.service.updateLead(session, "60E6C4B574", lead).LeadCode == "60E6C4B574"


def _login(sandbox: Sandbox) -> tuple[str, str]:
    from avangate_compat.auth import login_params

    _, date, digest, *_ = login_params(sandbox.credentials["merchant_code"],
                                       sandbox.credentials["secret_key"], "md5")
    return date, digest


@pytest.mark.parametrize("url", ["http://[::1", None, 7, "", b"http://127.0.0.1/"])
def test_a_client_url_that_is_not_one_is_a_configuration_error(url: Any) -> None:
    with pytest.raises(ConfigurationError):
        Client(url)


@pytest.mark.parametrize("location", ["http://[::1", 7, "ftp://x/"])
def test_a_location_that_is_not_a_url_is_a_configuration_error(location: Any) -> None:
    with pytest.raises(ConfigurationError):
        Client("http://127.0.0.1:9/soap/6.0/?wsdl", location=location)


BAD_REQUESTS: dict[str, tuple[Any, str]] = {
    "None": (None, "request"),
    "a list": (["getLead", ["s", "L"]], "request"),
    "a string": ("getLead", "request"),
    "no method": ({"params": []}, "method"),
    "params not a list": ({"method": "getLead", "params": "s"}, "params"),
    "params holding a set": ({"method": "getLead", "params": ["s", {1}]}, "cannot send a set"),
    "params holding NaN": ({"method": "getLead", "params": ["s", float("nan")]}, "params"),
    "params holding bytes not UTF-8": ({"method": "getLead", "params": [b"\xff"]}, "UTF-8"),
    "an id that is a set": ({"method": "getLead", "params": [], "id": {1}}, "id"),
    "an id that is NaN": ({"method": "getLead", "params": [], "id": float("nan")}, "id"),
    "a jsonrpc that is a list": ({"method": "getLead", "params": [], "jsonrpc": []},
                                 "jsonrpc"),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_callrpc_refuses_a_request_it_cannot_send(sandbox: Sandbox, case: str) -> None:
    request, message = BAD_REQUESTS[case]
    before = _requests(sandbox)
    with pytest.raises(ValidationError, match=re.escape(message)):
        callRPC(request, f"{sandbox.url}/rpc/6.0/")
    assert _requests(sandbox) == before


class _Request:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


def test_callrpc_takes_a_php_shaped_object(sandbox: Sandbox) -> None:
    host = f"{sandbox.url}/rpc/6.0/"
    session = callRPC(_Request(jsonrpc="2.0", method="login", id=1,
                               params=[sandbox.credentials["merchant_code"], *_login(sandbox),
                                       "md5"]), host)
    lead = callRPC(_Request(method="getLead", params=[session, "60E6C4B574"], id=2), host)
    assert lead.LeadCode == "60E6C4B574"


@pytest.mark.parametrize("host", ["http://[::1", None, 7, "ftp://127.0.0.1/rpc/"])
def test_callrpc_refuses_a_host_that_is_not_a_url(host: Any) -> None:
    with pytest.raises(ConfigurationError):
        callRPC({"method": "getLead", "params": []}, host)


def test_every_refusal_is_raised_before_any_connection(sandbox: Sandbox) -> None:
    calls: list[Callable[[], Any]] = [
        lambda: callRPC(None, f"{sandbox.url}/rpc/6.0/"),
        lambda: Client(f"{sandbox.url}/soap/6.0/?wsdl").service.getLead(b"\xff"),
    ]
    before = sandbox.service.stats.snapshot()["connections"]
    for call in calls:
        with pytest.raises((ValidationError, ConfigurationError)):
            call()
    assert sandbox.service.stats.snapshot()["connections"] == before


@pytest.mark.parametrize("option", ["backend", "wsdl", "soap_url", "merchant_code"])
def test_an_option_the_client_sets_itself_is_a_configuration_error(option: str) -> None:
    options: dict[str, Any] = {option: "http://127.0.0.1:9/"}
    with pytest.raises(ConfigurationError, match=option):
        Client("http://127.0.0.1:9/soap/6.0/?wsdl", **options)
