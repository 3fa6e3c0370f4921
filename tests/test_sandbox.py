"""The sandbox as a server: protocol-correct answers to bad requests, auth, control API, state.

These tests speak raw HTTP (requests, hand-written XML and JSON), not through the facade, so
they check the sandbox on its own terms.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests
from lxml import etree

from avangate_compat.auth import login_hash, rest_auth_header, utc_date
from avangate_compat.sandbox import Sandbox, app, schema

ENV = "http://schemas.xmlsoap.org/soap/envelope/"


def rpc(sandbox: Sandbox, method: str, params: object,
        raw: bytes | None = None) -> dict[str, Any]:
    body = raw if raw is not None else json.dumps(
        {"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).encode()
    response = requests.post(f"{sandbox.url}/rpc/6.0/", data=body, timeout=5,
                             headers={"Content-Type": "application/json"})
    assert response.headers["Content-Type"] == "application/json"
    answer: dict[str, Any] = response.json()
    return answer


def login(sandbox: Sandbox, algo: str | None = "sha256",
          date: str | None = None) -> dict[str, Any]:
    date = date or utc_date()
    digest = login_hash(sandbox.merchant_code, sandbox.secret_key, date, algo or "md5")
    params = [sandbox.merchant_code, date, digest] + ([algo] if algo else [])
    return rpc(sandbox, "login", params)


def soap(sandbox: Sandbox, body: bytes) -> tuple[int, etree._Element]:
    response = requests.post(f"{sandbox.url}/soap/6.0/", data=body, timeout=5,
                             headers={"Content-Type": "text/xml; charset=utf-8"})
    return response.status_code, etree.fromstring(response.content)


def soap_call(operation: str, *args: str) -> bytes:
    parts = "".join(f"<p{i}>{a}</p{i}>" for i, a in enumerate(args))
    return (f'<?xml version="1.0"?><e:Envelope xmlns:e="{ENV}"><e:Body>'
            f'<m:{operation} xmlns:m="urn:avangate-compat:api:6.0">{parts}</m:{operation}>'
            "</e:Body></e:Envelope>").encode()


def fault_code(root: etree._Element) -> str:
    return str(root.findtext(f"{{{ENV}}}Body/{{{ENV}}}Fault/faultcode"))


# -- JSON-RPC ------------------------------------------------------------------------------------

def test_jsonrpc_login_returns_a_random_session_id(sandbox: Sandbox) -> None:
    first, second = login(sandbox)["result"], login(sandbox)["result"]
    assert isinstance(first, str) and len(first) >= 32 and first != second


def test_jsonrpc_answers_carry_php_quirks(sandbox: Sandbox) -> None:
    session = login(sandbox)["result"]
    lead = rpc(sandbox, "getLead", [session, "60E6C4B574"])["result"]
    assert lead["Items"]["0"]["Quantity"] == "2"
    assert lead["Items"]["0"]["Price"] == {"Amount": "20", "Type": "CUSTOM"}
    assert lead["Items"]["0"]["SKU"] is None
    assert lead["Promotions"] == [""]


def test_jsonrpc_sends_arrays_but_where_the_spec_marks_zero_keyed_lists(sandbox: Sandbox) -> None:
    """Product answers keep their lists as JSON arrays (integration code indexes them so);
    lead answers keep the documented "0"-keyed lists; numbers are strings everywhere."""
    session = login(sandbox)["result"]
    product = rpc(sandbox, "getProductByCode", [session, "NewProdCodeAPI12345"])["result"]
    configuration = product["PricingConfigurations"][0]
    assert configuration["Prices"]["Regular"][0]["Amount"] == "99.99"
    assert configuration["Prices"]["Regular"][0]["OptionCodes"][0]["Options"] == [
        "basic", "premium"]
    assert configuration["Prices"]["Renewal"][0]["Amount"] == "49.99"
    assert configuration["PriceOptions"] == [{"Code": "SUPPORT", "Required": True}]
    listed = rpc(sandbox, "getPricingConfigurations", [session, "TeamPlan2024"])["result"]
    assert [c["Code"] for c in listed] == ["8C4E6A2B31", "9D5F7B3C42", "AE608C4D53"]
    found = rpc(sandbox, "searchProducts", [session, {"Limit": 2}])["result"]
    assert isinstance(found["Items"], list) and len(found["Items"]) == 2
    page = rpc(sandbox, "searchLeads", [session, {"Limit": 2}])["result"]
    assert list(page["Items"]) == ["0", "1"]
    assert isinstance(page["Items"]["0"]["Items"], dict)
    marked = rpc(sandbox, "markLeads", [session, [{"LeadCode": "NOSUCHLEAD", "Used": True}]])
    assert isinstance(marked["result"]["Errors"], list)  # the leads OpenAPI: an array


def test_the_zero_keyed_lists_are_the_ones_the_spec_declares(
        sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox reads the marks from the spec: moved there, the quirk moves with them."""
    data = copy.deepcopy(schema.spec_data())
    del data["operations"]["getLead"]["jsonrpc"]
    data["operations"]["getProductByCode"]["jsonrpc"] = {"zero_keyed": ["Regular"]}
    monkeypatch.setattr(app, "load", lambda: schema.from_spec(data))
    session = login(sandbox)["result"]
    product = rpc(sandbox, "getProductByCode", [session, "NewProdCodeAPI12345"])["result"]
    prices = product["PricingConfigurations"][0]["Prices"]
    assert list(prices["Regular"]) == ["0", "1"] and isinstance(prices["Renewal"], list)
    lead = rpc(sandbox, "getLead", [session, "60E6C4B574"])["result"]
    assert isinstance(lead["Items"], list)


