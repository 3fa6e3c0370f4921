"""Plain data <-> models, for every backend, with the PHP-era quirks normalized once.

Real payloads (docs/api-facts.md, "Leads over SOAP and JSON-RPC") send numbers as strings
(``"2"``), lists as objects keyed ``"0"``, ``"1"``..., single objects wrapped the same way, empty
arrays where an object was meant, and many nulls. This module turns all of those into the
model's declared types: ``int``, ``bool``, ``Decimal`` for money (never float), lists, nested
models. Keys a model does not declare go to its ``extra_fields`` and come back out on
:func:`unstructure`, so nothing is lost.
Anything that cannot be read as its declared type raises :class:`ConversionError` naming the path.
"""

from __future__ import annotations

import re
import sys
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, TypeVar, Union

import attrs
import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .errors import ConversionError

T = TypeVar("T")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
# Bounds of a number this API can mean (money, quantities, pages). Checked on the text's length
# and the Decimal's exponent before anything else: int(Decimal("1e999999999")) never returns.
MAX_NUMBER_TEXT = 64
MAX_MAGNITUDE_DIGITS = 18  # |value| < 10**18
MAX_FRACTION_DIGITS = 28  # Decimal's default precision; 0.1000000000000000055511 is exact
INT64 = 2 ** 63


def _is_index(key: Any) -> bool:
    # ASCII digits only: "²".isdigit() is True, and int("²") fails
    return key.isascii() and key.isdigit() if type(key) is str \
        else type(key) is int and key >= 0


def _keyed_list(value: Mapping[Any, Any]) -> Union[list[Any], None]:
    """``{"0": a, "1": b}`` -> ``[a, b]``; ``None`` if the keys are not all indices."""
    if not value:
        return None
    for key in value:  # an ordinary object fails on its first key
        if not _is_index(key):
            return None
    if len(value) == 1:  # the REST schema's wrapping of a single object: nothing to sort
        return list(value.values())
    return [value[k] for k in sorted(value, key=int)]


def _as_list(value: Any) -> list[Any]:
    if type(value) is list:
        return value
    if value is None or value == "":
        return []
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        if not value:  # a "0"-keyed list with no keys: no elements, not one empty element
            return []
        keyed = _keyed_list(value)
        return keyed if keyed is not None else [value]  # PHP's single-element "array"
    return [value]


def _as_mapping(value: Any, cls: type) -> Union[Mapping[str, Any], None]:
    if type(value) is dict:  # the common case: a plain JSON object, its first key a name
        first = next(iter(value), None)
        if first is None or (type(first) is str and not (first.isascii() and first.isdigit())):
            return value
        if len(value) == 1 and _is_index(first):  # {"0": {...}}, as _keyed_list below reads it
            return _as_mapping(value[first], cls)
    if isinstance(value, list):  # PHP sends [] for an empty object, [obj] now and then
        if len(value) > 1:
            raise ConversionError(f"{cls.__name__}: expected one object, got a list of "
                                  f"{len(value)}")
        value = value[0] if value else None
    if value is None or value == "":
        return None
    if not isinstance(value, Mapping):
        raise ConversionError(f"{cls.__name__}: expected an object, got {type(value).__name__}")
    keyed = _keyed_list(value)
    if keyed is not None:  # {"0": {...}}: the REST schema's wrapping of a single object
        if len(keyed) != 1:
            raise ConversionError(f"{cls.__name__}: expected one object, got {len(keyed)}")
        return _as_mapping(keyed[0], cls)
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


# Plain decimal text of at most 18 integer and 18 fraction digits is within every bound by its
# form alone: the common case (every number a real answer sends) needs no further check.
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{0,18})?\Z", re.ASCII)
_PLAIN_INT = re.compile(r"[+-]?[0-9]{1,18}\Z", re.ASCII)


def bounded_decimal(value: Any) -> Decimal:
    """``value`` (Decimal, int, float or numeric text) as a finite Decimal within the bounds
    a price or quantity can have, in time proportional to its length; ConversionError if not."""
    if type(value) is str and _PLAIN_DECIMAL.match(value):
        return Decimal(value)
    if isinstance(value, bool):
        raise ConversionError(f"expected a number, got {value!r}")
    if isinstance(value, int):
        if -INT64 < value < INT64:
            return Decimal(value)
        raise ConversionError("number out of range (more than 18 digits)")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_NUMBER_TEXT:
            raise ConversionError(f"number text of {len(text)} characters is out of range")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ConversionError(f"expected a number, got {_short(value)}") from None
    elif isinstance(value, float):
        number = Decimal(repr(value))  # repr first: Decimal(0.1) keeps the float's 55 digits
    elif isinstance(value, Decimal):
        number = value
    else:
        raise ConversionError(f"expected a number, got {type(value).__name__}")
    if not number.is_finite():
        raise ConversionError(f"expected a finite number, got {_short(value)}")
    if number and number.adjusted() >= MAX_MAGNITUDE_DIGITS:
        raise ConversionError(f"number out of range: {_short(value)}")
    if _exponent(number) < -MAX_FRACTION_DIGITS:
        number = number.normalize()  # trailing zeros and 0E-999 are harmless
        if _exponent(number) < -MAX_FRACTION_DIGITS:
            raise ConversionError(f"more than {MAX_FRACTION_DIGITS} decimal places: "
                                  f"{_short(value)}")
    return number


