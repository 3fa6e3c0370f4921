"""The sandbox shares no code path with the client it serves, and the demo compares backends."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from avangate_compat import cli
from avangate_compat.sandbox import Sandbox

SANDBOX = Path(cli.__file__).parent / "sandbox"


@pytest.mark.parametrize("path", sorted(SANDBOX.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(SANDBOX)))
def test_sandbox_imports_nothing_of_the_client(path: Path) -> None:
    """Only the sandbox's own modules (and third-party ones): no backends, converter, models,
    auth or anything else of the client, so a bug there cannot make the sandbox agree."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            assert node.level <= 1, f"{path.name}: from {'.' * node.level}{module} import ..."
            assert not module.startswith("avangate_compat") or \
                module.startswith("avangate_compat.sandbox"), f"{path.name} imports {module}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("avangate_compat"), path.name


def test_demo_runs_all_backends_and_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "all 3 backends returned equal objects" in out
    assert "Edited_From_API_Again" in out


def test_demo_exits_non_zero_when_backends_disagree(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    real = cli._run_backend

    def skewed(sandbox: Sandbox, backend: str) -> dict[str, Any]:
        result: dict[str, Any] = real(sandbox, backend)
        if backend == "rest":
            result["lead"].Items[0].Quantity += 1
        return result

    monkeypatch.setattr(cli, "_run_backend", skewed)
    assert cli.main(["demo"]) == 1
    assert "BACKENDS DISAGREE" in capsys.readouterr().out


def test_every_exception_class_of_the_client_lives_in_errors_py() -> None:
    """One place for the error hierarchy (the sandbox, a separate server, keeps its own)."""
    package = Path(__file__).resolve().parents[1] / "avangate_compat"
    elsewhere = []
    for path in package.rglob("*.py"):
        if "sandbox" in path.parts or path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception",
                                                                     "Warning"))
                    for base in node.bases):
                elsewhere.append(f"{path.name}: {node.name}")
    assert elsewhere == []
