"""reconciler: gamification config-as-code for Genesys Cloud."""

from __future__ import annotations

from .errors import ExitCode, ManifestError, Problem, ReconcilerError
from .manifest import Manifest
from .plan import Action, Kind, Op, Plan

__all__ = [
    "Action",
    "ExitCode",
    "Kind",
    "Manifest",
    "ManifestError",
    "Op",
    "Plan",
    "Problem",
    "ReconcilerError",
]
