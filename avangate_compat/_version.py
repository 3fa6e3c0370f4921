"""The package's version, in one place: setup.cfg, ``avangate_compat.__version__``,
``avangate-compat --version`` and the User-Agent all read it. Semantic Versioning: see the
README's "Versions" section."""

__version__ = "0.1.0"
