"""Replay of the recorded cassettes: no server, record_mode "none", any order, nothing leaked.

Re-record with ``.venv/bin/python -m tests.record_cassettes``.
"""

from __future__ import annotations

import functools
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException

from avangate_compat import Client
from avangate_compat.sandbox import DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, Sandbox
from avangate_compat.testing import leaked, make_vcr

from .cassette_scenarios import SCENARIOS, cases, outcome
from .record_cassettes import CASSETTES, record

NOWHERE = "http://127.0.0.1:9"  # nothing listens there: an unmatched call cannot go live
CASES = cases()


def expected(backend: str) -> dict[str, Any]:
    return json.loads((CASSETTES / backend / "expected.json").read_text())  # type: ignore[no-any-return]


def replay(backend: str, name: str) -> Any:
    recorder = make_vcr(record_mode="none")
    with recorder.use_cassette(str(CASSETTES / backend / f"{name}.yaml")) as cassette, \
            Client(backend=backend, base_url=NOWHERE, merchant_code="REPLAY",
                   secret_key="replay-key") as client:
        result = SCENARIOS[name](client, None)
        assert cassette.all_played, f"{backend}/{name}: some recorded calls were not made"
    return result


@pytest.mark.parametrize(("backend", "name"), CASES, ids=[f"{b}-{n}" for b, n in CASES])
def test_replay_returns_what_the_live_call_returned(backend: str, name: str) -> None:
    assert replay(backend, name) == expected(backend)[name]


def _recorded_calls(backend: str) -> set[str]:
    """JSON-RPC methods, SOAP operations and REST "METHOD /path/" found in a backend's cassettes."""
    import yaml  # vcrpy's own dependency

    seen = set()
    for path in (CASSETTES / backend).glob("*.yaml"):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            request = interaction["request"]
            body = request["body"] or ""
            seen.update(re.findall(r'"method": "(\w+)"', body))
            seen.update(re.findall(r":(\w+) xmlns:ns0", body))
            rest_path = request["uri"].split("/rest/6.0")[-1].split("?")[0]
            seen.add(f'{request["method"]} {rest_path}')
    return seen


def _wanted_calls(backend: str) -> dict[str, re.Pattern[str]]:
    """What the cassettes must hold for every operation of the spec: the method name on SOAP
    and JSON-RPC (login included), the route on REST (inferred mappings use other routes)."""
    from avangate_compat.spec import load
    operations = load().operations
    if backend != "rest":
        return {name: re.compile(re.escape(name)) for name in operations}
    return {name: re.compile(f"{op.rest.method} " + "[^/]+".join(
        re.escape(part) for part in re.split(r"\{[A-Za-z.]+\}", op.rest.path)))
            for name, op in operations.items() if op.rest and op.rest.path}


def test_every_operation_of_the_spec_is_recorded_on_every_backend() -> None:
    """A new operation in the spec fails here until its cassettes are recorded."""
    for backend in ("soap", "jsonrpc", "rest"):
        seen = _recorded_calls(backend)
        missing = [name for name, pattern in _wanted_calls(backend).items()
                   if not any(pattern.fullmatch(call) for call in seen)]
        assert missing == [], f"{backend}: never recorded: {missing}"


@pytest.mark.parametrize("order", ["shuffled", "reversed"])
def test_replay_in_any_order(order: str) -> None:
    cases = list(CASES)
    if order == "shuffled":
        random.Random(20261122).shuffle(cases)
    else:
        cases.reverse()
    for backend, name in cases:
        assert replay(backend, name) == expected(backend)[name], f"{backend}/{name}"


@pytest.mark.parametrize("backend", ["soap", "jsonrpc", "rest"])
def test_calls_in_another_order_than_recorded_get_their_own_answers(backend: str) -> None:
    recorder = make_vcr(record_mode="none")
    codes = ["YourProductCode", "04C26C50F8", "NewProdCodeAPI12345"]  # recorded the other way
    with recorder.use_cassette(str(CASSETTES / backend / "reads_in_order.yaml")), \
            Client(backend=backend, base_url=NOWHERE, merchant_code="REPLAY",
                   secret_key="replay-key") as client:
        got = {code: outcome(functools.partial(client.getProductByCode, code))
               for code in codes}
    assert got == expected(backend)["reads_in_order"]


@pytest.mark.parametrize("backend", ["soap", "jsonrpc", "rest"])
def test_a_call_with_other_arguments_fails_loudly(backend: str) -> None:
    recorder = make_vcr(record_mode="none")
    with recorder.use_cassette(str(CASSETTES / backend / "get_lead.yaml")), \
            Client(backend=backend, base_url=NOWHERE, merchant_code="REPLAY",
                   secret_key="replay-key") as client, \
            pytest.raises(CannotOverwriteExistingCassetteException):
        client.getLead("OTHERLEAD0")


SESSION_ID = re.compile(r"\b[0-9a-f]{32}\b")
HASH = re.compile(r"\b[0-9a-f]{64}\b")


def test_committed_cassettes_hold_no_credentials() -> None:
    files = sorted(CASSETTES.rglob("*.yaml"))
    assert len(files) == len(CASES)
    for path in files:
        text = path.read_text()
        assert leaked(text, [DEMO_MERCHANT_CODE, DEMO_SECRET_KEY]) == [], path
        assert not SESSION_ID.search(text), f"{path}: something shaped like a session id"
        assert not HASH.search(text), f"{path}: something shaped like a login hash"


def spy_on_secrets(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every session id the sandboxes started from now on issue and every hash they are sent:
    what a scan of recordings or logs must not find."""
    used: set[str] = set()
    real_init = Sandbox.__init__

    def spying_init(self: Sandbox, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        service = self.service
        login, check_header = service.login, service.check_rest_header

        def spy_login(code: Any, date: Any, given: Any, algo: Any = None) -> str:
            session_id = login(code, date, given, algo)
            used.update({session_id, given})
            return session_id

        def spy_header(header: Any) -> None:
            used.update(re.findall(r'hash="([^"]+)"', header or ""))
            check_header(header)

        service.login = spy_login  # type: ignore[method-assign]
        service.check_rest_header = spy_header  # type: ignore[method-assign]

    monkeypatch.setattr(Sandbox, "__init__", spying_init)
    return used


def test_a_fresh_recording_leaks_none_of_the_values_used(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Record everything again, note every session id and hash the server saw, scan for them."""
    used = spy_on_secrets(monkeypatch)
    record(tmp_path)
    assert len(used) > 20
    for path in tmp_path.rglob("*.yaml"):
        text = path.read_text()
        assert leaked(text, [DEMO_MERCHANT_CODE, DEMO_SECRET_KEY, *used]) == [], path
