"""SOAP 1.1 through zeep, working with any WSDL: the shipped one, the live one, a user's copy.

- The WSDL is parsed once per process and location (parsing is all of zeep's start-up cost);
  each client gets a cheap ``zeep.Client`` over the shared document.
- Operations are found by name and arguments are built by walking the WSDL's own parameter
  types, so no generated type name is assumed. SOAP-ENC arrays are built explicitly: zeep
  sends a plain list for one as an empty element, losing the data without an error.
- Answers are decoded from the XML generically (``xsi:type``, ``xsi:nil``, SOAP-ENC arrays,
  multiref ``href``) into plain data. Unlike zeep's typed parsing, this keeps elements the WSDL
  does not know (a newer server's fields) instead of failing or dropping them.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Optional

import requests
import zeep
import zeep.transports
from lxml import etree
from zeep import xsd

from ..config import Settings
from ..errors import DroppedFieldWarning, TransportError, api_error
from ..operations import Operation
from ..tls import minimum_version, tls_options
from ..transport import Answer, HttpRequest, transport_error
from ._answers import http_failure, retry_after
from ._soap_recipe import Recipe, learn, string_parts

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SHIPPED_WSDL = "avangate-6.0.wsdl"
_INTS = frozenset({"int", "integer", "long", "short", "byte", "unsignedInt", "unsignedLong",
                   "unsignedShort", "unsignedByte", "nonNegativeInteger", "positiveInteger"})
_NUMBERS = frozenset({"decimal", "float", "double"})
_NIL, _TYPE, _ARRAY = f"{{{XSI}}}nil", f"{{{XSI}}}type", f"{{{ENC}}}arrayType"
# No DTDs, no entities, no network: answers come from a server we do not control.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_comments=True, remove_pis=True)


def shipped_file(name: str) -> str:
    """Path of a file in the installed ``avangate_compat.wsdl`` package (wheel or checkout)."""
    return str(resources.files("avangate_compat.wsdl").joinpath(name))


class _Transport(zeep.transports.Transport):
    """zeep transport that serves the SOAP-encoding schema from the package, never the web."""

    def load(self, url: str) -> bytes:
        if url.rstrip("/") == ENC.rstrip("/"):
            with open(shipped_file("soap-encoding.xsd"), "rb") as handle:
                return handle.read()
        return super().load(url)  # type: ignore[no-any-return]


class _TLSAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with the client's oldest accepted TLS version (requests has no
    setting for it); certificates and the CA come from the session, as requests expects."""

    def __init__(self, minimum: dict[str, Any]) -> None:
        self._minimum = minimum
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **{**kwargs, **self._minimum})


def tls_session(config: Settings) -> requests.Session:
    """A requests session with the client's TLS and proxy settings and nothing from the
    environment (``SSL_CERT_FILE`` aside, as the transport reads it too)."""
    tls = tls_options(config)
    session = requests.Session()
    session.trust_env = False
    session.verify = tls.get("ca_certs", tls["cert_reqs"] == "CERT_REQUIRED")
    if config.client_cert:
        session.cert = (config.client_cert, config.client_key) if config.client_key \
            else config.client_cert
    if config.proxy:
        session.proxies = {"http": config.proxy, "https": config.proxy}
    session.mount("https://", _TLSAdapter(minimum_version(config)))
    return session


_DOCUMENTS: dict[str, Any] = {}
_DOCUMENTS_LOCK = threading.Lock()


def wsdl_document(location: str, transport: _Transport) -> Any:
    """The parsed WSDL for ``location``, parsed at most once per process."""
    document = _DOCUMENTS.get(location)
    if document is None:
        with _DOCUMENTS_LOCK:
            document = _DOCUMENTS.get(location)
            if document is None:
                document = zeep.Client(location, transport=transport).wsdl
                _DOCUMENTS[location] = document
    return document


