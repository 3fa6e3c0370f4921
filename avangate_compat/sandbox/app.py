"""The sandbox's WSGI application: the real service's paths plus a control API.

- ``/soap/6.0/``: SOAP 1.1 (``?wsdl`` serves the shipped WSDL pointed at this server)
- ``/rpc/6.0/``: JSON-RPC 2.0
- ``/rest/6.0/...``: REST with the signed header
- ``/_sandbox/...``: health, reset, seed, clock, sessions, stats (as moto and LocalStack have)

Answers carry the quirks real ones have: JSON-RPC sends numbers as strings and lists of objects
as ``"0"``-keyed objects (the seed ``getLead`` example); REST wraps the objects the seed OpenAPI
wraps in ``"0"``. No request ever gets a traceback page: every failure is a protocol error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Callable

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import soap
from .schema import Invalid, canonical, load
from .service import Fault, Service

log = logging.getLogger("avangate_compat.sandbox")
MAX_BODY = 1024 * 1024
JSON_TYPE = "application/json"


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default)


def _php_style(value: Any) -> Any:
    """What a PHP-era JSON-RPC server sends: numbers as strings, object lists "0"-keyed."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, list):
        if value and all(isinstance(v, Mapping) for v in value):
            return {str(i): _php_style(v) for i, v in enumerate(value)}
        return [_php_style(v) for v in value]
    return {k: _php_style(v) for k, v in value.items()}


# Where the seed REST OpenAPI wraps a lead's members in {"0": ...}: lists and single objects.
_REST_WRAPPED = {"Items", "PriceOptions", "Options", "Price", "AdditionalFields",
                 "DeliveryDetails", "DeliveryInformation", "PaymentDetails"}


def _rest_lead(value: Any, key: str = "") -> Any:
    if isinstance(value, list):
        items = [_rest_lead(v) for v in value]
        return {str(i): v for i, v in enumerate(items)} if key in _REST_WRAPPED and items \
            else items
    if isinstance(value, Mapping):
        out = {k: _rest_lead(v, k) for k, v in value.items()}
        return {"0": out} if key in _REST_WRAPPED else out
    return value


