"""The package's version, in one place: the file ``VERSION`` beside this module, which
setup.cfg reads too (``version = file: ...``: no import, so even Python 2's pip reaches the
python_requires check). ``avangate_compat.__version__``, ``avangate-compat --version`` and the
User-Agent read it here. Semantic Versioning: see the README's "Versions" section."""

import os

with open(os.path.join(os.path.dirname(__file__), "VERSION"), encoding="ascii") as _file:
    __version__ = _file.read().strip()

PROJECT_URL = "https://github.com/avangate-compat/avangate-compat"
"""The project's home, as setup.cfg's metadata says (a test keeps the two equal)."""
ISSUES_URL = PROJECT_URL + "/issues"
"""Where ``check --live`` asks users to send what they found."""
