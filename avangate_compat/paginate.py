"""Paged searches walked to the end: one walker for every ``paginators`` entry of the spec.

``Client.iter_leads``, ``Client.iter_products`` and ``avangate-compat export`` all come from
:func:`pages`; a new paged search needs a spec entry, no code. Pages are fetched lazily (the
next one in a background thread with ``prefetch``), and only the current page is held, so
memory stays flat however many items there are.

A server that ignores the page asked for would repeat one page forever. A page that echoes
another page number, a page whose items are those of the page before, or more pages than the
first page's count allows raise :class:`TransportError` instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, TypeVar

import attrs

from .errors import TransportError, ValidationError
from .spec import PaginatorSpec, load

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .client import Client

T = TypeVar("T")
Progress = Callable[[int, int], None]
"""``progress(done, total)``, the callback :meth:`Client.map` takes: here ``done`` counts the
items handed out so far, ``total`` the items the walk will give, as the server's count
announces them (the last call has ``done == total``)."""


@attrs.frozen
class Page(Generic[T]):
    """One page of a walk: its number, its items, and what the server reported."""

    number: int
    items: list[T]
    count: Optional[int]
    """Matching items in all pages, as this page reported them (None: not reported)."""
    limit: int
    last: bool


def paginator(family: str) -> PaginatorSpec:
    """The spec's paginator of ``family`` ("leads", "products", ...)."""
    found = load().paginators.get(family)
    if found is None:
        known = ", ".join(sorted(load().paginators))
        raise ValidationError("paginate", f"no paged search {family!r} (known: {known})")
    return found


def get_path(value: Any, path: str) -> Any:
    """The value at a dotted ``path`` of a model or mapping (None where a step is missing)."""
    for step in path.split("."):
        if value is None:
            return None
        value = value.get(step) if isinstance(value, Mapping) else getattr(value, step, None)
    return value


def set_path(filters: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``filters`` with ``value`` at the dotted ``path`` (inner objects copied)."""
    head, _, rest = path.partition(".")
    out = dict(filters)
    if rest:
        inner = out.get(head)
        out[head] = set_path(dict(inner) if isinstance(inner, Mapping) else {}, rest, value)
    else:
        out[head] = value
    return out


def start_page(spec: PaginatorSpec, filters: Mapping[str, Any]) -> int:
    """The page a walk starts from: the filters' page (``Page=3``), else 1."""
    page = get_path(filters, spec.input_page)
    return 1 if page is None else page  # checked by the call itself


def pages(client: Client, family: str, filters: Mapping[str, Any], *,
          prefetch: bool = False) -> Generator[Page[Any], None, None]:
    """Every page of the paged search ``family`` matching ``filters``, from the filters' page
    (1 by default) to the last; see the module docstring for the guards."""
    spec = paginator(family)
    from .operations import OPERATIONS

    operation = OPERATIONS[spec.operation]
    filters = dict(filters)
    number = start_page(spec, filters)

    def fetch(page: int) -> Any:
        return client.call(operation, set_path(filters, spec.input_page, page))

    previous: Optional[list[Any]] = None
    last_page: Optional[int] = None
    ahead: Optional[Future[Any]] = None
    pool = None
    if prefetch:
        from concurrent.futures import ThreadPoolExecutor
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="avangate-prefetch")
    try:
        while True:
            result = ahead.result() if ahead is not None else fetch(number)
            ahead = None
            items = list(get_path(result, spec.result_items) or [])
            keys = [get_path(item, spec.item_key) for item in items]
            echoed = get_path(result, spec.result_page)
            count = get_path(result, spec.result_count)
            limit = get_path(result, spec.result_limit) or len(items)
            if echoed not in (None, number) or (keys and keys == previous) \
                    or (last_page is not None and number > last_page):
                raise TransportError(spec.operation, client.backend,
                                     f"the server does not page: page {number} was not "
                                     "answered as asked (repeated or beyond Count)")
            last = not items or count is None or number * limit >= count
            if last_page is None and count is not None and limit:
                last_page = -(-count // limit)  # fixed at the first page: no endless walk
            if pool is not None and not last:
                ahead = pool.submit(fetch, number + 1)
            yield Page(number, items, count, limit, last)
            if last:
                return
            previous = keys
            number += 1
    finally:
        if pool is not None:
            pool.shutdown(wait=False)


def items(client: Client, family: str, filters: Mapping[str, Any], *, prefetch: bool = False,
          progress: Optional[Progress] = None) -> Generator[Any, None, None]:
    """Every item of every page of :func:`pages`; ``progress(done, total)`` after each page
    has been handed out."""
    done, total = 0, None
    with contextlib.closing(pages(client, family, filters, prefetch=prefetch)) as walk:
        for page in walk:
            yield from page.items
            done += len(page.items)
            if total is None:  # fixed at the first page, as the walk's own bound is
                before = (page.number - 1) * page.limit
                total = done if page.count is None else max(page.count - before, done)
            if progress is not None:
                progress(done, done if page.last else max(total, done))


def iterate(client: Client, family: str, *, prefetch: bool = False,
            progress: Optional[Progress] = None,
            **filters: Any) -> Generator[Any, None, None]:
    """``client.iter_<family>(**filters)`` for a paged search without a typed method."""
    return items(client, family, filters, prefetch=prefetch, progress=progress)
