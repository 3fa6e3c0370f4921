"""The sandbox against malformed and hostile requests, races and cross-site requests.

Every refusal comes in its protocol's shape (JSON-RPC error object, SOAP Fault, REST
``{"error_code", "message"}``), never a 500 INTERNAL_ERROR and never a hang. Requests that once
froze the whole process are sent to a sandbox in a child process (``hostile``), with client
timeouts, so a regression fails these tests instead of freezing the test run; the health check
must then still answer.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import pytest
import requests
from lxml import etree

import avangate_compat
from avangate_compat.auth import login_hash, rest_auth_header, utc_date
from avangate_compat.sandbox import Sandbox
from avangate_compat.sandbox.service import Stats
from avangate_compat.sandbox.store import Store

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:avangate-compat:api:6.0"
TIMEOUT = 5  # seconds: a generous bound on hangs, never a timing assertion
MERCHANT, SECRET = "SANDBOXMERCHANT", "sandbox-secret-key-not-a-real-one"
LEAD = "60E6C4B574"


class Server:
    """What the helpers need of a sandbox: its URL and credentials (in this process or not)."""

    def __init__(self, url: str, merchant_code: str = MERCHANT, secret_key: str = SECRET):
        self.url = url
        self.merchant_code = merchant_code
        self.secret_key = secret_key


# -- raw protocol helpers --------------------------------------------------------------------

def rpc_raw(server: Any, body: bytes, timeout: float = TIMEOUT) -> requests.Response:
    return requests.post(f"{server.url}/rpc/6.0/", data=body, timeout=timeout,
                         headers={"Content-Type": "application/json"})


def rpc(server: Any, method: str, params: Any, **extra: Any) -> dict[str, Any]:
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": method, "params": params,
                       **extra}).encode()
    response = rpc_raw(server, body)
    assert response.headers["Content-Type"] == "application/json", response.text[:300]
    answer: dict[str, Any] = response.json()
    return answer


def rpc_error(answer: dict[str, Any]) -> str:
    assert "error" in answer, answer
    assert answer["error"]["data"]["error_code"] != "INTERNAL_ERROR"
    return str(answer["error"]["data"]["error_code"])


def session_of(server: Any) -> str:
    date = utc_date()
    digest = login_hash(server.merchant_code, server.secret_key, date, "sha256")
    answer = rpc(server, "login", [server.merchant_code, date, digest, "sha256"])
    return str(answer["result"])


def envelope(operation: str, inner: str, extra: str = "") -> bytes:
    return (f'<?xml version="1.0"?><e:Envelope xmlns:e="{ENV}"><e:Body>'
            f'<m:{operation} xmlns:m="{NS}">{inner}</m:{operation}>{extra}'
            "</e:Body></e:Envelope>").encode()


def soap_raw(server: Any, body: bytes, timeout: float = TIMEOUT) -> requests.Response:
    return requests.post(f"{server.url}/soap/6.0/", data=body, timeout=timeout,
                         headers={"Content-Type": "text/xml; charset=utf-8"})


def soap_fault(response: requests.Response) -> str:
    root = etree.fromstring(response.content)
    code = root.findtext(f"{{{ENV}}}Body/{{{ENV}}}Fault/faultcode")
    assert code is not None, response.text[:300]
    assert code != "INTERNAL_ERROR"
    return str(code)


def rest(server: Any, method: str, path: str, *, data: Any = None, raw: Optional[bytes] = None,
         content_type: str = "application/json", timeout: float = TIMEOUT,
         **kwargs: Any) -> requests.Response:
    headers = {"Accept": "application/json", "Content-Type": content_type,
               "X-Avangate-Authentication": rest_auth_header(server.merchant_code,
                                                             server.secret_key, "sha256")}
    body = raw if raw is not None else None if data is None else json.dumps(data).encode()
    return requests.request(method, f"{server.url}/rest/6.0{path}", data=body, headers=headers,
                            timeout=timeout, **kwargs)


def rest_error(response: requests.Response, status: int = 400) -> str:
    assert response.status_code == status, (response.status_code, response.text[:300])
    body = response.json()
    assert set(body) == {"error_code", "message"}, body
    return str(body["error_code"])


def healthy(server: Any) -> bool:
    return bool(requests.get(f"{server.url}/_sandbox/health", timeout=TIMEOUT)
                .json()["status"] == "ok")


def lead_with(item: Any = None, **fields: Any) -> dict[str, Any]:
    lead: dict[str, Any] = {
        "Currency": "EUR", "Items": [item or {"Code": "04C26C50F8", "Quantity": 1}],
        "BillingDetails": {"FirstName": "A", "LastName": "B", "Email": "a@example.com",
                           "CountryCode": "RO"}}
    lead.update(fields)
    return lead


def control_post(server: Any, action: str, body: Any) -> requests.Response:
    return requests.post(f"{server.url}/_sandbox/{action}", data=json.dumps(body), timeout=TIMEOUT,
                         headers={"Content-Type": "application/json"})


# -- a sandbox in a child process, for requests that once froze their whole process ----------

class ChildSandbox:
    def __init__(self) -> None:
        self.process: Optional[subprocess.Popen[str]] = None
        self.server = Server("http://127.0.0.1:0")

    def start(self) -> None:
        root = Path(avangate_compat.__file__).resolve().parent.parent
        self.process = subprocess.Popen(
            [sys.executable, "-m", "avangate_compat", "sandbox", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=root)
        assert self.process.stdout is not None
        port = self.process.stdout.readline().split("port ")[1].rstrip(")\n")
        self.server = Server(f"http://127.0.0.1:{int(port)}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # a frozen child may not answer SIGTERM
            self.process.wait(timeout=10)
            self.process = None

    def fresh(self) -> Server:
        """The child, reset; restarted when a previous test left it frozen."""
        try:
            ok = self.process is not None and control_post(self.server, "reset", {}).ok
        except requests.RequestException:
            ok = False
        if not ok:
            self.stop()
            self.start()
        return self.server


@pytest.fixture(scope="module")
def _child() -> Iterator[ChildSandbox]:
    child = ChildSandbox()
    child.start()
    yield child
    child.stop()


@pytest.fixture
def hostile(_child: ChildSandbox) -> Server:
    return _child.fresh()


# -- 1. absurd and non-finite numbers ---------------------------------------------------------

ABSURD = ["Infinity", "-Infinity", "NaN", "sNaN", "1e999999999", "1e100000", "-1e999999999",
          "1e-999999999", "9223372036854775808", "1" * 19, "0." + "1" * 40, "1e18",
          "²", "١٢"]


@pytest.mark.parametrize("value", ABSURD)
def test_absurd_page_over_rest_is_refused(hostile: Server, value: str) -> None:
    response = rest(hostile, "GET", "/leads/", params={"Page": value})
    assert rest_error(response) == "INVALID_PARAMETERS"
    assert healthy(hostile)


@pytest.mark.parametrize("value", ABSURD)
def test_absurd_page_over_soap_is_refused(hostile: Server, value: str) -> None:
    session = session_of(hostile)
    response = soap_raw(hostile, envelope(
        "searchLeads", f"<s>{session}</s><o><Page>{value}</Page></o>"))
    assert (response.status_code, soap_fault(response)) == (500, "INVALID_PARAMETERS")
    assert healthy(hostile)


def test_absurd_page_over_soap_without_a_session_is_refused_fast(hostile: Server) -> None:
    response = soap_raw(hostile, envelope(
        "searchLeads", "<s>no-such-session</s><o><Page>1e999999999</Page></o>"))
    assert soap_fault(response) == "INVALID_SESSION"
    assert healthy(hostile)


@pytest.mark.parametrize("value", ABSURD)
@pytest.mark.parametrize("field", ["Quantity", "Amount"])
def test_absurd_quantity_and_amount_over_jsonrpc_are_refused(hostile: Server, value: str,
                                                             field: str) -> None:
    item: dict[str, Any] = {"Code": "04C26C50F8", "Quantity": 1}
    if field == "Quantity":
        item["Quantity"] = value
    else:
        item["Price"] = {"Amount": value, "Type": "CUSTOM"}
    answer = rpc(hostile, "addLead", [session_of(hostile), lead_with(item)])
    assert rpc_error(answer) == "INVALID_PARAMETERS"
    assert answer["id"] == 7
    assert healthy(hostile)


@pytest.mark.parametrize("literal", ["1e999999999", "-1e999999999", "1" * 5000, "1e100000"])
def test_absurd_json_number_literals_are_refused(hostile: Server, literal: str) -> None:
    session = session_of(hostile)
    body = (f'{{"jsonrpc": "2.0", "id": 3, "method": "addLead", "params": ["{session}", '
            f'{{"Currency": "EUR", "Items": [{{"Code": "04C26C50F8", "Quantity": {literal}}}], '
            '"BillingDetails": {"Email": "a@b.c"}}]}').encode()
    answer = rpc_raw(hostile, body).json()
    assert rpc_error(answer) == "INVALID_PARAMETERS"
    assert answer["id"] == 3
    rest_body = json.dumps(lead_with()).replace('"Quantity": 1', f'"Quantity": {literal}')
    assert rest_error(rest(hostile, "POST", "/leads/", raw=rest_body.encode())) \
        == "INVALID_PARAMETERS"
    assert healthy(hostile)


@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "NaN"])
def test_json_non_finite_literals_are_parse_errors(hostile: Server, literal: str) -> None:
    body = ('{"jsonrpc": "2.0", "id": 4, "method": "searchLeads", "params": ["x", '
            f'{{"Page": {literal}}}]}}').encode()
    answer = rpc_raw(hostile, body).json()
    assert (answer["error"]["code"], rpc_error(answer)) == (-32700, "PARSE_ERROR")
    rest_body = json.dumps(lead_with()).replace('"Quantity": 1', f'"Quantity": {literal}')
    assert rest_error(rest(hostile, "POST", "/leads/", raw=rest_body.encode())) \
        == "INVALID_JSON"


def test_reasonable_numbers_still_pass(sandbox: Sandbox) -> None:
    item = {"Code": "04C26C50F8", "Quantity": "3",
            "Price": {"Amount": "0.1000000000000000055511", "Type": "CUSTOM"}}
    answer = rpc(sandbox, "addLead", [session_of(sandbox), lead_with(item)])
    code = answer["result"]["LeadCode"]
    stored = sandbox.service.getLead(code)["Items"][0]
    assert stored["Quantity"] == 3
    assert str(stored["Price"]["Amount"]) == "0.1000000000000000055511"
    assert rest(sandbox, "GET", "/leads/", params={"Page": "2", "Limit": "5"}).status_code == 200


# -- 2. only ASCII digits index "0"-keyed lists ------------------------------------------------

@pytest.mark.parametrize("items", [
    [None], {"²": {"Code": "04C26C50F8", "Quantity": 1}},
    {"9" * 5000: {"Code": "04C26C50F8", "Quantity": 1}},
    {"0": {"Code": "04C26C50F8", "Quantity": 1}, "¹": {"Code": "04C26C50F8"}},
    [5], ["text"], {"0": None},
], ids=["null", "superscript", "5000-digits", "mixed", "number", "string", "null-in-0"])
def test_list_keys_must_be_small_ascii_indices(hostile: Server, items: Any) -> None:
    lead = lead_with(Items=items)
    assert rpc_error(rpc(hostile, "addLead", [session_of(hostile), lead])) \
        == "INVALID_PARAMETERS"
    assert rest_error(rest(hostile, "POST", "/leads/", data=lead)) == "INVALID_PARAMETERS"
    marks = rpc(hostile, "markLeads", [session_of(hostile), items])
    assert rpc_error(marks) == "INVALID_PARAMETERS"


def test_ascii_zero_keyed_lists_still_work(sandbox: Sandbox) -> None:
    lead = lead_with(Items={"1": {"Code": "YourProductCode", "Quantity": 2},
                            "0": {"Code": "04C26C50F8", "Quantity": 1}})
    code = rpc(sandbox, "addLead", [session_of(sandbox), lead])["result"]["LeadCode"]
    assert [i["Code"] for i in sandbox.service.getLead(code)["Items"]] == \
        ["04C26C50F8", "YourProductCode"]


# -- 3. deep nesting ----------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [50_000, 200_000])
def test_deeply_nested_json_gets_a_clean_error(hostile: Server, depth: int) -> None:
    nested = "[" * depth + "]" * depth
    body = (f'{{"jsonrpc": "2.0", "id": 5, "method": "getLead", "params": {nested}}}').encode()
    answer = rpc_raw(hostile, body).json()
    assert rpc_error(answer) in ("PARSE_ERROR", "INVALID_REQUEST")
    objects = '{"a":' * min(depth, 150_000) + "1" + "}" * min(depth, 150_000)
    assert rest_error(rest(hostile, "POST", "/leads/", raw=objects.encode())) == "INVALID_JSON"
    assert rest_error(rest(hostile, "PUT", "/products/04C26C50F8/",
                           raw=nested.encode())) == "INVALID_JSON"
    assert healthy(hostile)


@pytest.mark.parametrize("request_id", [[1], {"a": [1]}, True, "[" * 900 + "]" * 900])
def test_a_json_rpc_id_that_is_no_scalar_is_refused(hostile: Server, request_id: Any) -> None:
    text = request_id if isinstance(request_id, str) else json.dumps(request_id)
    body = b'{"jsonrpc": "2.0", "method": "getLead", "params": [], "id": ' + \
        text.encode() + b"}"
    answer = rpc_raw(hostile, body).json()
    assert rpc_error(answer) in ("INVALID_REQUEST", "PARSE_ERROR")
    assert answer["id"] is None


@pytest.mark.parametrize("depth", [50_000, 200_000])
def test_deeply_nested_soap_gets_a_fault(hostile: Server, depth: int) -> None:
    inner = "<s>x</s><o>" + "<a>" * depth + "</a>" * depth + "</o>"
    response = soap_raw(hostile, envelope("searchLeads", inner))
    assert soap_fault(response) in ("PARSE_ERROR", "INVALID_SESSION", "INVALID_PARAMETERS",
                                    "REQUEST_TOO_LARGE")
    assert healthy(hostile)


# -- 4. REST bodies that are no object ----------------------------------------------------------

@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/leads/"), ("PUT", f"/leads/{LEAD}/"), ("PUT", "/leads/"),
    ("PUT", "/products/04C26C50F8/")])
@pytest.mark.parametrize("body", [b"null", b"", b"  "], ids=["null", "empty", "blank"])
def test_rest_null_or_empty_body_is_a_400(sandbox: Sandbox, method: str, path: str,
                                          body: bytes) -> None:
    response = rest(sandbox, method, path, raw=body)
    assert rest_error(response) in ("INVALID_JSON", "INVALID_PARAMETERS")
    assert sandbox.service.getLead(LEAD)["Currency"] == "EUR"


def test_jsonrpc_null_objects_are_refused(sandbox: Sandbox) -> None:
    session = session_of(sandbox)
    for method, params in [("addLead", [session, None]), ("updateLead", [session, LEAD, None]),
                           ("updateProduct", [session, None]), ("markLeads", [session, None]),
                           ("addLead", [session, "text"]), ("updateLead", [session, None])]:
        assert rpc_error(rpc(sandbox, method, params)) == "INVALID_PARAMETERS", method


# -- 5. SOAP multiref fan-out, and no decoding before the session check ----------------------

def chain(levels: int) -> tuple[str, str]:
    """multiRefs that each reference the previous one twice."""
    refs = ['<multiRef id="m0"><Code>04C26C50F8</Code><Quantity>1</Quantity></multiRef>']
    refs += [f'<multiRef id="m{i}"><a href="#m{i - 1}"/><b href="#m{i - 1}"/></multiRef>'
             for i in range(1, levels)]
    return f'<l><Items href="#m{levels - 1}"/></l>', "".join(refs)


def fan_out(width: int) -> tuple[str, str]:
    """Every level repeats a reference to the next one ``width`` times, down the schema's
    deepest path (Lead.Items[].PriceOptions[].Options[]): width ** 6 visits from ~6 * width
    elements."""
    def refs(name: str, target: str) -> str:
        return f'<{name} href="#{target}"/>' * width

    lead = f"<l><Currency>EUR</Currency>{refs('Items', 'items')}</l>"
    multirefs = (f'<multiRef id="items">{refs("i", "item")}</multiRef>'
                 f'<multiRef id="item">{refs("PriceOptions", "pos")}</multiRef>'
                 f'<multiRef id="pos">{refs("p", "po")}</multiRef>'
                 f'<multiRef id="po">{refs("Options", "opts")}</multiRef>'
                 f'<multiRef id="opts">{refs("o", "opt")}</multiRef>'
                 '<multiRef id="opt"><Name>x</Name><Value>y</Value></multiRef>')
    return lead, multirefs


@pytest.mark.parametrize("shape", [chain(40), fan_out(40)], ids=["chain", "fan-out"])
@pytest.mark.parametrize("session", ["no-such-session", None], ids=["no-session", "session"])
def test_soap_multiref_fan_out_is_bounded(hostile: Server, session: Optional[str],
                                          shape: tuple[str, str]) -> None:
    known = session or session_of(hostile)
    lead, multirefs = shape
    response = soap_raw(hostile, envelope("addLead", f"<s>{known}</s>{lead}", multirefs))
    expected = "INVALID_SESSION" if session else "INVALID_PARAMETERS"
    if shape[0].startswith("<l><Items"):  # the chain decodes: its leaves are no LeadItems
        expected = "INVALID_SESSION" if session else soap_fault(response)
    assert soap_fault(response) == expected
    assert healthy(hostile)


def test_shared_multiref_references_still_decode(sandbox: Sandbox) -> None:
    session = session_of(sandbox)
    body = envelope(
        "addLead",
        f'<s>{session}</s><l><Currency>EUR</Currency><Items><i href="#it"/><i href="#it"/>'
        '</Items><BillingDetails href="#c"/><DeliveryDetails href="#c"/></l>',
        '<multiRef id="it"><Code>04C26C50F8</Code><Quantity>2</Quantity></multiRef>'
        '<multiRef id="c"><Email>a@example.com</Email></multiRef>')
    response = soap_raw(sandbox, body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("body", [
    envelope("addLead", "<s>no-such-session</s><l><Currency>EUR</Currency><Items><i>"
                        "<Quantity>not-a-number</Quantity></i></Items></l>"),
    envelope("addLead", '<s>no-such-session</s><l href="#nowhere"/>'),
    envelope("setProductStatus", "<s>no-such-session</s><c>x</c><b>maybe</b>"),
])
def test_soap_unauthenticated_bodies_are_not_decoded(sandbox: Sandbox, body: bytes) -> None:
    assert soap_fault(soap_raw(sandbox, body)) == "INVALID_SESSION"


def test_jsonrpc_unauthenticated_bodies_are_not_decoded(sandbox: Sandbox) -> None:
    answer = rpc(sandbox, "setProductStatus", ["no-such-session", "x", "maybe"])
    assert rpc_error(answer) == "INVALID_SESSION"


# -- 6. control API values ---------------------------------------------------------------------

@pytest.mark.parametrize(("action", "body"), [
    ("seed", {"leads": 5}), ("seed", {"products": "abc"}), ("seed", {"leads": [5]}),
    ("seed", {"leads": [None]}), ("seed", [1, 2]), ("seed", None),
    ("seed", {"leads": [{"LeadCode": "GOOD000001", "Currency": "EUR"}, {"Currency": "X"}]}),
    ("seed", {"leads": [{"LeadCode": "GOOD000002", "Type": {"x": 1}}]}),
    ("seed", {"leads": [{"LeadCode": "GOOD000003", "CreatedAt": "yesterday"}]}),
    ("seed", {"products": [{"ProductCode": "P1"}, {"ProductName": "no code"}]}),
    ("clock/advance", {"seconds": "1e999"}), ("clock/advance", {"seconds": -5}),
    ("clock/advance", {"seconds": "NaN"}), ("clock/advance", {"seconds": True}),
    ("settings", {"session_ttl": "1e999"}), ("settings", {"session_ttl": -1}),
    ("settings", {"session_ttl": 0}), ("settings", {"latency_ms": -1}),
    ("settings", {"session_error": "sometimes"}), ("settings", {"nothing": 1}),
])
def test_control_api_refuses_bad_values_and_leaves_state_untouched(
        sandbox: Sandbox, action: str, body: Any) -> None:
    raw = json.dumps(body).replace('"1e999"', "1e999").replace('"NaN"', "1e999999999")
    before = sandbox.control("GET", "health")["objects"]
    response = requests.post(f"{sandbox.url}/_sandbox/{action}", data=raw, timeout=TIMEOUT,
                             headers={"Content-Type": "application/json"})
    assert rest_error(response) == "INVALID_PARAMETERS"
    assert sandbox.control("GET", "health")["objects"] == before
    assert sandbox.service.clock.offset == 0.0
    assert sandbox.service.session_ttl == 600.0
    assert sandbox.service.store.get("lead", "GOOD000001") is None
    assert sandbox.service.store.get("product", "P1") is None
    # a write still works afterwards
    assert rest(sandbox, "PUT", "/products/04C26C50F8/",
                data={"ProductName": "still writable"}).json() is True


def test_clock_advance_of_1e999_does_not_break_later_writes(hostile: Server) -> None:
    response = requests.post(f"{hostile.url}/_sandbox/clock/advance", data='{"seconds": 1e999}',
                             headers={"Content-Type": "application/json"}, timeout=TIMEOUT)
    assert response.status_code == 400
    answer = rpc(hostile, "addLead", [session_of(hostile), lead_with()])
    assert answer["result"]["Errors"] == []


# -- 7. characters XML cannot carry --------------------------------------------------------------

BAD_CHARACTERS = ["\x00", "\x07", "\x1b", "\x0b", "\ufffe", "\uffff", "\ud800", "\udfff"]


@pytest.mark.parametrize("char", BAD_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_characters_xml_cannot_carry_are_refused(sandbox: Sandbox, char: str) -> None:
    name = f"bad{char}name"
    lead = lead_with(BillingDetails={"FirstName": name, "Email": "a@example.com"})
    lead["LeadCode"] = "BADCHAR001"
    answer = rpc(sandbox, "addLead", [session_of(sandbox), lead])
    assert rpc_error(answer) == "INVALID_PARAMETERS"
    body = json.dumps(lead).encode()  # \\uXXXX escapes: lone surrogates travel too
    assert rest_error(rest(sandbox, "POST", "/leads/", raw=body)) == "INVALID_PARAMETERS"
    assert rest_error(rest(sandbox, "PUT", "/products/04C26C50F8/",
                           raw=json.dumps({"ProductName": name}).encode())) \
        == "INVALID_PARAMETERS"
    assert rpc_error(rpc(sandbox, "getLead", [session_of(sandbox), name])) \
        == "INVALID_PARAMETERS"
    if char not in ("\ud800", "\udfff"):  # no URL can carry a lone surrogate
        assert rest_error(rest(sandbox, "GET", "/leads/", params={"Email": name})) \
            == "INVALID_PARAMETERS"
    assert sandbox.service.store.get("lead", "BADCHAR001") is None
    # SOAP cannot even carry them: the XML parser refuses, in a Fault
    if char not in ("\ud800", "\udfff"):
        xml = envelope("getLead", f"<s>x</s><c>&#{ord(char)};</c>")
        assert soap_fault(soap_raw(sandbox, xml)) == "PARSE_ERROR"
    session = session_of(sandbox)
    ok = soap_raw(sandbox, envelope("searchLeads", f"<s>{session}</s><o><Limit>200</Limit></o>"))
    assert ok.status_code == 200


def test_tab_cr_lf_and_other_unicode_still_pass(sandbox: Sandbox) -> None:
    name = "a\tb\r\nc é 😀 \u2028"
    code = rpc(sandbox, "addLead", [session_of(sandbox), lead_with(
        BillingDetails={"FirstName": name, "Email": "a@example.com"})])["result"]["LeadCode"]
    assert sandbox.service.getLead(code)["BillingDetails"]["FirstName"] == name


# -- 8. no stored record can make a read fail ----------------------------------------------------

POISON = ["Infinity", "-Infinity", "NaN", "1E+100000", "1E+1000000", "1E+999999999",
          "1E-999999999", "-0"]


@pytest.mark.parametrize("amount", POISON)
def test_jsonrpc_refuses_poisonous_amounts(hostile: Server, amount: str) -> None:
    item = {"Code": "04C26C50F8", "Quantity": 1, "Price": {"Amount": amount, "Type": "X"}}
    answer = rpc(hostile, "addLead", [session_of(hostile), lead_with(item)])
    if amount == "-0":
        assert answer["result"]["Errors"] == []
    else:
        assert rpc_error(answer) == "INVALID_PARAMETERS"
    assert healthy(hostile)


def test_every_read_of_a_poisoned_database_answers(tmp_path: Path) -> None:
    """A database written by an older sandbox (or by hand) holds what input now refuses."""
    db = str(tmp_path / "poisoned.sqlite")
    with Sandbox(db=db):
        pass  # seeds the file
    store = Store(db)
    seeded = store.get("lead", LEAD)
    for n, amount in enumerate(POISON):
        lead = json.loads(json.dumps(seeded, default=str))
        lead["lead"]["LeadCode"] = code = f"POISON{n:04d}"
        lead["lead"]["Items"][0]["Price"]["Amount"] = Decimal(amount)
        lead["lead"]["BillingDetails"]["FirstName"] = "nul\x00bel\x07 \ud800 \ufffe"
        text = json.dumps(lead, default=lambda d: {"$decimal": str(d)})
        if n == 0:  # an integer with more digits than Python converts from text by default
            text = text.replace('"Quantity": 2', '"Quantity": 1' + "0" * 5000)
        store._db.execute("INSERT INTO objects VALUES ('lead', ?, ?)", (code, text))
    store.close()
    child = subprocess.Popen(
        [sys.executable, "-m", "avangate_compat", "sandbox", "--port", "0", "--db", db],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        cwd=Path(avangate_compat.__file__).resolve().parent.parent)
    try:
        assert child.stdout is not None
        server = Server(f"http://127.0.0.1:{int(child.stdout.readline().split('port ')[1][:-2])}")
        session = session_of(server)
        for n in range(len(POISON)):
            code = f"POISON{n:04d}"
            assert rest(server, "GET", f"/leads/{code}/").status_code == 200
            assert "result" in rpc(server, "getLead", [session, code])
            answer = soap_raw(server, envelope("getLead", f"<s>{session}</s><c>{code}</c>"))
            assert answer.status_code == 200, answer.text[:300]
        listed = rest(server, "GET", "/leads/", params={"Limit": 200})
        assert listed.status_code == 200
        assert "result" in rpc(server, "searchLeads", [session, {"Limit": 200}])
        searched = soap_raw(server, envelope("searchLeads",
                                             f"<s>{session}</s><o><Limit>200</Limit></o>"))
        assert searched.status_code == 200
        # exact where it can be: the REST number is the stored Decimal's own text
        assert '"Amount": 1E+100000' in rest(server, "GET", "/leads/POISON0003/").text
        assert healthy(server)
    finally:
        child.kill()
        child.wait(timeout=10)


# -- 9. silently accepted values that the documentation rules out -------------------------------

@pytest.mark.parametrize("quantity", [-1, 0, "0", "-3"])
def test_quantity_must_be_positive(sandbox: Sandbox, quantity: Any) -> None:
    lead = lead_with({"Code": "04C26C50F8", "Quantity": quantity})
    assert rpc_error(rpc(sandbox, "addLead", [session_of(sandbox), lead])) \
        == "INVALID_PARAMETERS"
    assert rest_error(rest(sandbox, "POST", "/leads/", data=lead)) == "INVALID_PARAMETERS"
    update = rest(sandbox, "PUT", f"/leads/{LEAD}/", data=lead)
    assert rest_error(update) == "INVALID_PARAMETERS"


@pytest.mark.parametrize("date", ["2020-99-99", "2021-02-29", "2020-13-01", "0000-01-01",
                                  "\uff12\uff10\uff12\uff10-01-01"])
def test_search_dates_must_be_real_dates(sandbox: Sandbox, date: str) -> None:
    for key in ("StartDate", "EndDate"):
        assert rest_error(rest(sandbox, "GET", "/leads/", params={key: date})) \
            == "INVALID_PARAMETERS"
        answer = rpc(sandbox, "searchLeads", [session_of(sandbox), {key: date}])
        assert rpc_error(answer) == "INVALID_PARAMETERS"
    assert rest(sandbox, "GET", "/leads/", params={"StartDate": "2020-02-29"}).status_code == 200


@pytest.mark.parametrize("options", [{"Page": 0}, {"Limit": 0}, {"Page": -1}, {"Limit": 201},
                                     {"Page": "0"}])
def test_page_and_limit_zero_are_refused(sandbox: Sandbox, options: dict[str, Any]) -> None:
    assert rest_error(rest(sandbox, "GET", "/leads/", params=options)) == "INVALID_PARAMETERS"
    answer = rpc(sandbox, "searchLeads", [session_of(sandbox), options])
    assert rpc_error(answer) == "INVALID_PARAMETERS"
    session = session_of(sandbox)
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in options.items())
    response = soap_raw(sandbox, envelope("searchLeads", f"<s>{session}</s><o>{inner}</o>"))
    assert soap_fault(response) == "INVALID_PARAMETERS"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "text/html; charset=utf-8", ""])
def test_rest_bodies_must_be_json(sandbox: Sandbox, content_type: str) -> None:
    body = json.dumps({"ProductName": "sent as text"}).encode()
    response = rest(sandbox, "PUT", "/products/04C26C50F8/", raw=body,
                    content_type=content_type)
    assert rest_error(response, 415) == "UNSUPPORTED_MEDIA_TYPE"
    assert sandbox.service.getProductByCode("04C26C50F8")["ProductName"] == "softy"
    ok = rest(sandbox, "PUT", "/products/04C26C50F8/", raw=body,
              content_type="application/json; charset=utf-8")
    assert ok.json() is True


@pytest.mark.parametrize("version", [None, "1.0", 2.0, "2"])
def test_jsonrpc_requests_need_version_2_0(sandbox: Sandbox, version: Any) -> None:
    request: dict[str, Any] = {"id": 9, "method": "getLead", "params": ["x", LEAD]}
    if version is not None:
        request["jsonrpc"] = version
    answer = rpc_raw(sandbox, json.dumps(request).encode()).json()
    assert (answer["error"]["code"], rpc_error(answer)) == (-32600, "INVALID_REQUEST")
    assert answer["id"] == 9


# -- 10. exact money in JSON ---------------------------------------------------------------------

def test_rest_and_control_send_exact_decimals(sandbox: Sandbox) -> None:
    product = {"ProductCode": "EXACT00001", "ProductName": "exact", "PricingConfigurations": [{
        "Code": "EXACTCONF1", "PricingSchema": "FLAT", "Prices": {"Regular": [
            {"Amount": "0.1000000000000000055511", "Currency": "EUR"},
            {"Amount": "19.99", "Currency": "USD"}, {"Amount": "22.50", "Currency": "GBP"},
            {"Amount": "100", "Currency": "RON"}]}}]}
    assert sandbox.control("POST", "seed", {"products": [product]}) == {"leads": 0,
                                                                        "products": 1}
    text = rest(sandbox, "GET", "/products/EXACT00001/").text
    for amount in ("0.1000000000000000055511", "19.99", "22.50", "100"):
        assert f'"Amount": {amount},' in text
    parsed = json.loads(text, parse_float=Decimal)
    prices = parsed["PricingConfigurations"][0]["Prices"]["Regular"]
    assert [str(p["Amount"]) for p in prices] == ["0.1000000000000000055511", "19.99", "22.50",
                                                  "100"]
    assert '"Amount": 20,' in rest(sandbox, "GET", f"/leads/{LEAD}/").text


# -- 12. atomic writes ---------------------------------------------------------------------------

def run_together(count: int, work: Any) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(n: int) -> None:
        barrier.wait()
        results[n] = work(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_add_lead_with_one_code_acknowledges_one_writer(sandbox: Sandbox) -> None:
    session = session_of(sandbox)
    for attempt in range(15):
        code = f"RACE{attempt:06d}"

        def add(n: int, code: str = code) -> Any:
            lead = lead_with(LeadCode=code, ExternalReference=f"writer-{n}")
            return rpc(sandbox, "addLead", [session, lead])["result"]

        results = run_together(8, add)
        winners = [n for n, r in enumerate(results) if r["LeadCode"] == code]
        assert len(winners) == 1, results
        losers = [r for r in results if r["LeadCode"] is None]
        assert len(losers) == 7
        # an array: the leads OpenAPI declares addLead's Errors so (only lead reads are "0"-keyed)
        assert all(r["Errors"][0]["Code"] == "DUPLICATE_LEAD" for r in losers)
        stored = sandbox.service.getLead(code)["ExternalReference"]
        assert stored == f"writer-{winners[0]}"


def test_concurrent_product_updates_lose_no_field(sandbox: Sandbox) -> None:
    fields = ["ProductName", "ShortDescription", "LongDescription", "SystemRequirements",
              "ProductCategory", "TrialUrl", "TrialDescription", "ExternalReference"]
    for attempt in range(10):
        def update(n: int, attempt: int = attempt) -> Any:
            return rest(sandbox, "PUT", "/products/04C26C50F8/",
                        data={fields[n]: f"{fields[n]}-{attempt}"}).json()

        assert run_together(8, update) == [True] * 8
        product = sandbox.service.getProductByCode("04C26C50F8")
        assert {f: product[f] for f in fields} == {f: f"{f}-{attempt}" for f in fields}


def test_concurrent_status_and_product_updates_lose_nothing(sandbox: Sandbox) -> None:
    session = session_of(sandbox)
    for attempt in range(10):
        def work(n: int, attempt: int = attempt) -> Any:
            if n % 2:
                return rpc(sandbox, "setProductStatus", [session, "YourProductCode",
                                                         attempt % 2 == 0])["result"]
            return rest(sandbox, "PUT", "/products/YourProductCode/",
                        data={"ProductName": f"name-{attempt}"}).json()

        assert run_together(8, work) == [True] * 8
        product = sandbox.service.getProductByCode("YourProductCode")
        assert (product["ProductName"], product["Enabled"]) == (f"name-{attempt}",
                                                                attempt % 2 == 0)


def test_concurrent_marks_and_updates_lose_nothing(sandbox: Sandbox) -> None:
    for attempt in range(10):
        session = session_of(sandbox)  # reset() below ends sessions

        def work(n: int, attempt: int = attempt, session: str = session) -> Any:
            if n % 2:
                return rpc(sandbox, "markLeads", [session, [{"LeadCode": LEAD,
                                                             "Used": True}]])["result"]
            return rpc(sandbox, "updateLead", [session, LEAD, lead_with(
                ExternalReference=f"ref-{attempt}")])["result"]

        run_together(8, work)
        record = sandbox.service.store.get("lead", LEAD)
        assert record is not None
        assert record["meta"]["Type"] == "Used"
        assert record["lead"]["ExternalReference"] == f"ref-{attempt}"
        sandbox.service.reset()


# -- 13. the control API refuses cross-site requests --------------------------------------------

def test_cross_site_text_plain_post_cannot_reset(sandbox: Sandbox) -> None:
    rest(sandbox, "PUT", "/products/04C26C50F8/", data={"ProductName": "keep me"})
    for headers in ({"Content-Type": "text/plain", "Origin": "http://evil.example"},
                    {"Content-Type": "text/plain"}, {},
                    {"Content-Type": "application/x-www-form-urlencoded"},
                    {"Content-Type": "application/json", "Origin": "http://evil.example"},
                    {"Content-Type": "application/json", "Origin": "null"},
                    {"Content-Type": "application/json",
                     "Origin": f"http://127.0.0.1.evil.example:{sandbox.port}"},
                    {"Content-Type": "application/json", "Origin": "http://127.0.0.1:1"},
                    {"Content-Type": "application/json", "Host": "evil.example"},
                    {"Content-Type": "application/json", "Host": f"attacker.test:{sandbox.port}"}):
        for action in ("reset", "seed", "clock/advance", "sessions/expire", "stats/reset"):
            response = requests.post(f"{sandbox.url}/_sandbox/{action}", timeout=TIMEOUT,
                                     data='{"seconds": 5}', headers=headers)
            assert rest_error(response, 403) == "FORBIDDEN", (headers, action)
    assert sandbox.service.getProductByCode("04C26C50F8")["ProductName"] == "keep me"
    assert sandbox.service.clock.offset == 0.0
    # DNS rebinding: a page served as evil.example cannot read the control API either
    rebound = requests.get(f"{sandbox.url}/_sandbox/stats", headers={"Host": "evil.example"},
                           timeout=TIMEOUT)
    assert rest_error(rebound, 403) == "FORBIDDEN"


def test_same_origin_and_plain_clients_still_control(sandbox: Sandbox) -> None:
    for origin in (None, f"http://127.0.0.1:{sandbox.port}", f"http://localhost:{sandbox.port}"):
        headers = {"Content-Type": "application/json"}
        if origin:
            headers["Origin"] = origin
        response = requests.post(f"{sandbox.url}/_sandbox/clock/advance", timeout=TIMEOUT,
                                 data='{"seconds": 1}', headers=headers)
        assert response.status_code == 200, (origin, response.text)
    host = requests.get(f"{sandbox.url}/_sandbox/health", timeout=TIMEOUT,
                        headers={"Host": f"localhost:{sandbox.port}"})
    assert host.status_code == 200


# -- 14. bounded statistics ----------------------------------------------------------------------

def test_unknown_method_names_do_not_grow_the_statistics(sandbox: Sandbox) -> None:
    for n in range(30):
        rpc(sandbox, f"no_such_method_{n}_" + "x" * 100_000, [])
        soap_raw(sandbox, envelope(f"noSuchOperation{n}" + "y" * 10_000, ""))
    requests_seen = sandbox.control("GET", "stats")["requests"]
    assert requests_seen.get("jsonrpc:<unknown>") == 30
    assert requests_seen.get("soap:<unknown>") == 30
    assert all(len(key) <= 80 for key in requests_seen)
    assert len(requests_seen) <= 5, requests_seen


def test_statistics_keys_are_capped() -> None:
    stats = Stats()
    for n in range(5000):
        stats.count(f"key-{n}-" + "z" * 1000)
    snapshot = stats.snapshot()["requests"]
    assert len(snapshot) <= 1001
    assert sum(snapshot.values()) == 5000
    assert all(len(key) <= 80 for key in snapshot)


# -- 15. IPv6 loopback ---------------------------------------------------------------------------

def _has_ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def test_ipv6_sandbox_url_is_bracketed() -> None:
    if not _has_ipv6_loopback():
        pytest.skip("this machine has no IPv6 loopback (::1) to bind")
    with Sandbox(host="::1") as server:
        assert server.url == f"http://[::1]:{server.port}"
        assert server.control("GET", "health")["status"] == "ok"
        assert server.control("POST", "clock/advance", {"seconds": 1})["offset"] == 1.0


# -- 16. the realistic session-expiry answer -----------------------------------------------------

FORBIDDEN = {"code": 10000, "message": "Invalid hash provided or session expired",
             "data": {"error_code": "FORBIDDEN"}}


def test_session_error_forbidden_over_jsonrpc_and_soap(sandbox: Sandbox) -> None:
    session = session_of(sandbox)
    assert sandbox.control("POST", "settings", {"session_error": "forbidden"}) \
        ["session_error"] == "forbidden"
    try:
        assert rpc(sandbox, "getLead", ["no-such-session", LEAD])["error"] == FORBIDDEN
        sandbox.control("POST", "clock/advance", {"seconds": 601})
        answer = rpc(sandbox, "getLead", [session, LEAD])
        assert (answer["error"], answer["id"]) == (FORBIDDEN, 7)
        fault = soap_raw(sandbox, envelope("getLead", f"<s>{session}</s><c>{LEAD}</c>"))
        root = etree.fromstring(fault.content)
        assert fault.status_code == 500
        assert root.findtext(f".//{{{ENV}}}Fault/faultcode") == "FORBIDDEN"
        assert root.findtext(f".//{{{ENV}}}Fault/faultstring") == FORBIDDEN["message"]
    finally:
        sandbox.control("POST", "settings", {"session_error": "documented"})
    sandbox.service.clock.offset = 0.0
    session = session_of(sandbox)
    sandbox.control("POST", "clock/advance", {"seconds": 601})
    expired = rpc(sandbox, "getLead", [session, LEAD])["error"]
    assert (expired["code"], expired["data"]["error_code"]) == (10002, "SESSION_EXPIRED")


def test_settings_keep_session_ttl_and_report_everything(sandbox: Sandbox) -> None:
    answer = sandbox.control("POST", "settings", {"session_ttl": 2})
    assert answer["session_ttl"] == 2
    assert answer["session_error"] == "documented"
    assert sandbox.service.session_ttl == 2.0


def test_sandbox_object_takes_session_error() -> None:
    with pytest.raises(ValueError, match="session_error"):
        Sandbox(session_error="rarely")
    with Sandbox(session_error="forbidden") as server:
        assert rpc(server, "getLead", ["nope", LEAD])["error"] == FORBIDDEN


def test_command_line_takes_session_error() -> None:
    root = Path(avangate_compat.__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "avangate_compat", "sandbox", "--port", "0",
         "--session-error", "forbidden"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=root)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().split("port ")[1].rstrip(")\n"))
        assert rpc(Server(f"http://127.0.0.1:{port}"), "getLead", ["nope", LEAD])["error"] \
            == FORBIDDEN
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
