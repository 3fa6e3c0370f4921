"""``avangate-compat call``: every operation from the shell, against the sandbox.

In process through ``cli.main([...])``, and once as a subprocess of the installed console script.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avangate_compat import Client, ValidationError, cli, cli_args, cli_call
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
                  "secret_key; set AVANGATE_SECRET_KEY, or read them from an INI file with " \
                  "--ini FILE\n"
    monkeypatch.delenv("AVANGATE_MERCHANT_CODE")
    status, out, err = run("getLead", LEAD)
    assert (status, out) == (2, "")
    assert "merchant_code, secret_key; set AVANGATE_MERCHANT_CODE or --merchant-code, " \
           "AVANGATE_SECRET_KEY, or read them" in err
    assert run("--merchant-code", "M", "getLead", LEAD)[2] == \
        "avangate-compat call: ConfigurationError: missing required setting(s): " \
        "secret_key; set AVANGATE_SECRET_KEY, or read them from an INI file with --ini FILE\n"


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
    assert cli_args.parse_value(word, stringly) == expected


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


# -- JSON arguments -------------------------------------------------------------------------------

@pytest.mark.parametrize(("argv", "expected"), [
    (["searchLeads", '{"Country": "RO",}'],  # the message's wording depends on the Python
     "SearchOptions '{\"Country\": \"RO\",}' is not valid JSON: "),
    (["updateProduct", '{"ProductCode": "X"'],
     "is not valid JSON: Expecting ',' delimiter (line 1, column 20)"),
    (["searchLeads", 'Country=["RO"'], "Country '[\"RO\"' is not valid JSON"),
    (["searchLeads", '{"Country": "RO"'],  # as docs/usage.md shows it
     "SearchOptions '{\"Country\": \"RO\"' is not valid JSON: Expecting ',' delimiter "
     "(line 1, column 17)\n"),
    (["getLead", '"60E6C4B574'], "LeadCode '\"60E6C4B574' is not valid JSON: Unterminated "
                                 "string starting at (line 1, column 1)"),
    (["addLead", '{\n  "Currency": "EUR",\n  "Items": [}\n}'], "(line 3, column 13)"),
    (["--raw", "--backend", "rest", "POST", "/leads/", "{oops}"],
     "the body '{oops}' is not valid JSON"),
])
def test_an_argument_that_looks_like_json_must_be_json(
        run: Run, sandbox: Sandbox, argv: list[str], expected: str) -> None:
    status, out, err = run(*argv)
    assert (status, out) == (2, "")
    assert err.startswith("avangate-compat call: usage: ") and expected in err, err
    assert err.count("\n") == 1
    assert _requests(sandbox) == 0


def test_plain_words_stay_plain_strings(run: Run) -> None:
    status, out, _ = run("searchLeads", "Country=RO", "Limit=1")
    assert status == 0 and _json(out)["Items"][0]["BillingDetails"]["CountryCode"] == "RO"
    assert cli_args.parse_value("Zoë's {plan}") == "Zoë's {plan}"
    assert cli_args.parse_value("RO,", stringly=False) == "RO,"


DEEP = "[" * 100_000
TOO_DEEP = "[" * 33 + "]" * 33


@pytest.mark.parametrize("argv", [
    ["searchLeads", DEEP],
    ["searchLeads", f"Country={DEEP}"],
    ["searchLeads", TOO_DEEP],
    ["addLead", f"BillingDetails.Email={DEEP}"],
    ["--raw", "getLead", DEEP],
    ["--raw", "--backend", "rest", "POST", "/leads/", DEEP],
    ["--raw", "--backend", "rest", "POST", "/leads/", TOO_DEEP],
])
def test_deeply_nested_json_is_a_usage_error(run: Run, sandbox: Sandbox,
                                             argv: list[str]) -> None:
    status, out, err = run(*argv)
    assert (status, out) == (2, "")
    assert "is nested deeper than 32 levels" in err and err.count("\n") == 1
    assert _requests(sandbox) == 0
    nested = cli_args.parse_value("[" * 32 + "]" * 32)
    for _ in range(31):
        nested = nested[0]
    assert nested == []


# -- the facade's helpers and the settings ---------------------------------------------------------

def test_the_partial_update_hint_can_be_followed_from_the_command_line(
        run: Run, sandbox: Sandbox) -> None:
    status, _, err = run("updateProduct", '{"ProductCode": "NewProdCodeAPI12345", '
                                          '"ProductName": "Renamed"}')
    assert status == 2 and "update_product_fields(ProductCode, Field=value, ...)" in err
    status, out, err = run("update_product_fields", "NewProdCodeAPI12345", "ProductName=Renamed",
                           "ShortDescription=Now {with} braces")
    assert (status, out, err) == (0, "true\n", "")
    with Client(**sandbox.client_settings) as client:
        product = client.getProductByCode("NewProdCodeAPI12345")
    assert (product.ProductName, product.ShortDescription) == ("Renamed", "Now {with} braces")
    assert product.PricingConfigurations  # the rest of the product kept
    status, _, err = run("update_product_fields", "NewProdCodeAPI12345", "ProductNme=X")
    assert status == 2 and "has no 'ProductNme'; did you mean 'ProductName'?" in err
    for nothing_to_change in (['"text"'], [], ["{}"]):
        status, _, err = run("update_product_fields", "NewProdCodeAPI12345", *nothing_to_change)
        assert status == 2 and "name the fields to change, as Product Field=value pairs" in err
    status, out, _ = run("--list")
    assert "update_product_fields(ProductCode: string, Product field=value...) -> boolean" \
        in out.splitlines()
    status, out, _ = run("--list", "update_product_fields")
    assert status == 0 and "  changes fields: AvangateId: " in out


def test_every_setting_but_the_secret_has_a_flag(run: Run) -> None:
    from avangate_compat.config import settings_table

    status, out, _ = run("--help")
    assert status == 0
    for setting in settings_table():
        flag = "--" + setting.name.replace("_", "-")
        shown = re.search(rf"(?<![\w-]){flag}(?![\w-])", out) is not None
        assert shown is not setting.secret, setting.name
    assert "--allow-insecure-http, --no-allow-insecure-http" in out


def test_a_new_setting_gets_its_flag_without_an_edit(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from avangate_compat import cli_settings
    from avangate_compat.config import Setting, settings_table

    added = (*settings_table(), Setting("min_tls_version", "str", "TLSv1.2", False),
             Setting("client_key_password", "str", None, True))
    monkeypatch.setattr(cli_settings, "settings_table", lambda: added)
    with pytest.raises(SystemExit):
        cli.main(["call", "--help"])
    out = capsys.readouterr().out
    assert "--min-tls-version VALUE" in out and "AVANGATE_MIN_TLS_VERSION" in out
    assert "--client-key-password" not in out


def test_settings_flags_override_the_environment(run: Run, http_sandbox: Sandbox,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    plain_http = http_sandbox.url.replace("127.0.0.1", "127.1")  # 127.0.0.1, not by its name
    status, _, err = run("--base-url", plain_http, "getLead", LEAD)
    assert status == 2 and "allow_insecure_http" in err
    status, out, err = run("--allow-insecure-http", "--base-url", plain_http, "getLead", LEAD)
    assert (status, err) == (0, ""), err
    assert _json(out)["LeadCode"] == LEAD
    monkeypatch.setenv("AVANGATE_ALLOW_INSECURE_HTTP", "true")
    assert run("--no-allow-insecure-http", "--base-url", plain_http, "getLead", LEAD)[0] == 2
    status, _, err = run("--max-retries", "many", "getLead", LEAD)
    assert status == 2 and err.startswith("avangate-compat call: ConfigurationError: max_retries")
    assert run("--backend", "soap", "--hash-algorithm", "sha3-256", "getLead", LEAD)[0] == 0


def test_verbose_is_the_wire_log_switch(run: Run, sandbox: Sandbox) -> None:
    status, _, err = run("-v", "--backend", "rest", "getLead", LEAD)
    assert status == 0
    assert f"getLead -> GET {sandbox.url}/rest/6.0/leads/{LEAD}/" in err
    assert "getLead <- HTTP 200" in err
    assert sandbox.credentials["secret_key"] not in err


# -- property: the argument parser ends in a call or a usage error --------------------------------

_NAMES = cli_args.operation_names(load())
_WORD = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["{", "[", '"', "{}", "[1,]", '{"a": 1,}', "[" * 3000, "{" * 40, "true",
                     "1e999999999", "NaN", "-", "=", "a=", "=b", "a.b=c", ".x=1", "\ud800"]),
    st.builds(lambda k, v: f"{k}={v}", st.sampled_from(
        ["Country", "LeadCode", "Limit", "Page", "SearchOptions", "Items", "ProductName",
         "BillingDetails.Email", "BillingDetails.X", "Lead.Items", "Status", "x.y.z"]),
        st.text(max_size=12) | st.sampled_from(["[1", "{}", '"', "[" * 100, "3"])),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.sampled_from(_NAMES) | st.text(max_size=10), st.lists(_WORD, max_size=4))
def test_any_command_line_becomes_a_call_or_a_usage_error(operation: str,
                                                          words: list[str]) -> None:
    for build in (lambda: cli_args.plan(operation, words),
                  lambda: cli_args.raw_params("rest", operation, words),
                  lambda: cli_args.raw_params("soap", operation, words)):
        with contextlib.suppress(ValidationError):
            build()


def test_the_verify_tls_flag_names_the_ca_an_operator_trusts(
        run: Run, https_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Against the TLS sandbox: without its CA the call is a TLS error that names the host;
    ``--verify-tls CA.pem`` (over the environment) makes it pass."""
    assert https_sandbox.ca_path
    monkeypatch.setenv("AVANGATE_BASE_URL", https_sandbox.url)
    monkeypatch.delenv("AVANGATE_VERIFY_TLS", raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    status, _, err = run("getLead", LEAD)
    assert status == 1 and "TransportError tls" in err and "127.0.0.1" in err, err
    status, out, err = run("--verify-tls", https_sandbox.ca_path, "getLead", LEAD)
    assert (status, err) == (0, ""), err
    assert _json(out)["LeadCode"] == LEAD
