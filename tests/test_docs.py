"""The documentation runs: every ``python`` block of README.md and docs/*.md is executed against a
sandbox, and every ``avangate-compat`` command of a ``sh`` block is parsed by the real parser.

The blocks are written as a user would write them. What stands for a user's account is the
sandbox's here:

- a sandbox whose merchant code is ``YOUR_CODE`` and secret key ``YOUR_KEY`` (the
  placeholders the examples use), also as the names ``sandbox``, ``MERCHANT_CODE``,
  ``SECRET_KEY``, and in ``AVANGATE_MERCHANT_CODE``, ``AVANGATE_SECRET_KEY`` and
  ``AVANGATE_BASE_URL``;
- a ``Client`` built without ``base_url`` talks to that sandbox instead of the live service;
- ``HOST`` (the JSON-RPC endpoint) and ``session`` (a sessionID) for the legacy examples.

Each block runs alone, from the seed state, in a temporary working directory. A block that
cannot run anywhere is fenced ```` ```python no-run ````; they are listed in ``NOT_RUN``, so
a new one is a deliberate change of this file.
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn, Optional

import pytest

import avangate_compat
from avangate_compat import Client, cli, cli_args
from avangate_compat.config import Config
from avangate_compat.operations import OPERATIONS
from avangate_compat.sandbox import Sandbox
from tests.docblocks import ROOT, Block, all_blocks, block_under, documents

MERCHANT_CODE, SECRET_KEY = "YOUR_CODE", "YOUR_KEY"

PYTHON = all_blocks("python")
RUNNABLE = [block for block in PYTHON if "no-run" not in block.flags]
NOT_RUN = {
    # Python 2 with the real suds library: tests/test_legacy.py runs it (tests/legacy/).
    ("docs/migration.md", "A suds script"),
}


@pytest.fixture(scope="module")
def doc_sandbox() -> Iterator[Sandbox]:
    with Sandbox(merchant_code=MERCHANT_CODE, secret_key=SECRET_KEY) as server:
        yield server


@pytest.fixture
def doc_env(doc_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch,
            tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The names and environment the blocks may use; the environment is restored after."""
    doc_sandbox.service.reset()
    doc_sandbox.service.stats.reset()
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith("AVANGATE_"):
            del os.environ[key]
    os.environ.update({"AVANGATE_MERCHANT_CODE": MERCHANT_CODE,
                       "AVANGATE_SECRET_KEY": SECRET_KEY,
                       "AVANGATE_BASE_URL": doc_sandbox.url})
    monkeypatch.chdir(tmp_path)

    class SandboxClient(Client):
        """``Client`` whose default ``base_url`` is the sandbox."""

        def __init__(self, config: Optional[Config] = None, /, **settings: Any) -> None:
            if config is None:
                settings.setdefault("base_url", doc_sandbox.url)
            super().__init__(config, **settings)

    SandboxClient.__name__ = SandboxClient.__qualname__ = "Client"
    monkeypatch.setattr(avangate_compat, "Client", SandboxClient)
    with Client(backend="jsonrpc", base_url=doc_sandbox.url,
                **doc_sandbox.credentials) as client:
        session = client.login()
    try:
        yield {"sandbox": doc_sandbox, "MERCHANT_CODE": MERCHANT_CODE,
               "SECRET_KEY": SECRET_KEY, "HOST": f"{doc_sandbox.url}/rpc/6.0/",
               "session": session}
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _run(block: Block, names: dict[str, Any]) -> dict[str, Any]:
    namespace = {"__name__": "__doc__", **names}
    code = "\n" * (block.line) + block.code  # tracebacks name the line in the document
    exec(compile(code, str(ROOT / block.path), "exec"), namespace)
    return namespace


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.name)
def test_python_block_runs(block: Block, doc_env: dict[str, Any]) -> None:
    _run(block, doc_env)


