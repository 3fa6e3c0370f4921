"""Property: any input to any public entry point ends in a result or an AvangateError, never
another exception, and nothing the wire cannot carry is ever sent (hypothesis, against the
sandbox): the facade's operations, the IPN helpers, the legacy Client and callRPC, and the
command line (an exit status and one error line, never a traceback)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import re
import sys
import urllib.parse
import warnings
from collections.abc import Iterator
from datetime import timedelta, timezone
from typing import Any, Callable, Optional

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from avangate_compat import AvangateError, Client, TransportError, ValidationError, cli, ipn, legacy
from avangate_compat.auth import login_params
from avangate_compat.errors import DroppedFieldWarning
from avangate_compat.operations import OPERATIONS
from avangate_compat.sandbox import Sandbox
from avangate_compat.transport import HttpRequest

from .conftest import BACKENDS

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.binary(max_size=6),
    st.sampled_from(["", ".", "..", "a/b", "60E6C4B574", "04C26C50F8", "1e999999999",
                     "Infinity", "NaN", "²", "\x00", "\ud800", "2024-02-30", "RO", "New"]),
)
KEYS = st.sampled_from(["LeadCode", "Currency", "Items", "BillingDetails", "Code", "Quantity",
                        "Price", "Amount", "ProductCode", "ProductName", "ProductType",
                        "Enabled", "PricingConfigurations", "Used", "StopFollowups", "Page",
                        "Limit", "Country", "Type", "Email", "0", "²", "x"])
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=12)

WELL_FORMED_LEAD = {"Currency": "EUR", "Items": [{"Code": "04C26C50F8", "Quantity": 1}],
                    "BillingDetails": {"FirstName": "A", "LastName": "B",
                                       "Email": "a@example.com", "CountryCode": "RO"}}


def _near_valid() -> st.SearchStrategy[Any]:
    """Well-formed objects with one field replaced by anything: the checks' edge."""
    lead = st.builds(lambda k, v: {**WELL_FORMED_LEAD, k: v}, KEYS, VALUES)
    item = st.builds(lambda k, v: {**WELL_FORMED_LEAD, "Items": [{"Code": "P", k: v}]},
                     KEYS, VALUES)
    product = st.builds(lambda k, v: {"ProductCode": "NewProdCodeAPI12345", "ProductName": "N",
                                      "ProductType": "REGULAR", "Enabled": True,
                                      "PricingConfigurations": [], k: v}, KEYS, VALUES)
    return st.one_of(lead, item, product, st.lists(VALUES, max_size=2))


ARGUMENT = st.one_of(VALUES, _near_valid())
OPERATION_NAMES = sorted(name for name, op in OPERATIONS.items() if op.needs_session)


def _strict_json(body: bytes) -> None:
    def refuse(name: str) -> Any:
        raise AssertionError(f"sent {name}, which is not JSON")
    json.loads(body, parse_constant=refuse)


def _record_bodies(client: Client) -> list[bytes]:
    bodies: list[bytes] = []
    transport = client._transport
    original: Callable[..., Any] = transport.send

    def send(request: HttpRequest, deadline: float) -> Any:
        if request.body:
            bodies.append(request.body)
        return original(request, deadline)

    transport.send = send  # type: ignore[method-assign]
    return bodies


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_any_input_ends_in_a_result_or_an_avangate_error(
        sandbox: Sandbox, make_client: Callable[..., Client], backend: str, name: str) -> None:
    client = make_client(backend, max_retries=0)
    bodies = _record_bodies(client)
    arity = len(OPERATIONS[name].params)

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(ARGUMENT, min_size=arity, max_size=arity) | st.lists(ARGUMENT, max_size=3))
    def check(args: list[Any]) -> None:
        before = sum(sandbox.service.stats.snapshot()["requests"].values())
        bodies.clear()
        code = None
        try:
            with warnings.catch_warnings():  # a field the WSDL lacks is announced, not sent
                warnings.simplefilter("ignore", DroppedFieldWarning)
                client.call(name, *args)
        except ValidationError:
            after = sum(sandbox.service.stats.snapshot()["requests"].values())
            assert after == before, "refused input reached the server"
            return
        except AvangateError as exc:
            code = getattr(exc, "code", None)
            error: Optional[AvangateError] = exc
        else:
            error = None
        assert not _crashed(error), "the sandbox failed on what was sent"
        assert code != "INTERNAL_ERROR", "the sandbox failed on what was sent"
        for body in bodies:
            if backend == "soap":
                etree.fromstring(body)
            else:
                _strict_json(body)

    check()



