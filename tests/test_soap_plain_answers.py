"""SOAP answers without references are read by a shorter path than the general decoder: it
must give the general decoder's data, or its error, for any answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from avangate_compat import TransportError
from avangate_compat.backends import soap
from avangate_compat.transport import Answer

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes" / "soap"
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<SOAP-ENV:Envelope '
        'xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:ns1="urn:avangate-compat:api:6.0" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body>'
        '<ns1:opResponse>')
TAIL = "</ns1:opResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"


def general(body: bytes) -> Any:
    """What the general decoder reads from an answer: its data or its error's text."""
    root = etree.fromstring(body, parser=soap._PARSER)
    first = root.find(f"{{{soap.ENV}}}Body")[0]
    result = next(first.iterchildren(tag=etree.Element), None)
    try:
        return soap._Decoder("op", {}, 4 * len(body) + 1000).decode(result, 0)
    except TransportError as exc:
        return str(exc)


def read(body: bytes) -> Any:
    """What the codec reads (through the shorter path when the answer allows it)."""
    try:
        return soap.read_answer("op", Answer(200, "OK", {}, body))
    except TransportError as exc:
        return str(exc)


def recorded_answers() -> list[bytes]:
    found = []
    for path in sorted(CASSETTES.glob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            body = interaction["response"]["body"]["string"]
            text = body if isinstance(body, bytes) else body.encode("utf-8")
            if b"Fault" not in text and b"href" not in text:
                found.append(text)
    return found


RECORDED = recorded_answers()


def test_the_cassettes_hold_answers_to_compare() -> None:
    assert len(RECORDED) > 20


@pytest.mark.parametrize("body", RECORDED, ids=range(len(RECORDED)))
def test_recorded_answers_read_as_the_general_decoder_reads_them(body: bytes) -> None:
    assert repr(read(body)) == repr(general(body))


NAMES = st.sampled_from(["item", "a", "b", "Items"])
ATTRIBUTES = st.dictionaries(
    st.sampled_from(["xsi:nil", "xsi:type", "SOAP-ENC:arrayType", "id"]),
    st.sampled_from(["true", "1", "false", "xsd:string", "xsd:int", "xsd:decimal",
                     "xsd:boolean", "SOAP-ENC:Array", "ns1:ArrayOfLead", "ns1:Lead",
                     "ns1:LeadItem[2]", " 12 ", "1.50", "x"]), max_size=2)
TEXT = st.sampled_from(["", "12", "-3", "1.5", "true", " 1 ", "x", "NaN", "9" * 70])


def element(children: Any) -> Any:
    return st.tuples(NAMES, ATTRIBUTES, TEXT, children)


TREES = st.recursive(element(st.just([])), lambda inner: element(st.lists(inner, max_size=4)),
                     max_leaves=30)


def xml(tree: Any) -> str:
    name, attributes, text, children = tree
    attrs = "".join(f' {k}="{v}"' for k, v in attributes.items())
    inner = "".join(xml(c) for c in children) if children else text
    return f"<{name}{attrs}>{inner}</{name}>"


@settings(max_examples=300, deadline=None)
@given(TREES)
def test_any_answer_without_references_reads_as_the_general_decoder_reads_it(tree: Any) -> None:
    body = (HEAD + xml(tree) + TAIL).encode("utf-8")
    assert repr(read(body)) == repr(general(body))


@pytest.mark.parametrize("depth", [63, 64, 65, 66, 200])
def test_nesting_past_the_limit_is_the_general_decoders_error(depth: int) -> None:
    body = (HEAD + "<a>" * depth + "<b>x</b>" + "</a>" * depth + TAIL).encode("utf-8")
    assert repr(read(body)) == repr(general(body))


def test_entities_and_references_go_to_the_general_decoder() -> None:
    doctype = '<!DOCTYPE x [<!ENTITY e "text">]>'
    with_entity = (HEAD.replace("\n", "\n" + doctype + "\n") + "<a><b>&e;</b><c>1</c></a>"
                   + TAIL).encode("utf-8")
    assert repr(read(with_entity)) == repr(general(with_entity))
    # "href" in another encoding than ASCII bytes: a reference nonetheless, never silently read
    utf16 = (HEAD.replace("UTF-8", "UTF-16") + '<a><b href="#x"/></a>' + TAIL).encode("utf-16")
    assert read(utf16) == "op over soap: dangling multiref '#x'"


def test_answers_without_references_need_no_general_decoder(monkeypatch: Any) -> None:
    expected = [general(body) for body in RECORDED]
    monkeypatch.setattr(soap, "_Decoder", None)  # would fail if called
    assert [read(body) for body in RECORDED] == expected
