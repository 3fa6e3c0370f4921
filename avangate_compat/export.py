"""Every item of a paged search written to JSON Lines or CSV, in whole pages, resumable.

Any ``paginators`` entry of the spec can be exported; nothing here names a family. The walk
is :func:`paginate.pages` (prefetching the next page), and only one page is held at a time.

The output is written one whole page at a time. Beside an output file sits a small state
file (``<output>.export-state``, JSON) recording the family, the filters, the format and page
size, and, after each page, the last complete page, the items and the bytes written then. A
resumed export cuts the output back to those bytes (a page half written when the run stopped
goes), checks the filters and format are the same, and continues at the next page. The items
of the last complete page are remembered by key, so if items were added before the cut while
the export was stopped, the shifted ones are not written twice. A finished export removes its
state file.

CSV columns are the item type's fields from the spec, in spec order, objects flattened into
dotted names (``BillingDetails.Email``); a list is one cell holding its JSON (``[]`` when
empty); an absent value is an empty cell; booleans are ``true``/``false``. A last ``_extra``
column holds, as a JSON object keyed by dotted name, any field a newer server sent that the
spec does not declare. JSON Lines holds one item per line, in the order and shape
``avangate-compat call`` prints them; decimals keep their exact digits in both.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Generator, Iterable, Mapping
from decimal import Decimal
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Optional, TextIO

import attrs

from . import paginate
from .convert import unstructure
from .errors import ValidationError
from .spec import ApiSpec, item_type, load

if TYPE_CHECKING:
    from .client import Client

FORMATS = ("jsonl", "csv")
STATE_SUFFIX = ".export-state"
STATE_VERSION = 1
EXTRA_COLUMN = "_extra"


def refused(message: str) -> ValidationError:
    """An export that cannot start as asked (nothing is sent or written then); errors.py
    holds every exception class, so this is a :class:`ValidationError` of the export."""
    return ValidationError("export", message)


# -- what is written ----------------------------------------------------------------------------


_MARK = "\udc00"  # a lone surrogate: no UTF-8 text holds one, so it marks our own strings


def to_json(value: Any) -> str:
    """Compact JSON in which a :class:`Decimal` is a number with its exact digits.

    The C encoder writes each decimal as a marked string, and the marks are then replaced by
    the digits; should the data itself hold a mark, the slower exact encoder runs instead."""
    marked = [0]

    def decimal(obj: Any) -> str:
        if isinstance(obj, Decimal) and obj.is_finite():
            marked[0] += 1
            return f"{_MARK}{obj}{_MARK}"
        return str(obj)

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=decimal)
    if not marked[0]:
        return text
    if text.count(_MARK) != 2 * marked[0]:
        return _exact_json(value)
    return text.replace(f'"{_MARK}', "").replace(f'{_MARK}"', "")  # only ours: counted


def _exact_json(value: Any) -> str:
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else encode_basestring(str(value))
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{encode_basestring(str(k))}:{_exact_json(v)}"
                              for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_exact_json(v) for v in value) + "]"
    return encode_basestring(str(value))


def item_type_of(family: str, spec: Optional[ApiSpec] = None) -> str:
    """The spec type of one item of ``family`` ("Lead" for leads)."""
    spec = spec or load()
    pager = paginate.paginator(family)
    type_name = spec.operations[pager.operation].result
    for step in pager.result_items.split("."):
        type_name = spec.types[item_type(type_name)[0]][step]
    return item_type(type_name)[0]


def columns(family: str) -> list[str]:
    """The CSV columns of ``family``: every scalar or list field, objects flattened."""
    spec = load()

    def walk(type_name: str, prefix: str, seen: tuple[str, ...]) -> Generator[str, None, None]:
        for field, field_type in spec.types[type_name].items():
            name, is_list = item_type(field_type)
            if not is_list and name in spec.types and name not in seen:  # no endless recursion
                yield from walk(name, f"{prefix}{field}.", (*seen, name))
            else:
                yield prefix + field

    return [*walk(item_type_of(family, spec), "", (item_type_of(family, spec),)), EXTRA_COLUMN]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (Mapping, list, tuple)):
        return to_json(value)
    return str(value)


class Flattener:
    """Items as CSV rows over a fixed list of columns."""

    def __init__(self, names: list[str]) -> None:
        self.columns = names
        self._index = {name: i for i, name in enumerate(names)}
        self._objects = {name.rsplit(".", depth)[0] + "."
                         for name in names for depth in range(1, name.count(".") + 1)}

    def row(self, item: Mapping[str, Any]) -> list[str]:
        cells = [""] * len(self.columns)
        extra: dict[str, Any] = {}
        self._fill(item, "", cells, extra)
        if extra:
            cells[self._index[EXTRA_COLUMN]] = to_json(extra)
        return cells

    def _fill(self, value: Mapping[str, Any], prefix: str, cells: list[str],
              extra: dict[str, Any]) -> None:
        for key, inner in value.items():
            name = f"{prefix}{key}"
            if inner is None:
                continue
            if name in self._index and name != EXTRA_COLUMN:
                cells[self._index[name]] = _cell(inner)
            elif f"{name}." in self._objects and isinstance(inner, Mapping):
                self._fill(inner, f"{name}.", cells, extra)
            else:
                extra[name] = inner


def render(items: Iterable[Any], fmt: str, flattener: Optional[Flattener]) -> str:
    """One page of items as the text written for it."""
    plain = (unstructure(item) for item in items)
    if fmt == "jsonl":
        return "".join(f"{to_json(item)}\n" for item in plain)
    assert flattener is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(flattener.row(item) for item in plain)
    return buffer.getvalue()


def header(flattener: Flattener) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(flattener.columns)
    return buffer.getvalue()


# -- the state beside the output -----------------------------------------------------------------


@attrs.define
class State:
    """What the sidecar file records; see the module docstring."""

    family: str
    filters: dict[str, Any]
    format: str
    limit: int
    columns: Optional[list[str]]
    page: int = 0
    items: int = 0
    bytes: int = 0
    count: Optional[int] = None
    last_keys: list[Any] = attrs.field(factory=list)

    def save(self, path: Path) -> None:
        """Written whole or not at all: a temporary file renamed over the old one."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(to_json({"version": STATE_VERSION, **attrs.asdict(self)}) + "\n",
                             encoding="utf-8")
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> State:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("version") != STATE_VERSION:
                raise ValueError("another version")
            state = cls(**data)
            numbers = (state.page, state.items, state.bytes, state.limit)
            if not all(type(n) is int and n >= 0 for n in numbers) \
                    or not isinstance(state.filters, dict) \
                    or not isinstance(state.last_keys, list):
                raise ValueError("a field has the wrong type")
            return state
        except (ValueError, TypeError, KeyError, OSError) as exc:
            raise refused(f"the export state {path} cannot be read ({exc}); export "
                          "again without --resume") from None

    def differences(self, other: State) -> list[str]:
        """Why ``other`` (this run's settings) cannot continue this state."""
        return [f"{name} {getattr(self, name)!r} then, {getattr(other, name)!r} now"
                for name in ("family", "filters", "format", "limit", "columns")
                if getattr(self, name) != getattr(other, name)]


