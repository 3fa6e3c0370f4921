"""``avangate-compat check --live``, the read-only conformance run, as a package.

- :mod:`.run`: the write rule, the run itself (logins, reads, provoked errors) and the command;
- :mod:`.wsdl`: the live WSDL's shape compared with the shipped one;
- :mod:`.answers`: what each answer or error said, and where the backends differ;
- :mod:`.render`: the human-readable report.
"""

from __future__ import annotations

from .answers import Outcome, describe_error, differences, plain, unknown_fields
from .render import render
from .run import (
                  BOGUS_SESSION,
                  CASSETTE,
                  UNKNOWN_LEAD,
                  Options,
                  Report,
                  add_arguments,
                  command,
                  guard,
                  is_read,
                  main,
                  run,
                  write_operations,
)
from .wsdl import WsdlShape, compare_wsdl, read_wsdl

__all__ = [
    "BOGUS_SESSION", "CASSETTE", "UNKNOWN_LEAD", "Options", "Outcome", "Report", "WsdlShape",
    "add_arguments", "command", "compare_wsdl", "describe_error", "differences", "guard",
    "is_read", "main", "plain", "read_wsdl", "render", "run", "unknown_fields",
    "write_operations"]