class SoapCodec:
    """SOAP 1.1 requests built from whatever WSDL is configured, answers read as plain XML
    data. Only loading the WSDL does I/O (once per process and location)."""

    name = "soap"

    def __init__(self, config: Settings) -> None:
        # zeep loads the WSDL (and anything it imports) through requests, with the client's
        # TLS and proxy settings and nothing from the environment.
        session = tls_session(config)
        transport = _Transport(session=session, timeout=config.read_timeout,
                               operation_timeout=config.read_timeout)
        location = config.wsdl or shipped_file(SHIPPED_WSDL)
        try:
            document = wsdl_document(location, transport)
        except requests.RequestException as exc:  # TLS, proxy, connection: named and typed
            raise transport_error("wsdl", self.name, exc, location, config) from None
        except (OSError, zeep.exceptions.Error, etree.LxmlError, ValueError) as exc:
            raise TransportError("wsdl", self.name, f"cannot load WSDL {location!r}: {exc}") \
                from None
        self._client = zeep.Client(document, transport=transport)
        self._binding = self._client.service._binding
        self._url = config.soap_endpoint
        self._items: dict[int, Any] = {}
        # operation -> how zeep writes its string-only requests (None: zeep always writes it)
        self._recipes: dict[str, Optional[Recipe]] = {}

    def encode(self, operation: Operation[Any], args: list[Any]) -> HttpRequest:
        name = operation.name
        recipe = self._recipes.get(name)
        if recipe is not None and recipe.fits(args):
            try:
                return HttpRequest("POST", self._url, recipe.write(args), recipe.headers,
                                   label=name)
            except ValueError:
                pass  # text XML cannot hold: zeep refuses it below, in its own words
        try:
            binding_op = self._binding.get(name)
        except ValueError:
            raise TransportError(name, self.name, "the WSDL declares no such operation") \
                from None
        parts = binding_op.input.body.type.elements
        if len(args) > len(parts):
            raise TransportError(name, self.name, f"the WSDL declares {len(parts)} parameters, "
                                                  f"the call has {len(args)}")
        built = [self._build(value, element.type, f"{name}.{part}")
                 for value, (part, element) in zip(args, parts)]
        # Parameters the call does not send (the legacy MD5 login has no algo) are left out.
        built += [xsd.SkipValue] * (len(parts) - len(args))
        try:
            envelope = self._client.create_message(self._client.service, name, *built)
        except (zeep.exceptions.Error, TypeError, ValueError) as exc:
            raise TransportError(name, self.name, f"cannot encode the request: {exc}") from None
        headers = {"Content-Type": "text/xml; charset=utf-8",
                   "SOAPAction": f'"{binding_op.soapaction or ""}"'}
        body = etree.tostring(envelope, encoding="utf-8", xml_declaration=True)
        if name not in self._recipes and len(args) == len(parts) \
                and all(type(a) is str for a in args):  # the first string-only call
            self._recipes[name] = learn(envelope, body, args, headers) \
                if string_parts(parts) else None
        return HttpRequest("POST", self._url, body, headers, label=name)

    def decode(self, operation: Operation[Any], request: HttpRequest, answer: Answer) -> Any:
        return read_answer(operation.name, answer)

    def raw_args(self, method: str, params: tuple[Any, ...]) -> list[Any]:
        return list(params)

    # -- request side --------------------------------------------------------------------------

    def _build(self, value: Any, xsd_type: Any, path: str) -> Any:
        """Plain data -> the zeep value the WSDL's type needs (arrays built explicitly)."""
        if value is None:
            return None
        array = getattr(xsd_type, "_array_type", None)
        if array is not None:
            item_type = array.array_type
            element = self._items.get(id(item_type))
            if element is None:
                element = self._items[id(item_type)] = xsd.Element("item", item_type)
            values = value if isinstance(value, list) else [value]
            return xsd_type([xsd.AnyObject(element, self._build(v, item_type, f"{path}[]"))
                             for v in values])
        if isinstance(xsd_type, xsd.ComplexType) and isinstance(value, Mapping):
            elements = dict(xsd_type.elements)
            kwargs = {}
            for key, item in value.items():
                element = elements.get(key)
                if element is None:
                    if item is not None:
                        warnings.warn(f"{path}.{key} is not in the WSDL type and was not sent",
                                      DroppedFieldWarning, stacklevel=4)
                    continue
                if element.max_occurs != 1 and isinstance(item, list):  # literal arrays
                    kwargs[key] = [self._build(v, element.type, f"{path}.{key}") for v in item]
                else:
                    kwargs[key] = self._build(item, element.type, f"{path}.{key}")
            return xsd_type(**kwargs)
        return value


# -- answer side ---------------------------------------------------------------------------------


