"""Fault injection and latency: what a user's integration sees on the wire, byte for byte.

Each fault is armed through the control API (or ``Sandbox.inject_fault``), fires on the next
matching requests, and a faulted request is never executed (``latency`` excepted: executed,
answer delayed). Timings are only generous bounds, never exact expectations.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

import avangate_compat
from avangate_compat.sandbox import Sandbox
from tests.docblocks import block_under
from tests.test_sandbox_hardening import (
    ENV,
    LEAD,
    TIMEOUT,
    Server,
    envelope,
    lead_with,
    rest,
    rpc,
    session_of,
    soap_raw,
)


def arm(sandbox: Sandbox, body: dict[str, Any]) -> requests.Response:
    return requests.post(f"{sandbox.url}/_sandbox/faults", data=json.dumps(body),
                         headers={"Content-Type": "application/json"}, timeout=TIMEOUT)


def product_name(sandbox: Sandbox) -> str:
    return str(sandbox.service.getProductByCode("04C26C50F8")["ProductName"])


def raw_exchange(sandbox: Sandbox, request: bytes) -> bytes:
    """Send one HTTP request on a fresh socket and return every byte until the server closes."""
    with socket.create_connection(("127.0.0.1", sandbox.port), timeout=TIMEOUT) as conn:
        conn.sendall(request)
        received = b""
        try:
            while chunk := conn.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
    return received


def rest_put_request(sandbox: Sandbox, body: dict[str, Any]) -> bytes:
    from avangate_compat.auth import rest_auth_header

    data = json.dumps(body).encode()
    header = rest_auth_header(sandbox.merchant_code, sandbox.secret_key, "sha256")
    return (b"PUT /rest/6.0/products/04C26C50F8/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nX-Avangate-Authentication: " + header.encode()
            + b"\r\nContent-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)


# -- the control API -----------------------------------------------------------------------------

def test_arm_list_and_clear_faults(sandbox: Sandbox) -> None:
    armed = arm(sandbox, {"kind": "http_error", "count": 2, "protocols": ["rest"],
                          "operations": ["getLead"], "status": 503}).json()
    assert armed["kind"] == "http_error" and armed["remaining"] == 2
    assert armed["options"] == {"status": 503}
    window = sandbox.inject_fault("latency", seconds=30, ms=1)
    assert window["expires_in"] > 0 and window["remaining"] is None
    listed = sandbox.control("GET", "faults")
    assert [f["kind"] for f in listed["faults"]] == ["http_error", "latency"]
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 503
    listed = sandbox.control("GET", "faults")
    assert listed["faults"][0]["remaining"] == 1 and listed["faults"][0]["fired"] == 1
    assert listed["fired"] == {"http_error": 1, "latency": 0}
    assert sandbox.control("GET", "stats")["faults"] == {"http_error": 1}
    assert sandbox.control("DELETE", "faults") == {"cleared": 2}
    assert sandbox.control("GET", "faults")["faults"] == []
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200


def test_reset_clears_faults_and_control_paths_are_never_faulted(sandbox: Sandbox) -> None:
    sandbox.inject_fault("http_error", count=100)
    for _ in range(3):
        assert sandbox.control("GET", "health")["status"] == "ok"
        assert sandbox.control("GET", "faults")["faults"][0]["remaining"] == 100
    sandbox.control("POST", "reset")
    assert sandbox.control("GET", "faults")["faults"] == []
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200
    sandbox.inject_fault("http_error", count=5)
    sandbox.clear_faults()
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200


@pytest.mark.parametrize("body", [
    {"kind": "meteor"}, {"kind": "http_error", "count": 0}, {"kind": "http_error", "count": -1},
    {"kind": "http_error", "count": 1, "seconds": 1}, {"kind": "http_error", "seconds": 1e999},
    {"kind": "http_error", "seconds": "NaN"}, {"kind": "http_error", "status": 200},
    {"kind": "http_error", "status": 99999}, {"kind": "latency", "ms": -1},
    {"kind": "latency", "ms": 1e9}, {"kind": "rate_limit", "retry_after": -1},
    {"kind": "http_error", "protocols": ["gopher"]}, {"kind": "http_error", "protocols": "soap"},
    {"kind": "http_error", "operations": ["dropTables"]}, {"kind": "drop", "ms": 5},
    {"kind": "http_error", "count": True}, {"kind": "http_error", "after": -1},
    {"kind": "http_error", "after": 1.5}, {"kind": "http_error", "after": "2"}, [], None,
])
def test_bad_fault_definitions_are_refused(sandbox: Sandbox, body: Any) -> None:
    response = requests.post(f"{sandbox.url}/_sandbox/faults", data=json.dumps(body),
                             headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] in ("INVALID_PARAMETERS", "INVALID_JSON")
    assert sandbox.control("GET", "faults")["faults"] == []


def test_faults_match_protocols_and_operations(sandbox: Sandbox) -> None:
    sandbox.inject_fault("http_error", count=1, protocols=["jsonrpc"], operations=["getLead"])
    session = session_of(sandbox)  # login is no match
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200  # REST is no match
    assert "result" in rpc(sandbox, "getProductByCode", [session, "04C26C50F8"])
    response = requests.post(f"{sandbox.url}/rpc/6.0/", timeout=TIMEOUT, json={
        "jsonrpc": "2.0", "id": 1, "method": "getLead", "params": [session, LEAD]})
    assert (response.status_code, response.content) == (503, b"")
    assert "result" in rpc(sandbox, "getLead", [session, LEAD])  # count 1: spent


def test_a_fault_after_n_strikes_in_the_middle_of_a_run(sandbox: Sandbox) -> None:
    armed = sandbox.inject_fault("http_error", count=2, after=3, protocols=["rest"])
    assert armed["after"] == 3
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200
    session = session_of(sandbox)
    assert "result" in rpc(sandbox, "getLead", [session, LEAD])  # no match: not counted
    statuses = [rest(sandbox, "GET", f"/leads/{LEAD}/").status_code for _ in range(5)]
    assert statuses == [200, 200, 503, 503, 200]
    assert sandbox.control("GET", "faults") == {"faults": [], "fired": {"http_error": 2}}


def test_a_time_window_fault_fires_until_it_expires(sandbox: Sandbox) -> None:
    sandbox.inject_fault("http_error", seconds=60, status=500)
    for _ in range(5):
        assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 500
    assert sandbox.control("GET", "faults")["faults"][0]["fired"] == 5
    sandbox.service.faults.expire_windows()  # what the passing of its 60 s does
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200


# -- each kind's wire shape, and that nothing was executed ---------------------------------------

@pytest.mark.parametrize("status", [None, 500, 504])
def test_http_error_is_an_empty_body(sandbox: Sandbox, status: Any) -> None:
    options = {} if status is None else {"status": status}
    sandbox.inject_fault("http_error", count=3, **options)
    expected = status or 503
    put = rest(sandbox, "PUT", "/products/04C26C50F8/", data={"ProductName": "never"})
    assert (put.status_code, put.content) == (expected, b"")
    soap = soap_raw(sandbox, envelope("getLead", f"<s>x</s><c>{LEAD}</c>"))
    assert (soap.status_code, soap.content) == (expected, b"")
    assert product_name(sandbox) == "softy"


def test_html_is_a_proxy_page(sandbox: Sandbox) -> None:
    sandbox.inject_fault("html", count=2)
    response = rest(sandbox, "PUT", "/products/04C26C50F8/", data={"ProductName": "never"})
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.lstrip().lower().startswith("<html")
    assert "502 Bad Gateway" in response.text
    gateway = requests.post(f"{sandbox.url}/rpc/6.0/", json={
        "jsonrpc": "2.0", "id": 1, "method": "login", "params": []}, timeout=TIMEOUT)
    assert gateway.headers["Content-Type"].startswith("text/html")
    assert product_name(sandbox) == "softy"
    sandbox.inject_fault("html", count=1, status=504)
    assert "504 Gateway Time-out" in rest(sandbox, "GET", f"/leads/{LEAD}/").text


def test_drop_closes_without_any_answer(sandbox: Sandbox) -> None:
    sandbox.inject_fault("drop", count=1)
    received = raw_exchange(sandbox, rest_put_request(sandbox, {"ProductName": "never"}))
    assert received == b""
    assert product_name(sandbox) == "softy"
    sandbox.inject_fault("drop", count=1)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{sandbox.url}/rpc/6.0/", json={"jsonrpc": "2.0", "id": 1,
                                                       "method": "getLead", "params": []},
                      timeout=TIMEOUT)
    # the server itself is fine
    assert sandbox.control("GET", "health")["status"] == "ok"
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200


def test_truncate_sends_part_of_the_headers_then_closes(sandbox: Sandbox) -> None:
    sandbox.inject_fault("truncate", count=1)
    received = raw_exchange(sandbox, rest_put_request(sandbox, {"ProductName": "never"}))
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\n\r\n" not in received
    assert product_name(sandbox) == "softy"
    sandbox.inject_fault("truncate", count=1)
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=TIMEOUT)
    connection.request("GET", "/rest/6.0/leads/60E6C4B574/")
    try:  # http.client takes a cut header block for a whole one, with an empty body
        body: bytes | None = connection.getresponse().read()
    except (http.client.HTTPException, ConnectionError):
        body = None
    assert not body
    connection.close()
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200


def test_session_expiry_storm(sandbox: Sandbox) -> None:
    session = session_of(sandbox)
    sandbox.inject_fault("session_expiry", count=1)
    lead = lead_with(LeadCode="STORM00001")
    answer = rpc(sandbox, "addLead", [session, lead])
    assert (answer["error"]["code"], answer["error"]["data"]["error_code"]) == \
        (10002, "SESSION_EXPIRED")
    assert sandbox.service.store.get("lead", "STORM00001") is None
    assert "error" in rpc(sandbox, "getLead", [session, LEAD])  # the session is gone
    fresh = session_of(sandbox)  # a new login works
    sandbox.control("POST", "settings", {"session_error": "forbidden"})
    try:
        sandbox.inject_fault("session_expiry", count=1, protocols=["soap"])
        response = soap_raw(sandbox, envelope("getLead", f"<s>{fresh}</s><c>{LEAD}</c>"))
        root = etree.fromstring(response.content)
        assert root.findtext(f".//{{{ENV}}}Fault/faultcode") == "FORBIDDEN"
        assert root.findtext(f".//{{{ENV}}}Fault/faultstring") == \
            "Invalid hash provided or session expired"
    finally:
        sandbox.control("POST", "settings", {"session_error": "documented"})
    # REST has no sessions: the storm does not touch it
    sandbox.inject_fault("session_expiry", count=1)
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200


def test_rate_limit_in_each_protocols_shape(sandbox: Sandbox) -> None:
    sandbox.inject_fault("rate_limit", count=3, retry_after=7)
    put = rest(sandbox, "PUT", "/products/04C26C50F8/", data={"ProductName": "never"})
    assert (put.status_code, put.headers["Retry-After"]) == (429, "7")
    assert put.json()["error_code"] == "RATE_LIMIT_EXCEEDED" and put.json()["message"]
    rpc_answer = requests.post(f"{sandbox.url}/rpc/6.0/", timeout=TIMEOUT, json={
        "jsonrpc": "2.0", "id": "abc", "method": "updateProduct",
        "params": ["x", {"ProductCode": "04C26C50F8", "ProductName": "never"}]})
    assert (rpc_answer.status_code, rpc_answer.headers["Retry-After"]) == (429, "7")
    body = rpc_answer.json()
    assert body["id"] == "abc" and body["jsonrpc"] == "2.0"
    assert body["error"]["code"] == 429
    assert body["error"]["data"] == {"error_code": "RATE_LIMIT_EXCEEDED"}
    soap = soap_raw(sandbox, envelope("setProductStatus", "<s>x</s><c>04C26C50F8</c><b>0</b>"))
    assert (soap.status_code, soap.headers["Retry-After"]) == (429, "7")
    root = etree.fromstring(soap.content)
    assert root.findtext(f".//{{{ENV}}}Fault/faultcode") == "RATE_LIMIT_EXCEEDED"
    assert product_name(sandbox) == "softy"
    assert sandbox.service.getProductByCode("04C26C50F8")["Enabled"] is True
    sandbox.inject_fault("rate_limit", count=1)
    assert rest(sandbox, "GET", f"/leads/{LEAD}/").headers["Retry-After"] == "1"
    assert sandbox.control("GET", "stats")["faults"] == {"rate_limit": 4}


def test_latency_fault_executes_then_answers_late(sandbox: Sandbox) -> None:
    sandbox.inject_fault("latency", count=1, ms=300)
    started = time.monotonic()
    put = rest(sandbox, "PUT", "/products/04C26C50F8/", data={"ProductName": "late"})
    assert put.json() is True and time.monotonic() - started >= 0.3
    assert product_name(sandbox) == "late"


# -- the latency setting --------------------------------------------------------------------------

def test_latency_setting_is_slept_in_worker_threads(sandbox: Sandbox) -> None:
    assert sandbox.control("POST", "settings", {"latency_ms": 50})["latency_ms"] == 50
    try:
        started = time.monotonic()
        assert rest(sandbox, "GET", f"/leads/{LEAD}/").status_code == 200
        assert time.monotonic() - started >= 0.05
        barrier = threading.Barrier(8)
        statuses: list[int] = []

        def call() -> None:
            with requests.Session() as http:
                barrier.wait()
                statuses.append(http.get(f"{sandbox.url}/_sandbox/health",
                                         timeout=TIMEOUT).status_code)
                statuses.append(rest(sandbox, "GET", f"/leads/{LEAD}/").status_code)

        threads = [threading.Thread(target=call) for _ in range(8)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        elapsed = time.monotonic() - started
        assert statuses.count(200) == 16
        assert elapsed < 0.3, f"8 concurrent calls with 50 ms latency took {elapsed:.3f} s"
    finally:
        sandbox.control("POST", "settings", {"latency_ms": 0})


def test_latency_option_of_the_sandbox_object_and_command_line() -> None:
    with Sandbox(latency_ms=120) as server:
        started = time.monotonic()
        server_rest = rest(server, "GET", f"/leads/{LEAD}/")
        assert server_rest.status_code == 200 and time.monotonic() - started >= 0.12
        assert server.control("POST", "settings", {})["latency_ms"] == 120
    root = Path(avangate_compat.__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "avangate_compat", "sandbox", "--port", "0", "--latency", "150"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=root)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().split("port ")[1].rstrip(")\n"))
        remote = Server(f"http://127.0.0.1:{port}")
        started = time.monotonic()
        assert rest(remote, "GET", f"/leads/{LEAD}/").status_code == 200
        assert time.monotonic() - started >= 0.15
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_documented_fault_example_runs() -> None:
    block = block_under("docs/sandbox.md", "Arming faults around your code")
    assert "inject_fault" in block.code
    exec(compile(block.code, block.path, "exec"), {})
