"""Optional dependencies (pip extras): one place that names them and says how to install them.

The base install reads files and keeps a SQLite ledger; Salesforce, SQL databases and a
PostgreSQL ledger need libraries only some users want. The module that uses such a library
imports it inside a function and turns an ImportError into `missing_extra(...)`.
"""

from __future__ import annotations

from .distribution import DISTRIBUTION
from .errors import ConfigurationError


def install_command(extra: str) -> str:
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def missing_extra(feature: str, extra: str) -> ConfigurationError:
    """The one-line error for a feature whose optional dependencies are not installed."""
    return ConfigurationError(f"{feature} needs an optional dependency: {install_command(extra)}")