@pytest.mark.parametrize(("raw", "params", "code", "error_code"), [
    (b"{not json", None, -32700, "PARSE_ERROR"),
    (b'["a", "list"]', None, -32600, "INVALID_REQUEST"),
    (None, "not-a-list", -32602, "INVALID_PARAMETERS"),
])
def test_jsonrpc_malformed_requests(sandbox: Sandbox, raw: bytes | None, params: object,
                                   code: int, error_code: str) -> None:
    answer = rpc(sandbox, "getLead", params, raw)
    assert answer["error"]["code"] == code
    assert answer["error"]["data"]["error_code"] == error_code


def test_jsonrpc_unknown_method_and_wrong_parameters(sandbox: Sandbox) -> None:
    assert rpc(sandbox, "dropTables", [])["error"]["code"] == -32601
    session = login(sandbox)["result"]
    assert rpc(sandbox, "getLead", [session])["error"]["data"]["error_code"] \
        == "INVALID_PARAMETERS"
    assert rpc(sandbox, "getLead", [session, {"x": 1}])["error"]["data"]["error_code"] \
        == "INVALID_PARAMETERS"
    assert rpc(sandbox, "setProductStatus", [session, "YourProductCode", "maybe"])["error"][
        "data"]["error_code"] == "INVALID_PARAMETERS"


def test_jsonrpc_session_errors(sandbox: Sandbox) -> None:
    unknown = rpc(sandbox, "getLead", ["0" * 32, "60E6C4B574"])["error"]
    assert (unknown["code"], unknown["data"]["error_code"]) == (10001, "INVALID_SESSION")
    session = login(sandbox)["result"]
    sandbox.control("POST", "clock/advance", {"seconds": 601})
    expired = rpc(sandbox, "getLead", [session, "60E6C4B574"])["error"]
    assert (expired["code"], expired["data"]["error_code"]) == (10002, "SESSION_EXPIRED")


@pytest.mark.parametrize("algo", ["sha256", "sha3-256", None])
def test_login_accepts_each_documented_algorithm(sandbox: Sandbox, algo: str | None) -> None:
    assert "result" in login(sandbox, algo)


