"""Write ``avangate_compat/models.py`` from the API spec (``avangate_compat/spec.json``).

Every object type of the spec's ``types`` becomes an attrs class, except the search filter
types (``filters``), which the client takes as keyword arguments. A class has the spec type's
fields in the spec's order, its docstring from ``type_docs``, and derives from the hand-written
``ApiObject`` (``avangate_compat/model_base.py``: ``extra_fields`` and item access). Every API
field may be null, so a scalar or object field is ``Optional[...] = None``; a list field
(``"Lead[]"``) is a list, empty by default. ``decimal`` is ``Decimal``: money is never a float.

The classes are written out, not built at import, so that mypy and editors see every field's
type; ``benchmarks/models_startup.py`` measures both ways (figures in benchmarks/RESULTS.md).

Run ``python wsdl/tools/make_models.py`` after editing the spec; the output is committed, and a
test fails when it no longer matches the spec. This script is not part of the installed package.
"""

from __future__ import annotations

import json
import keyword
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "avangate_compat" / "spec.json"
TARGET = ROOT / "avangate_compat" / "models.py"
SCALARS = {"string": "str", "int": "int", "boolean": "bool", "decimal": "Decimal", "any": "Any"}
WIDTH = 100

HEADER = '''\
# Generated from avangate_compat/spec.json by wsdl/tools/make_models.py: edit the spec, not this
# file, then run `python wsdl/tools/make_models.py` (a test fails while the two differ).
"""attrs classes named and shaped like the 2Checkout 6.0 API objects, one per type of the spec.

Field names are the API's (``lead.BillingDetails.Email``), as a PHP ``stdClass`` had them.
Every model keeps what a newer server sends beyond these fields in ``extra_fields`` and sends
it back on write, so a read, change, write round trip loses nothing. Money is ``Decimal``.
What every model shares is :class:`~avangate_compat.model_base.ApiObject`; conversion to and
from plain dicts lives in :mod:`avangate_compat.convert`.
"""

from __future__ import annotations

'''


class SpecError(Exception):
    """The spec cannot be written out as models (a doc or a type missing, a bad name)."""


def model_types(spec: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The spec types that are models, in the spec's order: all but the search filters."""
    return {name: fields for name, fields in spec["types"].items()
            if name not in spec["filters"]}


def render(spec: dict[str, Any]) -> str:
    """The text of ``models.py`` for a decoded spec."""
    types = model_types(spec)
    docs: dict[str, str] = spec.get("type_docs", {})
    missing = [name for name in types if not docs.get(name)]
    stray = [name for name in docs if name not in types]
    if missing or stray:
        raise SpecError(f"type_docs: no doc for {missing}, a doc for no model {stray}")
    classes = [_class(name, fields, docs[name], types) for name, fields in types.items()]
    used = {SCALARS[t.removesuffix("[]")] for fields in types.values() for t in fields.values()
            if t.removesuffix("[]") in SCALARS}
    typing_names = ", ".join(sorted(({"Any"} & used) | {"Optional"}))
    out = [HEADER]
    if "Decimal" in used:
        out.append("from decimal import Decimal\n")
    out.append(f"from typing import {typing_names}\n\nimport attrs\n\n"
               "from .model_base import ApiObject as ApiObject\n")
    out += classes
    return "".join(out)


def _name(name: str, what: str) -> str:
    """``name`` if it can be a Python class or attribute name beside ApiObject's own."""
    if not name.isidentifier() or keyword.iskeyword(name) or name == "extra_fields":
        raise SpecError(f"{what} {name!r} cannot be a Python name of a model")
    return name


def _class(name: str, fields: dict[str, str], doc: str, types: dict[str, Any]) -> str:
    if '"""' in doc or "\\" in doc or doc.endswith('"'):
        raise SpecError(f"type_docs.{name}: a doc cannot hold triple quotes or backslashes, "
                        "nor end with a quote")
    lines = textwrap.wrap(doc, WIDTH - len('    """""""'))
    docstring = "\n    ".join(lines)
    out = ["\n\n@attrs.define(kw_only=True)\n", f"class {_name(name, 'type')}(ApiObject):\n",
           f'    """{docstring}"""\n\n']
    for field, type_name in fields.items():
        out.append(f"    {_name(field, f'field of {name}')}: "
                   f"{_annotation(name, field, type_name, types)}\n")
    return "".join(out)


def _annotation(owner: str, field: str, type_name: str, types: dict[str, Any]) -> str:
    """``Optional[str] = None`` for ``"string"``, ``list[Lead] = attrs.Factory(list)`` for
    ``"Lead[]"``."""
    item = type_name.removesuffix("[]")
    python = SCALARS.get(item) or (item if item in types else None)
    if python is None:
        raise SpecError(f"{owner}.{field}: {type_name!r} is neither a scalar nor a model type")
    if type_name.endswith("[]"):
        return f"list[{python}] = attrs.Factory(list)"
    return f"Optional[{python}] = None"


def main() -> int:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    TARGET.write_text(render(spec), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
