"""The sandbox's business rules, one module per resource family, routed by the spec.

Each module here registers its handlers with ``@handles("operationName")``
(:mod:`.base`). Every module of this package is loaded, so a new family (orders, customers)
drops in as a new file. :func:`routes` then holds the registry against the spec: every
operation the spec declares with a session has exactly one handler, and no handler serves an
operation the spec does not declare.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Optional

from avangate_compat.sandbox.resources.base import HANDLERS, LAYOUTS, Handler
from avangate_compat.sandbox.schema import Schema, load


def _load_modules() -> None:
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


def routes(schema: Optional[Schema] = None) -> dict[str, Handler]:
    """Operation name -> handler, for every operation of the spec (``schema``, the shipped one
    by default) that needs a session: login is the service's own. RuntimeError when the
    handlers (or the argument layouts) and the spec disagree."""
    _load_modules()
    declared = {name for name, (params, _, _) in (schema or load()).operations.items()
                if params[:1] == [("sessionID", "string")]}
    missing = declared - HANDLERS.keys()
    unknown = (HANDLERS.keys() | LAYOUTS.keys()) - declared
    if missing or unknown:
        raise RuntimeError(f"sandbox handlers and spec.json disagree: no handler for "
                           f"{sorted(missing)}, no operation for {sorted(unknown)}")
    return dict(HANDLERS)
