"""The supported Pythons are said once and kept: setup.cfg's classifiers and python_requires
agree, .ci/run tests the oldest and the newest, and this interpreter is one of them."""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _metadata() -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    return parser


def _classified() -> list[tuple[int, int]]:
    text = _metadata()["metadata"]["classifiers"]
    found = re.findall(r"Programming Language :: Python :: (\d+)\.(\d+)\s*$", text, re.M)
    return sorted((int(major), int(minor)) for major, minor in found)


def test_classifiers_are_every_minor_from_python_requires_on() -> None:
    versions = _classified()
    requires = _metadata()["options"]["python_requires"].strip()
    assert requires == f">={versions[0][0]}.{versions[0][1]}"
    assert versions == [(3, minor) for minor in range(versions[0][1], versions[-1][1] + 1)]
    assert versions[0] == (3, 9) and versions[-1] >= (3, 13)


def test_this_interpreter_is_a_supported_one() -> None:
    assert sys.version_info[:2] in _classified()


def test_ci_runs_the_oldest_and_the_newest_supported_python() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    loop = re.search(r"^for version in ([\d. ]+); do$", script, re.M)
    assert loop is not None
    tested = {tuple(int(part) for part in v.split(".")) for v in loop.group(1).split()}
    versions = _classified()
    assert versions[0] in tested and versions[-1] in tested
    assert set(tested) <= set(versions)
    assert "skipped" in script  # an absent interpreter is reported, never silently passed over


def test_the_readme_says_first_which_python_and_how_python_2_code_moves() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme.split("\n\n")[1]  # the paragraph under the title
    oldest = _classified()[0]
    assert first.startswith(f"**Python {oldest[0]}.{oldest[1]} or newer.**")
    assert "Python 2 code is migrated, not run" in first
    assert "(docs/migration.md)" in first and (ROOT / "docs" / "migration.md").is_file()
