"""reconciler: gamification config-as-code for Genesys Cloud."""

from __future__ import annotations

from .errors import ExitCode, ManifestError, Problem, ReconcilerError
from .manifest import Manifest
from .plan import Action, Kind, Op, Plan

#: The one version source: packaging reads it (pyproject.toml), `reconciler --version` prints it,
#: and `reconciler init` pins the pipeline it writes to it.
__version__ = "0.1.0"

#: The distribution on PyPI (the name `reconciler` belongs to an unrelated project).
DISTRIBUTION = "genesys-reconciler"

__all__ = [
    "DISTRIBUTION",
    "Action",
    "ExitCode",
    "Kind",
    "Manifest",
    "ManifestError",
    "Op",
    "Plan",
    "Problem",
    "ReconcilerError",
    "__version__",
]
