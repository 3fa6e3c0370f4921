"""The SOAP codec writes string-only requests itself once zeep has shown it their shape: the
bytes must be zeep's own, for any text, and anything else must still go through zeep."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from avangate_compat import Client, TransportError
from avangate_compat.backends._soap_recipe import learn
from avangate_compat.operations import GET_LEAD, OPERATIONS, synthetic
from avangate_compat.spec import load

NOWHERE = "http://127.0.0.1:9"


class Text(str):
    """A string subclass: not the plain ``str`` the recipe writes."""
ODD_TEXTS = ["", " ", "a&b<c>d\"e'f", "]]>", "é€😀", "\r\n\t x \r", "&amp;", "<x/>",
             "\u2028\u0085", "a" * 5000]


def codec() -> Any:
    return Client(backend="soap", merchant_code="M", secret_key="S", base_url=NOWHERE)._codec


def parts(soap: Any, name: str) -> list[tuple[str, Any]]:
    return list(soap._binding.get(name).input.body.type.elements)


def operation(name: str) -> Any:
    return OPERATIONS.get(name) or synthetic(name)


def by_zeep(soap: Any, name: str, args: list[Any]) -> Any:
    """What zeep writes for this call (the codec told never to use its own writer for it)."""
    known, saved = name in soap._recipes, soap._recipes.get(name)
    soap._recipes[name] = None
    try:
        return soap.encode(operation(name), args)
    finally:
        if known:
            soap._recipes[name] = saved
        else:
            del soap._recipes[name]


def string_only() -> list[str]:
    soap = codec()
    return [name for name in sorted(load().operations)
            if all(type(e.type).__name__ == "String" for _, e in parts(soap, name))]


STRING_ONLY = string_only()


def test_string_only_operations_learn_a_recipe_and_others_do_not() -> None:
    soap = codec()
    for name in sorted(load().operations):
        n = len(parts(soap, name))
        soap.encode(operation(name), ["x"] * n)
        assert (soap._recipes.get(name) is not None) == (name in STRING_ONLY), name
    assert {"getLead", "getProductByCode", "login"} <= set(STRING_ONLY)


@pytest.mark.parametrize("name", STRING_ONLY)
@pytest.mark.parametrize("text", ODD_TEXTS)
def test_the_recipe_writes_zeeps_bytes(name: str, text: str) -> None:
    soap = codec()
    n = len(parts(soap, name))
    soap.encode(operation(name), ["learn"] * n)
    args = [text, *(f"{text}-{i}" for i in range(1, n))]
    ours, zeeps = soap.encode(operation(name), args), by_zeep(soap, name, args)
    assert soap._recipes[name] is not None
    assert (ours.method, ours.url, ours.body, dict(ours.headers), ours.label) == \
        (zeeps.method, zeeps.url, zeeps.body, dict(zeeps.headers), zeeps.label)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=2, max_size=2))
def test_the_recipe_writes_zeeps_bytes_for_any_text(args: list[str]) -> None:
    soap = _LEARNT
    try:
        ours: Any = soap.encode(GET_LEAD, args).body
    except TransportError as exc:
        ours = str(exc)
    try:
        zeeps: Any = by_zeep(soap, "getLead", args).body
    except TransportError as exc:
        zeeps = str(exc)
    assert ours == zeeps


_LEARNT = codec()
_LEARNT.encode(GET_LEAD, ["sid", "code"])


@pytest.mark.parametrize("text", ["\x01", "a\x00b", "\ud800", "\ufffe"])
def test_text_xml_cannot_hold_fails_as_under_zeep(text: str) -> None:
    soap = codec()
    soap.encode(GET_LEAD, ["sid", "code"])
    with pytest.raises(TransportError) as ours:
        soap.encode(GET_LEAD, ["sid", text])
    with pytest.raises(TransportError) as zeeps:
        by_zeep(soap, "getLead", ["sid", text])
    assert str(ours.value) == str(zeeps.value)


def test_calls_that_are_not_all_strings_go_through_zeep_and_teach_nothing() -> None:
    soap = codec()
    login = operation("login")
    # the MD5 login leaves algo out; an argument not a plain str is zeep's to render
    for args in (["M", "date", "hash"], ["M", "date", "hash", Text("sha256")], ["M", 5, "h", "a"]):
        assert soap.encode(login, args).body == by_zeep(soap, "login", args).body
        assert "login" not in soap._recipes
    soap.encode(login, ["M", "date", "hash", "sha256"])
    recipe = soap._recipes["login"]
    assert recipe is not None
    for args in (["M", "date", "hash"], ["M", "date", "hash", Text("sha256")]):
        assert not recipe.fits(args)
        assert soap.encode(login, args).body == by_zeep(soap, "login", args).body


def _envelope(extra: str) -> Any:
    return etree.fromstring(
        '<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">'
        f'{extra}</soap-env:Envelope>')


@pytest.mark.parametrize("body", [
    '<soap-env:Header/><soap-env:Body><ns0:op xmlns:ns0="urn:x"><a>v</a></ns0:op>'
    '</soap-env:Body>',
    '<soap-env:Body><ns0:op xmlns:ns0="urn:x" id="1"><a>v</a></ns0:op></soap-env:Body>',
    '<soap-env:Body><ns0:op xmlns:ns0="urn:x"><a t="1">v</a></ns0:op></soap-env:Body>',
    '<soap-env:Body><ns0:op xmlns:ns0="urn:x"><a><b>v</b></a></ns0:op></soap-env:Body>',
    '<soap-env:Body><ns0:op xmlns:ns0="urn:x"><ns0:a>v</ns0:a></ns0:op></soap-env:Body>',
    '<soap-env:Body><ns0:op xmlns:ns0="urn:x"><a>other</a></ns0:op></soap-env:Body>',
])
def test_no_recipe_is_learnt_from_an_envelope_of_another_shape(body: str) -> None:
    envelope = _envelope(body)
    written = etree.tostring(envelope, encoding="utf-8", xml_declaration=True)
    assert learn(envelope, written, ["v"], {}) is None


def test_a_recipe_is_learnt_only_when_it_rewrites_the_same_bytes() -> None:
    envelope = _envelope('<soap-env:Body><ns0:op xmlns:ns0="urn:x"><a>v</a></ns0:op>'
                         '</soap-env:Body>')
    written = etree.tostring(envelope, encoding="utf-8", xml_declaration=True)
    recipe = learn(envelope, written, ["v"], {"SOAPAction": '"x"'})
    assert recipe is not None and recipe.write(["v"]) == written
    assert learn(envelope, written.replace(b"utf-8", b"UTF-8"), ["v"], {}) is None
