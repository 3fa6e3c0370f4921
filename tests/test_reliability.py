"""Every fault ends in the library's typed error within the call's deadline, and nothing the
server did not confirm is acknowledged. Faults a real server does not make on purpose come from
a scripted loopback server (``tests/fakehttp.py``)."""

from __future__ import annotations

import gzip
import inspect
import json
import socket
import time
import tracemalloc
from decimal import Decimal
from typing import Any, Callable

import pytest
import requests

from avangate_compat import (
    APIError,
    Client,
    ConfigurationError,
    SessionError,
    TransportError,
    ValidationError,
    models,
)
from avangate_compat.auth import login_hash, utc_date
from avangate_compat.backends import jsonrpc, rest, soap
from avangate_compat.errors import RateLimitError
from avangate_compat.sandbox import Sandbox
from avangate_compat.transport import Answer

from . import fakehttp
from .conftest import BACKENDS
from .fakehttp import Request, http

LEAD = {"Currency": "EUR", "Items": [{"Code": "04C26C50F8", "Quantity": 1}],
        "BillingDetails": {"FirstName": "A", "LastName": "B", "Email": "a@example.com",
                           "CountryCode": "RO"}}


def _client(url: str, backend: str = "rest", **settings: Any) -> Client:
    return Client(backend=backend, merchant_code="M", secret_key="S", base_url=url,
                  **settings)


def _product() -> models.Product:
    return models.Product(ProductCode="P1", ProductName="N", ProductType="REGULAR", Enabled=True)


# -- 1. depth -------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["jsonrpc", "rest"])
def test_an_answer_nested_100000_deep_is_a_transport_error(backend: str) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    with fakehttp.serve(fakehttp.answer(http("200 OK", body))) as server, \
            pytest.raises(TransportError, match="not JSON"):
        _client(server.url, backend, max_retries=0).getLead("L1")


# -- 2. SOAP multiref fan-out ---------------------------------------------------------------------


def _fan_out(levels: int) -> bytes:
    refs = "".join(f'<multiRef id="m{i}"><a href="#m{i - 1}"/><b href="#m{i - 1}"/></multiRef>'
                   for i in range(1, levels))
    return (f'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV='
            f'"http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>'
            f'<getLeadResponse><return href="#m{levels - 1}"/></getLeadResponse>'
            f'<multiRef id="m0">x</multiRef>{refs}</SOAP-ENV:Body></SOAP-ENV:Envelope>').encode()


def test_soap_multiref_fan_out_is_refused_instead_of_expanded() -> None:
    answer = Answer(200, "OK", {}, _fan_out(22))  # 2**22 leaves if expanded
    with pytest.raises(TransportError, match="expand far beyond"):
        soap.read_answer("getLead", answer)


def test_soap_shared_references_still_decode() -> None:
    data = soap.read_answer("getLead", Answer(200, "OK", {}, _fan_out(4)))
    leaf = {"a": "x", "b": "x"}
    assert data == {"a": {"a": leaf, "b": leaf}, "b": {"a": leaf, "b": leaf}}


# -- 3. and 17.7: nothing unconfirmed is acknowledged ---------------------------------------------


