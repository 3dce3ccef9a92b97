"""The Genesys API surface, one module per API area; `ROUTES` is what the emulator serves."""

from __future__ import annotations

from ..routing import Route
from . import (
    achievements,
    catalogue,
    data,
    definitions,
    directory,
    groups,
    profile_metrics,
    profiles,
    scorecards,
    wfm,
)

ROUTES: list[Route] = [
    *definitions.ROUTES,
    *data.ROUTES,
    *catalogue.ROUTES,
    *profiles.ROUTES,
    *profile_metrics.ROUTES,
    *achievements.ROUTES,
    *directory.ROUTES,
    *wfm.ROUTES,
    *groups.ROUTES,
    *scorecards.ROUTES,
]
