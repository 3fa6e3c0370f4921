"""The purchase-order status email's variables: checks of a customised template, its preview,
and the README's example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from avangate_compat.templates import (
    Problem,
    mandatory,
    missing_variables,
    preview,
    used_variables,
    variables,
)

ROOT = Path(__file__).resolve().parents[1]
COMPLETE = ("{$AVANGATE_LOGO}{$BUSINESS_COMPANY}{$COMMERCIALNAME}{$PO_STATUS}{$REFNO}"
            "{$WEBSITE}")


def test_the_table_is_the_documented_one() -> None:
    table = variables()
    assert len(table) == 52
    assert mandatory() == ["AVANGATE_LOGO", "BUSINESS_COMPANY", "COMMERCIALNAME", "PO_STATUS",
                           "REFNO", "WEBSITE"]
    assert table["FIRSTNAME"].test_value == "John"
    assert table["PRODUCTS[index1].PNAME"].description == "Product name"


def test_a_template_with_every_mandatory_variable_passes() -> None:
    assert missing_variables(COMPLETE) == []
    assert missing_variables("{$REFNO|escape} {if $PO_STATUS}{/if} {$AVANGATE_LOGO}"
                             "{ $BUSINESS_COMPANY }{$COMMERCIALNAME}{$WEBSITE}") == []


def test_missing_mandatory_and_unknown_variables_are_named() -> None:
    problems = missing_variables("Dear {$FIRSTNAME}, order {$REFNO} {$ORDER_TOTAL} {$FIRSTNAME}")
    assert problems == [Problem("AVANGATE_LOGO", "missing"),
                        Problem("BUSINESS_COMPANY", "missing"),
                        Problem("COMMERCIALNAME", "missing"), Problem("PO_STATUS", "missing"),
                        Problem("WEBSITE", "missing"), Problem("ORDER_TOTAL", "unknown")]
    assert str(problems[0]) == "missing mandatory variable {$AVANGATE_LOGO}"
    assert str(problems[-1]) == "unknown variable {$ORDER_TOTAL}"


def test_sections_indices_and_parents_are_understood() -> None:
    text = (COMPLETE + "{section name=i loop=$PRODUCTS}{$PRODUCTS[i].PNAME}"
            "{$PRODUCTS[i].COLOUR}{/section}{$HOTLINE_NUMBERS.NG_PHONE[0].HotlineName}"
            "{$PRODUCTS_DATA}{$smarty.now}")
    assert [p.variable for p in missing_variables(text)] == ["PRODUCTS[index1].COLOUR"]
    assert "PRODUCTS[index1].PNAME" in used_variables(text)


def test_text_outside_tags_is_not_a_variable() -> None:
    assert used_variables("costs $REFNO, or {literal}") == []


def test_preview_fills_every_placeholder_with_its_test_value() -> None:
    assert preview("Order {$REFNO}: {$PO_STATUS|escape} for {$FIRSTNAME} {$LASTNAME} "
                   "{$PRODUCTS[i].PNAME} {$NOPE}") == "Order 9xxxxxx: 0 for John Doe 0 {$NOPE}"
    assert "{$" not in preview(COMPLETE)


@pytest.mark.parametrize("function", [missing_variables, preview])
def test_text_is_required(function: object) -> None:
    with pytest.raises(TypeError):
        function(b"{$REFNO}")  # type: ignore[operator]


def test_the_readme_example_runs() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Customised shopper emails", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    exec(compile(code.group(1), "README.md", "exec"), {})


def test_the_table_ships_in_the_package() -> None:
    import configparser

    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    shipped = [p.strip() for p in setup["options.package_data"]["avangate_compat"].split(",")]
    assert "email_variables.json" in shipped
