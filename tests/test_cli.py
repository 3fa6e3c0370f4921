"""``avangate-compat`` itself: its version, its help, and what each command loads."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import avangate_compat
from avangate_compat import cli
from avangate_compat.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent


def _main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = cli.main(list(argv))
    except SystemExit as exc:
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def test_version_is_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    status, out, _ = _main(capsys, "--version")
    assert status == 0
    assert out == f"avangate-compat {version('avangate-compat')}\n"
    assert out.split()[1] == avangate_compat.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", avangate_compat.__version__)  # SemVer, no suffix yet


def test_the_help_lists_every_command_on_one_line(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    parsers: dict[str, argparse.ArgumentParser] = {}
    original = argparse._SubParsersAction.add_parser

    def spy(self: argparse._SubParsersAction, name: str,  # type: ignore[type-arg]
            **kwargs: object) -> argparse.ArgumentParser:
        parsers[name] = original(self, name, **kwargs)  # type: ignore[arg-type]
        return parsers[name]

    monkeypatch.setattr(argparse._SubParsersAction, "add_parser", spy)
    status, out, _ = _main(capsys, "--help")
    assert status == 0
    lines = out.splitlines()
    assert set(parsers) >= {"sandbox", "demo", "call", "check"}
    listed = lines[lines.index("commands:") + 2:]
    for name in parsers:
        (line,) = [line for line in listed if line.split()[:1] == [name]]
        following = listed[listed.index(line) + 1]
        assert len(line.split()) > 2 and not following.startswith(" " * 8), \
            f"{name}: its help takes more than one line"
    assert all(len(line) <= 80 for line in lines)


def test_call_and_help_do_not_load_the_sandbox(sandbox: Sandbox) -> None:
    code = ("import sys\n"
            "from avangate_compat.cli import main\n"
            "try:\n"
            "    status = main(sys.argv[1:])\n"
            "except SystemExit as exc:\n"
            "    status = exc.code\n"
            "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'waitress', 'werkzeug'})\n"
            "print(status, loaded, file=sys.stderr)\n")
    env = {"PYTHONPATH": str(ROOT), "AVANGATE_MERCHANT_CODE": sandbox.merchant_code,
           "AVANGATE_SECRET_KEY": sandbox.secret_key, "AVANGATE_BASE_URL": sandbox.url}
    runs: list[tuple[list[str], int]] = [
        (["--help"], 0), (["call", "--help"], 0), (["call", "--list"], 0),
        (["call", "getLead", "60E6C4B574"], 0),
        (["call", "--backend", "rest", "getLead", "NOPE"], 1)]
    for argv, status in runs:
        result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True,
                                text=True, timeout=120, env=env, check=False)
        assert result.stderr.splitlines()[-1] == f"{status} []", (argv, result.stderr)
    result = subprocess.run([sys.executable, "-c", code, "sandbox", "--host", "192.0.2.1"],
                            capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.stderr.splitlines()[-1] == "2 ['waitress', 'werkzeug']"  # not vacuous


def test_the_testing_helpers_without_vcrpy_name_the_extra() -> None:
    code = ("import sys\n"
            "sys.modules['vcr'] = None  # as if vcrpy were not installed\n"
            "from avangate_compat.testing import leaked, make_vcr\n"
            "assert leaked('a secret', ['secret']) == ['secret']  # the rest still works\n"
            "try:\n"
            "    make_vcr()\n"
            "except ImportError as exc:\n"
            "    print(type(exc).__name__, exc.name, exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "ModuleNotFoundError vcr avangate_compat.testing records cassettes with vcrpy, which "
        "is not installed: pip install 'avangate-compat[test]'\n")