def state_path(output: Path) -> Path:
    return output.with_name(output.name + STATE_SUFFIX)


# -- the run -------------------------------------------------------------------------------------


@attrs.frozen
class PageWritten:
    """After each page written: its number, the pages and items the search has (as the last
    page reported them; None if not reported), and the items written so far."""

    page: int
    pages: Optional[int]
    items: int
    total: Optional[int]
    new_items: int


@attrs.frozen
class Summary:
    family: str
    pages: int
    items: int
    resumed_from: int
    """The page this run started at (1 unless resumed)."""


def _plain_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """The filters as they read back from the state file (JSON), for comparison."""
    plain: dict[str, Any] = json.loads(to_json(dict(filters)))
    return plain


def start(family: str, filters: Mapping[str, Any], fmt: str) -> tuple[dict[str, Any], int]:
    """Checked filters without a page, and the page size: everything decided before I/O."""
    pager = paginate.paginator(family)
    if fmt not in FORMATS:
        raise refused(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if paginate.get_path(filters, pager.input_page) is not None:
        raise refused(f"{pager.input_page} is not a filter of an export: it walks every "
                      "page (--resume continues an interrupted one)")
    limit = paginate.get_path(filters, pager.input_limit)
    if limit is None:
        limit = pager.max_limit
    if isinstance(limit, bool) or not isinstance(limit, int) \
            or not 1 <= limit <= pager.max_limit:
        raise refused(f"{pager.input_limit} (the page size) must be an integer from 1 to "
                      f"{pager.max_limit}")
    return paginate.set_path(dict(filters), pager.input_limit, limit), limit


def run(client: Client, family: str, filters: Mapping[str, Any], fmt: str, *,
        output: Optional[Path] = None, stream: Optional[TextIO] = None, resume: bool = False,
        on_page: Optional[Callable[[PageWritten], None]] = None,
        notice: Callable[[str], None] = lambda _text: None) -> Summary:
    """Export every item of ``family`` matching ``filters`` to ``output`` (a file, with its
    state file beside it, resumable) or ``stream`` (once, from the start)."""
    filters, limit = start(family, filters, fmt)
    flattener = Flattener(columns(family)) if fmt == "csv" else None
    wanted = State(family, _plain_filters(filters), fmt, limit,
                   flattener.columns if flattener else None)
    if output is None:
        if resume:
            raise refused("--resume needs an output file (--output)")
        if stream is None:
            raise refused("give an output file or a stream")
        sink: _Sink = _StreamSink(stream)
        if flattener is not None:
            sink.write(header(flattener))
        return _walk(client, wanted, filters, sink, None, on_page, notice)
    path = state_path(output)
    state, resumed = wanted, False
    if resume and path.exists():
        state = State.load(path)
        changed = state.differences(wanted)
        if changed:
            raise refused(f"{path} was written for another export ({'; '.join(changed)}); "
                          "export again without --resume")
        size = output.stat().st_size if output.exists() else 0
        if size < state.bytes:
            raise refused(f"{output} is shorter than {path} records ({size} < "
                          f"{state.bytes} bytes): it was changed; export again without "
                          "--resume")
        resumed = output.exists()
    elif resume and output.exists() and output.stat().st_size > 0:
        raise refused(f"nothing to resume: {output} has no {STATE_SUFFIX} file beside it "
                      "(the export finished, or did not write it)")
    with _FileSink(output, state.bytes if resumed else None) as sink:
        if sink.offset == 0 and flattener is not None:
            sink.write(header(flattener))
            state.bytes = sink.offset
        state.save(path)
        summary = _walk(client, state, filters, sink, path, on_page, notice)
    path.unlink()
    return summary


def _walk(client: Client, state: State, filters: dict[str, Any], sink: _Sink,
          path: Optional[Path], on_page: Optional[Callable[[PageWritten], None]],
          notice: Callable[[str], None]) -> Summary:
    pager = paginate.paginator(state.family)
    flattener = Flattener(state.columns) if state.columns else None
    first = state.page + 1
    skip = set(state.last_keys)
    before = state.count
    walk = paginate.pages(client, state.family,
                          paginate.set_path(filters, pager.input_page, first), prefetch=True)
    with contextlib.closing(walk):
        for page in walk:
            items = page.items
            if skip:  # only the first page after a resume: items shifted in from before
                kept = [item for item in items
                        if paginate.get_path(item, pager.item_key) not in skip]
                if len(kept) != len(items) or (before is not None and page.count != before):
                    notice(f"the search matched {before} items when the export stopped and "
                           f"{page.count} now; {len(items) - len(kept)} item(s) already "
                           "written were skipped")
                items, skip = kept, set()
            sink.write(render(items, state.format, flattener))
            state.page, state.items, state.bytes = page.number, state.items + len(items), \
                sink.offset
            state.count = page.count
            state.last_keys = [paginate.get_path(item, pager.item_key) for item in page.items]
            if path is not None:
                state.save(path)
            if on_page is not None:
                pages = None if page.count is None else max(-(-page.count // page.limit),
                                                             page.number)
                on_page(PageWritten(page.number, pages, state.items, page.count, len(items)))
    return Summary(state.family, state.page, state.items, first)


def _encodable(text: str) -> bytes:
    """UTF-8; a lone surrogate (JSON can carry one) written as its JSON escape ``\\udc00``."""
    return text.encode("utf-8", "backslashreplace")


class _Sink:
    offset = 0

    def write(self, text: str) -> None:
        raise NotImplementedError


class _StreamSink(_Sink):
    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> None:
        try:
            self._stream.write(text)
        except UnicodeEncodeError:  # nothing was written: the stream encodes a text whole
            self._stream.write(_encodable(text).decode("utf-8"))
        self._stream.flush()


class _FileSink(_Sink):
    """A page is on disk (as far as the OS goes) before the state says it is written."""

    def __init__(self, path: Path, keep: Optional[int]) -> None:
        self._file: BinaryIO = open(path, "r+b" if keep is not None else "wb")  # noqa: SIM115
        if keep is not None:
            self._file.truncate(keep)  # a page half written when the run stopped goes
            self._file.seek(keep)
        self.offset = self._file.tell()

    def write(self, text: str) -> None:
        self._file.write(_encodable(text))
        self._file.flush()
        self.offset = self._file.tell()

    def __enter__(self) -> _FileSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()