# -- the other entry points: IPN, legacy, the command line ---------------------------------------

TEXT = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "\ud800", "\udcff", "Zoë", "\x00", "a=b", "=", "[]", "{}", "null", "1e999999999"]))
FIELD_NAMES = st.one_of(st.sampled_from(
    ["IPN_PID[]", "IPN_PNAME[]", "IPN_DATE", "IPN_QTY[]", "IPN_PRICE[]", "IPN_PID[0]", "REFNO",
     "IPN_TOTALGENERAL", "SALEDATE", "HASH", "SIGNATURE_SHA2_256", "SIGNATURE_SHA3_256"]), TEXT)
PAIRS = st.lists(st.tuples(FIELD_NAMES, TEXT), max_size=6)
IPN_KEY = "AABBCCDDEEFF"


def _signed_form(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``pairs`` with a correct SHA-256 signature, where they can be signed at all."""
    try:
        source = ipn.signed_string(pairs)
    except AvangateError:
        return pairs
    return [*[p for p in pairs if p[0] not in ("HASH", "SIGNATURE_SHA2_256",
                                                "SIGNATURE_SHA3_256")],
            ("SIGNATURE_SHA2_256", hmac.new(IPN_KEY.encode(), source,
                                            hashlib.sha256).hexdigest())]


def _body(pairs: list[tuple[str, str]]) -> Any:
    try:
        return urllib.parse.urlencode(pairs)
    except UnicodeEncodeError:
        return pairs


FORMS = st.one_of(PAIRS, PAIRS.map(_signed_form), PAIRS.map(_signed_form).map(_body),
                  PAIRS.map(_body), st.binary(max_size=40), st.text(max_size=40), VALUES,
                  st.dictionaries(FIELD_NAMES, st.one_of(TEXT, st.lists(TEXT, max_size=3)),
                                  max_size=4))
KEY_ARGUMENTS = st.one_of(st.just(IPN_KEY), TEXT, SCALARS)
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@given(form=FORMS, key=KEY_ARGUMENTS, md5_only=st.one_of(st.booleans(), SCALARS))
def test_ipn_verify_ends_in_a_notification_or_an_avangate_error(
        form: Any, key: Any, md5_only: Any) -> None:
    try:
        notification = ipn.verify(form, key, allow_md5_only=md5_only)
    except AvangateError:
        return
    assert isinstance(notification, ipn.Notification)
    assert isinstance(ipn.signed_string(notification.fields), bytes)


NOTIFICATIONS = st.one_of(
    PAIRS.map(_signed_form).flatmap(lambda form: st.just(_verified(form))),
    st.builds(ipn.Notification, fields=PAIRS.map(tuple), signature=st.just("sha256")),
    VALUES)
NOW = st.one_of(st.none(), st.floats(), st.integers(min_value=-(10 ** 20), max_value=10 ** 20),
                st.datetimes(timezones=st.none() | st.sampled_from(
                    [timezone.utc, timezone(timedelta(hours=14)),
                     timezone(timedelta(hours=-12))])), SCALARS)


def _verified(form: list[tuple[str, str]]) -> Any:
    try:
        return ipn.verify(form, IPN_KEY)
    except AvangateError:
        return form


@PROPERTY
@given(notification=NOTIFICATIONS, key=KEY_ARGUMENTS,
       algo=st.one_of(st.sampled_from(["sha256", "sha3-256", "md5"]), SCALARS), now=NOW)
def test_ipn_response_ends_in_an_answer_or_an_avangate_error(
        notification: Any, key: Any, algo: Any, now: Any) -> None:
    try:
        answer = ipn.response(notification, key, algo, now=now)
    except AvangateError:
        return
    assert re.fullmatch(r'<sig algo="sha(?:3-)?256" date="[0-9]{14}">[0-9a-f]{64}</sig>'
                        r'|<EPAYMENT>[0-9]{14}\|[0-9a-f]{32}</EPAYMENT>', answer)


@PROPERTY
@given(fields=FORMS)
def test_ipn_signed_string_ends_in_bytes_or_an_avangate_error(fields: Any) -> None:
    with contextlib.suppress(AvangateError):
        assert isinstance(ipn.signed_string(fields), bytes)


def _remote(value: Any) -> bool:
    """Whether ``value`` is a URL to a host other than loopback (tests never go there)."""
    if not isinstance(value, str):
        return False
    try:
        host = urllib.parse.urlsplit(value.strip()).hostname
    except ValueError:
        return False
    return host is not None and host not in ("127.0.0.1", "::1", "localhost")


LEGACY_OPTIONS = st.dictionaries(st.sampled_from(
    ["timeout", "money", "deadline", "cache", "max_retries", "backend", "wsdl", "colour",
     "secret_key", "allow_insecure_http"]), SCALARS, max_size=2)


@PROPERTY
@given(url=st.one_of(TEXT, VALUES, st.sampled_from(
           ["http://[::1", "http://127.0.0.1:1/soap/6.0/?wsdl", "ftp://127.0.0.1/"])),
       location=st.one_of(st.none(), TEXT, SCALARS), options=LEGACY_OPTIONS)
def test_the_legacy_client_is_built_or_refused_with_an_avangate_error(
        url: Any, location: Any, options: dict[str, Any]) -> None:
    assume(not _remote(url) and not _remote(location))
    with contextlib.suppress(AvangateError):
        legacy.Client(url, location, **options).close()


@pytest.fixture(scope="module")
def legacy_session() -> Iterator[tuple[Sandbox, legacy.Client, str]]:
    with Sandbox() as server:
        client = legacy.Client(f"{server.url}/soap/6.0/?wsdl", max_retries=0)
        _, date, digest, *_ = login_params(server.merchant_code, server.secret_key, "md5")
        session = client.service.login(server.merchant_code, date, digest)
        yield server, client, session
        client.close()


@PROPERTY
@given(name=st.one_of(st.sampled_from([*OPERATION_NAMES, "noSuchOperation"]), TEXT),
       session=st.one_of(st.just("<session>"), ARGUMENT), args=st.lists(ARGUMENT, max_size=3))
def test_any_legacy_service_call_ends_in_a_result_or_an_avangate_error(
        legacy_session: tuple[Sandbox, legacy.Client, str], name: str, session: Any,
        args: list[Any]) -> None:
    assume(name != "login" and not name.startswith("_"))
    _, client, live = legacy_session
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedFieldWarning)
        error = _error_of(lambda: getattr(client.service, name)(
            live if session == "<session>" else session, *args))
    assert not _crashed(error), "the sandbox failed on what was sent"


REQUESTS = st.one_of(VALUES, st.fixed_dictionaries({}, optional={
    "method": st.one_of(st.sampled_from(OPERATION_NAMES), TEXT, SCALARS),
    "params": st.one_of(st.lists(st.one_of(st.just("<session>"), ARGUMENT), max_size=3),
                        VALUES),
    "id": SCALARS, "jsonrpc": SCALARS}))


@PROPERTY
@given(request=REQUESTS)
def test_any_callrpc_ends_in_a_result_or_an_avangate_error(
        legacy_session: tuple[Sandbox, legacy.Client, str], request: Any) -> None:
    server, _, session = legacy_session
    if isinstance(request, dict) and isinstance(request.get("params"), list):
        request = {**request, "params": [session if p == "<session>" else p
                                         for p in request["params"]]}
    error = _error_of(lambda: legacy.callRPC(request, f"{server.url}/rpc/6.0/"))
    assert not _crashed(error), "the sandbox failed on what was sent"


def _error_of(call: Callable[[], Any]) -> Optional[AvangateError]:
    """The AvangateError ``call`` raised, or None; any other exception fails the test."""
    try:
        call()
    except AvangateError as exc:
        return exc
    return None


def _crashed(error: Optional[AvangateError]) -> bool:
    """A sandbox bug answers 500 outside the protocol, or INTERNAL_ERROR: a TransportError."""
    return isinstance(error, TransportError) and error.http_status == 500


CLI_OPTIONS = st.lists(st.one_of(
    st.sampled_from(["--raw", "--list", "-v", "--help", "--backend", "--ini", "--section",
                     "--base-url", "--", "-x"]),
    st.sampled_from(["soap", "jsonrpc", "rest", "xmlrpc", "missing.ini", "avangate",
                     "http://[::1", "ftp://127.0.0.1/"])), max_size=3)
CLI_WORDS = st.one_of(
    st.sampled_from([*OPERATION_NAMES, "login", "GET", "POST", "/leads/", "/products/x/"]),
    TEXT, VALUES.map(lambda v: json.dumps(v, default=str)),
    st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]}={json.dumps(kv[1], default=str)}"),
    st.tuples(KEYS, TEXT).map(lambda kv: f"{kv[0]}={kv[1]}"))


# Settings as the environment holds them: any text, undecodable bytes included (os.environ
# keeps them as lone surrogates U+DC80 to U+DCFF); never a URL, so nothing leaves loopback.
_ENVIRONMENT_VALUE = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=8),
    st.binary(min_size=1, max_size=6).map(os.fsdecode).filter(lambda v: "\x00" not in v))
_ENVIRONMENT_NAMES = ["SECRET_KEY", "MERCHANT_CODE", "BACKEND", "READ_TIMEOUT", "MAX_RETRIES",
                      "HASH_ALGORITHM", "LOG_WIRE", "COLOUR"]
ENVIRONMENT: st.SearchStrategy[dict[str, str]] = st.one_of(  # one or several
    st.just({}),
    st.sampled_from(_ENVIRONMENT_NAMES).flatmap(
        lambda name: _ENVIRONMENT_VALUE.map(lambda value: {name: value})),
    st.fixed_dictionaries({}, optional={name: _ENVIRONMENT_VALUE
                                        for name in _ENVIRONMENT_NAMES}))


GOOD_CALLS = st.sampled_from([["getLead", "60E6C4B574"], ["searchLeads", "Country=RO", "Limit=2"],
                              ["getProductByCode", "NewProdCodeAPI12345"]])


@PROPERTY
@given(options=CLI_OPTIONS, command=st.one_of(st.just("call"), TEXT),
       words=st.one_of(st.lists(CLI_WORDS, max_size=4), GOOD_CALLS, st.tuples(
           st.sampled_from(OPERATION_NAMES), st.lists(CLI_WORDS, max_size=2)).map(
           lambda call: [call[0], *call[1]])))
def test_any_command_line_ends_in_an_exit_status_never_a_traceback(
        sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, options: list[str],
        words: list[str], command: str) -> None:
    assume(command not in ("demo", "sandbox", "check"))  # not argument parsing: they run
    assume(not any(_remote(word) for word in [*options, *words]))
    _command_line(sandbox, monkeypatch, [command, *options, *words], {})


@PROPERTY
@given(call=GOOD_CALLS, environment=ENVIRONMENT)
def test_any_environment_ends_in_an_exit_status_never_a_traceback(
        sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, call: list[str],
        environment: dict[str, str]) -> None:
    _command_line(sandbox, monkeypatch, ["call", *call], environment)


def _command_line(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, argv: list[str],
                  environment: dict[str, str]) -> None:
    """0 (a result), 1 (an API or transport error) or 2 (usage: nothing sent); the error is
    one line (the last, with -v), and no exception escapes. Output goes to streams set up as
    Python sets up a terminal's: strict UTF-8 out, ``backslashreplace`` on stderr."""
    for key in [k for k in os.environ if k.startswith("AVANGATE_")]:
        monkeypatch.delenv(key)
    defaults = {"MERCHANT_CODE": sandbox.merchant_code, "SECRET_KEY": sandbox.secret_key,
                "BASE_URL": sandbox.url, "MAX_RETRIES": "0"}
    for name, value in {**defaults, **environment}.items():
        monkeypatch.setenv(f"AVANGATE_{name}", value)
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, "utf-8", write_through=True))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(err, "utf-8", "backslashreplace",
                                                        write_through=True))
    parsed = True
    try:
        status: Any = cli.main(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        status, parsed = exc.code, False
    assert status in ((0, 1, 2) if parsed else (0, 2))
    text = err.getvalue().decode("utf-8")
    assert "Traceback" not in text
    if not parsed:
        return
    if status:
        lines = text.splitlines()
        assert lines and lines[-1].startswith("avangate-compat call: ")
        assert len(lines) == 1 or "-v" in argv
