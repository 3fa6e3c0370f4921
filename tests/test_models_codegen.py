"""The models are written from the spec by ``wsdl/tools/make_models.py``: a new spec type is a
working model with no hand-written code, and the generator refuses a spec it cannot write out.
(That the shipped ``models.py`` is the generator's output is checked in ``test_spec.py``.)"""

from __future__ import annotations

import copy
import importlib.util
import sys
import types
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest

from avangate_compat import convert, models
from avangate_compat.model_base import ApiObject
from avangate_compat.spec import raw

ROOT = Path(__file__).resolve().parents[1]
PROBE = "avangate_compat._generated_probe"


def _make_models() -> Any:
    path = ROOT / "wsdl" / "tools" / "make_models.py"
    loaded = importlib.util.spec_from_file_location("make_models", path)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


@pytest.fixture
def generated() -> Iterator[Any]:
    """Runs a rendered models module as a submodule of the package, as the shipped one runs."""
    def load(text: str) -> Any:
        module = types.ModuleType(PROBE)
        module.__package__ = "avangate_compat"
        sys.modules[PROBE] = module
        exec(compile(text, "<generated models>", "exec"), module.__dict__)
        return module

    yield load
    sys.modules.pop(PROBE, None)


def _with_widget(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["types"]["Widget"] = {"Code": "string", "Size": "int", "Price": "decimal",
                               "Tags": "string[]", "Parts": "OptionCode[]", "Ready": "boolean"}
    data["type_docs"]["Widget"] = "A widget, to show that a spec entry is the whole model."
    return data


def test_a_new_spec_type_is_a_typed_model_without_hand_written_code(generated: Any) -> None:
    module = generated(_make_models().render(_with_widget(raw())))
    widget = module.Widget
    assert issubclass(widget, ApiObject)
    assert widget.__doc__ == "A widget, to show that a spec entry is the whole model."
    assert [f.name for f in attrs.fields(widget)] == [
        "extra_fields", "Code", "Size", "Price", "Tags", "Parts", "Ready"]
    read = convert.structure({"Code": "W1", "Size": "3", "Price": "1.50", "Tags": {"0": "a"},
                              "Parts": [{"Code": "SEATS", "Options": ["5"]}], "Ready": "",
                              "Colour": "red"}, widget)
    assert read == widget(Code="W1", Size=3, Price=Decimal("1.50"), Tags=["a"],
                          Parts=[module.OptionCode(Code="SEATS", Options=["5"])],
                          extra_fields={"Colour": "red"})
    assert read["Colour"] == "red" and read["Size"] == 3  # ApiObject's item access
    assert convert.unstructure(read)["Colour"] == "red"


def test_generated_classes_are_the_shipped_ones_field_for_field(generated: Any) -> None:
    module = generated(_make_models().render(raw()))
    for name in raw()["type_docs"]:
        mine, shipped = getattr(module, name), getattr(models, name)
        # annotations as written: a field's resolved type is the class of its own module
        assert mine.__annotations__ == shipped.__annotations__
        assert [(f.name, f.default) for f in attrs.fields(mine)] == [
            (f.name, f.default) for f in attrs.fields(shipped)]
        assert mine.__doc__ == shipped.__doc__ and mine.__doc__


def test_long_docs_are_wrapped_within_the_line_length() -> None:
    data = _with_widget(raw())
    data["type_docs"]["Widget"] = "A widget whose description runs on. " * 8
    text = _make_models().render(data)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert '    """A widget whose description runs on.' in text


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["type_docs"].pop("Lead"), r"no doc for \['Lead'\]"),
    (lambda d: d["type_docs"].update(Gadget="A type that does not exist."),
     r"a doc for no model \['Gadget'\]"),
    (lambda d: d["types"]["Lead"].update(Weight="Kilograms"),
     r"Lead.Weight: 'Kilograms' is neither a scalar nor a model type"),
    (lambda d: d["types"]["Lead"].update(Search="LeadSearchOptions"),
     r"Lead.Search: 'LeadSearchOptions' is neither"),
    (lambda d: d["type_docs"].update(Lead='Ends on a "quote"'), r"type_docs.Lead: a doc"),
    (lambda d: d["type_docs"].update(Lead='Holds """ quotes'), r"type_docs.Lead: a doc"),
    (lambda d: d["types"]["Lead"].update({"class": "string"}),
     r"field of Lead 'class' cannot be a Python name"),
    (lambda d: d["types"]["Lead"].update({"extra_fields": "string"}),
     r"field of Lead 'extra_fields' cannot"),
    (lambda d: (d["types"].update({"Bad-Name": {}}), d["type_docs"].update({"Bad-Name": "x"})),
     r"type 'Bad-Name' cannot be a Python name"),
], ids=["a type without a doc", "a doc without a type", "an unknown field type",
        "a filter type as a field", "a doc ending on a quote", "a doc with triple quotes",
        "a keyword as field", "ApiObject's own field", "a type name with a dash"])
def test_a_spec_the_generator_cannot_write_out_is_refused(change: Any, message: str) -> None:
    make_models = _make_models()
    data = copy.deepcopy(raw())
    change(data)
    with pytest.raises(make_models.SpecError, match=message):
        make_models.render(data)


def test_models_import_only_the_names_their_fields_use() -> None:
    data = copy.deepcopy(raw())
    data["types"]["Product"]["TangibleDetails"] = "string"
    for name, fields in data["types"].items():
        data["types"][name] = {k: "string" if v == "decimal" else v for k, v in fields.items()}
    text = _make_models().render(data)
    assert "from typing import Optional\n" in text and "from decimal" not in text