def _exponent(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return exponent if isinstance(exponent, int) else 0  # only NaN/Infinity have a letter


def _to_int(value: Any, _: Any = None) -> int:
    if isinstance(value, bool):
        raise ConversionError(f"expected an integer, got {value!r}")
    if type(value) is int and -INT64 < value < INT64:
        return value
    if type(value) is str and _PLAIN_INT.match(value):
        return int(value)
    try:
        number = bounded_decimal(value)  # bounded: the int() below is cheap
    except ConversionError as exc:
        raise ConversionError(exc.reason.replace("a number", "an integer")) from None
    if number != number.to_integral_value():
        raise ConversionError(f"expected an integer, got {_short(value)}")
    return int(number)


def _to_decimal(value: Any, _: Any = None) -> Decimal:
    return bounded_decimal(value)


def _to_bool(value: Any, _: Any = None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    raise ConversionError(f"expected a boolean, got {value!r}")


def _to_str(value: Any, _: Any = None) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (bytes, bytearray)):  # Python 2 code passed str: UTF-8 bytes
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ConversionError("bytes that are not UTF-8 text") from None
    raise ConversionError(f"expected a string, got {_short(value)}")


def _to_dict(value: Any, _: Any = None) -> dict[Any, Any]:
    if value is None or value == "" or value == []:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    raise ConversionError(f"expected an object, got {type(value).__name__}")


def _unstructure_value(value: Any) -> Any:
    if attrs.has(type(value)):
        return unstructure(value)
    if isinstance(value, list):
        return [_unstructure_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _unstructure_value(v) for k, v in value.items()}
    return value


def _origin(tp: Any) -> Any:
    return typing.get_origin(tp)


def _optional_of(tp: Any) -> Any:
    args = typing.get_args(tp)
    if typing.get_origin(tp) is Union and len(args) == 2 and type(None) in args:
        return args[0] if args[1] is type(None) else args[1]
    return None


class _Converter:
    """cattrs dispatch with hooks for the quirks; one instance serves the whole process."""

    def __init__(self) -> None:
        conv = cattrs.Converter()
        self._from_mapping: dict[type, Callable[[Mapping[Any, Any]], Any]] = {}
        self._hooks: dict[Any, Callable[[Any, Any], Any]] = {}
        conv.register_structure_hook(int, _to_int)
        conv.register_structure_hook(bool, _to_bool)
        conv.register_structure_hook(str, _to_str)
        conv.register_structure_hook(Decimal, _to_decimal)
        conv.register_structure_hook_func(lambda t: t is Any, lambda v, _: v)
        # Factories, not plain hooks: each type gets a closure with its inner hook resolved once,
        # so structuring a lead does no typing introspection or dispatch per value.
        conv.register_structure_hook_factory(lambda t: _optional_of(t) is not None,
                                             self._optional_hook)
        conv.register_structure_hook_factory(lambda t: _origin(t) is list, self._list_hook)
        conv.register_structure_hook_func(lambda t: _origin(t) is dict, _to_dict)
        conv.register_structure_hook_factory(attrs.has, self._model_hook)
        conv.register_unstructure_hook_factory(attrs.has, self._unstructure_hook)
        self._conv = conv

    def structure(self, data: Any, cls: type[T]) -> T:
        hook = self._hooks.get(cls)
        if hook is None:  # cattrs' dispatch once per type, not once per call
            hook = self._hooks[cls] = self._conv.get_structure_hook(cls)
        return hook(data, cls)  # type: ignore[no-any-return]

    def _optional_hook(self, tp: Any) -> Callable[[Any, Any], Any]:
        inner = _optional_of(tp)
        hook = self._conv.get_structure_hook(inner)
        if inner is str:  # most fields: a string already needs no call
            return lambda value, _: value if type(value) is str \
                else None if value is None else hook(value, inner)
        if attrs.has(inner):
            # made with the hook (a model being built, if one held itself, has none yet)
            from_mapping = self._from_mapping.get(inner) or (lambda m: hook(m, inner))

            def optional_model(value: Any, _: Any) -> Any:
                mapping = None if value is None else _as_mapping(value, inner)
                return None if mapping is None else from_mapping(mapping)
            return optional_model

        def optional_scalar(value: Any, _: Any) -> Any:
            if value is None or value == "":
                return None  # PHP-era servers send "" for a missing number, bool or object
            return hook(value, inner)
        return optional_scalar

    def _list_hook(self, tp: Any) -> Callable[[Any, Any], list[Any]]:
        (item_type,) = typing.get_args(tp)
        hook = self._conv.get_structure_hook(item_type)

        def structure_list(value: Any, _: Any) -> list[Any]:
            out = []
            for index, item in enumerate(_as_list(value)):
                try:
                    out.append(hook(item, item_type))
                except ConversionError as exc:
                    raise ConversionError(exc.reason, f"[{index}]{exc.path}") from None
            return out
        return structure_list

    def _model_hook(self, cls: type) -> Callable[[Any, Any], Any]:
        """cattrs generates the structuring function of each model (the quirk normalizers are
        the converter's hooks); around it, the PHP object shapes are unwrapped, keys the model
        does not declare go to ``extra_fields``, and cattrs' error notes become the field path
        of a :class:`ConversionError`. Only conversion errors are translated: anything else
        is a bug of this library and propagates as it is."""
        # Annotations are text (PEP 563), read in the modules of the class and its bases
        # (ApiObject's extra_fields is declared in model_base); never in the class's own
        # namespace, where a field named as its type (RecurringOptions) would shadow it.
        namespace: dict[str, Any] = {}
        for base in reversed(cls.__mro__):
            namespace.update(vars(sys.modules[base.__module__]))
        attrs.resolve_types(cls, globalns=namespace, localns=namespace)
        names = frozenset(f.name for f in attrs.fields(cls) if f.name != "extra_fields")
        # Two generated functions: a fast one for data that converts, and one that notes the
        # field of each failure, run again only to name the path of an error.
        fast = self._fast_structure_fn(cls)
        detailed: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, self._conv, _cattrs_detailed_validation=True, extra_fields=override(omit=True))

        def from_mapping(mapping: Mapping[Any, Any]) -> Any:
            try:
                obj = fast(mapping, cls)
            except Exception:  # noqa: BLE001 - run again below to say where, or re-raise
                try:
                    obj = detailed(mapping, cls)
                except ClassValidationError as group:
                    raise _with_path(group) from None
            if not mapping.keys() <= names:
                obj.extra_fields = {str(k): v for k, v in mapping.items() if k not in names}
            return obj

        def structure_model(value: Any, _: Any) -> Any:
            mapping = _as_mapping(value, cls)
            if mapping is None:
                raise ConversionError(f"{cls.__name__}: expected an object, got {value!r}")
            return from_mapping(mapping)

        self._from_mapping[cls] = from_mapping
        return structure_model

    def _fast_structure_fn(self, cls: type) -> Callable[[Any, Any], Any]:
        """cattrs' structuring function of ``cls`` (``if key in o: res[key] = hook(o[key])``,
        then ``cls(**res)``), written here with each field's hook resolved and the commonest
        values handled inline: a string or null in an optional string field, a null in any
        optional field, neither of which needs a call, and a plain object in an optional model
        field going straight to that model's function. It does exactly what cattrs' function
        does, with about half the Python calls; a model this cannot write (a field without a
        default, or renamed) gets cattrs' own."""
        fields = [f for f in attrs.fields(cls) if f.name != "extra_fields"]
        if any(f.default is attrs.NOTHING or f.alias != f.name or not f.init
               or not f.name.isidentifier() for f in fields):
            generated: Callable[[Any, Any], Any] = make_dict_structure_fn(
                cls, self._conv, _cattrs_detailed_validation=False,
                extra_fields=override(omit=True))
            return generated
        # Built in place (as attrs' __init__ would: no validator, converter, hook or
        # __init__ of its own to skip) rather than through a dict of keywords and __init__.
        direct = _plain_init(cls)
        namespace: dict[str, Any] = {"__cl": cls, "__new": object.__new__, "__INT64": INT64}
        lines = [f"def structure_{cls.__name__}(o, _):",
                 "  self = __new(__cl)" if direct else "  res = {}"]
        for index, field in enumerate(fields):
            name, hook, tp = field.name, f"__h{index}", f"__t{index}"
            target = f"self.{name}" if direct else f"res[{name!r}]"
            namespace[hook] = self._conv.get_structure_hook(field.type)
            namespace[tp] = field.type
            inner = _optional_of(field.type)
            lines += [f"  if {name!r} in o:", f"    v = o[{name!r}]"]
            from_mapping = self._from_mapping.get(inner) \
                if isinstance(inner, type) and attrs.has(inner) else None
            if inner is str:
                value = f"v if type(v) is str or v is None else {hook}(v, {tp})"
            elif inner is int:  # an int64 as JSON sends it, as _to_int reads it
                value = (f"v if type(v) is int and -__INT64 < v < __INT64 else "
                         f"None if v is None else {hook}(v, {tp})")
            elif inner is bool:  # JSON's true and false, as _to_bool reads them
                value = f"v if type(v) is bool else None if v is None else {hook}(v, {tp})"
            elif from_mapping is not None:  # a plain object, named keys: as _as_mapping reads it
                namespace[f"__m{index}"] = from_mapping
                lines += ["    if type(v) is dict and v and type(k := next(iter(v))) is str "
                          "and not (k.isascii() and k.isdigit()):",
                          f"      {target} = __m{index}(v)",
                          # REST's wrapping of one object, {"0": {...}}, as _as_mapping reads it
                          "    elif type(v) is dict and len(v) == 1 and type(w := v.get('0')) "
                          "is dict and w and type(k := next(iter(w))) is str "
                          "and not (k.isascii() and k.isdigit()):",
                          f"      {target} = __m{index}(w)", "    else:"]
                value = f"None if v is None else {hook}(v, {tp})"
            elif inner is not None:  # every Optional hook reads null as None
                value = f"None if v is None else {hook}(v, {tp})"
            else:
                value = f"{hook}(v, {tp})"
            lines.append(f"{'  ' if from_mapping is not None else ''}    {target} = {value}")
            if direct:
                lines += ["  else:", f"    self.{name} = {_default(field, str(index), namespace)}"]
        if direct:
            extra = _default(attrs.fields_dict(cls)["extra_fields"], "e", namespace)
            lines += [f"  self.extra_fields = {extra}", "  return self"]
        else:
            lines.append("  return __cl(**res)")
        code = compile("\n".join(lines), f"<avangate_compat structure {cls.__qualname__}>", "exec")
        exec(code, namespace)  # noqa: S102 - our own text, from attrs field names
        fast: Callable[[Any, Any], Any] = namespace[f"structure_{cls.__name__}"]
        return fast

    def unstructure(self, obj: Any) -> Any:
        return self._conv.unstructure(obj)

    def _unstructure_hook(self, cls: type) -> Callable[[Any], dict[str, Any]]:
        generated: Callable[[Any], Any] = make_dict_unstructure_fn(
            cls, self._conv, extra_fields=override(omit=True))
        unstructure_value = self._conv.unstructure

        def unstructure_model(obj: Any) -> dict[str, Any]:
            out: dict[str, Any] = generated(obj)
            for key, value in obj.extra_fields.items():
                out.setdefault(key, unstructure_value(value))
            return out

        return unstructure_model


