"""Instant payment notifications: signature checks, the read receipt, and the sandbox notifier.

Expected signatures are computed here by hand (``_source``: one pair at a time, the length taken
as ``len(value.encode("utf-8"))``), never with ``avangate_compat.ipn``; the read receipt is also
checked against the example the 2Checkout documentation publishes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import threading
import urllib.error
import urllib.parse
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import attrs
import pytest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

import avangate_compat
from avangate_compat import AvangateError, IPNSignatureError, ValidationError
from avangate_compat.ipn import Notification, ProductLine, response, verify
from avangate_compat.sandbox import Sandbox
from tests.docblocks import block_under

KEY = "AABBCCDDEEFF"  # the documentation's example secret key
DIGESTS = {"HASH": hashlib.md5, "SIGNATURE_SHA2_256": hashlib.sha256,
           "SIGNATURE_SHA3_256": hashlib.sha3_256}
ALL = ("HASH", "SIGNATURE_SHA2_256", "SIGNATURE_SHA3_256")

ORDER = [
    ("SALEDATE", "2016-06-01 12:22:09"), ("COMPLETE_DATE", "2016-06-01 12:25:00"),
    ("REFNO", "1000037"), ("REFNOEXT", ""), ("ORDERNO", "13"), ("ORDERSTATUS", "COMPLETE"),
    ("FIRSTNAME", "Zoë"), ("LASTNAME", "Tanaka"), ("CITY", "東京"),
    ("CUSTOMEREMAIL", "zoe@example.com"),
    ("IPN_PID[]", "1"), ("IPN_PID[]", "2"),
    ("IPN_PNAME[]", "Software program"), ("IPN_PNAME[]", "Añadido"),
    ("IPN_QTY[]", "1"), ("IPN_QTY[]", "3"),
    ("IPN_PRICE[]", "10.50"), ("IPN_PRICE[]", "0.10"),
    ("CURRENCY", "EUR"), ("IPN_TOTALGENERAL", "10.80"), ("TEST_ORDER", "1"),
    ("IPN_DATE", "20160601122510"),
]


# -- the independent signer ------------------------------------------------------------------

def _source(pairs: list[tuple[str, str]]) -> bytes:
    """Pair by pair, in the given order: UTF-8 byte length, then the bytes."""
    out = b""
    for name, value in pairs:
        if name in ALL:
            continue
        raw = value.encode("utf-8")
        out += str(len(raw)).encode() + raw
    return out


def _mac(field: str, message: bytes, key: str = KEY) -> str:
    return hmac.new(key.encode("utf-8"), message, DIGESTS[field]).hexdigest()


def signed(pairs: list[tuple[str, str]], which: tuple[str, ...] = ALL,
           key: str = KEY, source: bytes | None = None) -> list[tuple[str, str]]:
    message = _source(pairs) if source is None else source
    return list(pairs) + [(field, _mac(field, message, key)) for field in which]


def body(pairs: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(pairs).encode("ascii")


# -- documented vectors ----------------------------------------------------------------------

def test_read_receipt_matches_the_documented_example() -> None:
    """2Checkout's "IPN read receipt response" page: key AABBCCDDEEFF, IPN_PID[0]=1,
    IPN_PNAME[0]="Software program", IPN_DATE and DATE 20050303123434 give the source
    1116Software program14200503031234341420050303123434 and HMAC-MD5
    7bf97ed39681027d0c45aa45e3ea98f0."""
    pairs = [("IPN_PID[]", "1"), ("IPN_PNAME[]", "Software program"),
             ("IPN_DATE", "20050303123434")]
    assert _source([*pairs, ("DATE", "20050303123434")]) == \
        b"1116Software program14200503031234341420050303123434"
    notification = verify(signed(pairs), KEY)
    assert response(notification, KEY, "md5", now=datetime(2005, 3, 3, 12, 34, 34)) == \
        "<EPAYMENT>20050303123434|7bf97ed39681027d0c45aa45e3ea98f0</EPAYMENT>"


def test_source_string_follows_the_documented_hash_example() -> None:
    """The "Calculate the IPN HASH signature" table (its first fields): lengths in bytes, an
    empty value as 0. The page's resulting hash is not reproduced in what we could read, so the
    signature itself is checked by the independent signer only."""
    documented = [("SALEDATE", "2016-06-01 12:22:09"), ("REFNO", "1000037"), ("REFNOEXT", ""),
                  ("ORDERNO", "13"), ("ORDERSTATUS", "COMPLETE"),
                  ("PAYMETHOD", "Wire transfer"), ("FIRSTNAME", "John"), ("LASTNAME", "Smith"),
                  ("COMPANY", "")]
    assert _source(documented) == (b"192016-06-01 12:22:0971000037"
                                   b"0213" b"8COMPLETE" b"13Wire transfer4John5Smith0")
    assert verify(signed(documented), KEY).ref_no == "1000037"


# -- verify: what passes -----------------------------------------------------------------------

@pytest.mark.parametrize(("field", "algo"), [("SIGNATURE_SHA3_256", "sha3-256"),
                                             ("SIGNATURE_SHA2_256", "sha256"), ("HASH", "md5")])
def test_each_algorithm_alone_verifies(field: str, algo: str) -> None:
    notification = verify(signed(ORDER, (field,)), KEY)
    assert notification.signature == algo


def test_all_three_verify_and_the_strongest_is_reported() -> None:
    assert verify(signed(ORDER), KEY).signature == "sha3-256"


def test_non_ascii_values_count_bytes_not_characters() -> None:
    """"Zoë" is 3 characters and 4 bytes, "東京" 2 and 6: a signer that counts characters (as
    the official helpers do) produces a different source, and its signature is refused."""
    assert _source([("FIRSTNAME", "Zoë"), ("CITY", "東京")]) == "4Zoë6東京".encode()
    notification = verify(body(signed(ORDER)), KEY)
    assert (notification.first_name, notification.get("CITY")) == ("Zoë", "東京")

    by_characters = "".join(f"{len(v)}{v}" for n, v in ORDER).encode("utf-8")
    with pytest.raises(IPNSignatureError):
        verify(signed(ORDER, source=by_characters), KEY)


def test_empty_values_contribute_a_zero() -> None:
    pairs = [("REFNO", "5"), ("REFNOEXT", ""), ("COMPANY", ""), ("IPN_DATE", "20260101000000")]
    assert _source(pairs) == b"15" b"0" b"0" b"1420260101000000"
    notification = verify(body(signed(pairs)), KEY)
    assert notification.ref_no_ext is None and notification.get("REFNOEXT") == ""


def test_typed_fields() -> None:
    notification = verify(signed(ORDER), KEY)
    assert notification.ref_no == "1000037" and notification.order_no == "13"
    assert notification.order_status == "COMPLETE" and notification.ref_no_ext is None
    assert notification.sale_date == datetime(2016, 6, 1, 12, 22, 9)
    assert notification.complete_date == datetime(2016, 6, 1, 12, 25)
    assert notification.ipn_date == datetime(2016, 6, 1, 12, 25, 10)
    assert notification.currency == "EUR" and notification.test_order is True
    assert notification.total == Decimal("10.80") and type(notification.total) is Decimal
    assert notification.email == "zoe@example.com" and notification.last_name == "Tanaka"
    assert notification.products == (
        ProductLine(pid="1", name="Software program", qty=1, price=Decimal("10.50")),
        ProductLine(pid="2", name="Añadido", qty=3, price=Decimal("0.10")))
    assert notification.fields[: len(ORDER)] == tuple(ORDER)  # nothing lost, in order
    assert notification.getlist("IPN_PID[]") == ["1", "2"]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        notification.ref_no = "other"  # type: ignore[misc]


def test_unreadable_values_stay_text_and_do_not_refuse_a_signed_notification() -> None:
    pairs = [("IPN_PID[]", "9"), ("IPN_QTY[]", "²"), ("IPN_PRICE[]", "NaN"),
             ("IPN_TOTALGENERAL", "12,50"), ("SALEDATE", "01/06/2016"), ("IPN_DATE", "soon")]
    notification = verify(signed(pairs), KEY)
    assert notification.products == (ProductLine(pid="9"),)
    assert notification.total is None and notification.sale_date is None
    assert notification.ipn_date is None and notification.get("IPN_DATE") == "soon"


def test_absurd_numbers_stay_text_and_are_never_computed() -> None:
    pairs = [("IPN_PID[]", "9"), ("IPN_QTY[]", "9" * 5000), ("IPN_PRICE[]", "1e999999999"),
             ("IPN_TOTALGENERAL", "1e999999999"), ("IPN_DATE", "20261124120000")]
    notification = verify(signed(pairs), KEY)
    assert notification.total is None
    assert notification.products == (ProductLine(pid="9"),)
    assert notification.get("IPN_TOTALGENERAL") == "1e999999999"


def test_uppercase_hex_is_accepted() -> None:
    pairs = [(n, v.upper() if n in ALL else v) for n, v in signed(ORDER)]
    assert verify(pairs, KEY).signature == "sha3-256"


# -- verify: what fails --------------------------------------------------------------------------

def _refused(form: Any, key: str = KEY, **options: Any) -> IPNSignatureError:
    with pytest.raises(IPNSignatureError) as caught:
        verify(form, key, **options)
    return caught.value


def test_tampered_field_is_refused_naming_the_strongest_signature() -> None:
    pairs = [(n, "9999999" if n == "REFNO" else v) for n, v in signed(ORDER)]
    assert _refused(pairs).signature == "SIGNATURE_SHA3_256"


def test_tampered_repeated_field_is_refused() -> None:
    pairs = signed(ORDER)
    index = [i for i, (n, _) in enumerate(pairs) if n == "IPN_PID[]"][1]
    pairs[index] = ("IPN_PID[]", "3")
    assert _refused(pairs).signature == "SIGNATURE_SHA3_256"


def test_reordered_fields_are_refused() -> None:
    pairs = signed(ORDER)
    pairs[0], pairs[2] = pairs[2], pairs[0]  # SALEDATE and REFNO swap places
    assert _refused(pairs).signature == "SIGNATURE_SHA3_256"
    swapped = signed(ORDER)
    first, second = (i for i, (n, _) in enumerate(swapped) if n == "IPN_PID[]")
    swapped[first], swapped[second] = swapped[second], swapped[first]  # product order
    assert _refused(swapped).signature == "SIGNATURE_SHA3_256"


def test_wrong_key_is_refused() -> None:
    assert _refused(signed(ORDER), "another-key").signature == "SIGNATURE_SHA3_256"


def test_md5_only_is_accepted_by_default_and_refused_on_request() -> None:
    only_md5 = signed(ORDER, ("HASH",))
    assert verify(only_md5, KEY).signature == "md5"
    error = _refused(only_md5, allow_md5_only=False)
    assert error.signature == "HASH" and "allow_md5_only" in str(error)
    assert verify(signed(ORDER), KEY, allow_md5_only=False).signature == "sha3-256"
    wrong = [(n, "0" * 32 if n == "HASH" else v) for n, v in only_md5]
    assert _refused(wrong).signature == "HASH"


@pytest.mark.parametrize("broken", ALL)
def test_every_present_signature_must_verify(broken: str) -> None:
    """Decision: a correct SHA3 next to a wrong SHA-256 or MD5 is refused, naming the wrong
    one; checks go strongest first."""
    pairs = [(n, "ab" * 16 if n == broken else v) for n, v in signed(ORDER)]
    assert _refused(pairs).signature == broken


def test_no_signature_and_duplicate_signatures_are_refused() -> None:
    error = _refused(ORDER)
    assert error.signature is None and "no signature" in str(error)
    twice = signed(ORDER, ("SIGNATURE_SHA2_256",))
    assert _refused([*twice, twice[-1]]).signature == "SIGNATURE_SHA2_256"


def test_non_ascii_signature_value_is_refused_not_a_crash() -> None:
    pairs = [(n, "é" * 64 if n == "SIGNATURE_SHA2_256" else v) for n, v in signed(ORDER)]
    assert _refused(pairs).signature == "SIGNATURE_SHA2_256"


def test_error_classes() -> None:
    assert issubclass(IPNSignatureError, AvangateError)
    assert avangate_compat.IPNSignatureError is IPNSignatureError
    assert "IPNSignatureError" in avangate_compat.__all__


# -- verify: input shapes ----------------------------------------------------------------------

def _werkzeug_form(raw: bytes) -> ImmutableMultiDict[str, str]:
    environ = EnvironBuilder(method="POST", data=raw,
                             content_type="application/x-www-form-urlencoded").get_environ()
    return Request(environ).form


@pytest.mark.parametrize("shape", ["bytes", "str", "pairs", "parse_qsl", "MultiDict",
                                   "ImmutableMultiDict", "request.form", "dict of lists"])
def test_input_shapes(shape: str) -> None:
    pairs = signed(ORDER)
    raw = body(pairs)
    shapes: dict[str, Callable[[], Any]] = {
        "bytes": lambda: raw, "str": lambda: raw.decode(), "pairs": lambda: pairs,
        "parse_qsl": lambda: urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True),
        "MultiDict": lambda: MultiDict(pairs),
        "ImmutableMultiDict": lambda: ImmutableMultiDict(pairs),
        "request.form": lambda: _werkzeug_form(raw),
        "dict of lists": lambda: urllib.parse.parse_qs(raw.decode(), keep_blank_values=True),
    }
    notification = verify(shapes[shape](), KEY)
    assert notification.first_name == "Zoë" and notification.ref_no_ext is None
    assert len(notification.products) == 2


def test_interleaved_fields_sign_grouped_whatever_the_input_shape() -> None:
    """A repeated name's values count together, at the name's first place (as 2Checkout's PHP
    listener reads $_POST). werkzeug's MultiDict cannot keep interleaving at all: this rule is
    what makes raw bytes and a MultiDict agree. The raw body keeps the received order in
    ``fields``."""
    interleaved = [("IPN_PID[]", "1"), ("IPN_PNAME[]", "Zoë's plan"), ("IPN_PID[]", "2"),
                   ("IPN_PNAME[]", "東京 plan"), ("IPN_DATE", "20260101000000")]
    grouped = [interleaved[i] for i in (0, 2, 1, 3, 4)]
    pairs = signed(interleaved, source=_source(grouped))
    assert list(MultiDict(pairs).items(multi=True))[:4] == grouped[:4]  # werkzeug regroups

    from_bytes = verify(body(pairs), KEY)
    assert from_bytes.fields[:5] == tuple(interleaved)
    assert verify(MultiDict(pairs), KEY).fields[:5] == tuple(grouped)
    assert from_bytes.products == (ProductLine(pid="1", name="Zoë's plan"),
                                   ProductLine(pid="2", name="東京 plan"))
    # signing the interleaved order literally would not verify: one rule, not two
    with pytest.raises(IPNSignatureError):
        verify(signed(interleaved), KEY)


def test_a_flat_dict_that_dropped_repeated_values_fails_closed() -> None:
    raw = body(signed(ORDER))
    assert _refused(_werkzeug_form(raw).to_dict()).signature == "SIGNATURE_SHA3_256"


@pytest.mark.parametrize(("form", "message"), [
    (b"REFNO=1&NAME=\xff", "not UTF-8"),
    ("REFNO=1&NAME=%FF", "not UTF-8"),
    (b"NAME=%C3", "not UTF-8"),
    (42, "not int"),
    ([("REFNO", "1", "extra")], "pair of strings"),
    ([("REFNO", 1)], "pair of strings"),
    ({"REFNO": 1}, "pair of strings"),
])
def test_unusable_input_raises_validation_error(form: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        verify(form, KEY)
    assert caught.value.operation == "ipn.verify"


@pytest.mark.parametrize("key", ["", None, b"bytes-key"])
def test_secret_key_must_be_a_non_empty_string(key: Any) -> None:
    with pytest.raises(ValidationError, match="secret_key"):
        verify(signed(ORDER), key)
    with pytest.raises(ValidationError, match="secret_key"):
        response(verify(signed(ORDER), KEY), key)


# -- response ------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 24, 12, 0, 0)


def _receipt(algo_field: str, date: str, key: str = KEY) -> str:
    first = [("IPN_PID[]", "1"), ("IPN_PNAME[]", "Software program"),
             ("IPN_DATE", "20160601122510"), ("DATE", date)]
    return _mac(algo_field, _source(first), key)


@pytest.mark.parametrize(("algo", "field", "template"), [
    ("sha256", "SIGNATURE_SHA2_256", '<sig algo="sha256" date="{date}">{mac}</sig>'),
    ("sha3-256", "SIGNATURE_SHA3_256", '<sig algo="sha3-256" date="{date}">{mac}</sig>'),
    ("md5", "HASH", "<EPAYMENT>{date}|{mac}</EPAYMENT>"),
])
def test_response_exact_strings(algo: str, field: str, template: str) -> None:
    notification = verify(signed(ORDER), KEY)
    expected = template.format(date="20261124120000", mac=_receipt(field, "20261124120000"))
    assert response(notification, KEY, algo, now=NOW) == expected
    epoch = NOW.replace(tzinfo=timezone.utc).timestamp()
    assert response(notification, KEY, algo, now=epoch) == expected
    tokyo = NOW.replace(tzinfo=timezone.utc).astimezone(timezone(timedelta(hours=9)))
    assert response(notification, KEY, algo, now=tokyo) == expected


def test_response_default_is_sha256_now_utc() -> None:
    answer = response(verify(signed(ORDER), KEY), KEY)
    found = re.fullmatch(r'<sig algo="sha256" date="(\d{14})">([0-9a-f]{64})</sig>', answer)
    assert found
    when = datetime.strptime(found[1], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - when).total_seconds()) < 5
    assert found[2] == _receipt("SIGNATURE_SHA2_256", found[1])


def test_response_of_a_notification_without_products_uses_zeros() -> None:
    notification = verify(signed([("IPN_DATE", "20260101000000")]), KEY)
    expected = _mac("SIGNATURE_SHA2_256", b"0" b"0" b"1420260101000000" b"1420261124120000")
    assert response(notification, KEY, now=NOW) == \
        f'<sig algo="sha256" date="20261124120000">{expected}</sig>'


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"algo": "sha1"}, "algo"), ({"algo": "SHA256"}, "algo"), ({"now": "today"}, "now"),
    ({"now": True}, "now"),
])
def test_response_rejects_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        response(verify(signed(ORDER), KEY), KEY, **kwargs)


def test_response_needs_a_notification() -> None:
    with pytest.raises(ValidationError, match="Notification"):
        response({"IPN_DATE": "x"}, KEY)  # type: ignore[arg-type]


# -- the sandbox as notifier ---------------------------------------------------------------------

class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Any], str]]:
    """Serve a WSGI app on 127.0.0.1 (a free port) in a thread; returns its URL."""
    servers: list[WSGIServer] = []
    threads: list[threading.Thread] = []

    def start(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append(server)
        threads.append(thread)
        return f"http://127.0.0.1:{server.server_port}/ipn"

    yield start
    for server, thread in zip(servers, threads):
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _listener(secret: str, received: list[Notification], algo: str = "sha256",
              answer: Callable[[str], str] = lambda text: text) -> Any:
    @Request.application
    def app(request: Request) -> Response:
        try:
            notification = verify(request.get_data(), secret, allow_md5_only=False)
        except IPNSignatureError as exc:
            return Response(str(exc), status=400)
        received.append(notification)
        return Response(answer(response(notification, secret, algo)))
    return app


@pytest.mark.parametrize("algo", ["sha256", "sha3-256", "md5"])
def test_sandbox_delivers_a_notification_the_listener_verifies(
        sandbox: Sandbox, serve: Callable[[Any], str], algo: str) -> None:
    received: list[Notification] = []
    url = serve(_listener(sandbox.secret_key, received, algo))
    fields = [[n, v] for n, v in ORDER if n != "IPN_DATE"]
    report = sandbox.send_ipn(url, fields)
    assert report["delivered"] is True and report["status"] == 200
    assert report["answer_valid"] is True and report["reason"] is None, report
    stamp = re.search(r'date="(\d{14})"|<EPAYMENT>(\d{14})', report["answer"])
    assert stamp
    answered = datetime.strptime(stamp[1] or stamp[2], "%Y%m%d%H%M%S")
    assert report["answer"] == response(received[0], sandbox.secret_key, algo, now=answered)
    [notification] = received
    assert notification.signature == "sha3-256"
    assert notification.first_name == "Zoë" and notification.get("CITY") == "東京"
    assert notification.ipn_date is not None  # the sandbox added IPN_DATE
    assert abs((datetime.now(timezone.utc).replace(tzinfo=None)
                - notification.ipn_date).total_seconds()) < 60
    assert notification.fields[: len(fields)] == tuple(map(tuple, fields))


def test_sandbox_signatures_match_the_independent_signer(
        sandbox: Sandbox, serve: Callable[[Any], str]) -> None:
    received: list[Notification] = []
    report = sandbox.send_ipn(serve(_listener(sandbox.secret_key, received)),
                              {"REFNO": "77", "FIRSTNAME": "Zoë", "IPN_PID[]": ["1", "2"],
                               "IPN_PNAME[]": ["a", "b"], "IPN_DATE": "20260101000000"})
    assert report["answer_valid"] is True
    sent = [tuple(pair) for pair in report["fields"]]
    plain = [pair for pair in sent if pair[0] not in ALL]
    for field in ALL:
        assert (field, _mac(field, _source(plain), sandbox.secret_key)) in sent
    assert received[0].products == (ProductLine(pid="1", name="a"), ProductLine(pid="2", name="b"))


def test_sandbox_interleaved_fields_verify_from_bytes_and_multidict(
        sandbox: Sandbox, serve: Callable[[Any], str]) -> None:
    forms: list[Notification] = []

    @Request.application
    def app(request: Request) -> Response:
        from_bytes = verify(request.get_data(), sandbox.secret_key)
        forms.append(verify(request.form, sandbox.secret_key))  # a werkzeug MultiDict
        return Response(response(from_bytes, sandbox.secret_key))

    report = sandbox.send_ipn(serve(app), [["IPN_PID[]", "1"], ["IPN_PNAME[]", "x"],
                                           ["IPN_PID[]", "2"], ["IPN_PNAME[]", "y"]])
    assert report["answer_valid"] is True, report
    assert forms[0].getlist("IPN_PID[]") == ["1", "2"]


@pytest.mark.parametrize(("answer", "reason"), [
    (lambda text: text.replace('date="', 'date="1')[:-1], "no <sig"),
    (lambda text: re.sub(r">[0-9a-f]+<", ">" + "0" * 64 + "<", text), "does not match"),
    (lambda text: text.replace("sha256", "sha1"), "unsupported algo"),
    (lambda text: "OK", "no <sig"),
])
def test_sandbox_reports_a_wrong_answer_invalid(
        sandbox: Sandbox, serve: Callable[[Any], str], answer: Callable[[str], str],
        reason: str) -> None:
    url = serve(_listener(sandbox.secret_key, [], answer=answer))
    report = sandbox.send_ipn(url, {"IPN_PID[]": "1", "IPN_PNAME[]": "Zoë"})
    assert report["delivered"] is True and report["status"] == 200
    assert report["answer_valid"] is False and reason in report["reason"]


def test_sandbox_reports_a_listener_with_another_key(
        sandbox: Sandbox, serve: Callable[[Any], str]) -> None:
    report = sandbox.send_ipn(serve(_listener("not-the-sandbox-key", [])),
                              {"IPN_PID[]": "1"})
    assert report["status"] == 400 and report["answer_valid"] is False
    assert "SIGNATURE_SHA3_256" in report["answer"] and "HTTP 400" in report["reason"]


def test_sandbox_reports_an_unreachable_listener(
        sandbox: Sandbox, serve: Callable[[Any], str]) -> None:
    url = serve(_listener(sandbox.secret_key, []))
    port = int(urllib.parse.urlsplit(url).port or 0)
    # a port that was free a moment ago: bind and close one
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    assert free != port
    report = sandbox.send_ipn(f"http://127.0.0.1:{free}/ipn", {"IPN_PID[]": "1"})
    assert report["delivered"] is False and report["answer_valid"] is False
    assert "not delivered" in report["reason"]


@pytest.mark.parametrize("url", ["http://example.com/ipn", "https://127.0.0.1/ipn",
                                 "http://10.0.0.1/ipn", "file:///etc/passwd", 7])
def test_sandbox_refuses_non_loopback_urls(sandbox: Sandbox, url: Any) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        sandbox.control("POST", "ipn", {"url": url, "fields": {"IPN_PID[]": "1"}})
    assert caught.value.code == 400
    caught.value.close()


@pytest.mark.parametrize("fields", ["REFNO=1", [["REFNO"]], [["HASH", "x"]], {"A": True}])
def test_sandbox_refuses_malformed_fields(sandbox: Sandbox, fields: Any) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        sandbox.control("POST", "ipn", {"url": "http://127.0.0.1:9/ipn", "fields": fields})
    assert caught.value.code == 400
    caught.value.close()


@pytest.mark.parametrize("fields", [[["IPN_PID[]", "\ud800"]], [["\udcff", "1"]],
                                    {"IPN_PNAME[]": ["ok", "x\udfffy"]}])
def test_sandbox_refuses_a_lone_surrogate_with_a_400_saying_so(
        sandbox: Sandbox, fields: Any) -> None:
    """JSON can carry ``"\\ud800"``, UTF-8 cannot: the notification cannot be signed or sent."""
    with pytest.raises(urllib.error.HTTPError) as caught:
        sandbox.control("POST", "ipn", {"url": "http://127.0.0.1:9/ipn", "fields": fields})
    assert caught.value.code == 400
    answer = json.loads(caught.value.read())
    caught.value.close()
    assert answer["error_code"] == "INVALID_PARAMETERS"
    assert "surrogate" in answer["message"] and "field" in answer["message"]


# -- the README example --------------------------------------------------------------------------

def _readme_block() -> str:
    return block_under("README.md", "Payment notifications (IPN)").code


def test_readme_listener_runs_against_the_sandbox(
        sandbox: Sandbox, serve: Callable[[Any], str]) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(_readme_block(), "README.md", "exec"), namespace)
    namespace["SECRET_KEY"] = sandbox.secret_key
    url = serve(namespace["ipn_listener"])
    report = sandbox.send_ipn(url, [["REFNO", "123"], ["ORDERSTATUS", "COMPLETE"],
                                    ["FIRSTNAME", "Zoë"], ["IPN_PID[]", "1"],
                                    ["IPN_PNAME[]", "東京 license"], ["IPN_QTY[]", "1"],
                                    ["IPN_PRICE[]", "9.90"], ["IPN_TOTALGENERAL", "9.90"]])
    assert report["answer_valid"] is True, report
    assert namespace["fulfilled"] == ["123"]
    namespace["SECRET_KEY"] = "a-wrong-key"
    assert sandbox.send_ipn(url, [["IPN_PID[]", "1"]])["status"] == 400


# -- foreign exceptions at the edges (issue 24, item 12) ------------------------------------------


def _signed(fields: list[tuple[str, str]]) -> Notification:
    source = b"".join(b"%d%s" % (len(v.encode()), v.encode()) for _, v in fields)
    return verify([*fields, ("SIGNATURE_SHA2_256",
                             hmac.new(KEY.encode(), source, hashlib.sha256).hexdigest())], KEY)


@pytest.mark.parametrize("form", [
    [("IPN_PID[]", "\ud800"), ("HASH", "0" * 32)],
    [("\udcff", "1"), ("HASH", "0" * 32)],
    "IPN_PID%5B%5D=1&IPN_PNAME%5B%5D=\udc80&HASH=00",
    {"IPN_PID[]": ["1", "\udbff"], "HASH": "00"},
    [("IPN_PID[]", "1"), ("HASH", "\ud800")],
])
def test_verify_refuses_a_lone_surrogate_as_bad_input(form: Any) -> None:
    with pytest.raises(ValidationError, match="surrogate"):
        verify(form, KEY)


def test_a_secret_key_that_is_not_text_is_bad_input() -> None:
    notification = _signed([("IPN_PID[]", "1")])
    for call in (lambda: verify([("IPN_PID[]", "1"), ("HASH", "00")], "K\udcff"),
                 lambda: response(notification, "K\udcff")):
        with pytest.raises(ValidationError, match="secret_key"):
            call()


@pytest.mark.parametrize("now", [float("nan"), float("inf"), float("-inf"), 1e300, -1e300,
                                 10 ** 400, 253402300800, -62135596801,
                                 datetime.max.replace(tzinfo=timezone(timedelta(hours=-1))),
                                 datetime.min.replace(tzinfo=timezone(timedelta(hours=1))),
                                 datetime(999, 12, 31)])
def test_response_refuses_a_date_it_cannot_write_as_bad_input(now: Any) -> None:
    with pytest.raises(ValidationError, match="now"):
        response(_signed([("IPN_PID[]", "1")]), KEY, now=now)


@pytest.mark.parametrize("algo", [["sha256"], {"md5": 1}, None, b"md5"])
def test_response_refuses_an_algo_that_is_not_a_name(algo: Any) -> None:
    with pytest.raises(ValidationError, match="algo"):
        response(_signed([("IPN_PID[]", "1")]), KEY, algo=algo)


def test_a_hand_made_notification_with_a_lone_surrogate_is_bad_input() -> None:
    made = Notification(fields=(("IPN_PID[]", "\ud800"),), signature="sha256")
    with pytest.raises(ValidationError, match="surrogate"):
        response(made, KEY)
    with pytest.raises(ValidationError, match="surrogate"):
        avangate_compat.ipn.signed_string([("A", "\ud800")])
