"""The codecs on bytes, without sockets: each protocol's request for a call, and each answer's
data or error; plus what the transport keeps of an answer on an error, secrets scrubbed."""

from __future__ import annotations

import gzip
import json
import socket
import zlib
from typing import Any

import pytest
from lxml import etree

from avangate_compat import APIError, Client, Config, NotFoundError, TransportError
from avangate_compat.backends import create
from avangate_compat.backends.jsonrpc import JsonRpcCodec
from avangate_compat.backends.rest import RestCodec
from avangate_compat.customizations import HANDLERS
from avangate_compat.operations import OPERATIONS
from avangate_compat.transport import Answer, HttpRequest

from . import fakehttp
from .fakehttp import Request

CONFIG = Config(merchant_code="M", secret_key="S", base_url="https://api.example.test")


def _answer(body: bytes, status: int = 200, **headers: str) -> Answer:
    return Answer(status, "", {"Content-Type": "application/json", **headers}, body)


def test_jsonrpc_request_and_answer() -> None:
    codec = JsonRpcCodec(CONFIG)
    request = codec.encode(OPERATIONS["getLead"], ["SID", "L1"])
    assert (request.method, request.url) == ("POST", "https://api.example.test/rpc/6.0/")
    payload = json.loads(request.body or b"")
    assert payload == {"jsonrpc": "2.0", "id": request.context, "method": "getLead",
                       "params": ["SID", "L1"]}
    # the id names the call, not the session: the same call in another session has the same id
    assert codec.encode(OPERATIONS["getLead"], ["OTHER", "L1"]).context == request.context
    ok = _answer(json.dumps({"jsonrpc": "2.0", "id": request.context,
                             "result": {"LeadCode": "L1"}}).encode())
    assert codec.decode(OPERATIONS["getLead"], request, ok) == {"LeadCode": "L1"}
    refused = _answer(json.dumps({"id": request.context, "error": {
        "code": 404, "message": "no", "data": {"error_code": "LEAD_NOT_FOUND"}}}).encode())
    with pytest.raises(NotFoundError):
        codec.decode(OPERATIONS["getLead"], request, refused)


def test_rest_requests_follow_the_spec_routes() -> None:
    codec = RestCodec(CONFIG)
    get = codec.encode(OPERATIONS["getLead"], ["a b"])
    assert (get.method, get.url, get.body) == (
        "GET", "https://api.example.test/rest/6.0/leads/a%20b/", None)
    search = codec.encode(OPERATIONS["searchLeads"], [{"Country": "RO", "Page": 2}])
    assert (search.url, search.params) == ("https://api.example.test/rest/6.0/leads/",
                                           {"Country": "RO", "Page": 2})
    update = codec.encode(OPERATIONS["updateProduct"], [{"ProductCode": "P1", "Enabled": True}])
    assert (update.method, update.url) == ("PUT", "https://api.example.test/rest/6.0/products/P1/")
    assert json.loads(update.body or b"") == {"ProductCode": "P1", "Enabled": True}
    added = codec.decode(OPERATIONS["addLead"], codec.encode(OPERATIONS["addLead"], [{}]),
                         _answer(b'{"LeadResponse": {"LeadCode": "X"}}', 201))
    assert added == {"LeadCode": "X"}  # unwrapped as the route says
    assert HANDLERS.lookup("requests", "rest", "setProductStatus")  # inferred: GET + PUT


def test_soap_request_is_built_from_the_wsdl_and_answers_read_as_data() -> None:
    codec = create(Config(merchant_code="M", secret_key="S", backend="soap"))
    request = codec.encode(OPERATIONS["markLeads"], ["SID", [{"LeadCode": "L1", "Used": True}]])
    root = etree.fromstring(request.body)
    call = root.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")[0]
    assert call.tag.endswith("markLeads")
    assert [child.tag for child in call] == ["sessionID", "Leads"]
    assert len(call.find("Leads")) == 1  # the array carries its item, not an empty element
    fault = (b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><e:Fault>'
             b"<faultcode>LEAD_NOT_FOUND</faultcode><faultstring>no</faultstring></e:Fault>"
             b"</e:Body></e:Envelope>")
    with pytest.raises(NotFoundError):
        codec.decode(OPERATIONS["getLead"], request, Answer(500, "", {}, fault))


def test_errors_keep_an_excerpt_of_the_answer_with_secrets_replaced() -> None:
    secret_key = "k3y-that-must-never-show"
    leaky = json.dumps({"jsonrpc": "2.0", "id": None, "error": {
        "code": 1, "message": f"bad key {secret_key}, hash {'ab' * 32}",
        "data": {"error_code": "WHATEVER"}}}).encode()

    def respond(request: Request, conn: socket.socket) -> None:
        payload = request.json()
        if payload["method"] == "login":
            body = json.dumps({"jsonrpc": "2.0", "id": payload["id"],
                               "result": "S3SSION"}).encode()
        else:
            body = leaky
        conn.sendall(fakehttp.http("200 OK", body))

    with fakehttp.serve(respond) as server:
        client = Client(backend="jsonrpc", merchant_code="M", secret_key=secret_key,
                        base_url=server.url)
        with pytest.raises(APIError) as caught:
            client.getLead("L1")
    raw = caught.value.answer
    assert raw is not None and raw.status == 200
    assert "bad key <secret>" in raw.body and "<hash>" in raw.body
    assert secret_key not in raw.body and "ab" * 32 not in raw.body
    assert raw.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_answers_are_decoded(encoding: str) -> None:
    body = json.dumps({"ProductCode": "P1", "LongDescription": "z" * 200_000}).encode()
    if encoding == "gzip":
        packed = gzip.compress(body)
    elif encoding == "deflate":
        packed = zlib.compress(body)
    else:
        squeezer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        packed = squeezer.compress(body) + squeezer.flush()
    header = "gzip" if encoding == "gzip" else "deflate"
    raw = fakehttp.http("200 OK", packed, extra=f"Content-Encoding: {header}\r\n")
    with fakehttp.serve(fakehttp.answer(raw)) as server:
        client = Client(backend="rest", merchant_code="M", secret_key="S", base_url=server.url)
        product = client.getProductByCode("P1")
    assert len(product.LongDescription or "") == 200_000


def test_an_unknown_content_encoding_is_refused() -> None:
    raw = fakehttp.http("200 OK", b"\x00\x01", extra="Content-Encoding: br\r\n")
    with fakehttp.serve(fakehttp.answer(raw)) as server, \
            pytest.raises(TransportError, match="Content-Encoding"):
        Client(backend="rest", merchant_code="M", secret_key="S",
               base_url=server.url).getProductByCode("P1")


def test_a_request_carries_what_its_codec_built() -> None:
    """The transport sends exactly the codec's request (plus the auth's signature)."""
    seen: list[HttpRequest] = []

    def respond(request: Request, conn: socket.socket) -> None:
        seen.append(HttpRequest(request.method, request.path, request.body,
                                dict(request.headers)))
        conn.sendall(fakehttp.http("200 OK", b'{"LeadCode": "L1"}'))

    with fakehttp.serve(respond) as server:
        Client(backend="rest", merchant_code="M", secret_key="S",
               base_url=server.url).getLead("L1")
    sent: Any = seen[0]
    assert sent.method == "GET" and sent.url == "/rest/6.0/leads/L1/"
    assert sent.headers["x-avangate-authentication"].startswith('code="M" date="')
    assert sent.headers["accept-encoding"] == "gzip, deflate"
