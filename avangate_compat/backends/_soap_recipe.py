"""SOAP requests of string-only operations written without zeep, byte for byte as zeep writes
them.

zeep builds a request through its object model: about 100 us per call, most of a SOAP call's
own work for a read such as ``getLead(sessionID, LeadCode)``. An operation whose parameters
are all plain strings has a fixed envelope with only the text varying, so after zeep has
written one such request the codec learns its shape (:func:`learn`) and writes later ones
directly (:meth:`Recipe.write`), with lxml escaping the text as it does under zeep.

A shape is learnt only when zeep's envelope is exactly that plain form (no SOAP header, no
attribute, no nesting, one element per parameter holding the argument's text) and writing the
same arguments again gives zeep's very bytes; otherwise, and for any call whose arguments are
not all strings or leave parameters out, zeep writes the request, whatever the WSDL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Optional

from lxml import etree
from zeep import xsd

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_ENVELOPE, _BODY = f"{{{ENV}}}Envelope", f"{{{ENV}}}Body"
_ENV_NSMAP = {"soap-env": ENV}


class Recipe:
    """How zeep writes one operation's request: the call element's tag and namespace
    declarations, then one element per parameter, in order."""

    __slots__ = ("call", "headers", "nsmap", "parts")

    def __init__(self, call: str, nsmap: Mapping[str, str], parts: Sequence[str],
                 headers: Mapping[str, str]) -> None:
        self.call = call
        self.nsmap = dict(nsmap)
        self.parts = tuple(parts)
        self.headers = headers

    def fits(self, args: Sequence[Any]) -> bool:
        """Whether these arguments are what the recipe writes: one plain string each."""
        return len(args) == len(self.parts) and all(type(a) is str for a in args)

    def write(self, args: Sequence[str]) -> bytes:
        """The request's bytes; lxml's ``ValueError`` for text XML cannot hold, as under zeep."""
        envelope = etree.Element(_ENVELOPE, nsmap=_ENV_NSMAP)
        call = etree.SubElement(etree.SubElement(envelope, _BODY), self.call, nsmap=self.nsmap)
        for part, value in zip(self.parts, args):
            etree.SubElement(call, part).text = value
        return bytes(etree.tostring(envelope, encoding="utf-8", xml_declaration=True))


def string_parts(parts: Sequence[tuple[str, Any]]) -> bool:
    """Whether every parameter of an operation (``(name, zeep element)``) is one string."""
    return bool(parts) and all(isinstance(element.type, xsd.String)
                               and element.max_occurs == 1 for _, element in parts)


def learn(envelope: Any, written: bytes, args: Sequence[str],
          headers: Mapping[str, str]) -> Optional[Recipe]:
    """The recipe of the request zeep built as ``envelope`` (and serialised as ``written``)
    for ``args``, all strings; ``None`` unless the recipe writes exactly those bytes."""
    if envelope.tag != _ENVELOPE or dict(envelope.nsmap) != _ENV_NSMAP \
            or not _bare(envelope, 1):
        return None
    body = envelope[0]
    if body.tag != _BODY or dict(body.nsmap) != _ENV_NSMAP or not _bare(body, 1):
        return None
    call = body[0]
    if not isinstance(call.tag, str) or not _bare(call, len(args)):
        return None
    parts = []
    for element, value in zip(call, args):
        tag = element.tag
        if not isinstance(tag, str) or tag.startswith("{") or not _bare(element, 0) \
                or (element.text or "") != value:
            return None
        parts.append(tag)
    declared = {prefix: uri for prefix, uri in call.nsmap.items()
                if prefix is not None and _ENV_NSMAP.get(prefix) != uri}
    if len(declared) != len(call.nsmap) - len(_ENV_NSMAP):
        return None
    recipe = Recipe(call.tag, declared, parts, headers)
    try:
        same = recipe.write(args) == written
    except ValueError:
        return None
    return recipe if same else None


def _bare(element: Any, children: int) -> bool:
    """No attribute, no tail, exactly ``children`` child elements and nothing else inside
    (text only where there is no child)."""
    if element.attrib or element.tail is not None or len(element) != children:
        return False
    if children and element.text is not None:
        return False
    return all(isinstance(child.tag, str) and child.tail is None for child in element)
