"""Check and preview a customised "Purchase order status change" shopper email.

2Checkout lets merchants rewrite the shopper emails, as long as the mandatory variables stay in.
The variables of this email (name, description, test value, mandatory) ship as data in
``email_variables.json``, from the documentation's table.

Placeholders are Smarty tags, ``{$REFNO}``: the variable names with ``[index1]`` and ``.FIELD``
parts (``PRODUCTS[index1].PNAME``) are Smarty's ``{section name=index1 loop=$PRODUCTS}`` syntax,
so the templates are read as Smarty (inferred: the documentation names the variables, not the
tag syntax). A variable counts wherever a tag uses it: ``{$REFNO}``, ``{$REFNO|escape}``,
``{if $PO_STATUS}``, ``{section name=i loop=$PRODUCTS}``; any index (``[i]``, ``[index1]``)
stands for the table's ``[index1]``.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import attrs

DATA = Path(__file__).parent / "email_variables.json"
_TAG = re.compile(r"\{[^{}]*\}")
_REFERENCE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\]|\.[A-Za-z_][A-Za-z0-9_]*)*)")
_PLACEHOLDER = re.compile(r"\{\s*\$([A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\]|\.[A-Za-z_]"
                          r"[A-Za-z0-9_]*)*)\s*(?:\|[^{}]*)?\}")
_INDEX = re.compile(r"\[[^\]]*\]")
_SMARTY = frozenset({"smarty"})  # Smarty's own variables ($smarty.now, ...) are always there


@attrs.frozen
class Variable:
    name: str
    description: str
    test_value: str
    mandatory: bool


@attrs.frozen
class Problem:
    """One finding of :func:`missing_variables`: ``kind`` is ``"missing"`` (a mandatory
    variable the template lacks) or ``"unknown"`` (a variable the email does not have)."""

    variable: str
    kind: str

    def __str__(self) -> str:
        what = "missing mandatory variable" if self.kind == "missing" else "unknown variable"
        return f"{what} {{${self.variable}}}"


@functools.lru_cache(maxsize=1)
def variables() -> dict[str, Variable]:
    """The email's variables by name, in the documentation's order."""
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return {v["name"]: Variable(v["name"], v["description"], v["test_value"], v["mandatory"])
            for v in data["variables"]}


def mandatory() -> list[str]:
    return [name for name, variable in variables().items() if variable.mandatory]


def _normal(reference: str) -> str:
    return _INDEX.sub("[index1]", reference)


def _known(name: str) -> bool:
    """A table variable, or the list or object a table variable is part of (``PRODUCTS_DATA``
    of ``PRODUCTS_DATA[index1].IdProduct``)."""
    table = variables()
    if name in table or name.split(".")[0] in _SMARTY:
        return True
    return any(v.startswith(name) and v[len(name)] in "[." for v in table if len(v) > len(name))


def used_variables(template_text: str) -> list[str]:
    """Every variable the template's tags use, indices written ``[index1]``, in order."""
    seen: dict[str, None] = {}
    for tag in _TAG.findall(template_text):
        for reference in _REFERENCE.findall(tag):
            seen.setdefault(_normal(reference), None)
    return list(seen)


def missing_variables(template_text: str) -> list[Problem]:
    """The mandatory variables ``template_text`` lacks (in the table's order), then the
    variables it uses that this email does not have (in the template's order). An empty list:
    the template is fine to upload."""
    if not isinstance(template_text, str):
        raise TypeError(f"template_text must be a str, not {type(template_text).__name__}")
    used = used_variables(template_text)
    problems = [Problem(name, "missing") for name in mandatory() if name not in used]
    return problems + [Problem(name, "unknown") for name in used if not _known(name)]


def preview(template_text: str) -> str:
    """``template_text`` with every ``{$VARIABLE}`` placeholder (a modifier such as
    ``|escape`` included) replaced by the variable's test value; unknown variables and other
    tags (``{if}``, ``{section}``) are left as written, for :func:`missing_variables` to
    report."""
    if not isinstance(template_text, str):
        raise TypeError(f"template_text must be a str, not {type(template_text).__name__}")
    table = variables()

    def fill(match: re.Match[str]) -> str:
        found = table.get(_normal(match.group(1)))
        return found.test_value if found is not None else match.group(0)

    return _PLACEHOLDER.sub(fill, template_text)