def _cut_inside_headers(_request: Request, conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/js")
    conn.shutdown(socket.SHUT_RDWR)


def _status_line_then_close(_request: Request, conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    conn.shutdown(socket.SHUT_RDWR)


UNCONFIRMING = {
    "302 empty": fakehttp.answer(http("302 Found", extra="Location: /elsewhere\r\n")),
    "304": fakehttp.answer(http("304 Not Modified")),
    "status line, then closed": _status_line_then_close,
    "cut inside the headers": _cut_inside_headers,
    "HTTP/1.0 200 without a body": fakehttp.answer(http("200 OK", version="HTTP/1.0",
                                                        length=False)),
    "200 with an empty body": fakehttp.answer(http("200 OK")),
    "200 false": fakehttp.answer(http("200 OK", b"false")),
    "200 null": fakehttp.answer(http("200 OK", b"null")),
}


@pytest.mark.parametrize("case", sorted(UNCONFIRMING))
@pytest.mark.parametrize("write", ["updateProduct", "setProductStatus", "addLead",
                                   "updateLead", "markLeads"])
def test_rest_writes_are_acknowledged_only_by_a_confirming_answer(case: str, write: str) -> None:
    def respond(request: Request, conn: socket.socket) -> None:
        if request.method == "GET":  # setProductStatus reads the product first
            conn.sendall(http("200 OK", json.dumps({"ProductCode": "P1"}).encode()))
        else:
            UNCONFIRMING[case](request, conn)

    calls: dict[str, Callable[[Client], Any]] = {
        "updateProduct": lambda c: c.updateProduct(_product()),
        "setProductStatus": lambda c: c.setProductStatus("P1", False),
        "addLead": lambda c: c.addLead(LEAD),
        "updateLead": lambda c: c.updateLead("L1", LEAD),
        "markLeads": lambda c: c.markLeads([{"LeadCode": "L1", "Used": True}]),
    }
    with fakehttp.serve(respond) as server, pytest.raises((TransportError, APIError)):
        calls[write](_client(server.url, max_retries=0))


@pytest.mark.parametrize("cut", [_cut_inside_headers, _status_line_then_close])
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_answer_cut_before_its_headers_end_is_a_dropped_connection(
        backend: str, cut: Callable[[Request, socket.socket], None]) -> None:
    """http.client takes the end of the stream for the end of the headers, so the cut looks
    like an empty 200: it is a dropped connection (``disconnected``), which a read may repeat."""
    with fakehttp.serve(cut) as server, pytest.raises(TransportError) as caught:
        _client(server.url, backend, max_retries=0).getLead("L1")
    assert caught.value.failure == "disconnected" and caught.value.sent


@pytest.mark.parametrize("status", ["204 No Content", "201 Created"])
def test_rest_writes_confirmed_without_a_body(status: str) -> None:
    extra = "Location: /products/P1/\r\n" if status.startswith("201") else ""
    with fakehttp.serve(fakehttp.answer(http(status, extra=extra))) as server:
        assert _client(server.url).updateProduct(_product()) is True


@pytest.mark.parametrize("result", [False, None, "", "0", {"ProductCode": "P1"}])
def test_jsonrpc_writes_are_acknowledged_only_by_true(result: Any) -> None:
    with fakehttp.serve(fakehttp.jsonrpc(lambda _r, _p: {"result": result})) as server:
        client = _client(server.url, "jsonrpc")
        with pytest.raises(APIError, match="NOT_CONFIRMED"):
            client.setProductStatus("P1", True)
        with pytest.raises(APIError, match="NOT_CONFIRMED"):
            client.updateProduct(_product())


@pytest.mark.parametrize("result", [{}, {"Errors": []}, {"LeadCode": ""}])
def test_lead_writes_need_their_confirmation_key(result: Any) -> None:
    with fakehttp.serve(fakehttp.jsonrpc(lambda _r, _p: {"result": result})) as server:
        client = _client(server.url, "jsonrpc")
        with pytest.raises(APIError, match="NOT_CONFIRMED"):
            client.addLead(LEAD)
        with pytest.raises(APIError, match="NOT_CONFIRMED"):
            client.markLeads([{"LeadCode": "L1", "Used": True}])


def test_soap_writes_are_acknowledged_only_by_true() -> None:
    nil = (b'<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" '
           b'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><e:Body><r>'
           b'<return i:nil="true"/></r></e:Body></e:Envelope>')
    assert soap.read_answer("setProductStatus", Answer(200, "OK", {}, nil)) is None
    with fakehttp.serve(lambda request, conn: conn.sendall(http(
            "200 OK", nil.replace(b'<return i:nil="true"/>', b"<return>S</return>")
            if b"login" in request.body else nil, "text/xml"))) as server, \
            pytest.raises(APIError, match="NOT_CONFIRMED"):
        _client(server.url, "soap").setProductStatus("P1", True)


@pytest.mark.parametrize("errors", ["text", {"Code": "X", "Description": "d"}, 5, ["a", None]])
def test_any_shape_of_errors_in_a_write_answer_is_an_api_error(errors: Any) -> None:
    answer = {"LeadCode": None, "Errors": errors}
    with fakehttp.serve(fakehttp.jsonrpc(lambda _r, _p: {"result": answer})) as server, \
            pytest.raises(APIError):
        _client(server.url, "jsonrpc").addLead(LEAD)


# -- 4. deadline ----------------------------------------------------------------------------------


def _trickle(head: bytes, body: bytes, every: float) -> fakehttp.Responder:
    def respond(_request: Request, conn: socket.socket) -> None:
        conn.sendall(head)
        for byte in body:
            conn.sendall(bytes([byte]))
            time.sleep(every)
    return respond


@pytest.mark.parametrize("phase", ["body", "headers"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_trickling_server_is_cut_at_the_call_deadline(backend: str, phase: str) -> None:
    payload = b'{"jsonrpc": "2.0", "id": 1, "result": "' + b"x" * 200 + b'"}'
    whole = http("200 OK", payload)
    split = whole.index(b"\r\n\r\n") + 4 if phase == "body" else 10
    with fakehttp.serve(_trickle(whole[:split], whole[split:], 0.05)) as server:
        client = _client(server.url, backend, read_timeout=2, deadline=1, max_retries=0)
        started = time.monotonic()
        with pytest.raises(TransportError) as caught:
            client.getLead("L1")
        elapsed = time.monotonic() - started
    assert caught.value.failure == "deadline"
    assert elapsed < 5  # the trickle would take 10 s or more; the deadline is 1 s


# -- 5. and 17.5: the answer size cap -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["identity", "gzip", "chunked"])
@pytest.mark.parametrize("backend", ["jsonrpc", "rest"])
def test_answers_past_the_size_cap_are_refused_without_buffering(backend: str,
                                                                   encoding: str) -> None:
    size = 40 * 1024 * 1024
    raw = b'"' + b"0" * size + b'"'
    # built before memory is traced: only what the client holds counts
    whole = http("200 OK", gzip.compress(raw, 9), extra="Content-Encoding: gzip\r\n") \
        if encoding == "gzip" else http("200 OK", raw)
    del raw

    def respond(_request: Request, conn: socket.socket) -> None:
        if encoding == "chunked":  # no length announced: the cap must count as it reads
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n")
            block = b"0" * 65536
            for _ in range(size // len(block)):
                conn.sendall(b"%x\r\n%s\r\n" % (len(block), block))
            conn.sendall(b"0\r\n\r\n")
        else:
            conn.sendall(whole)

    with fakehttp.serve(respond) as server:
        client = _client(server.url, backend, max_answer_bytes=1024 * 1024, max_retries=0)
        tracemalloc.start()
        try:
            with pytest.raises(TransportError) as caught:
                client.getLead("L1")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert caught.value.failure == "too_large"
    assert peak < 8 * 1024 * 1024, f"{peak} bytes held for a 1 MiB cap"


def test_the_default_cap_is_documented_and_answers_under_it_pass() -> None:
    body = json.dumps({"ProductCode": "P1", "LongDescription": "d" * 2_000_000}).encode()
    with fakehttp.serve(fakehttp.answer(http("200 OK", body))) as server:
        client = _client(server.url)
        assert client.config.max_answer_bytes == 16 * 1024 * 1024
        assert len(client.getProductByCode("P1").LongDescription or "") == 2_000_000


# -- 6. JSON-RPC ids ------------------------------------------------------------------------------


def _rpc(data: dict[str, Any], status: int = 200) -> Answer:
    return Answer(status, "", {"Content-Type": "application/json"}, json.dumps(data).encode())


def test_jsonrpc_checks_the_id_before_anything_else() -> None:
    error = {"code": 10002, "message": "expired", "data": {"error_code": "SESSION_EXPIRED"}}
    with pytest.raises(TransportError, match="does not match"):  # not a SessionError
        jsonrpc.read_answer("getLead", _rpc({"id": 99, "error": error}), 7)
    with pytest.raises(TransportError, match="does not match"):
        jsonrpc.read_answer("getLead", _rpc({"id": None, "result": {"LeadCode": "L"}}), 7)
    with pytest.raises(TransportError, match="does not match"):
        jsonrpc.read_answer("getLead", _rpc({"result": {"LeadCode": "L"}}), 7)
    with pytest.raises(TransportError, match="does not match"):
        jsonrpc.read_answer("getLead", _rpc({"id": "7", "result": 1}), 7)
    # an error the server could not tie to our id (null, or none as the docs show) is read
    with pytest.raises(SessionError):
        jsonrpc.read_answer("getLead", _rpc({"id": None, "error": error}), 7)
    with pytest.raises(SessionError):
        jsonrpc.read_answer("getLead", _rpc({"error": error}), 7)


# -- 7. same fault, same class --------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 404])
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_http_error_without_a_body_is_a_transport_error_everywhere(backend: str,
                                                                       status: int) -> None:
    with fakehttp.serve(fakehttp.answer(http(f"{status} Whatever"))) as server, \
            pytest.raises(TransportError) as caught:
        _client(server.url, backend, max_retries=0).getLead("L1")
    assert type(caught.value) is TransportError
    assert (caught.value.http_status, caught.value.failure) == (status, "http")


# -- 8. and 17.1: bad input never reaches the wire ------------------------------------------------


def _requests_seen(sandbox: Sandbox) -> int:
    return sum(sandbox.service.stats.snapshot()["requests"].values())


def _lead_with(**price: Any) -> dict[str, Any]:
    return {**LEAD, "Items": [{"Code": "04C26C50F8", "Price": price}]}


BAD_INPUT: list[tuple[Callable[[Client], Any], str]] = [
    (lambda c: c.updateProduct(_extra(_product(), Amount=b"\xff")),
     "Product.Amount: bytes that are not UTF-8"),
    (lambda c: c.updateProduct(_extra(_product(), Amount=object())),
     "Product.Amount: cannot send a object"),
    (lambda c: c.addLead(_lead_with(Amount=Decimal("Infinity"))), "Items[0].Price.Amount"),
    (lambda c: c.addLead(_lead_with(Amount=Decimal("sNaN"))), "Items[0].Price.Amount"),
    (lambda c: c.addLead(_lead_with(Amount=float("nan"))), "Items[0].Price.Amount"),
    (lambda c: c.addLead(_lead_with(Amount="1e999999999")), "Items[0].Price.Amount"),
    (lambda c: c.addLead({**LEAD, "Items": [{"Code": "P", "Quantity": "1e999999999"}]}),
     "Items[0].Quantity"),
    (lambda c: c.searchLeads(Page="1e999999999"), "Page must be a positive integer"),
    (lambda c: c.searchLeads(Page=10 ** 100), "Page"),
    (lambda c: c.addLead({**LEAD, "ExternalReference": "bell\x07"}), "Lead.ExternalReference"),
    (lambda c: c.addLead({**LEAD, "ExternalReference": "\ud800"}), "Lead.ExternalReference"),
    (lambda c: c.updateProduct(_extra(_product(), Deep=_nested(100))), "nests deeper"),
    (lambda c: c.updateProduct(_extra(_product(), When=time)), "cannot send a module"),
    (lambda c: c.getLead("."), "must not be '.'"),
    (lambda c: c.getLead(".."), "must not be '.'"),
    (lambda c: c.getLead("a/b"), "slash"),
    (lambda c: c.updateLead("..", LEAD), "must not be '.'"),
    (lambda c: c.call("getLead", b"\xff"), "not UTF-8"),
    (lambda c: c.updateProduct({"ProductCode": "P1", "ProductName": "only the name"}),
     "replaces the whole product"),
    (lambda c: c.updateProduct(models.Product(ProductCode="P1", ProductName="N")),
     "replaces the whole product"),
    (lambda c: c.update_product_fields("P1", Colour="red"), "Colour"),
    (lambda c: c.call("login", "M", "D", "H"), "unknown operation"),
    (lambda c: c.call("deleteEverything"), "unknown operation"),
]


def _extra(product: models.Product, **extra: Any) -> models.Product:
    product.extra_fields.update(extra)
    return product


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"x": value}
    return value


@pytest.mark.parametrize(("call", "message"), BAD_INPUT)
def test_bad_input_is_a_validation_error_before_any_request(
        client: Client, sandbox: Sandbox, call: Callable[[Client], Any], message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call(client)
    assert time.monotonic() - started < 5  # huge exponents are refused, not computed
    assert _requests_seen(sandbox) == 0


def test_a_validation_error_names_the_field_path(make_client: Callable[..., Client]) -> None:
    with pytest.raises(ValidationError) as caught:
        make_client("rest").addLead(_lead_with(Amount=Decimal("Infinity")))
    assert caught.value.path == "Lead.Items[0].Price.Amount"


def test_huge_numbers_in_an_answer_are_refused_in_time() -> None:
    lead = {"LeadCode": "L1", "Items": [{"Code": "P", "Quantity": "1e999999999",
                                         "Price": {"Amount": "1e999999999"}}]}
    with fakehttp.serve(fakehttp.jsonrpc(lambda _r, _p: {"result": lead})) as server:
        started = time.monotonic()
        with pytest.raises(APIError, match="UNREADABLE_ANSWER"):
            _client(server.url, "jsonrpc").getLead("L1")
        assert time.monotonic() - started < 5


def _zero_keyed(value: Any) -> Any:
    """Every list of objects as a ``{"0": a, "1": b}`` object, as a PHP server may send it."""
    if isinstance(value, list):
        items = [_zero_keyed(v) for v in value]
        return {str(i): v for i, v in enumerate(items)} \
            if items and all(isinstance(v, dict) for v in items) else items
    if isinstance(value, dict):
        return {k: _zero_keyed(v) for k, v in value.items()}
    return value


def _raw_jsonrpc(sandbox: Sandbox, operation: str, *args: Any) -> Any:
    """The raw JSON-RPC result of one call to the sandbox, as it sent it."""
    def call(method: str, params: list[Any]) -> Any:
        answer = requests.post(f"{sandbox.url}/rpc/6.0/", timeout=5, json={
            "jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        return answer.json()["result"]

    date = utc_date()
    session = call("login", [sandbox.merchant_code, date,
                             login_hash(sandbox.merchant_code, sandbox.secret_key, date,
                                        "sha256"), "sha256"])
    return call(operation, [session, *args])


def test_a_product_answer_with_zero_keyed_lists_reads_as_the_array_one(
        sandbox: Sandbox, make_client: Callable[..., Client]) -> None:
    """The sandbox sends a product's lists as arrays; a server that keys them "0", "1"...
    (as lead answers are) gives the client the same Product."""
    arrays = _raw_jsonrpc(sandbox, "getProductByCode", "NewProdCodeAPI12345")
    keyed = _zero_keyed(arrays)
    assert list(keyed["PricingConfigurations"]) == ["0", "1"]
    assert list(keyed["PricingConfigurations"]["0"]["Prices"]["Regular"]) == ["0", "1"]
    with fakehttp.serve(fakehttp.jsonrpc(lambda _r, _p: {"result": keyed})) as server:
        read = _client(server.url, "jsonrpc").getProductByCode("NewProdCodeAPI12345")
    assert read == make_client("jsonrpc").getProductByCode("NewProdCodeAPI12345")
    assert read.PricingConfigurations[0].Prices is not None
    assert read.PricingConfigurations[0].Prices.Renewal[0].Amount == Decimal("49.99")


def test_update_product_fields_reads_changes_and_writes_the_whole_product(
        make_client: Callable[..., Client]) -> None:
    for backend in BACKENDS:
        client = make_client(backend)
        before = client.getProductByCode("NewProdCodeAPI12345")
        assert client.update_product_fields("NewProdCodeAPI12345",
                                            ProductName=f"renamed over {backend}") is True
        after = client.getProductByCode("NewProdCodeAPI12345")
        assert after.ProductName == f"renamed over {backend}"
        assert after.PricingConfigurations == before.PricingConfigurations
        assert after.Enabled == before.Enabled


@pytest.mark.parametrize("code", ["a b", "x?y#z", "50%", "é"])
def test_rest_path_values_are_percent_encoded(code: str) -> None:
    with fakehttp.serve(fakehttp.answer(http("200 OK", b'{"LeadCode": "x"}'))) as server:
        _client(server.url).getLead(code)
        path = server.requests[0].path
    assert path.startswith("/rest/6.0/leads/") and path.endswith("/")
    segment = path[len("/rest/6.0/leads/"):-1]
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert rest.path_segment(code) == segment


# -- 9. retries -----------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _record_sleeps(client: Client) -> list[float]:
    slept: list[float] = []
    client._transport.sleep = slept.append  # type: ignore[assignment]
    return slept


def test_a_request_never_sent_is_retried_whatever_the_operation() -> None:
    client = _client(f"http://127.0.0.1:{_closed_port()}", max_retries=2)
    slept = _record_sleeps(client)
    with pytest.raises(TransportError) as caught:
        client.addLead(LEAD)  # not idempotent, but it never reached a server
    assert caught.value.failure == "connect" and not caught.value.sent
    assert len(slept) == 2
    assert type(caught.value) is TransportError and caught.value.__cause__ is not None
    assert "HTTPConnectionPool" not in str(caught.value)  # no urllib3 text in the message


@pytest.mark.parametrize("fault", ["timeout", "503", "dropped"])
def test_sent_requests_are_retried_only_when_safe_to_repeat(fault: str) -> None:
    def respond(_request: Request, conn: socket.socket) -> None:
        if fault == "timeout":
            time.sleep(0.5)
        elif fault == "503":
            conn.sendall(http("503 Service Unavailable", b"<html>busy</html>", "text/html"))
        else:
            conn.shutdown(socket.SHUT_RDWR)

    with fakehttp.serve(respond) as server:
        client = _client(server.url, read_timeout=0.2, max_retries=2)
        slept = _record_sleeps(client)
        with pytest.raises(TransportError):
            client.getLead("L1")
        assert len(server.requests) == 3 and len(slept) == 2
        server.requests.clear()
        with pytest.raises(TransportError):
            client.addLead(LEAD)
        assert len(server.requests) == 1  # it may have run: never sent twice


def test_backoff_grows_with_jitter_under_its_cap_and_honours_retry_after() -> None:
    with fakehttp.serve(fakehttp.answer(http("503 Busy"))) as server:
        client = _client(server.url, max_retries=6, retry_backoff=0.1, retry_backoff_max=0.3)
        slept = _record_sleeps(client)
        with pytest.raises(TransportError):
            client.getLead("L1")
    assert len(slept) == 6
    caps = [min(0.3, 0.1 * 2 ** i) for i in range(6)]
    assert all(cap / 2 <= s <= cap for s, cap in zip(slept, caps))
    with fakehttp.serve(fakehttp.answer(http("503 Busy", extra="Retry-After: 2\r\n"))) as server:
        client = _client(server.url, max_retries=1, retry_backoff=0.01)
        slept = _record_sleeps(client)
        with pytest.raises(TransportError):
            client.getLead("L1")
    assert slept == [2.0]


def test_a_retry_that_would_pass_the_deadline_is_not_made() -> None:
    with fakehttp.serve(fakehttp.answer(http("503 Busy", extra="Retry-After: 30\r\n"))) as server:
        client = _client(server.url, max_retries=3, deadline=5)
        slept = _record_sleeps(client)
        with pytest.raises(TransportError):
            client.getLead("L1")
    assert slept == [] and len(server.requests) == 1


def test_rate_limited_calls_are_retried_even_when_not_idempotent() -> None:
    answers = iter([http("429 Too Many Requests", b'{"error_code": "RATE_LIMIT_EXCEEDED", '
                                                   b'"message": "slow down"}',
                         extra="Retry-After: 1\r\n"),
                    http("200 OK", b'{"LeadResponse": {"LeadCode": "NEW1"}}')])
    with fakehttp.serve(lambda _r, conn: conn.sendall(next(answers))) as server:
        client = _client(server.url)
        slept = _record_sleeps(client)
        assert client.addLead(LEAD).LeadCode == "NEW1"
    assert slept == [1.0]
    with fakehttp.serve(fakehttp.answer(http("429 Too Many Requests"))) as server, \
            pytest.raises(RateLimitError):
        _client(server.url, max_retries=0).getLead("L1")


@pytest.mark.parametrize(("settings", "message"), [
    ({"retry_backoff": -1}, "retry_backoff"),
    ({"retry_backoff": float("nan")}, "retry_backoff"),
    ({"retry_backoff_max": float("inf")}, "retry_backoff_max"),
    ({"max_retries": 11}, "max_retries"),
    ({"max_retries": True}, "max_retries"),
    ({"deadline": 0}, "deadline"),
    ({"deadline": float("inf")}, "deadline"),
    ({"read_timeout": float("inf")}, "read_timeout"),
    ({"max_answer_bytes": 10}, "max_answer_bytes"),
    ({"allow_insecure_http": "yes"}, "allow_insecure_http"),
    ({"bakend": "rest"}, "did you mean 'backend'"),
])
def test_every_setting_is_checked_before_any_io(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Client(merchant_code="M", secret_key="S", **settings)


def test_a_client_without_credentials_names_them() -> None:
    with pytest.raises(ConfigurationError, match="merchant_code, secret_key"):
        Client()


def test_the_constructor_shows_every_setting() -> None:
    parameters = inspect.signature(Client).parameters
    for name in ("backend", "merchant_code", "secret_key", "deadline", "max_answer_bytes",
                 "retry_backoff_max"):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["deadline"].default == 60.0


# -- 10. the real expired-session answer ----------------------------------------------------------


def test_the_forbidden_session_answer_logs_in_again_once() -> None:
    seen: list[str] = []

    def result_for(_request: Request, payload: Any) -> Any:
        seen.append(payload["params"][0])
        if len(seen) == 1:
            return {"error": {"code": 10000, "message": "Invalid hash provided or session "
                                                        "expired",
                              "data": {"error_code": "FORBIDDEN"}}}
        return {"result": {"LeadCode": "L1"}}

    with fakehttp.serve(fakehttp.jsonrpc(result_for)) as server:
        client = _client(server.url, "jsonrpc")
        assert client.getLead("L1").LeadCode == "L1"
    assert client.login_count == 2 and len(seen) == 2


# -- 17.6 paging that does not page ---------------------------------------------------------------


@pytest.mark.parametrize("pagination", [
    {"Page": 1, "Limit": 2, "Count": 1_000_000},      # Page echoed wrong from page 2 on
    {"Page": None, "Limit": 2, "Count": 1_000_000},   # no echo: the same page comes back
])
def test_iter_leads_stops_when_the_server_ignores_page(pagination: Any) -> None:
    page = {"Items": [{"LeadCode": "A"}, {"LeadCode": "B"}], "Pagination": pagination}
    with fakehttp.serve(fakehttp.answer(http("200 OK", json.dumps(page).encode()))) as server:
        client = _client(server.url)
        with pytest.raises(TransportError, match="does not page"):
            list(client.iter_leads())
        assert len(server.requests) <= 2
