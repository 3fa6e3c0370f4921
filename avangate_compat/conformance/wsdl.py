"""The WSDL diff of a conformance run: the shape of a WSDL 1.1 document (operations with their
arguments and results, complex types with their fields, binding style), read safely, and the
differences between the shipped (or a saved) WSDL and the live one."""

from __future__ import annotations

from typing import Any, Optional

import attrs

# -- the WSDL ------------------------------------------------------------------------------------

_WSDL = "http://schemas.xmlsoap.org/wsdl/"
_SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
_XSD = "http://www.w3.org/2001/XMLSchema"

Fields = tuple[tuple[str, str], ...]


@attrs.frozen
class WsdlShape:
    """What the comparison looks at: the target namespace, the binding style, each
    operation's arguments (name, type) in order and result, each complex type's fields."""

    namespace: str
    style: str
    operations: dict[str, Fields]
    results: dict[str, Fields]
    types: dict[str, Fields]


def _local(qname: Optional[str]) -> str:
    return (qname or "").rsplit(":", 1)[-1]


def read_wsdl(data: bytes) -> WsdlShape:
    """Parse a WSDL 1.1 document safely (no DTD, no entities, no network, no imports)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    root = etree.fromstring(data, parser=parser)
    if root.getroottree().docinfo.doctype:
        raise ValueError("the WSDL declares a DTD; refused")
    if root.tag != f"{{{_WSDL}}}definitions":
        raise ValueError(f"not a WSDL 1.1 document (root element {_local(root.tag)!r})")
    elements = {e.get("name"): e for schema in root.iter(f"{{{_XSD}}}schema")
                for e in schema.iterchildren(f"{{{_XSD}}}element")}
    messages = {m.get("name"): m for m in root.iterchildren(f"{{{_WSDL}}}message")}

    def parts(message_qname: Optional[str]) -> Fields:
        message = messages.get(_local(message_qname))
        if message is None:
            return ()
        out: list[tuple[str, str]] = []
        for part in message.iterchildren(f"{{{_WSDL}}}part"):
            element = part.get("element")
            if element is None:
                out.append((part.get("name") or "", _local(part.get("type"))))
                continue
            wrapper = elements.get(_local(element))  # document/literal: the wrapper's fields
            inline = wrapper.find(f"{{{_XSD}}}complexType") if wrapper is not None else None
            out.extend(_fields(inline) if inline is not None
                       else [(part.get("name") or "", _local(element))])
        return tuple(out)

    operations: dict[str, Fields] = {}
    results: dict[str, Fields] = {}
    for port_type in root.iterchildren(f"{{{_WSDL}}}portType"):
        for operation in port_type.iterchildren(f"{{{_WSDL}}}operation"):
            name = operation.get("name") or ""
            given, answer = operation.find(f"{{{_WSDL}}}input"), \
                operation.find(f"{{{_WSDL}}}output")
            operations[name] = parts(given.get("message") if given is not None else None)
            results[name] = parts(answer.get("message") if answer is not None else None)
    types = {ct.get("name"): tuple(_fields(ct)) for ct in root.iter(f"{{{_XSD}}}complexType")
             if ct.get("name")}
    binding = next(root.iter(f"{{{_SOAP_BINDING}}}binding"), None)
    body = next(root.iter(f"{{{_SOAP_BINDING}}}body"), None)
    style = (binding.get("style") if binding is not None else None) or "document"
    use = (body.get("use") if body is not None else None) or "literal"
    return WsdlShape(root.get("targetNamespace") or "", f"{style}/{use}", operations, results,
                     types)


def _fields(complex_type: Any) -> list[tuple[str, str]]:
    """A complex type's fields in order: its elements (not those of nested anonymous types),
    ``[]`` with the item type for a SOAP-encoded array, ``<extends>`` with a base type."""
    out: list[tuple[str, str]] = []
    for node in complex_type.iter():
        local = _local(str(node.tag).rsplit("}", 1)[-1])
        if local == "extension" and node.get("base"):
            out.append(("<extends>", _local(node.get("base"))))
        elif local == "attribute" and node.get(f"{{{_WSDL}}}arrayType"):
            out.append(("[]", _local(node.get(f"{{{_WSDL}}}arrayType"))))
        elif local == "element" and _owner(node) is complex_type:
            kind = node.get("type") or node.get("ref") or "(anonymous)"
            repeated = node.get("maxOccurs") not in (None, "1")
            out.append((node.get("name") or _local(node.get("ref")),
                        _local(kind) + ("[]" if repeated else "")))
    return out


def _owner(element: Any) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != f"{{{_XSD}}}complexType":
        parent = parent.getparent()
    return parent


def compare_wsdl(reference: WsdlShape, live: WsdlShape) -> list[dict[str, str]]:
    """Differences from the reference (shipped) WSDL to the live one, one entry each:
    ``{"what": "operation" | "type" | "binding", "name", "detail"}``."""
    found: list[dict[str, str]] = []

    def add(what: str, name: str, detail: str) -> None:
        found.append({"what": what, "name": name, "detail": detail})

    if reference.namespace != live.namespace:
        add("binding", "targetNamespace", f"shipped {reference.namespace!r}, "
                                          f"live {live.namespace!r}")
    if reference.style != live.style:
        add("binding", "style", f"shipped {reference.style}, live {live.style}")
    for what, ours, theirs in (("operation", reference.operations, live.operations),
                               ("type", reference.types, live.types)):
        for name in sorted(set(ours) | set(theirs)):
            if name not in theirs:
                add(what, name, "only in the shipped WSDL")
            elif name not in ours:
                add(what, name, f"only in the live WSDL: ({_signature(theirs[name])})")
            else:
                for detail in _compare_fields(ours[name], theirs[name],
                                              "argument" if what == "operation" else "field"):
                    add(what, name, detail)
    for name in sorted(set(reference.results) & set(live.results)):
        if [t for _, t in reference.results[name]] != [t for _, t in live.results[name]]:
            add("operation", name, f"result: shipped ({_signature(reference.results[name])}), "
                                   f"live ({_signature(live.results[name])})")
    return found


def _signature(fields: Fields) -> str:
    return ", ".join(f"{name}: {type_name}" for name, type_name in fields)


def _compare_fields(ours: Fields, theirs: Fields, noun: str) -> list[str]:
    names, live_names = [n for n, _ in ours], [n for n, _ in theirs]
    out = []
    missing = [n for n in names if n not in live_names]
    added = [n for n in live_names if n not in names]
    if missing:
        out.append(f"{noun}(s) only in the shipped WSDL: {', '.join(missing)}")
    if added:
        out.append(f"{noun}(s) only in the live WSDL: {', '.join(added)}")
    common = [n for n in names if n in live_names]
    if common != [n for n in live_names if n in names]:
        out.append(f"{noun} order: shipped ({', '.join(names)}), live ({', '.join(live_names)})")
    types, live_types = dict(ours), dict(theirs)
    out += [f"{noun} {n}: type {types[n]} shipped, {live_types[n]} live"
            for n in common if types[n] != live_types[n]]
    return out
