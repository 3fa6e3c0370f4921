"""The wire log: every request and answer body of a full demo run, with no secret in it."""

from __future__ import annotations

import logging

import pytest

from avangate_compat import Client, cli
from avangate_compat.sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, Sandbox
from avangate_compat.testing import leaked
from avangate_compat.transport import WIRE_LIMIT

from .test_cassettes import spy_on_secrets


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