class SandboxApp:
    def __init__(self, service: Service) -> None:
        self.service = service
        self._rest = Map([
            Rule("/rest/6.0/leads/<code>", methods=["GET"], endpoint="getLead"),
            Rule("/rest/6.0/leads/<code>", methods=["PUT"], endpoint="updateLead"),
            Rule("/rest/6.0/leads", methods=["GET"], endpoint="searchLeads"),
            Rule("/rest/6.0/leads", methods=["POST"], endpoint="addLead"),
            Rule("/rest/6.0/leads", methods=["PUT"], endpoint="markLeads"),
            Rule("/rest/6.0/products/<code>", methods=["GET"], endpoint="getProductByCode"),
            Rule("/rest/6.0/products/<code>", methods=["PUT"], endpoint="updateProduct"),
        ], strict_slashes=False, merge_slashes=False)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        request.max_content_length = MAX_BODY
        path = request.path
        if path.startswith("/_sandbox/"):
            handler: Callable[[Request], Response] = self._control
        elif path.rstrip("/") == "/soap/6.0":
            handler = self._soap
        elif path.rstrip("/") == "/rpc/6.0":
            handler = self._jsonrpc
        elif path.startswith("/rest/6.0/"):
            handler = self._rest_call
        else:
            handler = _not_found
        try:
            response = handler(request)
        except Exception:  # never a traceback page: a protocol-shaped 500 instead
            log.exception("sandbox bug while serving %s", path)
            response = Response(_dumps({"error_code": "INTERNAL_ERROR",
                                        "message": "internal sandbox error"}),
                                500, content_type=JSON_TYPE)
        return response(environ, start_response)

    # -- SOAP ----------------------------------------------------------------------------------

    def _soap(self, request: Request) -> Response:
        if request.method == "GET" and "wsdl" in {k.lower() for k in request.args}:
            location = request.host_url.rstrip("/") + "/soap/6.0/"
            text = load().wsdl_text.replace("https://api.2checkout.com/soap/6.0/", location)
            return Response(text, content_type="text/xml; charset=utf-8")
        if request.method != "POST":
            return Response("POST a SOAP envelope, or GET ?wsdl", 405, content_type="text/plain")
        operation = "unknown"
        try:
            body = _body(request)
            operation, args = soap.read_request(body)
            self.service.stats.count(f"soap:{operation}")
            result = self._dispatch(operation, args)
            return Response(soap.write_answer(operation, result),
                            content_type="text/xml; charset=utf-8")
        except Fault as fault:
            self.service.stats.count(f"soap:{operation}:fault")
            return Response(soap.write_fault(fault), 500, content_type="text/xml; charset=utf-8")

    # -- JSON-RPC ------------------------------------------------------------------------------

    def _jsonrpc(self, request: Request) -> Response:
        request_id: Any = None
        operation = "unknown"
        try:
            if request.method != "POST":
                raise Fault("INVALID_REQUEST", "JSON-RPC needs POST", 405, -32600)
            try:
                payload = json.loads(_body(request), parse_float=Decimal)
            except ValueError:
                raise Fault("PARSE_ERROR", "Parse error", 400, -32700) from None
            if not isinstance(payload, Mapping) or not isinstance(payload.get("method"), str):
                raise Fault("INVALID_REQUEST", "Invalid Request", 400, -32600)
            request_id = payload.get("id")
            operation = payload["method"]
            params = payload.get("params", [])
            if not isinstance(params, list):
                raise Fault("INVALID_PARAMETERS", "params must be an array", 400, -32602)
            self.service.stats.count(f"jsonrpc:{operation}")
            result = self._dispatch(operation, params)
            return _json_response({"jsonrpc": "2.0", "id": request_id,
                                   "result": _php_style(result)})
        except Fault as fault:
            self.service.stats.count(f"jsonrpc:{operation}:error")
            return _json_response({"jsonrpc": "2.0", "id": request_id, "error": {
                "code": fault.rpc_code, "message": fault.message,
                "data": {"error_code": fault.code}}})

    def _dispatch(self, operation: str, args: list[Any]) -> Any:
        """Check the parameters against the WSDL's declaration, the session, then run."""
        declared = load().operations.get(operation)
        if declared is None:
            raise Fault("METHOD_NOT_FOUND", f"Method not found: {operation}", 400, -32601)
        params = declared[0]
        if operation == "updateLead" and len(args) == 2 and isinstance(args[1], Mapping):
            # the other plausible layout: (sessionID, Lead) with the code inside the lead
            args = [args[0], args[1].get("LeadCode"), args[1]]
        optional = 1 if operation == "login" else 0
        if not len(params) - optional <= len(args) <= len(params):
            raise Fault("INVALID_PARAMETERS", f"{operation} takes {len(params)} parameters, "
                                              f"got {len(args)}", 400, -32602)
        try:
            typed = [canonical(a, t, p) if t in ("string", "boolean") else a
                     for a, (p, t) in zip(args, params)]
        except Invalid as exc:
            raise Fault("INVALID_PARAMETERS", str(exc), 400, -32602) from None
        if operation == "login":
            return self.service.login(*typed)
        self.service.check_session(typed[0])
        return getattr(self.service, operation)(*typed[1:])

    # -- REST ----------------------------------------------------------------------------------

    def _rest_call(self, request: Request) -> Response:
        try:
            adapter = self._rest.bind_to_environ(request.environ)
            try:
                endpoint, values = adapter.match()
            except HTTPException as exc:
                raise Fault("NOT_FOUND" if exc.code == 404 else "METHOD_NOT_ALLOWED",
                            "No such resource", exc.code or 404) from None
            self.service.stats.count(f"rest:{endpoint}")
            self.service.check_rest_header(request.headers.get("X-Avangate-Authentication"))
            result = self._rest_dispatch(str(endpoint), values.get("code"), request)
            return _json_response(result)
        except Fault as fault:
            return _json_response({"error_code": fault.code, "message": fault.message},
                                  fault.status)

    def _rest_dispatch(self, endpoint: str, code: Any, request: Request) -> Any:
        service = self.service
        if endpoint == "getLead":
            return _rest_lead(service.getLead(code))
        if endpoint == "searchLeads":
            args = request.args
            options: dict[str, Any] = {
                k: args.getlist(k) + args.getlist(f"{k}[]") for k in ("LeadCode", "ProductCode")
                if args.getlist(k) or args.getlist(f"{k}[]")}
            options.update({k: args[k] for k in ("Email", "Type", "StartDate", "EndDate",
                                                 "Language", "Country", "GeneratedFrom",
                                                 "Page", "Limit") if k in args})
            found = service.searchLeads(options)
            # The seed schema declares Items as one object: a "0"-keyed one, like its other lists.
            return {"Items": {str(i): _rest_lead(x) for i, x in enumerate(found["Items"])},
                    "Pagination": found["Pagination"]}
        body = _json_body(request)
        if endpoint == "addLead":
            return {"LeadResponse": service.addLead(body)}
        if endpoint == "updateLead":
            return {"LeadResponse": service.updateLead(code, body)}
        if endpoint == "markLeads":
            return service.markLeads(body)
        if endpoint == "getProductByCode":
            return service.getProductByCode(code)
        if not isinstance(body, Mapping):
            raise Fault("INVALID_PARAMETERS", "the body must be a product object", 400)
        if body.get("ProductCode") not in (None, code):
            raise Fault("INVALID_PARAMETERS", "ProductCode in the body differs from the URL")
        return service.updateProduct({**body, "ProductCode": code})

    # -- control API ---------------------------------------------------------------------------

    def _control(self, request: Request) -> Response:
        service = self.service
        action = (request.method, request.path.rstrip("/"))
        try:
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
                return _json_response(service.seed(list(body.get("leads", [])),
                                                   list(body.get("products", []))))
            if action == ("POST", "/_sandbox/clock/advance"):
                body = _json_body(request)
                seconds = body.get("seconds") if isinstance(body, Mapping) else None
                if isinstance(seconds, bool) or not isinstance(seconds, (int, Decimal)):
                    raise Fault("INVALID_PARAMETERS", "expected {seconds: number}")
                service.clock.offset += float(seconds)
                return _json_response({"offset": service.clock.offset})
            if action == ("POST", "/_sandbox/sessions/expire"):
                return _json_response({"expired": service.expire_sessions()})
            if action == ("POST", "/_sandbox/settings"):
                body = _json_body(request)
                ttl = body.get("session_ttl") if isinstance(body, Mapping) else None
                if isinstance(ttl, bool) or not isinstance(ttl, (int, Decimal)) or ttl <= 0:
                    raise Fault("INVALID_PARAMETERS", "expected {session_ttl: seconds > 0}")
                service.session_ttl = float(ttl)
                return _json_response({"session_ttl": service.session_ttl})
            if action == ("POST", "/_sandbox/ipn"):  # sign and deliver a payment notification
                from . import ipn
                return _json_response(ipn.deliver(_json_body(request), service._secret,
                                                  service.clock.now()))
            raise Fault("NOT_FOUND", f"no control action {action[0]} {action[1]}", 404)
        except Fault as fault:
            return _json_response({"error_code": fault.code, "message": fault.message},
                                  fault.status)


def _body(request: Request) -> bytes:
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise Fault("REQUEST_TOO_LARGE", f"Request body over {MAX_BODY} bytes", 413) from None


def _json_body(request: Request) -> Any:
    try:
        return json.loads(_body(request) or b"null", parse_float=Decimal)
    except ValueError:
        raise Fault("INVALID_JSON", "The body is not valid JSON", 400) from None


def _json_response(value: Any, status: int = 200) -> Response:
    return Response(_dumps(value), status, content_type=JSON_TYPE)


def _not_found(request: Request) -> Response:
    return _json_response({"error_code": "NOT_FOUND", "message": f"No such path {request.path}"},
                          404)