def test_login_refuses_wrong_hash_algorithm_and_stale_date(sandbox: Sandbox) -> None:
    date = utc_date()
    wrong = rpc(sandbox, "login", [sandbox.merchant_code, date, "0" * 64, "sha256"])
    assert wrong["error"]["data"]["error_code"] == "AUTHENTICATION_FAILED"
    digest = login_hash(sandbox.merchant_code, sandbox.secret_key, date, "sha256")
    unknown_algo = rpc(sandbox, "login", [sandbox.merchant_code, date, digest, "sha1"])
    assert unknown_algo["error"]["data"]["error_code"] == "AUTHENTICATION_FAILED"
    stale = login(sandbox, date="2010-05-13 12:12:12")
    assert "outside the allowed interval" in stale["error"]["message"]
    assert sandbox.service.stats.logins == 0


def test_oversized_body_is_refused_in_protocol_shape(sandbox: Sandbox) -> None:
    big = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "getLead",
                      "params": ["x" * (2 * 1024 * 1024)]}).encode()
    answer = rpc(sandbox, "getLead", None, big)
    assert answer["error"]["data"]["error_code"] == "REQUEST_TOO_LARGE"


# -- SOAP ----------------------------------------------------------------------------------------

def test_wsdl_is_served_pointing_at_the_sandbox(sandbox: Sandbox) -> None:
    response = requests.get(f"{sandbox.url}/soap/6.0/?wsdl", timeout=5)
    assert response.status_code == 200
    assert f'location="{sandbox.url}/soap/6.0/"' in response.text
    assert "api.2checkout.com" not in response.text


@pytest.mark.parametrize(("body", "code"), [
    (b"<not-xml", "PARSE_ERROR"),
    (b"<a>no envelope</a>", "INVALID_REQUEST"),
    (soap_call("dropTables", "x"), "METHOD_NOT_FOUND"),
    (soap_call("getLead", "only-one-parameter-missing-session", "x", "y"), "INVALID_PARAMETERS"),
    (soap_call("getLead", "0" * 32, "60E6C4B574"), "INVALID_SESSION"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
     b'<e:Envelope xmlns:e="' + ENV.encode() + b'"><e:Body><m:getLead xmlns:m="urn:x">'
     b"<s>&e;</s><c>x</c></m:getLead></e:Body></e:Envelope>", "INVALID_PARAMETERS"),
])
def test_soap_bad_requests_get_faults_not_tracebacks(sandbox: Sandbox, body: bytes,
                                                     code: str) -> None:
    status, root = soap(sandbox, body)
    assert status in (400, 401, 404, 500)
    assert fault_code(root) == code
    assert b"root:" not in etree.tostring(root)  # external entities are never expanded


def test_soap_answers_are_typed_rpc_encoded(sandbox: Sandbox) -> None:
    session = login(sandbox)["result"]
    _, root = soap(sandbox, soap_call("getLead", session, "60E6C4B574"))
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}"
    items = root.find(".//Items")
    assert items.get(f"{xsi}type") == "SOAP-ENC:Array"
    assert items.get("{http://schemas.xmlsoap.org/soap/encoding/}arrayType") == "ns1:LeadItem[1]"
    quantity = items.find("item/Quantity")
    assert (quantity.text, quantity.get(f"{xsi}type")) == ("2", "xsd:int")
    assert items.find("item/SKU").get(f"{xsi}nil") == "true"


# -- REST ----------------------------------------------------------------------------------------

def rest(sandbox: Sandbox, method: str, path: str, header: str | None = "valid",
         **kwargs: Any) -> requests.Response:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if header == "valid":
        header = rest_auth_header(sandbox.merchant_code, sandbox.secret_key, "sha256")
    if header is not None:
        headers["X-Avangate-Authentication"] = header
    return requests.request(method, f"{sandbox.url}/rest/6.0{path}", headers=headers,
                            timeout=5, **kwargs)


