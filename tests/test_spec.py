"""The spec is the one description of the API: the models, the WSDL, the argument checks, the
operation table, the REST mapping and the sandbox's routes must all agree with it. Each check
is a function of the spec's data, so a deliberately broken copy shows it failing."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Optional

import attrs
import pytest

from avangate_compat import models, validate
from avangate_compat.customizations import HANDLERS
from avangate_compat.operations import OPERATIONS, result_type
from avangate_compat.sandbox import schema as sandbox_schema
from avangate_compat.sandbox.rest import rest_routes
from avangate_compat.spec import parse, raw

ROOT = Path(__file__).resolve().parents[1]
SCALAR_TYPES: dict[str, Any] = {"string": str, "int": int, "boolean": bool, "decimal": Decimal,
                                "any": Any}


def _make_wsdl() -> Any:
    return _tool("make_wsdl")


def _make_models() -> Any:
    return _tool("make_models")


def _tool(name: str) -> Any:
    path = ROOT / "wsdl" / "tools" / f"{name}.py"
    loaded = importlib.util.spec_from_file_location(name, path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def _python_type(spec_type: str) -> Any:
    name, is_list = (spec_type[:-2], True) if spec_type.endswith("[]") else (spec_type, False)
    inner = SCALAR_TYPES.get(name) or getattr(models, name, None)
    return list[inner] if is_list else Optional[inner]  # type: ignore[valid-type]


# -- the checks, each a function of the decoded spec --------------------------------------------


def model_drift(data: dict[str, Any]) -> list[str]:
    """Every spec type is a model with the same fields in the same order and types, and every
    model is a spec type (search filter types are keyword arguments, not models)."""
    problems = []
    classes = {name: cls for name, cls in vars(models).items()
               if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == models.__name__
               and not name.startswith("_") and name != "ApiObject"}
    for name, fields in data["types"].items():
        cls = classes.get(name)
        if cls is None:
            if name not in data["filters"]:
                problems.append(f"type {name} has no model")
            continue
        hints = typing.get_type_hints(cls, vars(models), vars(models))
        declared = [f.name for f in attrs.fields(cls) if f.name != "extra_fields"]
        if declared != list(fields):
            problems.append(f"{name}: model fields {declared} != spec {list(fields)}")
            continue
        for field, spec_type in fields.items():
            if hints[field] != _python_type(spec_type):
                problems.append(f"{name}.{field}: model {hints[field]} != spec {spec_type}")
    problems += [f"model {name} is not in the spec" for name in classes
                 if name not in data["types"]]
    return problems


def wsdl_drift(data: dict[str, Any]) -> list[str]:
    shipped = (ROOT / "wsdl" / "avangate-6.0.wsdl").read_text(encoding="utf-8")
    rendered = _make_wsdl().render(data)
    return [] if rendered == shipped else [
        "wsdl/avangate-6.0.wsdl differs from the spec: run python wsdl/tools/make_wsdl.py"]


def generated_models_drift(data: dict[str, Any]) -> list[str]:
    """``models.py`` is what the generator writes from the spec, byte for byte."""
    shipped = (ROOT / "avangate_compat" / "models.py").read_text(encoding="utf-8")
    rendered = _make_models().render(data)
    return [] if rendered == shipped else [
        "avangate_compat/models.py differs from the spec: run python wsdl/tools/make_models.py"]


def check_drift(data: dict[str, Any]) -> list[str]:
    """Every named check exists; the search filters are exactly the filter type's fields."""
    spec = parse(data)
    problems = []
    for op in spec.operations.values():
        for param in op.params:
            if param.check and param.check not in validate.CHECKS:
                problems.append(f"{op.name}.{param.name}: no check {param.check!r}")
            if param.enum and param.enum not in spec.enums:
                problems.append(f"{op.name}.{param.name}: no enum {param.enum!r}")
    for type_name, filters in spec.filters.items():
        if list(filters) != list(spec.types.get(type_name, {})):
            problems.append(f"filters of {type_name} are not its fields")
        for field, check in filters.items():
            enum = check[len("enum:"):] if check.startswith("enum:") else None
            if (enum and enum not in spec.enums) or (not enum and check not in validate.CHECKS):
                problems.append(f"filter {type_name}.{field}: no check {check!r}")
    return problems


