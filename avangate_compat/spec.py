"""The API's shape, declared once in ``spec.json``, read into small typed objects.

``spec.json`` is data only, in the spirit of botocore's service models: every object type
(fields in order, a ``[]`` suffix for lists), every operation (parameters in wire order after
the sessionID, the result type, whether repeating it is safe, how REST maps it, which lists its
JSON-RPC answer sends ``"0"``-keyed: ``jsonrpc.zero_keyed``, read by the sandbox only, as the
client reads both shapes), the enums, the search filters, the REST and SOAP endpoints, the
paged searches (``paginators``: which operation, which input fields carry page and limit, where
the items and the paging facts sit in the answer), a one-line doc per model type
(``type_docs``), and one ``inferred`` section that marks every detail chosen without public
documentation. The operation table, the argument checks, the sandbox's routes and the
coverage tests all derive from it; the WSDL and the models (``models.py``) are generated from
it by the scripts in ``wsdl/tools`` and checked in, and a test fails when either no longer
matches.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Optional, Union

import attrs

SCALARS = ("string", "int", "boolean", "decimal", "any")


@attrs.frozen
class ParamSpec:
    name: str
    type: str
    check: Optional[str] = None
    """The argument check (a function of :mod:`avangate_compat.validate`) beyond the type."""
    optional: bool = False
    enum: Optional[str] = None


def _fields(value: Union[str, list[str], tuple[str, ...], None]) -> Union[str, tuple[str, ...],
                                                                       None]:
    return tuple(value) if isinstance(value, list) else value


@attrs.frozen
class RestSpec:
    """``path`` holds ``{Param}`` or ``{Param.Field}`` placeholders; ``body`` names the
    parameter sent as JSON body, or maps body keys to parameters (a body built from several);
    ``query`` names the parameter sent as query string (a mapping), or lists the parameters
    sent as query fields; parameters left out are not sent. ``unwrap`` is the key the answer
    nests the result under; ``inferred`` replaces all of them where REST needs several
    requests (a ``requests.rest.<operation>`` handler of ``customizations.HANDLERS``).

    How the answer is shaped, where REST differs from the other protocols: ``zero_keyed``
    names the members sent ``"0"``-keyed at any depth (an object as ``{"0": object}``, a
    non-empty list as ``{"0": a, "1": b}``); ``page_of`` names the operation whose answer
    each item of a page ``{Items, Pagination}`` is shaped as, ``Items`` itself being a
    ``"0"``-keyed object; ``created`` is the ``Location`` (a path with the placeholders of
    ``path``) of a write answered ``201 Created`` without a body."""

    method: Optional[str] = None
    path: Optional[str] = None
    body: Union[str, dict[str, str], None] = None
    query: Union[str, tuple[str, ...], None] = attrs.field(default=None, converter=_fields)
    unwrap: Optional[str] = None
    inferred: Optional[str] = None
    zero_keyed: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    page_of: Optional[str] = None
    created: Optional[str] = None


@attrs.frozen
class OperationSpec:
    name: str
    params: tuple[ParamSpec, ...]
    result: str
    idempotent: bool
    session: bool = True
    confirmed_by: Optional[str] = None
    rest: Optional[RestSpec] = None
    layout: Optional[str] = None
    if_unknown: Optional[str] = None
    """How to find out whether a write that is not safe to repeat happened, when its answer
    was lost (:class:`~avangate_compat.errors.OutcomeUnknownError`)."""
    check: Optional[str] = None
    """A check over the whole argument list, after each parameter's own: a rule between
    parameters (``ChurnReasonOther`` only with an EXTRAORDINARY or OTHER reason)."""


@attrs.frozen
class PaginatorSpec:
    """A paged search, in the spirit of botocore's paginators. ``input`` is the operation's
    filter parameter; ``input_page``/``input_limit`` are paths (dotted where nested) in it;
    ``result_*`` are paths in the answer: the list of items, and the page, limit and total
    count it reports. ``item_key`` names each item's identity (a repeated page is caught by
    it). ``max_limit`` is the largest page the API documents. ``family`` gives the walker its
    name: ``Client.iter_<family>`` and ``avangate-compat export <family>``."""

    family: str
    operation: str
    input: str
    input_page: str
    input_limit: str
    max_limit: int
    result_items: str
    result_page: str
    result_limit: str
    result_count: str
    item_key: str


@attrs.frozen
class ApiSpec:
    version: str
    namespace: str
    endpoints: dict[str, str]
    enums: dict[str, tuple[str, ...]]
    filters: dict[str, dict[str, str]]
    types: dict[str, dict[str, str]]
    operations: dict[str, OperationSpec]
    inferred: dict[str, str]
    paginators: dict[str, PaginatorSpec] = attrs.field(factory=dict)

    def wire_params(self, operation: str) -> list[tuple[str, str]]:
        """(name, type) of every SOAP/JSON-RPC argument, the sessionID first where needed."""
        op = self.operations[operation]
        session = [("sessionID", "string")] if op.session else []
        return session + [(p.name, p.type) for p in op.params]


def parse(data: dict[str, Any]) -> ApiSpec:
    """An :class:`ApiSpec` from the decoded JSON (tests feed deliberately broken copies)."""
    operations = {
        name: OperationSpec(
            name=name,
            params=tuple(ParamSpec(**p) for p in entry["params"]),
            result=entry["result"],
            idempotent=entry["idempotent"],
            session=entry.get("session", True),
            confirmed_by=entry.get("confirmed_by"),
            if_unknown=entry.get("if_unknown"),
            rest=RestSpec(**entry["rest"]) if "rest" in entry else None,
            layout=entry.get("layout"),
            check=entry.get("check"),
        )
        for name, entry in data["operations"].items()}
    return ApiSpec(version=data["version"], namespace=data["namespace"],
                   endpoints=dict(data["endpoints"]),
                   enums={k: tuple(v) for k, v in data["enums"].items()},
                   filters={k: dict(v) for k, v in data["filters"].items()},
                   types={k: dict(v) for k, v in data["types"].items()},
                   operations=operations, inferred=dict(data["inferred"]),
                   paginators={family: PaginatorSpec(family=family, **entry)
                               for family, entry in data.get("paginators", {}).items()})


def raw() -> dict[str, Any]:
    """The decoded ``spec.json`` shipped in the package (beside this module)."""
    text = (Path(__file__).parent / "spec.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def load() -> ApiSpec:
    return parse(raw())


def item_type(type_name: str) -> tuple[str, bool]:
    """``("Lead", True)`` for ``"Lead[]"``, ``("Lead", False)`` for ``"Lead"``."""
    return (type_name[:-2], True) if type_name.endswith("[]") else (type_name, False)
