"""The sandbox's WSGI application: the real service's paths plus a control API.

- ``/soap/6.0/``: SOAP 1.1 (``?wsdl`` serves the shipped WSDL pointed at this server)
- ``/rpc/6.0/``: JSON-RPC 2.0
- ``/rest/6.0/...``: REST with the signed header
- ``/_sandbox/...``: health, reset, seed, clock, sessions, stats (as moto and LocalStack have)

Answers carry the quirks real ones have: JSON-RPC sends numbers as strings, and the lists an
operation's ``jsonrpc.zero_keyed`` names in the spec as ``"0"``-keyed objects (lead answers, as
the documentation's ``getLead`` example shows; every other list is a JSON array); REST wraps in
``"0"`` the members the spec's routes list (``zero_keyed``, ``page_of``), as the seed OpenAPI
does. No request ever gets a traceback page: every failure is a protocol error.
"""

from __future__ import annotations

import http
import ipaddress
import logging
import socket
import time
import urllib.parse
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable, Optional, Union

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from . import rest, soap
from .faults import BadFault, bounded_number
from .faults import Fault as ArmedFault
from .resources import order_flow, subscription_clock
from .rest import rest_routes
from .schema import Invalid, canonical, load
from .service import SESSION_ERRORS, Fault, Service
from .wire import JSON_TYPE, MAX_BODY, dumps, loads, php_style, read_body

