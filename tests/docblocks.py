"""The fenced code blocks of README.md and docs/*.md, for the tests that run them.

One reader for every test that executes documentation (tests/test_docs.py runs them all;
tests/test_ipn.py and tests/test_sandbox_faults.py check a few more closely).
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.S | re.M)


@attrs.frozen
class Block:
    path: str
    """Relative to the repository root: ``README.md``, ``docs/usage.md``."""
    line: int
    """Line of the opening fence."""
    language: str
    flags: tuple[str, ...]
    """Words after the language in the fence's info string (``no-run``)."""
    section: str
    """The heading the block stands under."""
    code: str

    @property
    def name(self) -> str:
        return f"{self.path}:{self.line}"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    headings = [(m.start(), m.group(1).strip())
                for m in re.finditer(r"^#{1,6} (.*)$", text, re.M)]
    found = []
    for match in _FENCE.finditer(text):
        words = match.group(1).split()
        section = next((title for start, title in reversed(headings)
                        if start < match.start()), "")
        found.append(Block(path=path.relative_to(ROOT).as_posix(),
                           line=text.count("\n", 0, match.start()) + 1,
                           language=words[0] if words else "", flags=tuple(words[1:]),
                           section=section, code=match.group(2)))
    return found


def all_blocks(language: str) -> list[Block]:
    return [block for path in documents() for block in blocks(path)
            if block.language == language]


def block_under(path: str, section: str, language: str = "python", index: int = 0) -> Block:
    """The ``index``-th ``language`` block under the heading ``section`` of ``path``."""
    found = [block for block in blocks(ROOT / path)
             if block.section == section and block.language == language]
    if len(found) <= index:
        raise LookupError(f"{path}: no {language} block {index} under {section!r}")
    return found[index]
