"""The models start-up section of benchmarks/RESULTS.md has its own command: writing it again
replaces it, and the full benchmark run, which rewrites the file, carries it over."""

from __future__ import annotations

from pathlib import Path

from benchmarks.models_startup import BEGIN, END, kept_section, write


def _section(figure: str) -> str:
    return f"{BEGIN}\n## Models\n\n| generated | {figure} |\n{END}\n"


def test_the_section_is_appended_then_replaced_in_place(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## 1. Per-call\n", encoding="utf-8")
    write(_section("1.0"), results)
    write(_section("2.0"), results)
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\n## 1. Per-call\n\n" + BEGIN)
    assert text.count(BEGIN) == 1 and "| 2.0 |" in text and "| 1.0 |" not in text


def test_a_full_run_keeps_the_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    assert kept_section(results) == ""  # no file yet, nothing to keep
    results.write_text("# old run\n\n" + _section("3.0") + "\n", encoding="utf-8")
    rewritten = "# new run\n" + kept_section(results)
    assert rewritten == "# new run\n\n" + _section("3.0")
