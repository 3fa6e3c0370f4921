"""REST: the routes the spec declares, each call's arguments from its URL, query string and
JSON body, and the answer in the shape the spec declares (``"0"``-keyed members, 201 Created).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .resources.base import Fault
from .schema import Invalid, RestRoute, canonical, load
from .wire import JSON_TYPE, loads, read_body

if TYPE_CHECKING:
    from .service import Service

_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)(?:\.([A-Za-z]+))?\}")


def rest_routes() -> Map:
    """The REST routes of every operation the spec maps, as werkzeug rules: ``{Param}`` is a
    path variable, ``{Param.Field}`` one that must agree with the body's field."""
    root = load().endpoints["rest"].rstrip("/")
    rules = []
    for operation, route in load().rest.items():
        path = _PLACEHOLDER.sub(
            lambda m: f"<{m.group(1)}__{m.group(2)}>" if m.group(2) else f"<{m.group(1)}>",
            route.path)
        rules.append(Rule(root + path.rstrip("/"), methods=[route.method], endpoint=operation))
    return Map(rules, strict_slashes=False, merge_slashes=False)


def _zero_keyed(value: Any, names: frozenset[str], key: str = "") -> Any:
    """``value`` with the members ``names`` lists sent ``"0"``-keyed, at any depth: an object
    as ``{"0": object}``, a non-empty list as ``{"0": a, "1": b}`` (the seed REST OpenAPI's
    shapes)."""
    if isinstance(value, list):
        items = [_zero_keyed(v, names) for v in value]
        return {str(i): v for i, v in enumerate(items)} if key in names and items else items
    if isinstance(value, Mapping):
        out = {k: _zero_keyed(v, names, k) for k, v in value.items()}
        return {"0": out} if key in names else out
    return value


def _rest_answer(route: RestRoute, result: Any) -> Any:
    """The result in the REST shape the spec declares for the route."""
    if route.page_of is not None:
        # the seed schema declares a page's Items as one object: "0"-keyed, even when empty
        names = load().rest[route.page_of].zero_keyed
        result = {"Items": {str(i): _zero_keyed(x, names) for i, x in enumerate(result["Items"])},
                  "Pagination": result["Pagination"]}
    elif route.zero_keyed:
        result = _zero_keyed(result, route.zero_keyed)
    return {route.unwrap: result} if route.unwrap else result


def _location(template: str, args: Mapping[str, Any]) -> str:
    """A created object's path: ``{Param}`` and ``{Param.Field}`` filled from the arguments."""
    def fill(match: re.Match[str]) -> str:
        value = args.get(match.group(1))
        if match.group(2) is not None:
            value = value.get(match.group(2)) if isinstance(value, Mapping) else None
        return urllib.parse.quote(str(value), safe="")
    return _PLACEHOLDER.sub(fill, template)


def _rest_query(request: Request, type_name: str) -> dict[str, Any]:
    """The query string as an object of ``type_name``: list fields take ``k`` and ``k[]``."""
    args = request.args
    options: dict[str, Any] = {}
    for field, field_type in load().types[type_name]:
        values = args.getlist(field) + args.getlist(f"{field}[]")
        if field_type.endswith("[]"):
            if values:
                options[field] = values
        elif field_type == "any" and len(values) > 1:  # one value, or several: a list
            options[field] = values
        elif field in args:
            options[field] = args[field]
    return options


def dispatch(service: Service, root: str, operation: str, values: Mapping[str, str],
             request: Request) -> Any:
    """Run ``operation`` with its arguments read from the request as its route declares; the
    answer as REST shapes it (201 Created with a Location, or the result's REST shape)."""
    route = load().rest[operation]
    args = _arguments(route, load().operations[operation][0][1:], values, request)
    result = service.call(operation, *args.values())
    if route.created is not None:  # 201 Created, no body, the Location of what it made
        response = Response(b"", 201)
        del response.headers["Content-Type"]
        response.headers["Location"] = root.rstrip("/") + _location(route.created, args)
        return response
    return _rest_answer(route, result)


def _arguments(route: RestRoute, params: list[tuple[str, str]], values: Mapping[str, str],
               request: Request) -> dict[str, Any]:
    """The parameters after the sessionID, in order, from the route the spec declares: path
    values, the JSON body (one parameter, or several under their keys), the query string (one
    object, or several fields); a parameter found nowhere is None."""
    fields: Mapping[str, Any] = {}
    if isinstance(route.body, Mapping):  # a body of several parameters: {key: param}
        body = _rest_body(request)
        if not isinstance(body, Mapping):
            raise Fault("INVALID_PARAMETERS", "the body must be an object", 400)
        fields = {param: body.get(key) for key, param in route.body.items()}
    args: dict[str, Any] = {}
    for name, type_name in params:
        if name == route.body:
            args[name] = _rest_body(request)
        elif name == route.query:
            args[name] = _rest_query(request, type_name)
        elif name in values:
            args[name] = _typed_string(values[name], name)
        elif name in fields:
            args[name] = fields[name]
        elif isinstance(route.query, list) and name in route.query:
            args[name] = request.args.getlist(name) + request.args.getlist(f"{name}[]") \
                if type_name.endswith("[]") else request.args.get(name)
        else:
            args[name] = None
    for key, url_value in values.items():  # {Product.ProductCode}: in the URL and body
        if "__" in key:
            param, field = key.split("__", 1)
            args[param] = _agreeing(args.get(param), param, field, url_value)
    return args


def _agreeing(body: Any, param: str, field: str, url_value: str) -> dict[str, Any]:
    """The body ``param`` with ``field`` set from the URL, refused when it says otherwise."""
    if not isinstance(body, Mapping):
        raise Fault("INVALID_PARAMETERS", f"the body must be a {param} object", 400)
    value = _typed_string(url_value, field)
    current = body.get(field)  # an int field (a customer reference) is text in the URL
    if current is not None and current != value and \
            not (type(current) is int and str(current) == value):
        raise Fault("INVALID_PARAMETERS", f"{field} in the body differs from the URL")
    return {**body, field: value if current is None else current}


def _rest_body(request: Request) -> Any:
    """A REST write's body: application/json, present, valid, and not null."""
    if request.mimetype != JSON_TYPE:
        raise Fault("UNSUPPORTED_MEDIA_TYPE", "The body must be sent as Content-Type: "
                                              "application/json", 415)
    data = read_body(request)
    if not data.strip():
        raise Fault("INVALID_JSON", "A JSON body is required", 400)
    try:
        body = loads(data)
    except ValueError:
        raise Fault("INVALID_JSON", "The body is not valid JSON", 400) from None
    if body is None:
        raise Fault("INVALID_PARAMETERS", "The body must not be null", 400)
    return body


def _typed_string(value: str, name: str) -> str:
    try:
        return str(canonical(value, "string", name))
    except Invalid as exc:
        raise Fault("INVALID_PARAMETERS", str(exc)) from None
