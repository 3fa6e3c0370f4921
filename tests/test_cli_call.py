"""``avangate-compat call``: every operation from the shell, against the sandbox.

In process through ``cli.main([...])``, and once as a subprocess of the installed console script.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

from avangate_compat import Client, cli, cli_call
from avangate_compat.convert import unstructure
from avangate_compat.sandbox import Sandbox
from avangate_compat.spec import load

from .conftest import over_both_schemes

sandbox = over_both_schemes  # every command runs over http and over https

LEAD = "60E6C4B574"
Run = Callable[..., "tuple[int, str, str]"]


@pytest.fixture
def env(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Credentials as an operator sets them; the test tools' own AVANGATE_* are ignored."""
    for key in list(os.environ):
        if key.startswith("AVANGATE_"):
            monkeypatch.delenv(key)
    values = {"AVANGATE_MERCHANT_CODE": sandbox.credentials["merchant_code"],
              "AVANGATE_SECRET_KEY": sandbox.credentials["secret_key"],
              "AVANGATE_BASE_URL": sandbox.url,
              "AVANGATE_REQUIRE_PHP": "1", "AVANGATE_RECORD_MODE": "none"}
    if sandbox.ca_path:  # over https: trust the sandbox's CA, as an operator would theirs
        values["AVANGATE_VERIFY_TLS"] = sandbox.ca_path
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def run(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Run:
    def call(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            status = cli.main(["call", *argv])
        except SystemExit as exc:  # argparse's own usage errors
            status = int(exc.code or 0)
        captured = capsys.readouterr()
        return status, captured.out, captured.err
    return call


def _json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def _requests(sandbox: Sandbox) -> int:
    return sum(sandbox.service.stats.snapshot()["requests"].values())


@pytest.mark.parametrize("backend", ["soap", "jsonrpc", "rest"])
def test_get_lead_prints_the_model_as_json(run: Run, sandbox: Sandbox, backend: str) -> None:
    status, out, err = run("--backend", backend, "getLead", LEAD)
    assert (status, err) == (0, "")
    with Client(backend=backend, **sandbox.client_settings) as client:
        expected = unstructure(client.getLead(LEAD))
    assert _json(out) == expected
    assert _json(out)["Items"][0]["Price"]["Amount"] == Decimal("20")


def test_argument_forms_are_equivalent(run: Run) -> None:
    bare = run("getLead", LEAD)
    assert bare[0] == 0
    assert run("getLead", f'"{LEAD}"') == bare
    assert run("getLead", f"LeadCode={LEAD}") == bare
    by_pairs = run("searchLeads", "Country=RO", "Limit=2", "Page=1")
    by_json = run("searchLeads", '{"Country": "RO", "Limit": 2, "Page": 1}')
    by_name = run("searchLeads", 'SearchOptions={"Country": "RO", "Limit": 2}', "Page=1")
    assert by_pairs[0] == 0 and by_pairs == by_json == by_name
    page = _json(by_pairs[1])
    assert len(page["Items"]) == 2
    assert {lead["BillingDetails"]["CountryCode"] for lead in page["Items"]} == {"RO"}


def test_a_string_parameter_takes_a_number_word_as_typed(run: Run) -> None:
    status, out, err = run("getLead", "12345")
    assert (status, out) == (1, "")  # sent as the code "12345", not refused as a number
    assert err == "avangate-compat call: NotFoundError LEAD_NOT_FOUND: " \
                  "Lead '12345' does not exist\n"


def test_writes_booleans_and_nested_pairs(run: Run, sandbox: Sandbox) -> None:
    assert run("setProductStatus", "YourProductCode", "false")[:2] == (0, "true\n")
    with Client(**sandbox.client_settings) as client:
        assert client.getProductByCode("YourProductCode").Enabled is False
    status, out, err = run(
        "--backend", "rest", "addLead", "Currency=EUR", "Language=EN",
        'Items=[{"Code": "04C26C50F8", "Quantity": 1, '
        '"Price": {"Amount": 19.90, "Type": "CUSTOM"}}]',
        "BillingDetails.Email=zoe@example.com", "BillingDetails.FirstName=Zoë",
        "BillingDetails.CountryCode=RO")
    assert (status, err) == (0, ""), err
    code = _json(out)["LeadCode"]
    status, out, _ = run("getLead", code)
    lead = _json(out)
    assert lead["BillingDetails"]["FirstName"] == "Zoë"
    assert str(lead["Items"][0]["Price"]["Amount"]) in ("19.90", "19.9")


def test_error_is_one_line_with_class_and_code(run: Run) -> None:
    status, out, err = run("getLead", "NOPE")
    assert (status, out) == (1, "")
    assert err == "avangate-compat call: NotFoundError LEAD_NOT_FOUND: " \
                  "Lead 'NOPE' does not exist\n"


@pytest.mark.parametrize(("argv", "expected"), [
    (["setProductStatus", "YourProductCode", "yes"], "ValidationError: setProductStatus: "),
    (["getLeed", LEAD], "usage: the API has no 'getLeed'; did you mean 'getLead'?"),
    (["searchLeads", "Contry=RO"], "has no 'Contry'; did you mean 'Country'?"),
    (["getLead", LEAD, "extra"], "is one too many"),
    (["getLead"], "usage: getLead needs LeadCode"),
    (["getLead", LEAD, f"LeadCode={LEAD}"], "LeadCode is given twice"),
    (["setProductStatus", "Status.X=1"], "Status is a boolean, it has no fields"),
    (["login", "x"], "usage: the API has no 'login'"),
    ([], "usage: an OPERATION is required"),
])
def test_usage_and_validation_errors_exit_2_before_any_request(
        run: Run, sandbox: Sandbox, argv: list[str], expected: str) -> None:
    status, out, err = run(*argv)
    assert (status, out) == (2, "")
    assert expected in err
    assert err.count("\n") == 1 and err.startswith("avangate-compat call: ")
    assert _requests(sandbox) == 0


def test_argparse_errors_exit_2(run: Run) -> None:
    assert run("--backend", "xml", "getLead", LEAD)[0] == 2


def test_missing_credentials_exit_2(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AVANGATE_SECRET_KEY")
    status, out, err = run("getLead", LEAD)
    assert (status, out) == (2, "")
    assert err == "avangate-compat call: ConfigurationError: missing required setting(s): " \
                  "secret_key\n"


def test_secrets_are_never_printed(run: Run, env: dict[str, str], sandbox: Sandbox,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    outputs = [run("-v", "getLead", LEAD), run("--raw", "-v", "getLead", LEAD)]
    monkeypatch.setenv("AVANGATE_SECRET_KEY", "wrong-" + env["AVANGATE_SECRET_KEY"])
    status, out, err = run("getLead", LEAD)
    assert (status, out) == (1, "")
    assert err.startswith("avangate-compat call: AuthenticationError ")
    outputs.append((status, out, err))
    monkeypatch.setenv("AVANGATE_MAX_RETRIES", "1")
    monkeypatch.setenv("AVANGATE_RETRY_BACKOFF", "0")
    status, out, err = run("-v", "--base-url", "http://127.0.0.1:1", "getLead", LEAD)
    assert status == 1
    assert err.splitlines()[-1].startswith("avangate-compat call: TransportError connect: ")
    outputs.append((status, out, err))
    for secret in (sandbox.credentials["secret_key"], "wrong-"):
        assert not any(secret in out + err for _, out, err in outputs)


def test_without_verbose_stderr_holds_only_the_error_line(
        run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVANGATE_RETRY_BACKOFF", "0")
    status, _, err = run("--base-url", "http://127.0.0.1:1", "getLead", LEAD)
    assert status == 1
    assert err.count("\n") == 1 and "TransportError connect" in err


def test_raw_prints_the_undecoded_answer(run: Run) -> None:
    status, out, _ = run("--raw", "--backend", "jsonrpc", "getLead", LEAD)
    assert status == 0
    assert _json(out)["LeadCode"] == LEAD
    status, out, _ = run("--raw", "--backend", "rest", "GET", f"/leads/{LEAD}/")
    assert status == 0
    assert _json(out)["LeadCode"] == LEAD
    status, _, err = run("--raw", "--backend", "rest", "GET")
    assert status == 2 and "METHOD /path/" in err


def test_ini_file_and_section(run: Run, sandbox: Sandbox, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AVANGATE_SECRET_KEY")
    ini = tmp_path / "avangate.ini"
    ini.write_text(f"[shop]\nbackend = soap\nbase_url = {sandbox.url}\n"
                   f"merchant_code = {sandbox.credentials['merchant_code']}\n"
                   f"secret_key = {sandbox.credentials['secret_key']}\n"
                   f"verify_tls = {sandbox.ca_path or True}\n", encoding="utf-8")
    status, out, _ = run("--ini", str(ini), "--section", "shop", "getProductByCode",
                         "NewProdCodeAPI12345")
    assert status == 0 and _json(out)["ProductCode"] == "NewProdCodeAPI12345"
    status, _, err = run("--ini", str(ini), "getLead", LEAD)
    assert status == 2 and "no [avangate] section" in err


def test_list_names_every_operation_with_its_parameters(run: Run) -> None:
    status, out, _ = run("--list")
    assert status == 0
    spec = load()
    listed = {line.split("(", 1)[0] for line in out.splitlines() if "(" in line}
    assert listed >= {name for name, op in spec.operations.items() if op.session}
    assert "login" not in listed
    assert "getLead(LeadCode: string) -> Lead" in out.splitlines()
    optional = [(name, p.name) for name, op in spec.operations.items() for p in op.params
                if p.optional and op.session]
    for name, param in optional:
        line = next(line for line in out.splitlines() if line.startswith(name + "("))
        assert f"[{param}: " in line
    status, out, _ = run("--list", "searchLeads")
    assert status == 0 and "SearchOptions fields: LeadCode: codes" in out


def test_decimals_are_written_with_their_exact_digits() -> None:
    value = {"a": Decimal("19.90"), "b": [Decimal("1E-7"), Decimal("-0.000")],
             "c": Decimal("12345678901234567.123456789012345678901234567")}
    text = cli_call.dumps(value)
    assert '"a": 19.90' in text and "12345678901234567.123456789012345678901234567" in text
    assert json.loads(text, parse_float=Decimal) == value
    assert [str(x) for x in json.loads(text, parse_float=Decimal)["b"]] == ["1E-7", "-0.000"]


@pytest.mark.parametrize(("word", "stringly", "expected"), [
    ("true", False, True), ("3", False, 3), ("1.10", False, Decimal("1.10")),
    ('"x=y"', False, "x=y"), ("RO", False, "RO"), ("12345", True, "12345"),
    ("true", True, "true"), ('"quoted"', True, "quoted"), ('["A", "B"]', True, ["A", "B"]),
])
def test_value_rule(word: str, stringly: bool, expected: Any) -> None:
    assert cli_call.parse_value(word, stringly) == expected


def test_installed_console_script(sandbox: Sandbox, env: dict[str, str]) -> None:
    script = Path(sys.executable).with_name("avangate-compat")
    assert script.exists(), f"{script}: install the package (pip install -e .) first"
    result = subprocess.run([str(script), "call", "--backend", "soap", "getLead", LEAD],
                            capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert (result.returncode, result.stderr) == (0, "")
    assert _json(result.stdout)["LeadCode"] == LEAD
    result = subprocess.run([str(script), "call", "getLead", "NOPE"],
                            capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert result.returncode == 1
    assert result.stderr == "avangate-compat call: NotFoundError LEAD_NOT_FOUND: " \
                            "Lead 'NOPE' does not exist\n"
