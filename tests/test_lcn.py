"""License change notifications: the documented read receipt, signatures, tampering, the
inferred field order made checkable, and any input ending in a result or an AvangateError.

Expected values are computed here by hand (``_source``: pair by pair, the length taken as
``len(value.encode("utf-8"))``), never with ``avangate_compat.lcn`` or ``signing``.
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import hmac
import math
import re
import urllib.parse
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.test import Client as WerkzeugClient

import avangate_compat
from avangate_compat import (
    AvangateError,
    IPNSignatureError,
    LCNSignatureError,
    SignatureError,
    ValidationError,
    ipn,
    lcn,
)
from avangate_compat.lcn import LIFETIME, ChangedBy, LicenseType, Notification
from tests.docblocks import block_under

KEY = "AABBCCDDEEFF"  # the documentation's example secret key
DIGESTS = {"HASH": hashlib.md5, "SIGNATURE_SHA2_256": hashlib.sha256,
           "SIGNATURE_SHA3_256": hashlib.sha3_256}
ALL = ("HASH", "SIGNATURE_SHA2_256", "SIGNATURE_SHA3_256")

CHANGE = [
    ("LICENSE_CODE", "3C343D0FAF"), ("EXPIRATION_DATE", "2027-03-03 14:00:00"),
    ("DATE_UPDATED", "2026-12-03 08:00:00"), ("LICENSE_TYPE", "REGULAR"),
    ("CHANGED_BY", "CUSTOMER"), ("STATUS", "DISABLED"), ("TEST", "1"),
    ("AVANGATE_CUSTOMER_REFERENCE", "435384557"), ("EXTERNAL_CUSTOMER_REFERENCE", "cust-9"),
    ("FIRST_NAME", "Zoë"), ("LAST_NAME", "Tanaka"), ("COMPANY", ""),
    ("EMAIL", "zoe@example.com"), ("PHONE", "+40 1"), ("FAX", ""), ("COUNTRY", "Japan"),
    ("STATE", ""), ("CITY", "東京"), ("ZIP", "100-0001"), ("ADDRESS", "1-1 Chiyoda"),
]


def _source(pairs: list[tuple[str, str]]) -> bytes:
    out = b""
    for name, value in pairs:
        if name in ALL:
            continue
        raw = value.encode("utf-8")
        out += str(len(raw)).encode() + raw
    return out


def _mac(field: str, message: bytes, key: str = KEY) -> str:
    return hmac.new(key.encode("utf-8"), message, DIGESTS[field]).hexdigest()


def signed(pairs: list[tuple[str, str]], which: tuple[str, ...] = ALL, key: str = KEY,
           source: bytes | None = None) -> list[tuple[str, str]]:
    message = _source(pairs) if source is None else source
    return list(pairs) + [(field, _mac(field, message, key)) for field in which]


def body(pairs: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(pairs).encode("ascii")


def _refused(form: Any, key: str = KEY, **options: Any) -> LCNSignatureError:
    with pytest.raises(LCNSignatureError) as caught:
        lcn.verify(form, key, **options)
    return caught.value


# -- the documented read receipt -----------------------------------------------------------------

def test_read_receipt_matches_the_documented_example() -> None:
    """2Checkout's "LCN read receipt" page: key AABBCCDDEEFF, source
    103C343D0FAF102005-03-031420081117145935 (LICENSE_CODE 3C343D0FAF, EXPIRATION_DATE
    2005-03-03, DATE 20081117145935), HMAC-MD5 cb34fe2991668eb82364edf62f845a34."""
    pairs = [("LICENSE_CODE", "3C343D0FAF"), ("EXPIRATION_DATE", "2005-03-03"),
             ("STATUS", "DISABLED"), ("FIRSTNAME", "John"), ("LASTNAME", "Doe")]
    assert _source([pairs[0], pairs[1], ("DATE", "20081117145935")]) == \
        b"103C343D0FAF102005-03-031420081117145935"
    notification = lcn.verify(signed(pairs), KEY)
    assert lcn.response(notification, KEY, "md5", now=datetime(2008, 11, 17, 14, 59, 35)) == \
        "<EPAYMENT>20081117145935|cb34fe2991668eb82364edf62f845a34</EPAYMENT>"


NOW = datetime(2026, 12, 3, 8, 0, 0)


@pytest.mark.parametrize(("algo", "field", "template"), [
    ("sha256", "SIGNATURE_SHA2_256", '<sig algo="sha256" date="{date}">{mac}</sig>'),
    ("sha3-256", "SIGNATURE_SHA3_256", '<sig algo="sha3-256" date="{date}">{mac}</sig>'),
    ("md5", "HASH", "<EPAYMENT>{date}|{mac}</EPAYMENT>"),
])
def test_response_exact_strings(algo: str, field: str, template: str) -> None:
    notification = lcn.verify(signed(CHANGE), KEY)
    date = "20261203080000"
    mac = _mac(field, _source([CHANGE[0], CHANGE[1], ("DATE", date)]))
    expected = template.format(date=date, mac=mac)
    assert lcn.response(notification, KEY, algo, now=NOW) == expected
    epoch = NOW.replace(tzinfo=timezone.utc).timestamp()
    assert lcn.response(notification, KEY, algo, now=epoch) == expected
    tokyo = NOW.replace(tzinfo=timezone.utc).astimezone(timezone(timedelta(hours=9)))
    assert lcn.response(notification, KEY, algo, now=tokyo) == expected


def test_the_receipt_covers_only_license_code_expiration_and_date() -> None:
    others = [(n, "changed" if n not in ("LICENSE_CODE", "EXPIRATION_DATE") else v)
              for n, v in CHANGE]
    first = lcn.response(lcn.verify(signed(CHANGE), KEY), KEY, now=NOW)
    assert lcn.response(lcn.verify(signed(others), KEY), KEY, now=NOW) == first
    renewed = [(n, "2028-03-03 14:00:00" if n == "EXPIRATION_DATE" else v) for n, v in CHANGE]
    assert lcn.response(lcn.verify(signed(renewed), KEY), KEY, now=NOW) != first


def test_response_default_is_sha256_now_utc() -> None:
    answer = lcn.response(lcn.verify(signed(CHANGE), KEY), KEY)
    found = re.fullmatch(r'<sig algo="sha256" date="(\d{14})">([0-9a-f]{64})</sig>', answer)
    assert found
    when = datetime.strptime(found[1], "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - when).total_seconds()) < 60
    assert found[2] == _mac("SIGNATURE_SHA2_256",
                            _source([CHANGE[0], CHANGE[1], ("DATE", found[1])]))


def test_a_notification_without_license_code_or_expiration_answers_with_zeros() -> None:
    notification = lcn.verify(signed([("STATUS", "ACTIVE")]), KEY)
    expected = _mac("SIGNATURE_SHA2_256", b"0" b"0" b"1420261203080000")
    assert lcn.response(notification, KEY, now=NOW) == \
        f'<sig algo="sha256" date="20261203080000">{expected}</sig>'


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"algo": "sha1"}, "algo"), ({"algo": "SHA256"}, "algo"), ({"algo": None}, "algo"),
    ({"now": "today"}, "now"), ({"now": True}, "now"), ({"now": math.nan}, "now"),
    ({"now": math.inf}, "now"), ({"now": -math.inf}, "now"), ({"now": 10 ** 30}, "now"),
    ({"now": 1e300}, "now"), ({"now": datetime(999, 1, 1)}, "now"),
    ({"now": datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))}, "now"),
])
def test_response_rejects_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        lcn.response(lcn.verify(signed(CHANGE), KEY), KEY, **kwargs)
    assert caught.value.operation == "lcn.response"


def test_response_needs_an_lcn_notification() -> None:
    order = ipn.verify(signed([("IPN_PID[]", "1"), ("IPN_DATE", "20260101000000")]), KEY)
    for wrong in (order, {"LICENSE_CODE": "x"}, None):
        with pytest.raises(ValidationError, match="Notification"):
            lcn.response(wrong, KEY)  # type: ignore[arg-type]


# -- verify: what passes and what it reads -------------------------------------------------------

def test_typed_fields() -> None:
    notification = lcn.verify(body(signed(CHANGE)), KEY)
    assert notification.signature == "sha3-256"
    assert notification.license_code == "3C343D0FAF"
    assert notification.expiration_date == datetime(2027, 3, 3, 14, 0, 0)
    assert notification.date_updated == datetime(2026, 12, 3, 8, 0, 0)
    assert notification.license_type is LicenseType.REGULAR
    assert notification.changed_by is ChangedBy.CUSTOMER
    assert notification.status == "DISABLED" and notification.test is True
    assert notification.avangate_customer_reference == "435384557"
    assert notification.external_customer_reference == "cust-9"
    assert (notification.first_name, notification.last_name) == ("Zoë", "Tanaka")
    assert notification.city == "東京" and notification.company is None
    assert notification.fax is None and notification.zip == "100-0001"
    assert notification.lifetime is False
    assert notification.fields[:len(CHANGE)] == tuple(CHANGE)
    assert notification.get("COUNTRY") == "Japan" and notification.get("NOPE", "-") == "-"


def test_lifetime_trial_system_change_and_unknown_values() -> None:
    pairs = [("LICENSE_CODE", "A"), ("EXPIRATION_DATE", "9999-12-31 23:59:59"),
             ("LICENSE_TYPE", "TRIAL"), ("CHANGED_BY", "SYSTEM"), ("TEST", "0")]
    notification = lcn.verify(signed(pairs), KEY)
    assert notification.lifetime and notification.expiration_date == LIFETIME
    assert notification.license_type is LicenseType.TRIAL
    assert notification.changed_by is ChangedBy.SYSTEM and notification.test is False
    odd = [("LICENSE_CODE", "A"), ("EXPIRATION_DATE", "soon"), ("LICENSE_TYPE", "PERPETUAL"),
           ("CHANGED_BY", "API"), ("DATE_UPDATED", "2026-02-30 00:00:00")]
    read = lcn.verify(signed(odd), KEY)  # signed: unknown values must not refuse a change
    assert read.expiration_date is None and read.license_type is None
    assert read.changed_by is None and read.date_updated is None
    assert read.get("CHANGED_BY") == "API" and read.get("EXPIRATION_DATE") == "soon"


@pytest.mark.parametrize(("field", "algo"), [("SIGNATURE_SHA3_256", "sha3-256"),
                                             ("SIGNATURE_SHA2_256", "sha256"), ("HASH", "md5")])
def test_each_algorithm_alone_verifies(field: str, algo: str) -> None:
    assert lcn.verify(signed(CHANGE, (field,)), KEY).signature == algo


@pytest.mark.parametrize("shape", ["bytes", "str", "pairs", "MultiDict", "dict of lists"])
def test_input_shapes(shape: str) -> None:
    pairs = signed(CHANGE)
    raw = body(pairs)
    form: Any = {"bytes": raw, "str": raw.decode(), "pairs": pairs,
                 "MultiDict": MultiDict(pairs),
                 "dict of lists": urllib.parse.parse_qs(raw.decode(), keep_blank_values=True),
                 }[shape]
    assert lcn.verify(form, KEY).first_name == "Zoë"


def test_uppercase_hex_is_accepted() -> None:
    pairs = [(n, v.upper() if n in ALL else v) for n, v in signed(CHANGE)]
    assert lcn.verify(pairs, KEY).signature == "sha3-256"


def test_repr_hides_the_received_signatures() -> None:
    pairs = signed(CHANGE)
    text = repr(lcn.verify(pairs, KEY))
    assert "3C343D0FAF" in text
    for name, value in pairs:
        if name in ALL:
            assert value not in text


# -- verify: what is refused -----------------------------------------------------------------------

def test_tampered_field_is_refused_naming_the_strongest_signature() -> None:
    pairs = [(n, "2099-01-01 00:00:00" if n == "EXPIRATION_DATE" else v)
             for n, v in signed(CHANGE)]
    error = _refused(pairs)
    assert error.signature == "SIGNATURE_SHA3_256"
    assert "expected_signatures" in str(error) and "signed_fields" in str(error)


def test_reordered_fields_and_wrong_key_are_refused() -> None:
    pairs = signed(CHANGE)
    pairs[0], pairs[1] = pairs[1], pairs[0]
    assert _refused(pairs).signature == "SIGNATURE_SHA3_256"
    assert _refused(signed(CHANGE), "another-key").signature == "SIGNATURE_SHA3_256"


@pytest.mark.parametrize("broken", ALL)
def test_every_present_signature_must_verify(broken: str) -> None:
    pairs = [(n, "ab" * 16 if n == broken else v) for n, v in signed(CHANGE)]
    assert _refused(pairs).signature == broken


def test_md5_only_no_signature_and_duplicates() -> None:
    only_md5 = signed(CHANGE, ("HASH",))
    assert lcn.verify(only_md5, KEY).signature == "md5"
    assert _refused(only_md5, allow_md5_only=False).signature == "HASH"
    none = _refused(CHANGE)
    assert none.signature is None and "no signature" in str(none)
    twice = signed(CHANGE, ("HASH",))
    assert _refused([*twice, twice[-1]]).signature == "HASH"


def test_error_classes() -> None:
    assert issubclass(LCNSignatureError, SignatureError)
    assert issubclass(IPNSignatureError, SignatureError)
    assert issubclass(SignatureError, AvangateError)
    assert not issubclass(LCNSignatureError, IPNSignatureError)
    for name in ("LCNSignatureError", "SignatureError"):
        assert name in avangate_compat.__all__


@pytest.mark.parametrize(("form", "message"), [
    (b"LICENSE_CODE=\xff", "not UTF-8"), ("LICENSE_CODE=%FF", "not UTF-8"), (42, "not int"),
    ([("LICENSE_CODE", 1)], "pair of strings"),
    ([("LICENSE_CODE", "\ud800"), ("HASH", "00")], "lone surrogate"),
])
def test_unusable_input_raises_validation_error(form: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        lcn.verify(form, KEY)
    assert caught.value.operation == "lcn.verify"


@pytest.mark.parametrize("key", ["", None, b"bytes-key", "key\udcff"])
def test_secret_key_must_be_usable_text(key: Any) -> None:
    notification = lcn.verify(signed(CHANGE), KEY)
    for call in (lambda: lcn.verify(signed(CHANGE), key), lambda: lcn.response(notification, key),
                 lambda: lcn.expected_signatures(signed(CHANGE), key)):
        with pytest.raises(ValidationError, match="secret_key"):
            call()


# -- the inferred field order, made checkable -----------------------------------------------------

def test_expected_signatures_and_signed_string_follow_the_inferred_rule() -> None:
    pairs = signed(CHANGE)
    assert lcn.signed_string(pairs) == _source(CHANGE)
    assert lcn.expected_signatures(body(pairs), KEY) == \
        {field: _mac(field, _source(CHANGE)) for field in ALL}


SUBSET = ("LICENSE_CODE", "EXPIRATION_DATE", "DATE_UPDATED")


def test_signed_fields_checks_another_rule() -> None:
    """If 2Checkout signs only some fields, in its own order, the caller says which."""
    chosen = [pair for name in SUBSET for pair in CHANGE if pair[0] == name]
    pairs = signed(CHANGE, source=_source(chosen))
    assert _refused(pairs).signature == "SIGNATURE_SHA3_256"  # not the inferred rule
    assert lcn.verify(pairs, KEY, signed_fields=SUBSET).license_code == "3C343D0FAF"
    assert lcn.signed_string(pairs, signed_fields=list(SUBSET)) == _source(chosen)
    assert lcn.expected_signatures(pairs, KEY, signed_fields=SUBSET)["HASH"] == \
        dict(pairs)["HASH"]
    assert _refused(pairs, signed_fields=SUBSET[::-1]).signature == "SIGNATURE_SHA3_256"


@pytest.mark.parametrize(("signed_fields", "message"), [
    ((), "non-empty"), ("LICENSE_CODE", "non-empty list"), ([1], "field names"),
    (["HASH"], "a signature"), (["LICENSE_CODE", "NOPE"], "'NOPE'.*does not carry"),
])
def test_signed_fields_must_name_fields_the_notification_carries(
        signed_fields: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        lcn.verify(signed(CHANGE), KEY, signed_fields=signed_fields)


# -- one signing module ------------------------------------------------------------------------

def test_ipn_and_lcn_sign_through_the_shared_module_only() -> None:
    """Neither notification module computes an HMAC or a digest itself."""
    package = Path(avangate_compat.__file__).parent
    for module in ("ipn.py", "lcn.py"):
        tree = ast.parse((package / module).read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert not imported & {"hmac", "hashlib"}, module


@pytest.mark.parametrize("now", [math.nan, math.inf, 10 ** 30])
def test_ipn_and_lcn_refuse_the_same_unusable_answer_date(now: float) -> None:
    order = ipn.verify(signed([("IPN_PID[]", "1"), ("IPN_DATE", "20260101000000")]), KEY)
    change = lcn.verify(signed(CHANGE), KEY)
    with pytest.raises(ValidationError, match="now"):
        ipn.response(order, KEY, now=now)
    with pytest.raises(ValidationError, match="now"):
        lcn.response(change, KEY, now=now)


# -- property: any input ends in a result or an AvangateError ------------------------------------

SIGNABLE = st.one_of(st.text(max_size=12), st.sampled_from(
    ["", "\x00", "9999-12-31 23:59:59", "REGULAR", "SYSTEM", "1", "%FF", "&=&"]))
TEXT = st.one_of(SIGNABLE, st.just("\ud800"), st.text(max_size=4).map(lambda t: t + "\udcff"))
FIELD_NAMES = st.sampled_from(["LICENSE_CODE", "EXPIRATION_DATE", "DATE_UPDATED",
                               "LICENSE_TYPE", "CHANGED_BY", "TEST", "STATUS", *ALL])
NAMES = st.one_of(FIELD_NAMES, TEXT)
SIGNABLE_PAIRS = st.lists(st.tuples(st.one_of(FIELD_NAMES, SIGNABLE), SIGNABLE), max_size=5)
ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.binary(max_size=8),
                     TEXT)
PAIRS = st.lists(st.one_of(st.tuples(NAMES, TEXT), st.tuples(NAMES, ANYTHING),
                           st.lists(ANYTHING, max_size=3), ANYTHING), max_size=6)
FORMS = st.one_of(
    ANYTHING, PAIRS, SIGNABLE_PAIRS.map(signed), SIGNABLE_PAIRS.map(lambda p: body(p).decode()),
    SIGNABLE_PAIRS.map(lambda p: body(signed(p))),
    st.dictionaries(NAMES, st.one_of(TEXT, st.lists(TEXT, max_size=2), ANYTHING), max_size=4),
    st.binary(max_size=20))
KEYS = st.one_of(st.just(KEY), ANYTHING)
NOWS = st.one_of(st.none(), st.floats(), st.integers(), st.datetimes(
    timezones=st.one_of(st.none(), st.timezones())), ANYTHING)
SIGNED_FIELDS = st.one_of(st.none(), ANYTHING, st.lists(NAMES, max_size=3),
                          st.lists(ANYTHING, max_size=2))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=FORMS, key=KEYS, md5=ANYTHING, fields=SIGNED_FIELDS)
def test_any_verify_input_ends_in_a_result_or_an_avangate_error(
        form: Any, key: Any, md5: Any, fields: Any) -> None:
    with contextlib.suppress(AvangateError):
        assert isinstance(lcn.verify(form, key, allow_md5_only=md5, signed_fields=fields),
                          Notification)
    with contextlib.suppress(AvangateError):
        assert len(lcn.expected_signatures(form, key, signed_fields=fields)) == 3
    with contextlib.suppress(AvangateError):
        assert isinstance(lcn.signed_string(form, signed_fields=fields), bytes)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(change=SIGNABLE_PAIRS, junk=ANYTHING, key=KEYS,
       algo=st.one_of(st.sampled_from(["sha256", "sha3-256", "md5"]), ANYTHING), now=NOWS)
def test_any_response_input_ends_in_a_result_or_an_avangate_error(
        change: list[tuple[str, str]], junk: Any, key: Any, algo: Any, now: Any) -> None:
    try:
        notification: Any = lcn.verify(signed(change), KEY)
    except AvangateError:
        notification = junk
    for target in (notification, junk):
        try:
            answer = lcn.response(target, key, algo, now)
        except AvangateError:
            continue
        assert re.fullmatch(r'<sig algo="sha(256|3-256)" date="\d{14}">[0-9a-f]{64}</sig>'
                            r'|<EPAYMENT>\d{14}\|[0-9a-f]{32}</EPAYMENT>', answer)


# -- the README listener -----------------------------------------------------------------------

def test_readme_listener_answers_a_signed_change_and_refuses_a_forged_one() -> None:
    namespace: dict[str, Any] = {}
    code = block_under("README.md", "License change notifications (LCN)").code
    exec(compile(code, "README.md", "exec"), namespace)
    namespace["SECRET_KEY"] = KEY
    client = WerkzeugClient(namespace["lcn_listener"])
    assert client.get("/lcn").status_code == 200  # 2Checkout validates the URL with a GET
    sent = client.post("/lcn", data=body(signed(CHANGE)),
                       content_type="application/x-www-form-urlencoded")
    assert sent.status_code == 200
    found = re.fullmatch(r'<sig algo="sha256" date="(\d{14})">([0-9a-f]{64})</sig>',
                         sent.get_data(as_text=True))
    assert found and found[2] == _mac("SIGNATURE_SHA2_256",
                                      _source([CHANGE[0], CHANGE[1], ("DATE", found[1])]))
    assert namespace["changes"] == [("3C343D0FAF", datetime(2027, 3, 3, 14, 0), "CUSTOMER")]
    forged = client.post("/lcn", data=body(signed(CHANGE, key="another-key")),
                         content_type="application/x-www-form-urlencoded")
    assert forged.status_code == 400 and namespace["changes"][1:] == []
