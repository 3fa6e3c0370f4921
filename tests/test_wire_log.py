"""The wire log: every request and answer body of a full demo run, with no secret in it."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from avangate_compat import Client, cli
from avangate_compat.sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, Sandbox
from avangate_compat.testing import leaked
from avangate_compat.transport import WIRE_LIMIT

from .test_cassettes import spy_on_secrets

ROOT = Path(__file__).resolve().parent.parent


def test_a_full_demo_run_logs_every_body_and_no_secret(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    used = spy_on_secrets(monkeypatch)
    monkeypatch.setenv("AVANGATE_LOG", "wire")
    caplog.set_level(logging.DEBUG, logger="avangate_compat.wire")
    assert cli.demo() == 0
    capsys.readouterr()
    text = caplog.text
    for operation in ("getLead", "getProductByCode", "updateProduct", "setProductStatus"):
        assert f"{operation} -> " in text and f"{operation} <- HTTP 200" in text
    assert "login, not shown" in text
    assert len(used) >= 3  # two session ids and the hashes (one per second of the run)
    assert leaked(text, [DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, *used]) == []
    assert '"LeadCode":"60E6C4B574"' in text or "60E6C4B574" in text  # the bodies are there


def test_the_wire_log_is_off_unless_asked_and_cuts_long_bodies(
        sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="avangate_compat.wire")
    quiet = Client(backend="rest", base_url=sandbox.url, **sandbox.credentials)
    quiet.getLead("60E6C4B574")
    assert caplog.text == ""
    loud = Client(backend="rest", base_url=sandbox.url, log_wire=True, **sandbox.credentials)
    product = loud.getProductByCode("NewProdCodeAPI12345")
    product.LongDescription = "x" * (WIRE_LIMIT * 2)
    loud.updateProduct(product)
    assert "bytes in all)" in caplog.text
    assert "<redacted>" in caplog.text  # the signature header


SHOWN_BY_THE_VARIABLE = """
import logging, sys
from avangate_compat import Client
url, merchant, key = sys.argv[1:4]
with Client(backend="soap", base_url=url, merchant_code=merchant, secret_key=key) as client:
    client.getLead("60E6C4B574")
root = logging.getLogger()
print(root.handlers, logging.getLevelName(root.level), logging.getLogger("zeep").handlers)
"""


def _run_alone(code: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter whose environment holds ``env`` and nothing else."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), **env}, check=False)


def test_the_variable_alone_prints_the_wire_log_on_stderr(sandbox: Sandbox) -> None:
    args = (sandbox.url, DEMO_MERCHANT_CODE, DEMO_SECRET_KEY)
    shown = _run_alone(SHOWN_BY_THE_VARIABLE, *args, AVANGATE_LOG="wire")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == "[] WARNING []\n"  # the root logger and zeep's left as they were
    lines = shown.stderr.splitlines()
    starts = [line for line in lines if " avangate_compat.wire: " in line]
    assert [line.split(": ", 1)[1].split(" ")[:2] for line in starts] == [
        ["login", "->"], ["login", "<-"], ["getLead", "->"], ["getLead", "<-"]]
    assert "zeep" not in shown.stderr  # zeep's own DEBUG lines stay out of it
    assert leaked(shown.stderr, [DEMO_MERCHANT_CODE, DEMO_SECRET_KEY]) == []
    silent = _run_alone(SHOWN_BY_THE_VARIABLE, *args)
    assert (silent.returncode, silent.stderr) == (0, "")


def test_the_variable_attaches_one_handler_and_keeps_lines_out_of_the_root() -> None:
    code = ("import importlib, logging, sys\n"
            "logging.basicConfig(level=logging.DEBUG, stream=sys.stdout)\n"
            "import avangate_compat, avangate_compat.logs as logs\n"
            "logs.show_wire_log(); importlib.reload(avangate_compat)\n"
            "wire = logging.getLogger('avangate_compat.wire')\n"
            "print(len(wire.handlers), len(logging.getLogger().handlers))\n"
            "wire.debug('one line')\n")
    result = _run_alone(code, AVANGATE_LOG="other, WIRE")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 1\n"  # not also printed through the application's root handler
    assert result.stderr.endswith(" avangate_compat.wire: one line\n")
    assert result.stderr.count("\n") == 1