_LOCAL: dict[Any, str] = {}  # tag -> local name: an answer repeats few tags many times


def _local(tag: Any) -> str:
    name = _LOCAL.get(tag)
    if name is None:
        name = str(tag).rsplit("}", 1)[-1]
        if len(_LOCAL) < 4096:  # bounded: a hostile answer may invent any number of tags
            _LOCAL[tag] = name
    return name


_TYPES: dict[str, str] = {}  # xsi:type value -> its local type name, bounded as _LOCAL


def _type_name(xsi_type: str) -> str:
    name = _TYPES.get(xsi_type)
    if name is None:
        name = _local(xsi_type).rsplit(":", 1)[-1]
        if len(_TYPES) < 4096:
            _TYPES[xsi_type] = name
    return name


def read_answer(operation: str, answer: Answer) -> Any:
    """The return value of a SOAP answer as plain data, or the Fault it carries."""
    status = answer.status
    try:
        root = etree.fromstring(answer.body, parser=_PARSER)
    except etree.XMLSyntaxError:
        if status >= 300:
            raise http_failure(operation, "soap", answer) from None
        raise TransportError(operation, "soap", "answer is not XML", status) from None
    body = root.find(f"{{{ENV}}}Body") if root.tag == f"{{{ENV}}}Envelope" else None
    first = None if body is None else next(body.iterchildren(tag=etree.Element), None)
    if first is not None and first.tag == f"{{{ENV}}}Fault":
        code = first.findtext("faultcode") or None
        message = first.findtext("faultstring") or ""
        detail = first.find("detail")
        if detail is not None:  # a generic Server/Client code may hide the real one
            specific = next((e.text for e in detail.iter() if _local(e.tag) == "error_code"),
                            None)
            code = specific or code
        raise api_error(operation, "soap", code[:200] if code else None, message[:2000],
                        status, retry_after=retry_after(answer))
    if status >= 300:  # an HTML page that parses as XML, or an envelope without a Fault
        raise http_failure(operation, "soap", answer)
    if body is None:
        raise TransportError(operation, "soap", "answer is not a SOAP 1.1 envelope", status)
    if first is None:
        raise TransportError(operation, "soap", "answer body is empty", status)
    result = next(first.iterchildren(tag=etree.Element), None)
    if result is None:
        return None
    # Shared (multiref) values are decoded once, but each reference costs its whole size again,
    # as it will for whoever walks the result: a budget proportional to the answer's elements
    # bounds the work, so an answer that fans references out exponentially is refused. Without
    # any reference (the common answer), each element is visited once: nothing to index.
    ids: dict[Optional[str], Any] = {}
    elements = 0
    if b"href" in answer.body:
        for element in body.iter(tag=etree.Element):
            elements += 1
            key = element.get("id")
            if key:
                ids[key] = element
    else:
        value = _plain(result, 0)
        if value is not _NOT_PLAIN:
            return value
        elements = len(answer.body)  # more than its elements: the budget is never reached
    return _Decoder(operation, ids, 4 * elements + 1000).decode(result, 0)


_NOT_PLAIN = object()
"""What :func:`_plain` returns for an answer it leaves to :class:`_Decoder`: a reference, an
entity, or nesting past the limit (which the decoder reports)."""


