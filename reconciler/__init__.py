"""reconciler: gamification config-as-code for Genesys Cloud."""

from __future__ import annotations

from .distribution import DISTRIBUTION, __version__
from .errors import ExitCode, ManifestError, Problem, ReconcilerError
from .kinds import Kind
from .manifests.manifest import Manifest
from .reconcile.plan import Action, Op, Plan

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