@pytest.mark.parametrize("header", [None, "garbage", 'code="X" date="2020-01-01 00:00:00" '
                                                     'hash="00" algo="sha256"'])
def test_rest_refuses_missing_or_wrong_signature(sandbox: Sandbox, header: str | None) -> None:
    response = rest(sandbox, "GET", "/leads/60E6C4B574/", header)
    assert response.status_code == 401
    assert response.json() == {"error_code": "AUTHENTICATION_ERROR",
                               "message": "Authentication needed for this resource"}


def test_rest_paths_with_and_without_trailing_slash(sandbox: Sandbox) -> None:
    assert rest(sandbox, "GET", "/leads/60E6C4B574").json()["LeadCode"] == "60E6C4B574"
    assert rest(sandbox, "GET", "/products/04C26C50F8/").json()["ProductName"] == "softy"


def test_rest_errors(sandbox: Sandbox) -> None:
    missing = rest(sandbox, "GET", "/leads/NOSUCHLEAD/")
    assert (missing.status_code, missing.json()["error_code"]) == (404, "LEAD_NOT_FOUND")
    bad_json = rest(sandbox, "PUT", "/products/04C26C50F8/", data=b"{oops")
    assert (bad_json.status_code, bad_json.json()["error_code"]) == (400, "INVALID_JSON")
    nowhere = rest(sandbox, "GET", "/nothing/here/")
    assert nowhere.status_code == 404 and nowhere.json()["error_code"] == "NOT_FOUND"
    mismatch = rest(sandbox, "PUT", "/products/04C26C50F8/", json={"ProductCode": "OTHER"})
    assert mismatch.status_code == 400


# -- one store, control API, persistence ---------------------------------------------------------

def test_a_change_over_soap_is_seen_over_rest(sandbox: Sandbox) -> None:
    session = login(sandbox)["result"]
    status, _ = soap(sandbox, soap_call("setProductStatus", session, "YourProductCode", "true"))
    assert status == 200
    assert rest(sandbox, "GET", "/products/YourProductCode/").json()["Enabled"] is True


def test_control_api(sandbox: Sandbox) -> None:
    assert sandbox.control("GET", "health")["status"] == "ok"
    sandbox.control("POST", "seed", {"leads": [{"LeadCode": "SEEDED0001", "Currency": "EUR",
                                                "Items": [{"Code": "04C26C50F8",
                                                           "Quantity": "4"}]}]})
    assert rest(sandbox, "GET", "/leads/SEEDED0001/").json()["Items"]["0"]["Quantity"] == 4
    sandbox.control("POST", "reset")
    assert rest(sandbox, "GET", "/leads/SEEDED0001/").status_code == 404
    stats = sandbox.control("GET", "stats")
    assert stats["requests"]["rest:getLead"] == 2 and stats["connections"] >= 1
    assert sandbox.control("POST", "settings", {"session_ttl": 2})["session_ttl"] == 2


def test_state_survives_a_restart_with_a_database_file(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.sqlite")
    with Sandbox(db=db) as first:
        response = rest(first, "PUT", "/products/04C26C50F8/",
                        json={"ProductCode": "04C26C50F8", "ProductName": "renamed"})
        assert response.json() is True
    with Sandbox(db=db) as second:
        assert rest(second, "GET", "/products/04C26C50F8/").json()["ProductName"] == "renamed"


def test_only_loopback_addresses() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Sandbox(host="0.0.0.0")


def test_command_line_sandbox_prints_its_port_and_serves(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "avangate_compat", "sandbox", "--port", "0", "--session-ttl",
         "30", "--db", str(tmp_path / "cli.sqlite")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        port = int(line.split("port ")[1].rstrip(")\n"))
        health = requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=5)
        assert health.json()["status"] == "ok"
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