def test_blocks_that_do_not_run_are_few_and_known() -> None:
    not_run = {(block.path, block.section) for block in PYTHON if "no-run" in block.flags}
    assert not_run == NOT_RUN, f"{len(not_run)} python block(s) marked no-run: {sorted(not_run)}"
    assert len(not_run) <= 3
    assert {flag for block in PYTHON for flag in block.flags} <= {"no-run"}
    assert len(RUNNABLE) >= 20  # the reader found the blocks


def test_every_document_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in documents()[1:]:
        assert f"(docs/{path.name}" in readme, f"README.md does not link docs/{path.name}"


# -- the pytest plugin example, run as a user's test file -------------------------------------

def test_the_plugin_example_records_then_replays(pytester: pytest.Pytester,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    example = block_under("docs/testing.md", "The pytest plugin", index=1).code
    assert "avangate_cassette" in example
    pytester.makepyfile(test_example=example)
    monkeypatch.setenv("AVANGATE_MERCHANT_CODE", "SANDBOXMERCHANT")
    monkeypatch.setenv("AVANGATE_SECRET_KEY", "sandbox-secret-key-not-a-real-one")
    monkeypatch.setenv("AVANGATE_RECORD_MODE", "once")
    pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=2)
    cassettes = list((pytester.path / "cassettes").glob("*.yaml"))
    assert len(cassettes) == 1 and "LEAD_NOT_FOUND" in cassettes[0].read_text()
    monkeypatch.setenv("AVANGATE_RECORD_MODE", "none")
    pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider").assert_outcomes(passed=2)


# -- sh blocks: the avangate-compat commands parse ----------------------------------------------

class _Parsed(Exception):
    def __init__(self, namespace: argparse.Namespace) -> None:
        super().__init__("parsed")
        self.namespace = namespace


_OPERATORS = {"&&", "||", ";", "|", "&"}


def commands(block: Block) -> list[list[str]]:
    """The ``avangate-compat`` command lines of a shell block, as argv lists."""
    found = []
    for line in block.code.replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        segment: list[str] = []
        for token in [*lexer, ";"]:
            if token not in _OPERATORS:
                segment.append(token)
                continue
            while segment and "=" in segment[0] and not segment[0].startswith("-"):
                segment.pop(0)  # VAR=value before the command
            if segment and Path(segment[0]).name == "avangate-compat":
                found.append(segment[1:])
            elif segment[:3] and segment[1:3] == ["-m", "avangate_compat"]:
                found.append(segment[3:])
            segment = []
    return found


SHELL_COMMANDS = [(block, argv) for block in all_blocks("sh") for argv in commands(block)]


def test_the_shell_blocks_show_commands() -> None:
    shown = {argv[0] for _, argv in SHELL_COMMANDS if argv}
    assert {"call", "sandbox", "demo"} <= shown


@pytest.mark.parametrize(("block", "argv"), SHELL_COMMANDS,
                         ids=[f"{block.name}:{' '.join(argv)[:40]}"
                              for block, argv in SHELL_COMMANDS])
def test_shell_command_parses(block: Block, argv: list[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    """argparse accepts it; nothing runs (parsing stops before any network or server)."""
    original = argparse.ArgumentParser.parse_args

    def parse_only(self: argparse.ArgumentParser, args: Any = None,
                   namespace: Any = None) -> NoReturn:
        raise _Parsed(original(self, args, namespace))

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_only)
    with pytest.raises(_Parsed) as parsed:
        cli.main(argv)
    namespace = parsed.value.namespace
    assert namespace.command == argv[0]
    if namespace.command == "call" and namespace.operation and not namespace.list \
            and not namespace.raw:  # the arguments make a call the client's checks accept
        call = cli_args.plan(namespace.operation, namespace.args)
        if call.method == "call":  # an operation of the spec, else one of the facade's helpers
            OPERATIONS[namespace.operation].check(tuple(call.args[1:]))
