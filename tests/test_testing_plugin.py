"""What a user does with ``avangate_compat.testing``: record a cassette, commit it, replay it."""

from __future__ import annotations

import pytest

USER_TEST = '''
import os
from avangate_compat import Client

pytest_plugins = ["avangate_compat.testing.pytest_plugin"]

def test_lead(request, avangate_cassette):
    sandbox = request.getfixturevalue(os.environ["SANDBOX_FIXTURE"])
    scheme = sandbox.url.split(":")[0]
    base = sandbox.url if os.environ["AVANGATE_RECORD_MODE"] != "none" \\
        else scheme + "://127.0.0.1:9"
    client = Client(backend=os.environ["BACKEND"], base_url=base,
                    verify_tls=sandbox.ca_path or True,
                    merchant_code=os.environ["AVANGATE_MERCHANT_CODE"],
                    secret_key=os.environ["AVANGATE_SECRET_KEY"])
    assert client.getLead("60E6C4B574").Items[0].Quantity == 2
'''


@pytest.mark.parametrize("fixture", ["avangate_sandbox", "avangate_tls_sandbox"])
@pytest.mark.parametrize("backend", ["soap", "jsonrpc", "rest"])
def test_record_then_replay_with_the_shipped_fixtures(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, backend: str,
        fixture: str) -> None:
    """Recorded over http and over https, replayed with no server."""
    from avangate_compat.sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY

    pytester.makepyfile(test_user=USER_TEST)
    monkeypatch.setenv("SANDBOX_FIXTURE", fixture)
    monkeypatch.setenv("BACKEND", backend)
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", DEMO_MERCHANT_CODE)
    monkeypatch.setenv("AVANGATE_SECRET_KEY", DEMO_SECRET_KEY)
    monkeypatch.setenv("AVANGATE_RECORD_MODE", "once")
    pytester.runpytest_subprocess("-q").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_lead.yaml"
    text = cassette.read_text()
    assert "60E6C4B574" in text
    assert ("uri: https://127.0.0.1:" in text) == (fixture == "avangate_tls_sandbox")
    assert DEMO_MERCHANT_CODE not in text and DEMO_SECRET_KEY not in text

    monkeypatch.setenv("AVANGATE_RECORD_MODE", "none")  # replay: the sandbox URL is not used
    pytester.runpytest_subprocess("-q").assert_outcomes(passed=1)