def _plain_init(cls: type) -> bool:
    """Whether attrs' ``__init__`` of ``cls`` only stores each value or its default: no
    validator, converter, ``__setattr__`` hook, pre- or post-init, or ``__new__`` of its own."""
    new: Any = cls.__new__
    setattr_: Any = cls.__setattr__
    return (new is object.__new__ and setattr_ is object.__setattr__
            and not hasattr(cls, "__attrs_pre_init__")
            and not hasattr(cls, "__attrs_post_init__")
            and all(f.validator is None and f.converter is None and f.init
                    and (not isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
                         or not f.default.takes_self)
                    for f in attrs.fields(cls)))


def _default(field: Any, key: str, namespace: dict[str, Any]) -> str:
    """The generated code's expression for a field's default (a factory is called)."""
    if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
        namespace[f"__f{key}"] = field.default.factory
        return f"__f{key}()"
    namespace[f"__d{key}"] = field.default
    return f"__d{key}"


def _with_path(group: ClassValidationError) -> ConversionError:
    """The first failure of a model as a ConversionError whose path names the field."""
    for exc in group.exceptions:
        field = next((note.name for note in getattr(exc, "__notes__", ())
                      if isinstance(note, AttributeValidationNote)), None)
        if isinstance(exc, ClassValidationError):
            exc = _with_path(exc)
        if not isinstance(exc, ConversionError):
            raise exc  # not the server's data: a bug here, reported as one
        return ConversionError(exc.reason, f".{field}{exc.path}" if field else exc.path)
    return ConversionError("cannot read the object")


_CONVERTER = _Converter()


def structure(data: Any, cls: type[T]) -> T:
    """Plain data from any backend -> model (or ``int``, ``bool``, ``str``, ``list[Model]``)."""
    name = getattr(cls, "__name__", str(cls))
    try:
        return _CONVERTER.structure(data, cls)
    except ConversionError as exc:
        raise ConversionError(exc.reason, exc.path, root=name) from None
    except RecursionError:
        raise ConversionError("nested too deeply", root=name) from None


def unstructure(obj: Any) -> dict[str, Any]:
    """Model -> plain dict with the API's keys, ``extra_fields`` merged back in."""
    out: dict[str, Any] = _CONVERTER.unstructure(obj)
    return out


__all__ = ["bounded_decimal", "structure", "unstructure"]
