"""Sections of benchmarks/RESULTS.md that have their own command (the export, the models'
start-up): writing one again replaces it, and the full benchmark run, which rewrites the file,
carries every one over."""

from __future__ import annotations

from pathlib import Path

from benchmarks.sections import kept, markers, write


def test_a_section_is_appended_then_replaced_in_place(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\n## 1. Per-call\n", encoding="utf-8")
    write(results, "models", "## Models\n\n| generated | 1.0 |")
    write(results, "export", "## Export\n\n| leads | 9 |")
    write(results, "models", "## Models\n\n| generated | 2.0 |")
    text = results.read_text(encoding="utf-8")
    begin, end = markers("models")
    assert text.startswith("# Benchmark results\n\n## 1. Per-call\n\n" + begin)
    assert text.count(begin) == 1 and text.count(end) == 1
    assert "| 2.0 |" in text and "| 1.0 |" not in text and "| leads | 9 |" in text


def test_a_full_run_keeps_every_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    assert kept(results) == ""  # no file yet, nothing to keep
    write(results, "export", "## Export\n\n| 3.0 |")
    write(results, "models", "## Models\n\n| 4.0 |")
    carried = kept(results)
    results.write_text("# new run\n" + carried, encoding="utf-8")
    assert kept(results) == carried
    assert carried.index("| 3.0 |") < carried.index("| 4.0 |")
    assert "<!-- export: end -->" in carried and "<!-- models: end -->" in carried
