"""One error hierarchy for every backend; bad input fails before any network I/O."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any, Callable

import pytest

from avangate_compat import (
    APIError,
    Client,
    InvalidRequestError,
    NotFoundError,
    TransportError,
    ValidationError,
    models,
)
from avangate_compat.sandbox import Sandbox
from avangate_compat.sandbox import service as sandbox_service

from .conftest import BACKENDS


def _requests_seen(sandbox: Sandbox) -> int:
    return sum(sandbox.service.stats.snapshot()["requests"].values())


@pytest.mark.parametrize(("call", "message"), [
    (lambda c: c.getLead(""), "LeadCode must not be empty"),
    (lambda c: c.getLead("   "), "LeadCode must not be empty"),
    (lambda c: c.getLead(123), "LeadCode must be a string"),
    (lambda c: c.getLead("60E6\nC4B574"), "control characters"),
    (lambda c: c.getProductByCode(None), "ProductCode must be a string"),
    (lambda c: c.setProductStatus("YourProductCode", "false"), "Status must be True or False"),
    (lambda c: c.setProductStatus("YourProductCode", 1), "Status must be True or False"),
    (lambda c: c.setProductStatus("", True), "ProductCode must not be empty"),
    (lambda c: c.updateProduct(models.Product(ProductName="no code")), "Product.ProductCode"),
    (lambda c: c.updateProduct({"ProductCode": "P", "ProductName": "N", "ProductType": "REGULAR",
                                "PricingConfigurations": [], "Enabled": "perhaps"}),
     "Enabled"),
    (lambda c: c.updateProduct("04C26C50F8"), "must be a Product or a mapping"),
    (lambda c: c.searchLeads(Country="Romania"), "ISO 3166"),
    (lambda c: c.searchLeads(Language="bul"), "ISO 639-1"),
    (lambda c: c.searchLeads(Type="Old"), "Type must be one of"),
    (lambda c: c.searchLeads(StartDate="2024-02-30"), "YYYY-MM-DD"),
    (lambda c: c.searchLeads(StartDate="2024-05-01", EndDate="2024-04-01"), "after EndDate"),
    (lambda c: c.searchLeads(Page=0), "Page must be a positive integer"),
    (lambda c: c.searchLeads(Limit=True), "Limit must be a positive integer"),
    (lambda c: c.searchLeads(Colour="red"), "unknown filter 'Colour'"),
    (lambda c: c.addLead({"Items": [{"Code": "P"}], "BillingDetails": {}}), "Currency"),
    (lambda c: c.addLead({"Currency": "EUR", "BillingDetails": {}}), "Items"),
    (lambda c: c.addLead({"Currency": "EUR", "Items": [{"Code": "P"}]}), "BillingDetails"),
    (lambda c: c.markLeads([]), "non-empty list"),
    (lambda c: c.markLeads([{"LeadCode": "X"}]), "neither Used nor StopFollowups"),
    (lambda c: c.call("getLead"), "takes 1 argument"),
])
def test_bad_input_fails_before_any_request(client: Client, sandbox: Sandbox,
                                            call: Callable[[Client], Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        call(client)
    assert _requests_seen(sandbox) == 0
    assert sandbox.service.stats.logins == 0


def test_unknown_operation_names_are_refused(client: Client) -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        client.call("deleteEverything")
    with pytest.raises(ValueError, match="unknown operation"):
        client.call("login", "a", "b", "c")


@pytest.mark.parametrize(("call", "cls", "code"), [
    (lambda c: c.getLead("NOSUCHLEAD"), NotFoundError, "LEAD_NOT_FOUND"),
    (lambda c: c.getProductByCode("NOSUCHPRODUCT"), NotFoundError, "PRODUCT_NOT_FOUND"),
    (lambda c: c.setProductStatus("NOSUCHPRODUCT", True), NotFoundError, "PRODUCT_NOT_FOUND"),
    (lambda c: c.updateLead("NOSUCHLEAD", {"Currency": "EUR", "Items": [{"Code": "X"}],
                                           "BillingDetails": {}}),
     NotFoundError, "LEAD_NOT_FOUND"),
])
def test_refusals_raise_the_same_class_on_every_backend(
        client: Client, call: Callable[[Client], Any], cls: type, code: str) -> None:
    with pytest.raises(cls) as caught:
        call(client)
    error = caught.value
    assert isinstance(error, APIError)
    assert (error.backend, error.code) == (client.backend, code)
    assert error.operation in str(error) and error.message
    assert error.http_status is not None


@pytest.mark.parametrize(("change", "message"), [
    ({"ProductType": "BUNDLE"}, "ProductType cannot be changed"),
    ({"AvangateId": "1"}, "AvangateId cannot be changed"),
    ("pricing code", "codes cannot be changed"),
    ("pricing schema", "PricingSchema"),
])
def test_refused_update_product(client: Client, change: Any, message: str) -> None:
    product = client.getProductByCode("NewProdCodeAPI12345")
    if change == "pricing code":
        product.PricingConfigurations[0].Code = "CHANGED0001"
    elif change == "pricing schema":
        product.PricingConfigurations[0].PricingSchema = "FLAT"
    else:
        for key, value in change.items():
            setattr(product, key, value)
    with pytest.raises(InvalidRequestError, match=message) as caught:
        client.updateProduct(product)
    assert caught.value.code == "PRODUCT_ERROR"
    assert client.getProductByCode("NewProdCodeAPI12345").PricingConfigurations[0].Code \
        == "5F2C0B8A1D"


def test_lead_errors_inside_a_success_body_are_raised(client: Client) -> None:
    lead = models.Lead(Currency="EUR", Items=[models.LeadItem(Code="NOSUCHPRODUCT")],
                       BillingDetails=models.BillingDetails(Email="a@example.com"))
    with pytest.raises(InvalidRequestError, match="NOSUCHPRODUCT") as caught:
        client.addLead(lead)
    assert caught.value.code == "INVALID_PRODUCT"


def test_per_lead_errors_of_mark_leads_are_returned(client: Client) -> None:
    answer = client.markLeads([{"LeadCode": "60E6C4B574", "Used": True},
                               {"LeadCode": "NOSUCHLEAD", "Used": True}])
    assert answer.Response == "1 leads have been marked successfully"
    assert answer.Errors == [models.LeadError(Code="LEAD_NOT_FOUND",
                                              Description="Lead 'NOSUCHLEAD' does not exist")]


def test_update_lead_layouts(make_client: Callable[..., Client]) -> None:
    for layout in ("code,lead", "lead"):
        client = make_client("jsonrpc", update_lead_layout=layout)
        lead = client.getLead("60E6C4B574")
        lead.ExternalReference = f"layout {layout}"
        assert client.updateLead("60E6C4B574", lead).LeadCode == "60E6C4B574"
        assert client.getLead("60E6C4B574").ExternalReference == f"layout {layout}"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("backend", BACKENDS)
def test_connection_refused_is_a_transport_error(backend: str) -> None:
    client = Client(backend=backend, merchant_code="M", secret_key="S",
                    base_url=f"http://127.0.0.1:{_closed_port()}", max_retries=1,
                    retry_backoff=0.01)
    with pytest.raises(TransportError) as caught:
        client.getLead("60E6C4B574")
    assert caught.value.backend == backend


class _FakeProxy:
    """A loopback server that answers every request with a fixed HTTP response."""

    def __init__(self, response: bytes, delay: float = 0.0) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.response = response
        self.delay = delay
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                if self.delay:
                    self.stop.wait(self.delay)
                with contextlib.suppress(OSError):
                    conn.sendall(self.response)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@contextlib.contextmanager
def fake_server(response: bytes, delay: float = 0.0) -> Iterator[str]:
    """The base URL of a loopback server answering every request with ``response``."""
    proxy = _FakeProxy(response, delay)
    try:
        yield f"http://127.0.0.1:{proxy.port}"
    finally:
        proxy.close()


_PAGE = b"<html><body>502 Bad Gateway</body></html>"
HTML_502 = (b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (len(_PAGE), _PAGE))


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_html_error_page_is_a_transport_error_with_its_status(backend: str) -> None:
    with fake_server(HTML_502) as url:
        client = Client(backend=backend, merchant_code="M", secret_key="S",
                        base_url=url)
        with pytest.raises(TransportError) as caught:
            client.getLead("60E6C4B574")
        assert caught.value.http_status == 502


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_silent_server_times_out_as_a_transport_error(backend: str) -> None:
    with fake_server(HTML_502, delay=5) as url:
        client = Client(backend=backend, merchant_code="M", secret_key="S",
                        base_url=url, read_timeout=0.3)
        with pytest.raises(TransportError, match="timed out"):
            client.getLead("60E6C4B574")


@pytest.mark.parametrize("backend", BACKENDS)
def test_secrets_stay_out_of_errors_and_logs(backend: str, sandbox: Sandbox,
                                             make_client: Callable[..., Client],
                                             caplog: pytest.LogCaptureFixture) -> None:
    import logging
    caplog.set_level(logging.DEBUG)
    client = make_client(backend)
    client.getLead("60E6C4B574")
    sandbox.control("POST", "sessions/expire")
    with pytest.raises(NotFoundError) as caught:
        client.getLead("NOSUCHLEAD")
    texts = [str(caught.value), repr(caught.value), repr(client), caplog.text]
    for text in texts:
        assert sandbox.secret_key not in text
    assert "SESSION" not in caught.value.message


def _json_answer(body: bytes, status: str = "200 OK") -> bytes:
    return (b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (status.encode(), len(body), body))


def test_jsonrpc_reads_a_response_key_as_the_docs_sometimes_show() -> None:
    import json

    from avangate_compat.backends import jsonrpc
    from avangate_compat.transport import Answer
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "response": {"ProductCode": "P1"}}).encode()
    answer = Answer(200, "OK", {"Content-Type": "application/json"}, body)
    assert jsonrpc.read_answer("getProductByCode", answer, 7) == {"ProductCode": "P1"}


def test_jsonrpc_answer_for_another_request_is_refused() -> None:
    with fake_server(_json_answer(b'{"jsonrpc": "2.0", "id": 12345, "result": "abc"}')) as url:
        client = Client(backend="jsonrpc", merchant_code="M", secret_key="S",
                        base_url=url)
        with pytest.raises(TransportError, match="does not match"):
            client.getLead("60E6C4B574")


def test_rest_business_error_inside_a_200_body() -> None:
    with fake_server(_json_answer(b'{"error_code": "INVALID_PRODUCT", "message": "nope"}')) as url:
        client = Client(backend="rest", merchant_code="M", secret_key="S",
                        base_url=url)
        with pytest.raises(InvalidRequestError) as caught:
            client.getProductByCode("P1")
        assert (caught.value.code, caught.value.http_status) == ("INVALID_PRODUCT", 200)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_server_crash_is_the_same_transport_error_on_every_backend(
        backend: str, sandbox: Sandbox, make_client: Callable[..., Client],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox's last safety net answers 500 INTERNAL_ERROR: a failure of the server, not
    a refusal, so the call may have run. Every backend says so with one class."""
    client = make_client(backend, max_retries=1, retry_backoff=0)
    client.getLead("60E6C4B574")  # logged in: the crash meets the call under test

    def crash(*_args: Any) -> Any:
        raise RuntimeError("a sandbox bug")

    monkeypatch.setitem(sandbox_service.ROUTES, "searchLeads", crash)  # the handler crashes
    before = _requests_seen(sandbox)
    with pytest.raises(TransportError) as caught:
        client.searchLeads(Country="RO")
    error = caught.value
    assert not isinstance(error, APIError)
    assert (error.failure, error.http_status, error.sent) == ("http", 500, True)
    assert error.backend == backend and error.operation == "searchLeads"
    assert _requests_seen(sandbox) - before == 2  # a read: repeated once, as after a bare 500


@pytest.mark.parametrize(("code", "status"), [
    ("INTERNAL_ERROR", 500), ("-32603", 500), ("INTERNAL_ERROR", 200), ("-32603", None)])
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_error_answer_naming_the_servers_own_failure_is_not_a_refusal(
        backend: str, code: str, status: Any) -> None:
    from avangate_compat.errors import api_error

    error = api_error("addLead", backend, code, "internal error", status)
    assert isinstance(error, TransportError) and not isinstance(error, APIError)
    assert (error.failure, error.http_status, error.sent) == ("http", status, True)
    assert code in error.message
    assert isinstance(api_error("addLead", backend, "LEAD_NOT_FOUND", "gone", 500),
                      NotFoundError)
