"""The models built from ``spec.json`` when this module is imported: the road not taken.

``avangate_compat/models.py`` is generated and checked in; this module is the other way the
models could derive from the spec, kept so ``benchmarks/models_startup.py`` can measure both.
The classes are what the generator writes (same bases, fields, defaults, docstrings); what
differs is when the work is done, and that mypy cannot see a class made by a function call.
"""

from __future__ import annotations

from decimal import Decimal  # noqa: F401 (the field annotations below name it)
from typing import Any, Optional  # noqa: F401

import attrs

from avangate_compat.model_base import ApiObject
from avangate_compat.spec import raw

SCALARS = {"string": "str", "int": "int", "boolean": "bool", "decimal": "Decimal", "any": "Any"}


def build(spec: dict[str, Any]) -> dict[str, type]:
    """One attrs class per model type of a decoded spec, as ``attrs.define(kw_only=True)``
    would make it; annotations stay text, resolved on first use as the generated ones are."""
    docs: dict[str, str] = spec["type_docs"]
    classes: dict[str, type] = {}
    for name, fields in spec["types"].items():
        if name in spec["filters"]:
            continue
        attributes = {}
        for field, type_name in fields.items():
            item = type_name.removesuffix("[]")
            python = SCALARS.get(item, item)
            # annotation text, as a module with PEP 563 has (attrs' stubs only say "type")
            text: Any = f"list[{python}]" if type_name.endswith("[]") else f"Optional[{python}]"
            attributes[field] = (attrs.field(type=text, factory=list)
                                 if type_name.endswith("[]") else
                                 attrs.field(type=text, default=None))
        cls = attrs.make_class(name, attributes, bases=(ApiObject,), kw_only=True,
                               slots=True, weakref_slot=True, auto_exc=True, order=False,
                               collect_by_mro=True)  # attrs.define's settings, in effect
        cls.__doc__ = docs[name]
        cls.__module__ = __name__
        classes[name] = cls
    return classes


globals().update(build(raw()))
