"""Sections of RESULTS.md that their own commands write, between ``<!-- NAME: begin -->`` and
``<!-- NAME: end -->`` markers: writing one again replaces it in place, and the full benchmark
run (``benchmarks.run``), which rewrites the rest of the file, carries every one over."""

from __future__ import annotations

import re
from pathlib import Path


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"


def wrap(name: str, text: str) -> str:
    """``text`` between ``name``'s markers."""
    begin, end = markers(name)
    return f"{begin}\n{text.rstrip(chr(10))}\n{end}\n"


def write(path: Path, name: str, text: str) -> None:
    """Put section ``name`` (``text``, unwrapped) in ``path``, in place of the previous one."""
    begin, end = markers(name)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin in old:
        head, rest = old.split(begin, 1)
        new = head + wrap(name, text) + rest.split(end, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + wrap(name, text)
    path.write_text(new, encoding="utf-8")


def kept(path: Path) -> str:
    """Every marked section of ``path``, in order, each after a blank line ("" when none)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    found = re.findall(r"(<!-- ([\w.-]+): begin -->\n.*?<!-- \2: end -->\n?)", old, re.S)
    return "".join("\n" + text.rstrip("\n") + "\n" for text, _ in found)
