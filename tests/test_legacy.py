"""Legacy drop-in: suds-era and PHP-shaped Python code runs with one changed line, under
Python 3 against the sandbox, printing what the original printed (the suds script is also run
under Python 2.7 with the real suds where this machine has an interpreter)."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from avangate_compat import APIError, AvangateError, Client, TransportError, ValidationError
from avangate_compat.legacy import Client as LegacyClient
from avangate_compat.legacy import LegacyObject, WebFault, asdict, callRPC
from avangate_compat.sandbox import Sandbox

from .conftest import over_both_schemes

LEGACY = Path(__file__).parent / "legacy"
SUDS_IMPORT = "from suds.client import Client, WebFault"
OUR_SUDS_IMPORT = "from avangate_compat.legacy import Client, WebFault"
RPC_IMPORT = "from rpc_helper import callRPC"
OUR_RPC_IMPORT = "from avangate_compat.legacy import callRPC"

# Every script and legacy object runs over http and over https: an https WSDL URL for the
# suds-style Client, an https host for callRPC.
sandbox = over_both_schemes


def _migrated(script: str, old: str, new: str, folder: Path) -> Path:
    """The script with its import line replaced, and nothing else (checked)."""
    text = (LEGACY / script).read_text(encoding="utf-8")
    assert text.count(old) == 1
    changed = text.replace(old, new)
    diff = [line for line in difflib.unified_diff(text.splitlines(), changed.splitlines(),
                                                  lineterm="", n=0)
            if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert diff == [f"-{old}", f"+{new}"], "more than the import line changed"
    target = folder / script
    target.write_text(changed, encoding="utf-8")
    shutil.copy(LEGACY / "rpc_helper.py", folder / "rpc_helper.py")
    return target


def _run(python: str, script: Path, sandbox: Sandbox, **env: str) -> list[str]:
    # over https, the scripts trust the sandbox's CA the standard way: SSL_CERT_FILE
    trust = {"SSL_CERT_FILE": sandbox.ca_path} if sandbox.ca_path else {}
    environment = {**os.environ, "SANDBOX_URL": sandbox.url,
                   "MERCHANT_CODE": sandbox.merchant_code, "SECRET_KEY": sandbox.secret_key,
                   **trust, **env}
    done = subprocess.run([python, str(script)], cwd=script.parent, env=environment,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def find_python27() -> Optional[str]:
    """A Python 2.7 that runs (pyenv's or the PATH's), or ``None``."""
    candidates = [shutil.which("python2.7"),
                  str(Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
                      / "versions" / "2.7.18" / "bin" / "python2.7")]
    return next((c for c in candidates if c and Path(c).exists()
                 and subprocess.run([c, "--version"], capture_output=True,
                                    check=False).returncode == 0), None)


@pytest.fixture(scope="session")
def python27_with_suds(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """Python 2.7 and the real suds (suds-jurko 0.6) installed for it, or a skip that says
    why. pyenv ships 2.7.18 on these machines; suds comes from PyPI."""
    python = find_python27()
    if python is None:
        pytest.skip("no Python 2.7 interpreter on this machine")
    target = tmp_path_factory.mktemp("suds27")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--target", str(target), "suds-jurko==0.6"],
        capture_output=True, text=True, timeout=600, check=False)
    if install.returncode != 0:
        pytest.skip(f"cannot install suds for Python 2.7: {install.stderr[-500:]}")
    return python, str(target)


def test_a_suds_script_runs_with_one_changed_line(sandbox: Sandbox, tmp_path: Path) -> None:
    script = _migrated("suds_script.py", SUDS_IMPORT, OUR_SUDS_IMPORT, tmp_path)
    lines = _run(sys.executable, script, sandbox)
    assert lines[0] == "lead 60E6C4B574 EUR customer@2checkout.com"
    assert lines[1] == "item 04C26C50F8 2 20.0 04C26C50F8"
    assert "update True" in lines and "read back Renamed by a suds script" in lines
    assert lines[-1] == "fault LEAD_NOT_FOUND Lead 'NOSUCHLEAD' does not exist"


def test_the_same_suds_script_prints_the_same_under_python_27_and_real_suds(
        sandbox: Sandbox, tmp_path: Path, python27_with_suds: tuple[str, str]) -> None:
    python27, suds = python27_with_suds
    original = tmp_path / "original"
    original.mkdir()
    shutil.copy(LEGACY / "suds_script.py", original / "suds_script.py")
    # Python 2.7 checks host names only, not IP addresses: over https both scripts use the
    # certificate's name, localhost.
    url = sandbox.url.replace("127.0.0.1", "localhost")
    with_suds = _run(python27, original / "suds_script.py", sandbox, PYTHONPATH=suds,
                     SANDBOX_URL=url)
    sandbox.service.reset()
    migrated = tmp_path / "migrated"
    migrated.mkdir()
    ours = _run(sys.executable, _migrated("suds_script.py", SUDS_IMPORT, OUR_SUDS_IMPORT,
                                          migrated), sandbox, SANDBOX_URL=url)
    assert ours == with_suds


def test_a_php_shaped_callrpc_script_runs_with_one_changed_line(sandbox: Sandbox,
                                                                tmp_path: Path) -> None:
    original = tmp_path / "original"
    original.mkdir()
    shutil.copy(LEGACY / "rpc_script.py", original / "rpc_script.py")
    shutil.copy(LEGACY / "rpc_helper.py", original / "rpc_helper.py")
    reference = _run(sys.executable, original / "rpc_script.py", sandbox)
    sandbox.service.reset()
    migrated = tmp_path / "migrated"
    migrated.mkdir()
    ours = _run(sys.executable, _migrated("rpc_script.py", RPC_IMPORT, OUR_RPC_IMPORT,
                                          migrated), sandbox)
    assert ours == reference
    assert reference[0] == "lead 60E6C4B574 2 20"  # string numbers, as the server sent them


@pytest.mark.parametrize(("key", "expected"), [
    (True, ["round 0 60E6C4B574", "round 1 60E6C4B574", "round 2 60E6C4B574"]),
    (False, ["round 0 60E6C4B574", "round 1 fault SESSION_EXPIRED",
             "round 2 fault INVALID_SESSION"]),  # the server forgets an expired session
])
def test_a_legacy_session_outlives_the_server_session_given_the_key(
        sandbox: Sandbox, tmp_path: Path, key: bool, expected: list[str]) -> None:
    sandbox.control("POST", "settings", {"session_ttl": 1})
    env = {"AVANGATE_SECRET_KEY": sandbox.secret_key if key else ""}
    script = _migrated("suds_long_running.py", SUDS_IMPORT, OUR_SUDS_IMPORT, tmp_path)
    assert _run(sys.executable, script, sandbox, **env) == expected
    logins = sandbox.service.stats.snapshot()["logins"]
    assert logins == (3 if key else 1)  # one behind each refused call, none without the key


def test_callrpc_keeps_a_session_across_an_advanced_clock(
        sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    from avangate_compat.auth import login_params
    if sandbox.ca_path:  # callRPC takes no settings: it trusts what SSL_CERT_FILE names
        monkeypatch.setenv("SSL_CERT_FILE", sandbox.ca_path)
    host = f"{sandbox.url}/rpc/6.0/"
    params = login_params(sandbox.merchant_code, sandbox.secret_key, "sha256")
    session = callRPC({"jsonrpc": "2.0", "method": "login", "params": params, "id": 1}, host,
                      secret_key=sandbox.secret_key)
    sandbox.control("POST", "clock/advance", {"seconds": 3600})
    lead = callRPC({"jsonrpc": "2.0", "method": "getLead", "params": [session, "60E6C4B574"],
                    "id": 2}, host, secret_key=sandbox.secret_key)
    assert lead["LeadCode"] == lead.LeadCode == "60E6C4B574"
    session = callRPC({"jsonrpc": "2.0", "method": "login", "params": login_params(
        sandbox.merchant_code, sandbox.secret_key, "sha256"), "id": 1}, host)
    sandbox.control("POST", "clock/advance", {"seconds": 3600})
    with pytest.raises(APIError) as caught:  # no key: the expiry reaches the caller
        callRPC({"jsonrpc": "2.0", "method": "getLead", "params": [session, "60E6C4B574"],
                 "id": 2}, host)
    assert caught.value.code == "SESSION_EXPIRED"


def test_legacy_objects_behave_like_suds_objects(sandbox: Sandbox) -> None:
    trust: dict[str, Any] = {"verify_tls": sandbox.ca_path} if sandbox.ca_path else {}
    client = LegacyClient(f"{sandbox.url}/soap/6.0/?wsdl", **trust)
    from avangate_compat.auth import login_params
    session = client.service.login(*login_params(sandbox.merchant_code, sandbox.secret_key,
                                                 "md5"))  # the pre-6.0 three-argument login
    lead = client.service.getLead(session, "60E6C4B574")
    assert isinstance(lead, LegacyObject) and lead["Items"][0]["Code"] == "04C26C50F8"
    assert lead.Items[0].Quantity == 2 and isinstance(lead.Items[0].Price.Amount, float)
    assert list(asdict(lead))[:3] == ["LeadCode", "GeneratedFrom", "CartId"]
    assert ("LeadCode", "60E6C4B574") in list(lead) and "Items" in lead
    exact = LegacyClient(f"{sandbox.url}/soap/6.0/?wsdl", money="decimal", **trust)
    assert str(exact.service.getLead(session, "60E6C4B574").Items[0].Price.Amount) == "20"
    with pytest.raises(WebFault) as caught:
        client.service.getLead(session, "NOSUCHLEAD")
    assert isinstance(caught.value, AvangateError) and isinstance(caught.value, APIError)
    assert (caught.value.fault.faultcode, caught.value.code) == ("LEAD_NOT_FOUND",) * 2
    with pytest.raises(TransportError, match="no such operation"):
        client.service.noSuchOperation(session)


# -- the facade meets legacy halfway -------------------------------------------------------------


@pytest.mark.parametrize("backend", ["soap", "jsonrpc"])
def test_explicit_login_session_id_and_raw_calls(make_client: Callable[..., Client],
                                                 backend: str) -> None:
    client = make_client(backend)
    assert client.session_id is None
    session = client.login()
    assert session == client.session_id and client.login_count == 1
    raw: Any = client.call_raw("getLead", "60E6C4B574")
    assert raw["LeadCode"] == "60E6C4B574" and client.login_count == 1
    with pytest.raises(ValidationError):
        client.call("login", "a", "b", "c")
    with pytest.raises(ValidationError):
        client.call("deleteEverything")


def test_raw_rest_calls_and_no_login(make_client: Callable[..., Client]) -> None:
    client = make_client("rest")
    product: Any = client.call_raw("GET", "/products/04C26C50F8/")
    assert product["ProductCode"] == "04C26C50F8"
    with pytest.raises(ValidationError, match="REST has no session"):
        client.login()
    with pytest.raises(ValidationError):
        client.call_raw("GET", "no-leading-slash")


@pytest.mark.parametrize("backend", ["soap", "jsonrpc", "rest"])
def test_python2_byte_strings_are_accepted_as_utf8(make_client: Callable[..., Client],
                                                   backend: str) -> None:
    client = make_client(backend)
    assert client.getLead(b"60E6C4B574").LeadCode == "60E6C4B574"  # type: ignore[arg-type]
    lead = client.getLead("60E6C4B574")
    changed: Any = {**client.call_raw("getLead", "60E6C4B574")} if backend != "rest" else None
    assert (lead.LeadCode and changed is None) or changed["LeadCode"] == "60E6C4B574"
    product = client.getProductByCode("NewProdCodeAPI12345")
    product.ProductName = "Zoë".encode()  # type: ignore[assignment]
    assert client.updateProduct(product) is True
    assert client.getProductByCode("NewProdCodeAPI12345").ProductName == "Zoë"
    with pytest.raises(ValidationError, match="UTF-8"):
        client.getLead(b"\xff\xfe")  # type: ignore[arg-type]


def test_the_migration_guide_counts_what_the_scripts_change() -> None:
    """The guide's 'lines changed' column is measured: each legacy script differs from its
    migrated form in exactly the import line the tests replace."""
    guide = (Path(__file__).parents[1] / "docs" / "migration.md").read_text(encoding="utf-8")
    replacements = {"suds_script.py": (SUDS_IMPORT, OUR_SUDS_IMPORT),
                    "suds_long_running.py": (SUDS_IMPORT, OUR_SUDS_IMPORT),
                    "rpc_script.py": (RPC_IMPORT, OUR_RPC_IMPORT)}
    for script, (old, new) in replacements.items():
        row = next(line for line in guide.splitlines() if f"tests/legacy/{script}" in line)
        stated = int(row.rstrip(" |").rsplit("|", 1)[1])
        text = (LEGACY / script).read_text(encoding="utf-8")
        changed = sum(1 for a, b in zip(text.splitlines(), text.replace(old, new).splitlines())
                      if a != b)
        assert changed == stated == 1, script


def test_facade_models_read_like_dicts_for_legacy_code(make_client: Callable[..., Client]) -> None:
    lead = make_client("jsonrpc").getLead("60E6C4B574")
    assert lead["Items"][0]["Code"] == "04C26C50F8" and lead["Items"][0]["Quantity"] == 2
    assert lead["BillingDetails"]["Email"] == lead.BillingDetails.Email  # type: ignore[union-attr]
    with pytest.raises(KeyError):
        lead["NoSuchField"]
    with pytest.raises(TypeError):
        lead["Items"] = []  # type: ignore[index]  # read-only: attributes are for writes


@pytest.mark.usefixtures("instant_orders")
def test_a_php_shaped_order_flow_runs_with_callrpc(sandbox: Sandbox, tmp_path: Path) -> None:
    """placeOrder -> getOrder -> issueRefund ("" items: a total refund) ->
    getCustomerInformation, with the script's own helper and with callRPC."""
    original = tmp_path / "original"
    original.mkdir()
    shutil.copy(LEGACY / "rpc_orders_script.py", original / "rpc_orders_script.py")
    shutil.copy(LEGACY / "rpc_helper.py", original / "rpc_helper.py")
    reference = _run(sys.executable, original / "rpc_orders_script.py", sandbox)
    sandbox.service.reset()
    migrated = tmp_path / "migrated"
    migrated.mkdir()
    ours = _run(sys.executable, _migrated("rpc_orders_script.py", RPC_IMPORT, OUR_RPC_IMPORT,
                                          migrated), sandbox)
    assert ours == reference
    assert reference == ["placed PENDING 64.00 USD",
                         "read True COMPLETE WHMCS-1001 ada@example.com",
                         "refund True", "after REFUND",
                         "customer WHMCS-CLIENT-42 ada@example.com True"]