log = logging.getLogger("avangate_compat.sandbox")
class _Cut:
    """A faulted request whose connection is cut instead of answered (``drop``/``truncate``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


Answer = Union[Response, _Cut]
_DELAY = "avangate_compat.sandbox.delay_ms"
# nginx's own wording, what a proxy in front of the real service would send
_PROXY_REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable",
                  504: "Gateway Time-out"}


class SandboxApp:
    def __init__(self, service: Service) -> None:
        self.service = service
        self._rest = rest_routes()
        endpoints = load().endpoints
        self._soap_path = endpoints["soap"].rstrip("/")
        self._rpc_path = endpoints["jsonrpc"].rstrip("/")
        self._rest_root = endpoints["rest"].rstrip("/") + "/"

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        request.max_content_length = MAX_BODY
        path = request.path
        protocol = True
        if path.startswith("/_sandbox/"):
            handler: Callable[[Request], Answer] = self._control
            protocol = False
        elif path.rstrip("/") == self._soap_path:
            handler = self._soap
        elif path.rstrip("/") == self._rpc_path:
            handler = self._jsonrpc
        elif path.startswith(self._rest_root):
            handler = self._rest_call
        else:
            handler, protocol = _not_found, False
        try:
            response = handler(request)
        except Exception:  # a last safety net: every known failure is answered explicitly
            log.exception("sandbox bug while serving %s", path)
            response = Response(dumps({"error_code": "INTERNAL_ERROR",
                                        "message": "internal sandbox error"}),
                                500, content_type=JSON_TYPE)
        if protocol:
            # slept here, in this worker thread (waitress runs 16): the I/O loop goes on
            delay = self.service.latency_ms + environ.get(_DELAY, 0)
            if delay > 0:
                time.sleep(delay / 1000)
        if isinstance(response, _Cut):
            return _cut_connection(response.kind, environ, start_response)
        return response(environ, start_response)

    # -- faults armed through the control API --------------------------------------------------

    def _faulted(self, request: Request, protocol: str, operation: Optional[str],
                 request_id: Any = None) -> Optional[Answer]:
        """The answer of an armed fault matching this call, or None to serve it. Latency and
        session-expiry faults return None: the call is served, late or to expired sessions."""
        checks_session = protocol != "rest" and operation not in (None, "login")
        fault = self.service.faults.take(protocol, operation, checks_session)
        if fault is None:
            return None
        self.service.stats.count_fault(fault.kind)
        if fault.kind == "latency":
            request.environ[_DELAY] = fault.options["ms"]
            return None
        if fault.kind == "session_expiry":
            self.service.expire_sessions(keep=True)
            return None
        if fault.kind in ("drop", "truncate"):
            return _Cut(fault.kind)
        if fault.kind == "http_error":
            response = Response(b"", fault.options["status"])
            del response.headers["Content-Type"]
            return response
        if fault.kind == "html":
            return _proxy_page(fault.options["status"])
        return _rate_limited(protocol, fault, request_id)

    # -- SOAP ----------------------------------------------------------------------------------

    def _soap(self, request: Request) -> Answer:
        if request.method == "GET" and "wsdl" in {k.lower() for k in request.args}:
            soap_path = load().endpoints["soap"]
            location = request.host_url.rstrip("/") + soap_path
            text = load().wsdl_text.replace(f"https://api.2checkout.com{soap_path}", location)
            return Response(text, content_type="text/xml; charset=utf-8")
        if request.method != "POST":
            return Response("POST a SOAP envelope, or GET ?wsdl", 405, content_type="text/plain")
        operation = "<unknown>"
        try:
            try:
                call = soap.parse(read_body(request))
            except Fault as fault:
                if fault.code == "METHOD_NOT_FOUND":
                    self.service.stats.count("soap:<unknown>")
                raise
            operation = call.operation
            self.service.stats.count(f"soap:{operation}")
            faulted = self._faulted(request, "soap", operation)
            if faulted is not None:
                return faulted
            result = self._execute(operation, call.count, call.decode)
            return Response(soap.write_answer(operation, result),
                            content_type="text/xml; charset=utf-8")
        except Fault as fault:
            self.service.stats.count(f"soap:{operation}:fault")
            return Response(soap.write_fault(fault), 500, content_type="text/xml; charset=utf-8")

    # -- JSON-RPC ------------------------------------------------------------------------------

    def _jsonrpc(self, request: Request) -> Answer:
        request_id: Any = None
        operation = "<unknown>"
        try:
            if request.method != "POST":
                raise Fault("INVALID_REQUEST", "JSON-RPC needs POST", 405, -32600)
            try:
                payload = loads(read_body(request))
            except ValueError:
                raise Fault("PARSE_ERROR", "Parse error", 400, -32700) from None
            if not isinstance(payload, Mapping):
                raise Fault("INVALID_REQUEST", "Invalid Request", 400, -32600)
            given_id = payload.get("id")
            if given_id is not None and (isinstance(given_id, bool) or
                                         not isinstance(given_id, (str, int, Decimal))):
                raise Fault("INVALID_REQUEST", "Invalid Request: id must be a string, a "
                                               "number or null", 400, -32600)
            request_id = given_id
            if payload.get("jsonrpc") != "2.0" or not isinstance(payload.get("method"), str):
                raise Fault("INVALID_REQUEST", 'Invalid Request: needs "jsonrpc": "2.0" and '
                                               "a method", 400, -32600)
            name = payload["method"]
            if name not in load().operations:
                self.service.stats.count("jsonrpc:<unknown>")
                raise Fault("METHOD_NOT_FOUND", f"Method not found: {name[:100]}", 400,
                            -32601)
            operation = name
            self.service.stats.count(f"jsonrpc:{operation}")
            params = payload.get("params", [])
            if not isinstance(params, list):
                raise Fault("INVALID_PARAMETERS", "params must be an array", 400, -32602)
            params = self.service.arranged(operation, params)
            faulted = self._faulted(request, "jsonrpc", operation, request_id)
            if faulted is not None:
                return faulted
            result = self._execute(operation, len(params), params.__getitem__)
            lists = load().jsonrpc_zero_keyed.get(operation, frozenset())
            return _json_response({"jsonrpc": "2.0", "id": request_id,
                                   "result": php_style(result, lists)})
        except Fault as fault:
            self.service.stats.count(f"jsonrpc:{operation}:error")
            return _json_response({"jsonrpc": "2.0", "id": request_id, "error": {
                "code": fault.rpc_code, "message": fault.message,
                "data": {"error_code": fault.code}}})

    def _execute(self, operation: str, count: int, arg: Callable[[int], Any]) -> Any:
        """Check the parameter count against the WSDL, then the session (reading the first
        parameter only), and only then read, type and run the rest."""
        declared = load().operations.get(operation)
        if declared is None:
            raise Fault("METHOD_NOT_FOUND", f"Method not found: {operation[:100]}", 400, -32601)
        params = declared[0]
        optional = load().optional[operation]
        if not len(params) - optional <= count <= len(params):
            raise Fault("INVALID_PARAMETERS", f"{operation} takes {len(params)} parameters, "
                                              f"got {count}", 400, -32602)

        def typed(index: int) -> Any:
            part, type_name = params[index]
            value = arg(index)
            if type_name not in ("string", "boolean"):
                return value  # objects are typed by the service, with their own checks
            try:
                return canonical(value, type_name, part)
            except Invalid as exc:
                raise Fault("INVALID_PARAMETERS", str(exc), 400, -32602) from None

        if operation == "login":
            return self.service.login(*(typed(i) for i in range(count)))
        self.service.check_session(arg(0))
        return self.service.call(operation, *(typed(i) for i in range(1, count)))

    # -- REST ----------------------------------------------------------------------------------

    def _rest_call(self, request: Request) -> Answer:
        try:
            adapter = self._rest.bind_to_environ(request.environ)
            try:
                endpoint, values = adapter.match()
            except HTTPException as exc:
                raise Fault("NOT_FOUND" if exc.code == 404 else "METHOD_NOT_ALLOWED",
                            "No such resource", exc.code or 404) from None
            self.service.stats.count(f"rest:{endpoint}")
            faulted = self._faulted(request, "rest", str(endpoint))
            if faulted is not None:
                return faulted
            self.service.check_rest_header(request.headers.get("X-Avangate-Authentication"))
            result = rest.dispatch(self.service, self._rest_root, str(endpoint), values,
                                   request)
            return result if isinstance(result, Response) else _json_response(result)
        except Fault as fault:
            return _json_response({"error_code": fault.code, "message": fault.message},
                                  fault.status)

    # -- control API ---------------------------------------------------------------------------

    def _control(self, request: Request) -> Response:
        service = self.service
        action = (request.method, request.path.rstrip("/"))
        try:
            _check_control_request(request)
            if action == ("GET", "/_sandbox/health"):
                return _json_response({"status": "ok", "objects": service.store.count()})
            if action == ("GET", "/_sandbox/stats"):
                return _json_response(service.stats.snapshot())
            if action == ("POST", "/_sandbox/stats/reset"):
                service.stats.reset()
                return _json_response({"reset": True})
            if action == ("POST", "/_sandbox/reset"):
                service.reset()
                return _json_response({"reset": True})
            if action == ("POST", "/_sandbox/seed"):
                body = _json_body(request)
                if not isinstance(body, Mapping):
                    raise Fault("INVALID_PARAMETERS", "expected {leads: [...], products: [...]}")
                return _json_response(service.seed(body.get("leads", []),
                                                   body.get("products", [])))
            if action == ("POST", "/_sandbox/seed/generated"):
                body = _json_body(request)
                count = body.get("leads") if isinstance(body, Mapping) else None
                return _json_response(service.generate_leads(count))
            if action == ("POST", "/_sandbox/clock/advance"):
                body = _json_body(request)
                seconds = _setting(body.get("seconds") if isinstance(body, Mapping) else None,
                                   "seconds", 0, 10 ** 9)
                service.clock.offset += seconds
                # subscriptions renew (their orders are filed) or expire, their LCNs go out;
                # then orders complete, their IPNs go out
                swept = subscription_clock.sweep(service)
                moved = order_flow.sweep(service)
                return _json_response({"offset": service.clock.offset, "orders_moved": moved,
                                       "subscriptions_renewed": swept.renewed,
                                       "renewal_orders": swept.renewals,
                                       "subscriptions_expired": swept.expired})
            if action == ("GET", "/_sandbox/ipn/log"):
                return _json_response(service.ipn_log)
            if action == ("GET", "/_sandbox/lcn/log"):
                return _json_response(service.lcn_log)
            if action == ("POST", "/_sandbox/sessions/expire"):
                return _json_response({"expired": service.expire_sessions()})
            if action == ("POST", "/_sandbox/settings"):
                return _json_response(self._settings(_json_body(request)))
            if action == ("GET", "/_sandbox/faults"):
                return _json_response(service.faults.snapshot())
            if action == ("POST", "/_sandbox/faults"):
                try:
                    return _json_response(service.faults.arm(_json_body(request)))
                except BadFault as exc:
                    raise Fault("INVALID_PARAMETERS", str(exc)) from None
            if action == ("DELETE", "/_sandbox/faults"):
                return _json_response({"cleared": service.faults.clear()})
            if action == ("POST", "/_sandbox/ipn"):  # sign and deliver a payment notification
                from . import ipn
                return _json_response(ipn.deliver(_json_body(request), service._secret,
                                                  service.clock.now()))
            raise Fault("NOT_FOUND", f"no control action {action[0]} {action[1][:100]}", 404)
        except Fault as fault:
            return _json_response({"error_code": fault.code, "message": fault.message},
                                  fault.status)

    def _settings(self, body: Any) -> dict[str, Any]:
        """Check every given setting, then apply them all (none when one is refused)."""
        service = self.service
        listeners = ("ipn_url", "lcn_url")
        known = ("session_ttl", "session_error", "latency_ms", *order_flow.SETTINGS, *listeners)
        if not isinstance(body, Mapping) or any(k not in known for k in body):
            raise Fault("INVALID_PARAMETERS", f"expected an object of {', '.join(known)}")
        orders = order_flow.checked_settings({k: v for k, v in body.items()
                                              if k in order_flow.SETTINGS or k in listeners})
        ttl = service.session_ttl if body.get("session_ttl") is None else \
            _setting(body["session_ttl"], "session_ttl", 0.001, 10 ** 9)
        latency = service.latency_ms if body.get("latency_ms") is None else \
            _setting(body["latency_ms"], "latency_ms", 0, 60_000)
        session_error = body.get("session_error", service.session_error)
        if session_error not in SESSION_ERRORS:
            raise Fault("INVALID_PARAMETERS",
                        f"session_error must be one of {', '.join(SESSION_ERRORS)}")
        service.session_ttl, service.latency_ms = ttl, latency
        service.session_error = session_error
        service.order_settings.update(orders)
        return {"session_ttl": ttl, "session_error": session_error, "latency_ms": latency,
                **{name: order_flow.setting(service, name) for name in order_flow.SETTINGS},
                **{name: service.order_settings.get(name) for name in listeners}}


def _setting(value: Any, name: str, minimum: float, maximum: float) -> float:
    try:
        return bounded_number(value, name, minimum, maximum, integer=False)
    except BadFault as exc:
        raise Fault("INVALID_PARAMETERS", str(exc)) from None


# -- the control API's guard against cross-site requests and DNS rebinding ---------------------

def _loopback_name(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _split_host(value: str) -> Optional[tuple[str, Optional[str]]]:
    """(host, port) of a Host header value; None when it is malformed."""
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            return None
        return host, rest[1:] or None
    host, colon, port = value.partition(":")
    return host, port if colon else None


def _check_control_request(request: Request) -> None:
    """A web page must not drive the control API: a foreign ``Origin`` is refused, a ``Host``
    other than a loopback name is refused (DNS rebinding), and every request but GET must
    say ``Content-Type: application/json`` (which no cross-site form or simple fetch can)."""
    forbidden = Fault("FORBIDDEN", "", 403)
    host = _split_host(request.headers.get("Host", ""))
    if host is None or not _loopback_name(host[0]):
        forbidden.message = "the control API answers only requests to a loopback host name"
        raise forbidden
    origin = request.headers.get("Origin")
    if origin is not None:
        try:
            parts = urllib.parse.urlsplit(origin)
            origin_port = parts.port
        except ValueError:
            parts, origin_port = None, None
        server_port = str(request.environ.get("SERVER_PORT", ""))
        if parts is None or parts.scheme != "http" or not parts.hostname or \
                not _loopback_name(parts.hostname) or str(origin_port or 80) != server_port:
            forbidden.message = "the control API refuses requests from other origins"
            raise forbidden
    if request.method not in ("GET", "HEAD") and request.mimetype != JSON_TYPE:
        forbidden.message = "control requests other than GET must be Content-Type: " \
                            "application/json"
        raise forbidden


# -- answers of faults -----------------------------------------------------------------------

def _proxy_page(status: int) -> Response:
    reason = _PROXY_REASONS.get(status) or _reason(status)
    page = (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n")
    return Response(page, status, content_type="text/html")


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _rate_limited(protocol: str, fault: ArmedFault, request_id: Any) -> Response:
    """HTTP 429 with Retry-After, in the protocol's error shape (inferred: 2Checkout documents
    no rate-limit answer)."""
    retry_after = fault.options["retry_after"]
    message = f"Too many requests, retry after {retry_after} seconds"
    limited = Fault("RATE_LIMIT_EXCEEDED", message, 429, 429)
    if protocol == "soap":
        response = Response(soap.write_fault(limited), 429,
                            content_type="text/xml; charset=utf-8")
    elif protocol == "jsonrpc":
        response = _json_response({"jsonrpc": "2.0", "id": request_id, "error": {
            "code": 429, "message": message, "data": {"error_code": limited.code}}}, 429)
    else:
        response = _json_response({"error_code": limited.code, "message": message}, 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


def _cut_connection(kind: str, environ: dict[str, Any],
                    start_response: Callable[..., Any]) -> Any:
    """Close the client's connection with no answer (``drop``) or after part of the status
    line and headers (``truncate``), through waitress's channel socket."""
    disconnected = environ.get("waitress.client_disconnected")
    sock = getattr(getattr(disconnected, "__self__", None), "socket", None)
    if isinstance(sock, socket.socket):
        try:
            if kind == "truncate":
                sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/js")
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client went first
    else:  # not under waitress: the closest a WSGI application can get
        log.warning("cannot %s the connection outside waitress", kind)
    # waitress still writes an answer: to a socket that is shut down, so nobody reads it
    start_response("502 Bad Gateway", [("Content-Length", "0")])
    return [b""]


def _json_body(request: Request) -> Any:
    """A control request's JSON body; an empty body is null."""
    try:
        return loads(read_body(request).strip() or b"null")
    except ValueError:
        raise Fault("INVALID_JSON", "The body is not valid JSON", 400) from None


def _json_response(value: Any, status: int = 200) -> Response:
    return Response(dumps(value), status, content_type=JSON_TYPE)


def _not_found(request: Request) -> Response:
    return _json_response({"error_code": "NOT_FOUND", "message": f"No such path {request.path}"},
                          404)
