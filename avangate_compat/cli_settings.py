"""The settings of the facade as command-line flags, derived from :func:`config.settings_table`.

Every setting gets ``--<name-with-dashes>`` (``--allow-insecure-http``, ``--read-timeout 10``),
so an error that says "set allow_insecure_http=True" has a flag to follow, and a setting added
to :class:`~avangate_compat.config.Config` gets its flag with no edit here. A flag overrides the
environment (``AVANGATE_<NAME>``) or the INI file. Secret settings (the secret key) are never
flags: a command line shows in the process list and the shell history.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from typing import Any, Optional

from .config import Config, Setting, settings_table
from .errors import ConfigurationError

_UNSET = None


def flag(setting: Setting) -> str:
    return "--" + setting.name.replace("_", "-")


def flag_settings() -> list[Setting]:
    """The settings that have a flag: all but the secret ones."""
    return [setting for setting in settings_table() if not setting.secret]


def add_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per setting, in a group of their own in ``--help``."""
    group = parser.add_argument_group(
        "settings", "each overrides its AVANGATE_<NAME> variable or the INI file's key; the "
                    "secret key only ever comes from AVANGATE_SECRET_KEY or --ini")
    for setting in flag_settings():
        default = "required" if setting.required else f"default {setting.default}"
        shown = f"the setting {setting.name}, {setting.type} ({default}; {setting.variable})"
        if setting.type == "bool":
            group.add_argument(flag(setting), dest=_dest(setting), default=_UNSET,
                               action=argparse.BooleanOptionalAction, help=shown)
        else:
            group.add_argument(flag(setting), dest=_dest(setting), default=_UNSET,
                               metavar="VALUE", help=shown)
    group.add_argument("--ini", default=None, metavar="FILE",
                       help="read the settings from this INI file instead of the environment")
    group.add_argument("--section", default="avangate",
                       help="INI section (default %(default)s)")


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as flags, parsed as the environment's values are."""
    found: dict[str, Any] = {}
    for setting in flag_settings():
        value = getattr(args, _dest(setting), _UNSET)
        if value is not _UNSET:
            found[setting.name] = value if isinstance(value, bool) else setting.parse(value)
    return found


def config_from(args: argparse.Namespace, environ: Optional[Mapping[str, str]] = None) -> Config:
    """The client's settings: flags over ``--ini FILE`` or over the ``AVANGATE_*`` variables.

    A required setting found nowhere is a :class:`ConfigurationError` naming where it may come
    from: its variable, its flag, the INI file."""
    given = overrides(args)
    if args.ini:
        return Config.from_ini(args.ini, args.section, **given)
    values = settings_from(os.environ if environ is None else environ)
    missing = [s for s in settings_table()
               if s.required and s.name not in given and s.name.upper() not in values]
    if missing:
        ways = [f"{s.variable}" + ("" if s.secret else f" or {flag(s)}") for s in missing]
        raise ConfigurationError(
            f"missing required setting(s): {', '.join(s.name for s in missing)}; set "
            f"{', '.join(ways)}, or read them from an INI file with --ini FILE")
    return Config.from_mapping(values, **given)


def settings_from(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``AVANGATE_*`` variables that name a setting: others (``AVANGATE_REQUIRE_PHP``,
    ``AVANGATE_RECORD_MODE`` of the test tools) are not the client's."""
    known = {setting.name.upper() for setting in settings_table()}
    return {key[len("AVANGATE_"):]: value for key, value in environ.items()
            if key.startswith("AVANGATE_") and key[len("AVANGATE_"):] in known}


def _dest(setting: Setting) -> str:
    return "setting_" + setting.name