@pytest.mark.usefixtures("instant_orders")
def test_a_suds_order_flow_runs_with_one_changed_line(sandbox: Sandbox, tmp_path: Path) -> None:
    script = _migrated("suds_orders_script.py", SUDS_IMPORT, OUR_SUDS_IMPORT, tmp_path)
    assert _run(sys.executable, script, sandbox) == [
        "placed PENDING 71.4 20.0", "read True COMPLETE True", "refund True",
        "after REFUND", "customer ada@example.com False True",
        "fault REFUND_NOT_ALLOWED You have already placed a Total refund for this order."]


def test_a_php_shaped_subscription_flow_runs_with_callrpc(sandbox: Sandbox,
                                                          tmp_path: Path) -> None:
    """A plugin cancels a customer's subscription and later re-enables it:
    getCustomerSubscriptions -> cancelSubscription -> enableSubscription -> getSubscription,
    with the script's own helper and with callRPC."""
    original = tmp_path / "original"
    original.mkdir()
    shutil.copy(LEGACY / "rpc_subscriptions_script.py", original / "rpc_subscriptions_script.py")
    shutil.copy(LEGACY / "rpc_helper.py", original / "rpc_helper.py")
    reference = _run(sys.executable, original / "rpc_subscriptions_script.py", sandbox)
    sandbox.service.reset()
    migrated = tmp_path / "migrated"
    migrated.mkdir()
    ours = _run(sys.executable, _migrated("rpc_subscriptions_script.py", RPC_IMPORT,
                                          OUR_RPC_IMPORT, migrated), sandbox)
    assert ours == reference
    assert reference == ["subscriptions 3 SUBSCR0001", "cancel True False DISABLED",
                         "enable True True True customer@2checkout.com"]


def test_a_suds_subscription_flow_runs_with_one_changed_line(sandbox: Sandbox,
                                                             tmp_path: Path) -> None:
    script = _migrated("suds_subscriptions_script.py", SUDS_IMPORT, OUR_SUDS_IMPORT, tmp_path)
    assert _run(sys.executable, script, sandbox) == [
        "subscriptions 3 SUBSCR0001 True", "cancel True", "after False DISABLED False",
        "enable True", "again True NewProdCodeAPI12345", "fault CUSTOMER_NOT_FOUND"]
    stored: Any = sandbox.service.store.get("subscription", "SUBSCR0001")
    assert stored["SubscriptionEnabled"] is True
