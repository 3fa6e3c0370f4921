"""What every model shares, written by hand: the generated :mod:`avangate_compat.models` derives
each API object from :class:`ApiObject`.

Behaviour lives here, shapes in ``spec.json``: a change to how every model keeps unknown fields
or answers ``lead["Items"]`` is made once here, never in the generated module.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define(kw_only=True)
class ApiObject:
    """What every model shares: the fields a newer server sends beyond the declared ones, kept
    in ``extra_fields`` (and sent back on write), and read-only item access by field name
    (``lead["Items"][0]["Code"]``), so dict-style legacy reads keep working."""

    extra_fields: dict[str, Any] = attrs.field(factory=dict, repr=False)

    def __getitem__(self, name: str) -> Any:
        if not isinstance(name, str):
            raise TypeError(f"field names are strings, not {type(name).__name__}")
        if name != "extra_fields" and name in attrs.fields_dict(type(self)):
            return getattr(self, name)
        try:
            return self.extra_fields[name]
        except KeyError:
            raise KeyError(name) from None
