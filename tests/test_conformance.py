"""``avangate-compat check --live``, run whole against the sandbox: what it reports, its exit
status, that it never calls a write, and that its cassettes keep no credential."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from avangate_compat import cli, conformance
from avangate_compat.backends.soap import SHIPPED_WSDL, shipped_file
from avangate_compat.sandbox import Sandbox
from avangate_compat.sandbox.schema import load as sandbox_schema
from avangate_compat.spec import load
from avangate_compat.testing import leaked

from .conftest import over_both_schemes
from .test_cassettes import HASH, SESSION_ID

sandbox = over_both_schemes  # check --live runs over http and over https

Check = Callable[..., tuple[int, str, str]]


@pytest.fixture
def check(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch,
          capsys: pytest.CaptureFixture[str]) -> Check:
    """``check(*argv)`` runs ``avangate-compat check --live --base-url SANDBOX *argv`` with the
    sandbox's credentials in the environment: (exit status, stdout, stderr)."""
    for name in [n for n in os.environ if n.startswith("AVANGATE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", sandbox.merchant_code)
    monkeypatch.setenv("AVANGATE_SECRET_KEY", sandbox.secret_key)
    if sandbox.ca_path:  # over https: trust the sandbox's CA, as an operator would theirs
        monkeypatch.setenv("AVANGATE_VERIFY_TLS", sandbox.ca_path)

    def run(*argv: str, live: bool = True, base_url: bool = True) -> tuple[int, str, str]:
        command = ["check", *(["--live"] if live else []),
                   *(["--base-url", sandbox.url] if base_url else [])]
        status = cli.main([*command, *argv])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def requested_operations(sandbox: Sandbox) -> set[str]:
    """Operations the sandbox saw, on any protocol (``soap:getLead:fault`` -> ``getLead``)."""
    return {key.split(":")[1] for key in sandbox.service.stats.snapshot()["requests"]}


# -- the rule ------------------------------------------------------------------------------------


def test_the_write_rule_over_the_spec() -> None:
    """Reads: get*/search*, idempotent, confirming nothing, GET on REST. Everything else but
    login is a write, and the guard refuses it."""
    writes = conformance.write_operations()
    for name in ("addLead", "updateLead", "markLeads", "updateProduct", "setProductStatus"):
        assert name in writes
    operations = load().operations
    reads = [name for name in operations if name != "login" and name not in writes]
    assert {"getLead", "searchLeads", "getProductByCode"} <= set(reads)
    assert all(name.startswith(("get", "search")) for name in reads)
    for name in writes:
        with pytest.raises(RuntimeError, match="refuses"):
            conformance.guard(name)
    conformance.guard("login")
    conformance.guard("getLead")


# -- a clean run ---------------------------------------------------------------------------------


def test_a_clean_run_agrees_exits_0_and_calls_no_write(check: Check, sandbox: Sandbox,
                                                       tmp_path: Path) -> None:
    saved = tmp_path / "live.wsdl"
    status, out, err = check("--save-wsdl", str(saved), "--record", str(tmp_path / "tapes"))
    assert status == 0, out + err
    assert "Result: everything agreed (exit 0)" in out
    for backend in ("soap", "jsonrpc", "rest"):
        assert re.search(rf"{backend}\s+sha256 accepted .* sha3-256 accepted .* md5 accepted",
                         out)
    assert "compared with the shipped WSDL: identical" in out
    assert "getLead('60E6C4B574'): equal" in out  # the first lead searchLeads returned
    assert "What to send back" in out
    assert "issue tracker (https://github.com/avangate-compat/avangate-compat/issues)" \
        in " ".join(out.split())  # the tracker the package metadata names, as a URL
    assert saved.read_bytes() == Path(shipped_file(SHIPPED_WSDL)).read_bytes().replace(
        b"https://api.2checkout.com/soap/6.0/", f"{sandbox.url}/soap/6.0/".encode())
    assert (tmp_path / "tapes" / conformance.CASSETTE).is_file()

    # From the sandbox's own counters: every protocol was used, no write was ever called.
    requests = sandbox.service.stats.snapshot()["requests"]
    for key in ("soap:getLead", "jsonrpc:getProductByCode", "rest:getProductByCode",
                "soap:login", "jsonrpc:login", "rest:searchLeads"):
        assert requests.get(key), key
    seen = requested_operations(sandbox)
    assert not seen & set(conformance.write_operations()), seen
    assert seen <= {"login"} | {n for n, s in load().operations.items() if conformance.is_read(s)}
    assert sandbox.service.stats.snapshot()["logins"] == 6  # 3 algorithms x SOAP, JSON-RPC


def test_the_json_report_names_the_error_codes_the_server_used(check: Check,
                                                               sandbox: Sandbox) -> None:
    sandbox.control("POST", "settings", {"session_error": "forbidden"})
    try:
        status, out, _ = check("--json", "--lead", "60E6C4B574", "--product", "04C26C50F8")
    finally:
        sandbox.control("POST", "settings", {"session_error": "documented"})
    assert status == 0
    report = json.loads(out)
    assert report["verdict"] == "agree" and report["problems"] == []
    errors = {case["case"]: case for case in report["errors"]}
    unknown = errors["unknown_lead"]["backends"]
    assert {b: e["class"] for b, e in unknown.items()} == dict.fromkeys(
        ("soap", "jsonrpc", "rest"), "NotFoundError")
    assert unknown["soap"]["faultcode"] == "LEAD_NOT_FOUND"
    assert unknown["rest"]["http_status"] == 404
    bogus = errors["bogus_session"]["backends"]
    assert bogus["soap"]["class"] == bogus["jsonrpc"]["class"] == "SessionError"
    assert bogus["soap"]["faultcode"] == "FORBIDDEN"
    assert bogus["jsonrpc"]["rpc_code"] == 10000
    assert bogus["jsonrpc"]["message"] == "Invalid hash provided or session expired"
    assert "not_applicable" in bogus["rest"]
    calls = {step["operation"]: step for step in report["calls"]}
    assert calls["getProductByCode"]["args"] == ["04C26C50F8"]
    assert all(entry["status"] == "ok" and entry["ms"] >= 0
               for entry in calls["getLead"]["backends"].values())
    assert report["logins"]["soap"]["used"] == "sha256"


# -- runs where something differs ----------------------------------------------------------------


def test_a_field_the_models_lack_is_reported_and_exits_1(check: Check, sandbox: Sandbox,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A newer server: the sandbox is taught a Product field the models do not have."""
    types = sandbox_schema().types
    monkeypatch.setitem(types, "Product", [*types["Product"], ("LaunchChannel", "string")])
    sandbox.control("POST", "seed", {"products": [{
        "ProductCode": "CHECK-NEW-FIELD", "ProductName": "Newer", "ProductType": "REGULAR",
        "Enabled": True, "LaunchChannel": "partner-store"}]})
    status, out, _ = check("--json", "--product", "CHECK-NEW-FIELD")
    assert status == 1
    report = json.loads(out)
    step = next(s for s in report["calls"] if s["operation"] == "getProductByCode")
    assert step["unknown_fields"] == {backend: ["Product.LaunchChannel"]
                                      for backend in ("soap", "jsonrpc", "rest")}
    assert step["agree"] is True  # all three kept it alike
    assert any("Product.LaunchChannel" in p for p in report["problems"])
    assert "Something differed" in report["send_back"]


def test_a_live_wsdl_that_differs_is_listed_and_exits_1(check: Check, tmp_path: Path) -> None:
    text = Path(shipped_file(SHIPPED_WSDL)).read_text(encoding="utf-8")
    text = text.replace('<xsd:element name="ProductVersion" type="xsd:string" '
                        'nillable="true"/>', "", 1)
    text = text.replace('<message name="getLead">\n    <part name="sessionID" type="xsd:string"/>'
                        '\n    <part name="LeadCode"', '<message name="getLead">\n    <part '
                        'name="sessionID" type="xsd:string"/>\n    <part name="leadCode"', 1)
    changed = tmp_path / "older.wsdl"
    changed.write_text(text, encoding="utf-8")
    status, out, _ = check("--wsdl-reference", str(changed))
    assert status == 1
    assert "Result: 1 problem(s) (exit 1)" in out
    assert "type Product: field(s) only in the live WSDL: ProductVersion" in out
    assert "operation getLead: argument(s) only in the shipped WSDL: leadCode" in out
    assert "operation getLead: argument(s) only in the live WSDL: LeadCode" in out
    assert "What to send back\n  Something differed." in out
    assert "(--save-wsdl live.wsdl)" in " ".join(out.split())


def test_an_unreachable_server_is_reported_not_raised(check: Check,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVANGATE_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AVANGATE_MAX_RETRIES", "0")
    status, out, _ = check("--json", base_url=False)
    report = json.loads(out)
    assert status == 1
    assert report["verdict"] == "differ"
    assert any("no hash algorithm was accepted" in p for p in report["problems"])
    assert not report["wsdl"]["fetched"]


# -- cassettes -----------------------------------------------------------------------------------


def test_recorded_cassettes_keep_no_credential_hash_or_session_id(
        check: Check, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    used: set[str] = set()
    sessions: set[str] = set()
    service = sandbox.service
    login, check_header = service.login, service.check_rest_header

    def spy_login(code: Any, date: Any, given: Any, algo: Any = None) -> str:
        session_id = login(code, date, given, algo)
        used.update({session_id, given})
        sessions.add(session_id)
        return session_id

    def spy_header(header: Any) -> None:
        used.update(re.findall(r'hash="([^"]+)"', header or ""))
        check_header(header)

    monkeypatch.setattr(service, "login", spy_login)
    monkeypatch.setattr(service, "check_rest_header", spy_header)
    status, out, _ = check("--json", "--record", str(tmp_path))
    assert status == 0
    assert len(sessions) == 6  # 3 algorithms x SOAP, JSON-RPC; hashes and signatures too
    assert len(used - sessions) >= 3
    text = (tmp_path / conformance.CASSETTE).read_text()
    secrets = [sandbox.merchant_code, sandbox.secret_key, *used]
    for name, content in (("cassette", text), ("report", out)):
        assert leaked(content, secrets) == [], name
        assert not SESSION_ID.search(content), f"{name}: something shaped like a session id"
        assert not HASH.search(content), f"{name}: something shaped like a login hash"
    # not vacuous: the whole run is in there, on every protocol
    for needle in ("?wsdl", "/rpc/6.0/", "/soap/6.0/", "/rest/6.0/leads/", "getLead",
                   "Invalid or unknown session ID", conformance.UNKNOWN_LEAD):
        assert needle in text, needle


# -- usage ---------------------------------------------------------------------------------------


def test_usage_errors_exit_2(check: Check, monkeypatch: pytest.MonkeyPatch,
                             tmp_path: Path) -> None:
    status, _, err = check(live=False)
    assert status == 2 and "--live" in err
    status, _, err = check("--wsdl-reference", str(tmp_path / "missing.wsdl"))
    assert status == 2 and "missing.wsdl" in err
    status, _, err = check("--ini", str(tmp_path / "absent.ini"))
    assert status == 2 and "absent.ini" in err
    monkeypatch.delenv("AVANGATE_SECRET_KEY")
    status, _, err = check()
    assert status == 2 and "secret_key" in err
    with pytest.raises(SystemExit) as exited:
        check("--no-such-option")
    assert exited.value.code == 2


def test_credentials_from_an_ini_file(check: Check, sandbox: Sandbox,
                                      monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("AVANGATE_MERCHANT_CODE")
    monkeypatch.delenv("AVANGATE_SECRET_KEY")
    ini = tmp_path / "account.ini"
    ini.write_text(f"[shop]\nmerchant_code = {sandbox.merchant_code}\n"
                   f"secret_key = {sandbox.secret_key}\nhash_algorithm = sha3-256\n"
                   f"verify_tls = {sandbox.ca_path or True}\n")  # the ini reads no variable
    status, out, _ = check("--ini", str(ini), "--section", "shop", "--json")
    assert status == 0
    assert json.loads(out)["logins"]["jsonrpc"]["used"] == "sha3-256"


# -- the pieces ----------------------------------------------------------------------------------


def test_differences_recurse_through_mappings_and_lists() -> None:
    found = conformance.differences({
        "soap": {"A": 1, "B": {"C": [1, 2]}, "D": "x"},
        "jsonrpc": {"A": 1, "B": {"C": [1, 3, 4]}, "D": "x"},
        "rest": {"A": "1", "B": {"C": [1, 2]}}})
    assert found == [
        {"path": ".A", "values": {"soap": 1, "jsonrpc": 1, "rest": "1"}},
        {"path": ".B.C[1]", "values": {"soap": 2, "jsonrpc": 3, "rest": 2}},
        {"path": ".B.C[2]", "values": {"soap": "<absent>", "jsonrpc": 4, "rest": "<absent>"}},
        {"path": ".D", "values": {"soap": "x", "jsonrpc": "x", "rest": "<absent>"}}]
    assert conformance.differences({"soap": {"A": [1]}, "rest": {"A": [1]}}) == []


def test_unknown_fields_are_found_at_any_depth() -> None:
    from avangate_compat.convert import structure
    from avangate_compat.models import Lead

    lead = structure({"LeadCode": "L1", "Novel": 1,
                      "Items": [{"Code": "P"}, {"Code": "Q", "Gift": True}]}, Lead)
    assert conformance.unknown_fields(lead, "Lead") == ["Lead.Novel", "Lead.Items[1].Gift"]


def test_the_wsdl_parser_refuses_a_dtd_and_reads_document_literal() -> None:
    evil = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<definitions xmlns="http://schemas.xmlsoap.org/wsdl/">&x;</definitions>')
    with pytest.raises(ValueError, match="DTD"):
        conformance.read_wsdl(evil)
    literal = b"""<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"
        xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:x" targetNamespace="urn:x"
        xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/">
      <types><xsd:schema targetNamespace="urn:x">
        <xsd:element name="getLead"><xsd:complexType><xsd:sequence>
          <xsd:element name="sessionID" type="xsd:string"/>
          <xsd:element name="leadCode" type="xsd:string"/>
        </xsd:sequence></xsd:complexType></xsd:element>
        <xsd:complexType name="Lead"><xsd:sequence>
          <xsd:element name="LeadCode" type="xsd:string"/>
          <xsd:element name="Items" type="tns:LeadItem" maxOccurs="unbounded"/>
        </xsd:sequence></xsd:complexType>
      </xsd:schema></types>
      <message name="getLeadIn"><part name="parameters" element="tns:getLead"/></message>
      <portType name="P"><operation name="getLead"><input message="tns:getLeadIn"/>
      </operation></portType>
      <binding name="B" type="tns:P"><soap:binding style="document"/>
        <operation name="getLead"><input><soap:body use="literal"/></input></operation>
      </binding></definitions>"""
    shape = conformance.read_wsdl(literal)
    assert shape.style == "document/literal"
    assert shape.operations == {"getLead": (("sessionID", "string"), ("leadCode", "string"))}
    assert shape.types["Lead"] == (("LeadCode", "string"), ("Items", "LeadItem[]"))
    shipped = conformance.read_wsdl(Path(shipped_file(SHIPPED_WSDL)).read_bytes())
    assert shipped.style == "rpc/encoded"
    assert shipped.operations["getLead"] == (("sessionID", "string"), ("LeadCode", "string"))
    assert shipped.types["ArrayOfLead"] == (("[]", "Lead[]"),)
    differences = conformance.compare_wsdl(shipped, shape)
    assert {"what": "binding", "name": "style",
            "detail": "shipped rpc/encoded, live document/literal"} in differences
    assert {"what": "operation", "name": "getLead",
            "detail": "argument(s) only in the live WSDL: leadCode"} in differences


def test_a_bad_path_is_a_usage_error_before_anything_is_sent(
        check: Check, sandbox: Sandbox, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    not_xml = tmp_path / "not.wsdl"
    not_xml.write_text("<html>a proxy's page</html>")
    garbage = tmp_path / "garbage.wsdl"
    garbage.write_bytes(b"\xff\xfe not XML at all")
    cases = [
        (["--save-wsdl", str(tmp_path / "no-such-dir" / "live.wsdl")],
         "--save-wsdl", "cannot write there (No such file or directory)"),
        (["--save-wsdl", str(tmp_path)], "--save-wsdl", "is a directory; give a file name"),
        (["--record", str(a_file)], "--record", "is not a directory"),
        (["--record", str(a_file / "tapes")], "--record", "cannot write there"),
        (["--wsdl-reference", str(not_xml)], "--wsdl-reference",
         "is not a WSDL document: not a WSDL 1.1 document (root element 'html')"),
        (["--wsdl-reference", str(garbage)], "--wsdl-reference", "is not a WSDL document: "),
    ]
    for argv, option, message in cases:
        status, out, err = check(*argv)
        assert (status, out) == (2, ""), argv
        assert err.startswith(f"avangate-compat check: {option} ") and message in err, err
        assert err.count("\n") == 1 and "Traceback" not in err
    assert requested_operations(sandbox) == set()
    assert not (tmp_path / "no-such-dir").exists()


def test_check_takes_the_settings_flags(check: Check, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AVANGATE_MERCHANT_CODE")
    status, _, err = check()
    assert status == 2 and "set AVANGATE_MERCHANT_CODE or --merchant-code" in err
    status, _, err = check("--merchant-code", "NOT-THE-SANDBOX", "--max-retries", "0", "--json")
    assert status == 1  # logged in with the flag's code: refused by the sandbox


def test_the_subscription_status_values_seen_are_reported(check: Check,
                                                           sandbox: Sandbox) -> None:
    """Subscription.Status has no documented 6.0 values: the run lists the ones it reads."""
    sandbox.service.clock.offset = 0.0
    record: Any = sandbox.service.store.get("subscription", "SUBSCR0002")
    sandbox.service.store.put("subscription", "SUBSCR0002",
                              {**record, "SubscriptionEnabled": False})
    status, out, err = check("--json")
    assert status == 0, out + err
    observed = json.loads(out)["observed"]["Subscription.Status"]
    assert "DISABLED" in observed["values"] and observed["subscriptions_read"] == 3
    status, out, _ = check()
    assert re.search(r"Subscription\.Status: .*DISABLED.* \(in 3 subscription\(s\) read", out)
