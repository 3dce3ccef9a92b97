"""What this tool is called on PyPI, and its version: the one source both are read from.

Packaging reads the version (pyproject.toml), `reconciler --version` prints it, and
`reconciler init` pins the pipeline it writes to it. The distribution name is not `reconciler`:
that name on PyPI belongs to an unrelated project.
"""

from __future__ import annotations

__version__ = "0.1.0"

DISTRIBUTION = "genesys-reconciler"
