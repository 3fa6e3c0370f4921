"""SOAP 1.1 rpc/encoded for the sandbox: read requests and write answers per the shipped WSDL.

Requests are read by position and declared type, with or without ``xsi:type`` (zeep sends none,
PHP's SoapClient sends them), multiref ``href`` resolved. Answers carry ``xsi:type`` and SOAP-ENC
``arrayType`` as PHP's SoapServer wrote them, and refusals are SOAP Faults whose ``faultcode`` is
the error code string.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

import attrs
from lxml import etree

from .schema import NOT_XML, SCALARS, Invalid, canonical, load
from .service import Fault

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                          remove_pis=True, huge_tree=False)


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


@attrs.define
class Call:
    """A parsed SOAP call whose parameters are decoded one at a time, on demand: the session
    is checked before anything else of an unauthenticated body is decoded."""

    operation: str
    params: list[tuple[str, str]]
    elements: list[Any]
    root: Any
    budget: int
    """element visits left: multiref ``href`` fan-out cannot make decoding exponential"""
    _ids: Optional[dict[str, Any]] = None

    @property
    def count(self) -> int:
        return len(self.elements)

    def decode(self, index: int) -> Any:
        part, type_name = self.params[index]
        try:
            return _read(self.elements[index], type_name, self, part, 0)
        except Invalid as exc:
            raise Fault("INVALID_PARAMETERS", str(exc), 400) from None

    def resolve(self, href: str) -> Any:
        if self._ids is None:
            self._ids = {e.get("id"): e for e in self.root.iter(tag=etree.Element)
                         if e.get("id")}
        return self._ids.get(href.lstrip("#"))


def parse(body: bytes) -> Call:
    """The operation and parameter elements of a SOAP request; Fault when it is not one."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:  # libxml2 also bounds the depth (256)
        raise Fault("PARSE_ERROR", f"Malformed XML: {exc}", 400) from None
    except RecursionError:
        raise Fault("PARSE_ERROR", "Malformed XML: nested too deeply", 400) from None
    body_el = root.find(f"{{{ENV}}}Body") if root.tag == f"{{{ENV}}}Envelope" else None
    call = None if body_el is None else next(body_el.iterchildren(tag=etree.Element), None)
    if call is None:
        raise Fault("INVALID_REQUEST", "Not a SOAP 1.1 request: no Envelope/Body/operation", 400)
    name = _local(call.tag)
    declared = load().operations.get(name)
    if declared is None:
        raise Fault("METHOD_NOT_FOUND", f"Unknown operation {name[:100]!r}", 400, -32601)
    params = declared[0]
    args = list(call.iterchildren(tag=etree.Element))
    optional = load().optional[name]  # md5 logins send no algo
    if not len(params) - optional <= len(args) <= len(params):
        raise Fault("INVALID_PARAMETERS", f"{name} takes {len(params)} parameters, "
                                          f"got {len(args)}", 400)
    size = sum(1 for _ in root.iter())
    return Call(name, params, args, root, budget=8 * size + 256)


def _read(element: Any, type_name: str, call: Call, path: str, depth: int) -> Any:
    call.budget -= 1
    if call.budget < 0:
        raise Invalid(f"{path}: too many elements to decode (multiref references fan out)")
    if depth > 32:
        raise Invalid(f"{path}: nested too deeply")
    href = element.get("href")
    if href is not None:
        element = call.resolve(href)
        if element is None:
            raise Invalid(f"{path}: dangling reference {href[:40]!r}")
    if element.get(f"{{{XSI}}}nil") in ("true", "1"):
        return None
    if type_name.endswith("[]"):
        return [_read(c, type_name[:-2], call, f"{path}[{i}]", depth + 1)
                for i, c in enumerate(element.iterchildren(tag=etree.Element))]
    if type_name == "any":  # undeclared shape: children are fields, else the text
        children = list(element.iterchildren(tag=etree.Element))
        if not children:
            return canonical(element.text or "", "any", path)
        return {_local(c.tag): _read(c, "any", call, f"{path}.{_local(c.tag)}", depth + 1)
                for c in children}
    if type_name in SCALARS:
        if len(element):
            raise Invalid(f"{path}: expected a {type_name}, got an element")
        return canonical(element.text or "", type_name, path)
    fields = dict(load().types[type_name])
    return {_local(c.tag): _read(c, fields[_local(c.tag)], call, f"{path}.{_local(c.tag)}",
                                 depth + 1)
            for c in element.iterchildren(tag=etree.Element) if _local(c.tag) in fields}