def _plain(element: Any, depth: int) -> Any:
    """What :meth:`_Decoder.decode` reads from an answer without references (most answers),
    in fewer steps: no budget to keep, and leaves (most elements) read in their parent's loop
    rather than by a call each. Anything else gives :data:`_NOT_PLAIN`, so the decoder reads
    the whole answer again and says what is wrong, as it always did."""
    if depth > 64:
        return _NOT_PLAIN
    get = dict(element.items()).get
    if get("href") is not None:
        return _NOT_PLAIN
    if get(_NIL) in ("true", "1"):
        return None
    xsi_type = get(_TYPE)
    xsi_type = _type_name(xsi_type) if xsi_type else ""
    if not len(element):
        return _leaf(element, xsi_type, get(_ARRAY))
    children = list(element.iterchildren(tag=etree.Element))
    if len(children) != len(element):  # an entity among them
        return _NOT_PLAIN
    depth += 1
    values = []
    for child in children:
        if len(child):
            value = _plain(child, depth)
            if value is _NOT_PLAIN:
                return _NOT_PLAIN
            values.append(value)
            continue
        if depth > 64:
            return _NOT_PLAIN
        child_get = dict(child.items()).get
        if child_get("href") is not None:
            return _NOT_PLAIN
        if child_get(_NIL) in ("true", "1"):
            values.append(None)
            continue
        child_type = child_get(_TYPE)
        values.append(_leaf(child, _type_name(child_type) if child_type else "",
                            child_get(_ARRAY)))
    names = [_local(c.tag) for c in children]
    if (get(_ARRAY) is not None or xsi_type == "Array" or xsi_type.startswith("ArrayOf")
            or set(names) == {"item"}
            or (len(children) > 1 and xsi_type == "" and len(set(names)) == 1)):
        return values
    out: dict[str, Any] = {}
    for key, value in zip(names, values):
        if key in out:  # a repeated element without an array wrapper
            previous = out[key]
            out[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[key] = value
    return out


def _leaf(element: Any, xsi_type: str, array_type: Optional[str]) -> Any:
    """An element without child nodes, not nil, as :meth:`_Decoder._value` reads it."""
    if array_type is not None or xsi_type == "Array" or xsi_type.startswith("ArrayOf"):
        return []
    return _text_value(element.text or "", xsi_type)


class _Decoder:
    def __init__(self, operation: str, ids: Mapping[Optional[str], Any], budget: int) -> None:
        self.operation = operation
        self.ids = ids
        self.left = budget
        self.shared: dict[int, tuple[Any, int]] = {}

    def _spend(self, nodes: int) -> None:
        self.left -= nodes
        if self.left < 0:
            raise TransportError(self.operation, "soap", "answer's references expand far "
                                                         "beyond its size")

    def decode(self, element: Any, depth: int) -> Any:
        if depth > 64:
            raise TransportError(self.operation, "soap", "answer nests deeper than 64 levels")
        # every attribute in one call: lxml parses a "{namespace}name" key on each get()
        attributes = dict(element.items())
        href = attributes.get("href")
        if href is None:
            return self._value(element, depth, attributes)
        target = self.ids.get(href.lstrip("#"))
        if target is None:
            raise TransportError(self.operation, "soap", f"dangling multiref {href[:64]!r}")
        known = self.shared.get(id(target))
        if known is not None:
            value, nodes = known
            self._spend(nodes)
            return value
        before = self.left
        value = self._value(target, depth, dict(target.items()))
        self.shared[id(target)] = (value, before - self.left)
        return value

    def _value(self, element: Any, depth: int, attributes: Mapping[str, str]) -> Any:
        self.left -= 1  # _spend(1), inline: once per element
        if self.left < 0:
            self._spend(0)
        get = attributes.get
        if get(_NIL) in ("true", "1"):
            return None
        xsi_type = get(_TYPE)
        xsi_type = _type_name(xsi_type) if xsi_type else ""
        # no child node at all (most elements): read as the loop below reads an empty list
        children = list(element.iterchildren(tag=etree.Element)) if len(element) else []
        names = [_local(c.tag) for c in children]
        if (get(_ARRAY) is not None or xsi_type == "Array" or xsi_type.startswith("ArrayOf")
                or (children and set(names) == {"item"})
                or (len(children) > 1 and xsi_type == "" and len(set(names)) == 1)):
            return [self.decode(c, depth + 1) for c in children]
        if children:
            out: dict[str, Any] = {}
            for key, child in zip(names, children):
                value = self.decode(child, depth + 1)
                if key in out:  # a repeated element without an array wrapper
                    previous = out[key]
                    out[key] = [*previous, value] if isinstance(previous, list) \
                        else [previous, value]
                else:
                    out[key] = value
            return out
        return _text_value(element.text or "", xsi_type)


def _text_value(text: str, xsi_type: str) -> Any:
    """A leaf's text as its ``xsi:type`` says: int, Decimal, bool, or the text itself."""
    if xsi_type in _INTS and len(text) <= 64:  # longer is no int64; the converter says so
        try:
            return int(text)
        except ValueError:
            return text
    if xsi_type in _NUMBERS and len(text) <= 64:
        try:
            return Decimal(text)
        except InvalidOperation:
            return text  # let the converter report it against the model's field
    if xsi_type == "boolean":
        return text.strip() in ("true", "1")
    return text