def table_drift(data: dict[str, Any]) -> list[str]:
    """The operation table and the REST backend's inferred mappings follow the spec."""
    spec = parse(data)
    problems = []
    if set(OPERATIONS) != set(spec.operations):
        problems.append(f"operations differ: {set(OPERATIONS) ^ set(spec.operations)}")
    for name, op in spec.operations.items():
        table = OPERATIONS.get(name)
        if table is None:
            continue
        if table.spec != op:
            problems.append(f"{name}: the table's entry is not the spec's")
        if table.result != result_type(op.result):
            problems.append(f"{name}: result {table.result} != {op.result}")
        if op.session and op.rest is None:
            problems.append(f"{name}: no REST mapping (a route, or an inferred one)")
        several = HANDLERS.lookup("requests", "rest", name) is not None
        if op.rest is not None and (op.rest.inferred is not None) != several:
            problems.append(f"{name}: rest.inferred in the spec and the registered REST "
                            "requests handler disagree")
        for backend in ("soap", "jsonrpc"):
            arranged = HANDLERS.lookup("arguments", backend, name) is not None
            if (op.layout is not None) != arranged:
                problems.append(f"{name}: the spec's layout mark and the registered {backend} "
                                "arguments handler disagree")
    return problems


def sandbox_drift(data: dict[str, Any]) -> list[str]:
    """The sandbox's own reading of the spec serves every REST route the spec declares."""
    root = data["endpoints"]["rest"].rstrip("/")
    served = {(rule.endpoint, tuple(sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})),
               rule.rule)
              for rule in rest_routes().iter_rules()}
    declared = {(name, (entry["rest"]["method"],), root + re.sub(
                    r"\{(\w+)(?:\.(\w+))?\}",
                    lambda m: f"<{m.group(1)}__{m.group(2)}>" if m.group(2) else f"<{m.group(1)}>",
                    entry["rest"]["path"]).rstrip("/"))
                for name, entry in data["operations"].items()
                if entry.get("rest", {}).get("path")}
    problems = [f"REST route of {name} {methods} {path} not served" for name, methods, path
                in sorted(declared - served)]
    problems += [f"REST route {name} {methods} {path} served but not declared"
                 for name, methods, path in sorted(served - declared)]
    mine = sandbox_schema.from_spec(data)
    for name, entry in data["operations"].items():
        params = mine.operations[name][0]
        wanted = len(entry["params"]) + (1 if entry.get("session", True) else 0)
        if len(params) != wanted:
            problems.append(f"sandbox: {name} takes {len(params)} parameters, spec {wanted}")
    return problems


def _type_at(data: dict[str, Any], type_name: str, path: str) -> Optional[str]:
    """The spec type at the dotted ``path`` of ``type_name`` (None: no such field)."""
    for step in path.split("."):
        fields = data["types"].get(type_name)
        if fields is None or step not in fields:
            return None
        type_name = fields[step]
    return type_name


def paginator_drift(data: dict[str, Any]) -> list[str]:
    """Every paginator names a real paged search: its filter parameter, the page and limit
    fields in it, and where the answer holds the items (with their key) and the paging."""
    problems = []
    for family, entry in data.get("paginators", {}).items():
        where = f"paginator {family}"
        if not re.fullmatch(r"[a-z][a-z_]*", family):
            problems.append(f"{where}: iter_{family} is not a method name")
        op = data["operations"].get(entry.get("operation"))
        if op is None or not op.get("session", True):
            problems.append(f"{where}: no operation {entry.get('operation')!r}")
            continue
        params = {p["name"]: p["type"] for p in op["params"]}
        if list(params) != [entry["input"]]:
            problems.append(f"{where}: {entry['input']!r} is not the only parameter of "
                            f"{entry['operation']} ({', '.join(params)})")
            continue
        filter_type = params[entry["input"]]
        for key in ("input_page", "input_limit"):
            if _type_at(data, filter_type, entry[key]) != "int":
                problems.append(f"{where}: {key} {entry[key]!r} is no int of {filter_type}")
        for key in ("result_page", "result_limit", "result_count"):
            if _type_at(data, op["result"], entry[key]) != "int":
                problems.append(f"{where}: {key} {entry[key]!r} is no int of {op['result']}")
        items = _type_at(data, op["result"], entry["result_items"]) or ""
        if not items.endswith("[]"):
            problems.append(f"{where}: result_items {entry['result_items']!r} is no list "
                            f"of {op['result']}")
        elif _type_at(data, items[:-2], entry["item_key"]) is None:
            problems.append(f"{where}: item_key {entry['item_key']!r} is no field of "
                            f"{items[:-2]}")
        limit = entry.get("max_limit")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            problems.append(f"{where}: max_limit must be a positive integer")
    return problems


def _list_fields(data: dict[str, Any], type_name: str, seen: frozenset[str] = frozenset()
                 ) -> set[str]:
    """The names of the list fields of objects, at any depth of ``type_name``."""
    found: set[str] = set()
    for field, field_type in data["types"].get(type_name, {}).items():
        item = field_type[:-2] if field_type.endswith("[]") else field_type
        if field_type.endswith("[]") and item in data["types"]:
            found.add(field)
        if item in data["types"] and item not in seen:
            found |= _list_fields(data, item, seen | {item})
    return found