def _envelope() -> tuple[Any, Any]:
    ns = load().namespace
    root = etree.Element(f"{{{ENV}}}Envelope", nsmap={
        "SOAP-ENV": ENV, "ns1": ns, "xsd": XSD, "xsi": XSI, "SOAP-ENC": ENC})
    root.set(f"{{{ENV}}}encodingStyle", ENC)
    return root, etree.SubElement(root, f"{{{ENV}}}Body")


def write_answer(operation: str, value: Any) -> bytes:
    _params, return_name, return_type = load().operations[operation]
    root, body = _envelope()
    wrapper = etree.SubElement(body, f"{{{load().namespace}}}{operation}Response")
    _write(wrapper, return_name, value, return_type)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def write_fault(fault: Fault) -> bytes:
    root, body = _envelope()
    element = etree.SubElement(body, f"{{{ENV}}}Fault")
    etree.SubElement(element, "faultcode").text = _xml_text(fault.code)
    etree.SubElement(element, "faultstring").text = _xml_text(fault.message)
    detail = etree.SubElement(element, "detail")
    etree.SubElement(detail, "error_code").text = _xml_text(fault.code)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _qname(type_name: str) -> str:
    if type_name == "any":
        return "xsd:anyType"
    return f"xsd:{type_name}" if type_name in SCALARS else f"ns1:{type_name}"


def _xml_text(text: str) -> str:
    """``text`` with what XML cannot carry replaced by U+FFFD: input refuses such characters,
    but a database written before that (or by hand) may hold them, and no read may fail."""
    return NOT_XML.sub("\ufffd", text)


def _decimal_text(value: Decimal) -> Optional[str]:
    if not value.is_finite():
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -64 <= exponent <= 64:  # bounded expansion
        return format(value, "f")
    return str(value)  # scientific: O(digits), never a gigabyte of zeros


def _write(parent: Any, name: str, value: Any, type_name: str) -> None:
    """Write what the store holds, whatever it is: a record the checks of today would refuse
    (from an older database file) is written as best it can be, never a failure."""
    if type_name == "any":
        _write_any(parent, name, value, 0)
        return
    element = etree.SubElement(parent, name)
    if isinstance(value, Decimal) and type_name in SCALARS:
        text = _decimal_text(value)
        if text is None:
            value = None
        else:
            element.set(f"{{{XSI}}}type", _qname(type_name))
            element.text = text
            return
    array = type_name.endswith("[]")
    if value is None or (array and not isinstance(value, list)) or \
            (not array and type_name not in SCALARS and not isinstance(value, dict)):
        element.set(f"{{{XSI}}}nil", "true")
        return
    if array:
        item = type_name[:-2]
        element.set(f"{{{XSI}}}type", "SOAP-ENC:Array")
        element.set(f"{{{ENC}}}arrayType", f"{_qname(item)}[{len(value)}]")
        for entry in value:
            _write(element, "item", entry, item)
        return
    element.set(f"{{{XSI}}}type", _qname(type_name))
    if type_name in SCALARS:
        if isinstance(value, bool):
            element.text = "true" if value else "false"
        elif isinstance(value, str):
            element.text = _xml_text(value)
        else:
            element.text = _xml_text(str(value))
        return
    for field, field_type in load().types[type_name]:
        _write(element, field, value.get(field), field_type)


_ANY_TYPES: dict[type, str] = {bool: "boolean", int: "int", Decimal: "decimal", str: "string"}


def _write_any(parent: Any, name: str, value: Any, depth: int) -> None:
    """A value of undeclared shape, typed by what it is."""
    if isinstance(value, dict) and depth < 32:
        element = etree.SubElement(parent, name)
        for key, item in value.items():
            _write_any(element, str(key), item, depth + 1)
    elif isinstance(value, list) and depth < 32:
        element = etree.SubElement(parent, name)
        element.set(f"{{{XSI}}}type", "SOAP-ENC:Array")
        element.set(f"{{{ENC}}}arrayType", f"xsd:anyType[{len(value)}]")
        for item in value:
            _write_any(element, "item", item, depth + 1)
    else:
        _write(parent, name, value, _ANY_TYPES.get(type(value), "string"))
