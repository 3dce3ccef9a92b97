"""The Genesys API surface, one module per API area; `ROUTES` is what the emulator serves."""

from __future__ import annotations

from ..routing import Route
from . import achievements, data, definitions, directory, profiles, wfm

ROUTES: list[Route] = [
    *definitions.ROUTES,
    *data.ROUTES,
    *profiles.ROUTES,
    *achievements.ROUTES,
    *directory.ROUTES,
    *wfm.ROUTES,
]