def jsonrpc_drift(data: dict[str, Any]) -> list[str]:
    """Each ``jsonrpc.zero_keyed`` mark names lists of objects its operation answers, and says
    why in the ``inferred`` section: the quirk is a claim about the real API."""
    problems = []
    for name, entry in data["operations"].items():
        names = entry.get("jsonrpc", {}).get("zero_keyed")
        if names is None:
            continue
        result = entry["result"][:-2] if entry["result"].endswith("[]") else entry["result"]
        stray = set(names) - _list_fields(data, result)
        if not names or stray:
            problems.append(f"{name}: jsonrpc.zero_keyed {sorted(stray) or names} is no list "
                            f"of objects in {entry['result']}")
        if f"operations.{name}.jsonrpc" not in data["inferred"]:
            problems.append(f"{name}: jsonrpc.zero_keyed without its evidence in inferred")
    return problems


CHECKS: list[Callable[[dict[str, Any]], list[str]]] = [
    model_drift, generated_models_drift, wsdl_drift, check_drift, table_drift, sandbox_drift,
    paginator_drift, jsonrpc_drift]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_everything_agrees_with_the_spec(check: Callable[[dict[str, Any]], list[str]]) -> None:
    assert check(raw()) == []


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(raw())
    change(data)
    return data


BREAKAGES: list[tuple[str, Callable[[dict[str, Any]], None], Callable[..., list[str]]]] = [
    ("a field the models lack", lambda d: d["types"]["Product"].update(Weight="decimal"),
     model_drift),
    ("a field typed otherwise", lambda d: d["types"]["LeadItem"].update(Quantity="string"),
     model_drift),
    ("a field the generated models lack", lambda d: d["types"]["Product"].update(
        Weight="decimal"), generated_models_drift),
    ("a model doc changed", lambda d: d["type_docs"].update(Lead="A lead."),
     generated_models_drift),
    ("a field the WSDL lacks", lambda d: d["types"]["Product"].update(Weight="decimal"),
     wsdl_drift),
    ("an operation renamed", lambda d: d["operations"].update(
        fetchLead=d["operations"].pop("getLead")), wsdl_drift),
    ("a check that does not exist", lambda d: d["operations"]["getLead"]["params"][0].update(
        check="no_such_check"), check_drift),
    ("a filter the type lacks", lambda d: d["filters"]["LeadSearchOptions"].update(
        Colour="text"), check_drift),
    ("an operation without a REST mapping", lambda d: d["operations"]["getLead"].pop("rest"),
     table_drift),
    ("an inferred REST mapping without code", lambda d: d["operations"]["getLead"].update(
        rest={"inferred": "guess"}), table_drift),
    ("an operation the table lacks", lambda d: d["operations"].update(
        getThing={"params": [], "result": "string", "idempotent": True}), table_drift),
    ("a REST route the sandbox does not serve", lambda d: d["operations"]["getLead"].update(
        rest={"method": "GET", "path": "/lead/{LeadCode}/"}), sandbox_drift),
    ("a zero-keyed list the answer lacks", lambda d: d["operations"]["getProductByCode"].update(
        jsonrpc={"zero_keyed": ["Items"]}), jsonrpc_drift),
    ("a zero-keyed object, not a list", lambda d: d["operations"]["getLead"].update(
        jsonrpc={"zero_keyed": ["Items", "Price"]}), jsonrpc_drift),
    ("a zero-keyed mark without evidence", lambda d: d["inferred"].pop(
        "operations.searchLeads.jsonrpc"), jsonrpc_drift),
]


@pytest.mark.parametrize(("what", "change", "check"), BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_broken_copy_of_the_spec_is_caught(
        what: str, change: Callable[[dict[str, Any]], None],
        check: Callable[[dict[str, Any]], list[str]]) -> None:
    assert check(_broken(change)) != [], f"{what} went unnoticed"


def test_every_inferred_mark_points_at_something_in_the_spec() -> None:
    data = raw()
    for mark in data["inferred"]:
        node: Any = data
        for part in mark.split("."):
            if isinstance(node, list):  # params are a list of {"name": ...}
                node = next((p for p in node if p.get("name") == part), None)
            else:
                node = node.get(part) if isinstance(node, dict) else None
            assert node is not None, f"inferred mark {mark!r} names nothing"


def test_the_spec_file_is_valid_json_shipped_in_the_package() -> None:
    text = (ROOT / "avangate_compat" / "spec.json").read_text(encoding="utf-8")
    assert json.loads(text) == raw()



def test_every_whole_call_check_is_a_registered_check() -> None:
    """An operation's ``check`` (a rule between its parameters) names a check of
    ``validate.CHECKS``, so a typo fails here rather than at the first call."""
    from avangate_compat import validate
    named = {name: op.check for name, op in parse(raw()).operations.items() if op.check}
    assert {"cancelSubscription", "disableRecurringBilling",
            "getCustomerSubscriptions"} <= set(named)
    assert all(check in validate.CHECKS for check in named.values()), named
