"""``avangate-compat export FAMILY [Name=value ...]``: every item of a paged search to a file.

A family is a ``paginators`` entry of the spec (leads, products; orders and subscriptions
when the spec declares their searches): the command has no per-family code. Filters are
written as ``call`` takes them (``Country=RO``, ``Types='["REGULAR"]'``, or one JSON object),
checked before anything is sent. ``Limit=N`` sets the page size (the API's maximum, 200, by
default). The format is JSON Lines, or CSV with ``--format csv`` or an output named
``*.csv`` (see :mod:`avangate_compat.export` for the columns and the resume state).

On a terminal a progress bar (tqdm) shows items, pages, rate and time left on stderr;
without a terminal, or with ``--quiet``, there is none. Exit status as ``call``: 0 done,
1 the API or the connection failed (the pages written so far stay, ``--resume`` continues),
2 a usage error, nothing sent; 130 interrupted (``--resume`` continues).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TextIO

import attrs

from .errors import AvangateError, ConfigurationError, ValidationError
from .logs import command_log

if TYPE_CHECKING:
    from .export import PageWritten

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
_NAME = "avangate-compat export"
_USAGE = (_NAME, "export", "avangate-compat call")  # errors of the command line itself


def register(commands: Any) -> None:
    """Add the ``export`` subcommand to ``avangate-compat``'s subparsers."""
    from .cli_settings import add_flags
    from .spec import load

    families = sorted(load().paginators)
    parser = commands.add_parser(
        "export", help=f"save a search's {', '.join(families[:-1])} or {families[-1]}",
        description="Export every item of a paged search (" + ", ".join(families) + ") to "
                    "JSON Lines or CSV, page by page, with a progress bar on a terminal. "
                    "Credentials come from AVANGATE_* variables or --ini, as for call.",
        epilog="FILTERS are Name=value pairs or a JSON object, as call takes them "
               "(see `call --list searchLeads`). Exit status: 0 done, 1 API or transport "
               "error (--resume continues), 2 usage error (nothing sent), 130 interrupted.")
    parser.add_argument("family", choices=families, metavar="FAMILY",
                        help="what to export: " + ", ".join(families))
    parser.add_argument("filters", nargs="*", metavar="FILTERS",
                        help="search filters, e.g. Country=RO; Limit=N sets the page size")
    parser.add_argument("-o", "--output", default=None, metavar="FILE",
                        help="write to FILE (default: stdout); a state file FILE.export-state "
                             "beside it lets --resume continue")
    parser.add_argument("--format", choices=("jsonl", "csv"), default=None,
                        help="jsonl (one JSON object per line) or csv (dotted columns); "
                             "default: csv for a FILE ending in .csv, else jsonl")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted export of FILE from its last complete "
                             "page (same filters and format), without duplicates")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar and no summary line")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log every request and answer (the wire log, secrets replaced: "
                             "as AVANGATE_LOG=wire), retries and logins on stderr")
    add_flags(parser)


def run(args: argparse.Namespace, stdout: Optional[TextIO] = None,
        stderr: Optional[TextIO] = None) -> int:
    """Run a parsed ``export`` command line; returns the exit status."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    with command_log(err, args.verbose, _NAME):
        return _run(args, out, err)


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from . import Client, export
    from .cli_args import build_args, report
    from .cli_settings import config_from
    from .paginate import paginator

    secrets: list[str] = []
    bar = _Bar(err, enabled=not args.quiet and err.isatty())
    output = Path(args.output) if args.output not in (None, "-") else None
    fmt = args.format or ("csv" if output is not None and output.suffix.lower() == ".csv"
                          else "jsonl")
    written: list[PageWritten] = []
    try:
        operation = paginator(args.family).operation
        filters: dict[str, Any] = build_args(operation, args.filters)[0] if args.filters \
            else {}
        if not isinstance(filters, dict):
            raise ValidationError(_NAME, "the filters must be Name=value pairs or one JSON "
                                         "object")
        export.start(args.family, filters, fmt)  # every check before the settings are read
        config = config_from(args)
        if args.verbose:
            config = attrs.evolve(config, log_wire=True)
        secrets = [config.secret_key]
        with Client(config) as client:
            def on_page(progress: export.PageWritten) -> None:
                written[:] = [progress]
                bar.update(progress)

            summary = export.run(client, args.family, filters, fmt, output=output,
                                 stream=out, resume=args.resume, on_page=on_page,
                                 notice=lambda text: _say(err, bar, f"{_NAME}: {text}"))
        bar.close()
        if not args.quiet:
            where = f" to {output}" if output is not None else ""
            start = f" (resumed at page {summary.resumed_from})" \
                if summary.resumed_from > 1 else ""
            err.write(f"{_NAME}: {summary.items} {args.family} in {summary.pages} page(s)"
                      f"{where}{start}\n")
        return EXIT_OK
    except (ValidationError, ConfigurationError) as exc:
        bar.close()
        report(err, _NAME, exc, secrets, _USAGE)
        return EXIT_USAGE
    except AvangateError as exc:
        bar.close()
        report(err, _NAME, exc, secrets, _USAGE, _stopped(written, output))
        return EXIT_ERROR
    except KeyboardInterrupt:
        bar.close()
        err.write(f"{_NAME}: interrupted{_stopped(written, output)}\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # stdout closed early (| head): stop quietly, as pipes expect
        bar.close()
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):  # not a real file: nothing to silence
            os.dup2(devnull, out.fileno())
        os.close(devnull)
        return EXIT_ERROR
    except OSError as exc:  # the output cannot be written: a full disk, no permission
        bar.close()
        err.write(f"{_NAME}: cannot write {exc.filename or 'the output'}: {exc.strerror or exc}"
                  f"{_stopped(written, output)}\n")
        return EXIT_ERROR


def _stopped(written: list[PageWritten], output: Optional[Path]) -> str:
    """Where a failed run stands, and how to go on."""
    done = f"after page {written[0].page} ({written[0].items} items written)" if written \
        else "before the first page was written"
    how = "; run the same command with --resume to continue" if output is not None \
        else "; export to a file (--output) to be able to resume"
    return f"; stopped {done}{how}"


def _say(err: TextIO, bar: _Bar, line: str) -> None:
    bar.clear()
    err.write(line + "\n")


class _Bar:
    """A tqdm bar on a terminal (items, pages, rate, time left); nothing otherwise."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self._stream = stream
        self._enabled = enabled
        self._bar: Any = None

    def update(self, progress: PageWritten) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm import tqdm  # loaded only when a bar is shown

            self._bar = tqdm(total=progress.total, initial=progress.items - progress.new_items,
                             unit=" items", file=self._stream, dynamic_ncols=True,
                             mininterval=0.2, smoothing=0.1)
        self._bar.total = progress.total
        self._bar.set_postfix_str(
            f"page {progress.page}/{progress.pages if progress.pages else '?'}", refresh=False)
        self._bar.update(progress.new_items)

    def clear(self) -> None:
        if self._bar is not None:
            self._bar.clear()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
