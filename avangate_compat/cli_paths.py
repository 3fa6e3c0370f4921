"""``check --live``'s path options, checked before anything is sent.

A run takes a while and talks to the live service; a path it cannot use must stop it at the
start with one line and exit status 2 (a usage error), not with a traceback at the end.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from typing import Optional


def path_problem(args: argparse.Namespace) -> Optional[str]:
    """What is wrong with ``--save-wsdl``, ``--record`` or ``--wsdl-reference``, if anything."""
    if args.save_wsdl is not None:
        problem = _writable_file("--save-wsdl", args.save_wsdl)
        if problem:
            return problem
    if args.record is not None:
        problem = _writable_directory("--record", args.record)
        if problem:
            return problem
    if args.wsdl_reference is not None:
        return _wsdl_file("--wsdl-reference", args.wsdl_reference)
    return None


def _writable_file(option: str, path: str) -> Optional[str]:
    if os.path.isdir(path):
        return f"{option} {path!r} is a directory; give a file name"
    existed = os.path.exists(path)
    try:
        with open(path, "ab"):
            pass
    except OSError as exc:
        return f"{option} {path!r}: cannot write there ({exc.strerror})"
    if not existed:
        os.remove(path)  # only a probe: the run writes it
    return None


def _writable_directory(option: str, path: str) -> Optional[str]:
    if os.path.exists(path) and not os.path.isdir(path):
        return f"{option} {path!r} is not a directory"
    try:
        os.makedirs(path, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        return f"{option} {path!r}: cannot write there ({exc.strerror})"
    return None


def _wsdl_file(option: str, path: str) -> Optional[str]:
    from .conformance import read_wsdl

    if not os.path.isfile(path):
        return f"{option}: no file {path!r}"
    try:
        with open(path, "rb") as handle:
            read_wsdl(handle.read())
    except OSError as exc:
        return f"{option} {path!r}: cannot read it ({exc.strerror})"
    except (ValueError, SyntaxError) as exc:  # lxml's XMLSyntaxError is a SyntaxError
        return f"{option} {path!r} is not a WSDL document: {exc}"
    return None
