"""Saved plans: read one back, and refuse it when it no longer matches the manifests or the org."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from ..errors import PlanRefusedError, UsageError
from ..manifests.manifest import Manifest
from . import planner
from .live import LiveState, fingerprint
from .plan import FORMAT_VERSION, WRITE_OPS, Action, Op, Plan


def check_saved_plan(saved: Plan, manifest: Manifest, live: LiveState) -> None:
    """Refuse a saved plan made for other manifests or against live objects that changed since."""
    if saved.format_version != FORMAT_VERSION:
        raise PlanRefusedError(
            f"saved plan has format_version {saved.format_version}; this reconciler reads "
            f"{FORMAT_VERSION}: run plan again"
        )
    if saved.environment != manifest.name:
        raise PlanRefusedError(
            f"saved plan is for environment {saved.environment!r}, not {manifest.name!r}"
        )
    if saved.manifest_checksum != manifest.checksum():
        raise PlanRefusedError(
            "Saved plan is stale: the manifests changed since it was made; run plan again"
        )
    index = live.index(live.lookup(manifest))
    if fingerprint(index, planner.touched(saved.actions)) != saved.live_fingerprint:
        raise PlanRefusedError(
            "Saved plan is stale: objects it changes were changed in the org since it was "
            "made; run plan again"
        )
    # The checksums cover the manifests and the live objects, not the actions: a plan file
    # edited by hand (another id, another value) must not be applied as if it had been planned.
    fresh = {_essence(a) for a in planner.plan(manifest, live, allow_replace=True).actions}
    if any(_essence(a) not in fresh for a in saved.actions if a.op in WRITE_OPS):
        raise PlanRefusedError(
            "Saved plan is stale: its actions differ from what planning now gives for the "
            "objects it changes (the file was edited, or the org changed since); run plan again"
        )


def _essence(action: Action) -> str:
    """What an action writes; its reason and source line are commentary."""
    data = action.model_dump(mode="json", exclude={"reason", "source"})
    return json.dumps(data, sort_keys=True)


def read_saved_plan(path: Path) -> Plan:
    """A plan saved by `plan --out`; anything else is a usage error, not a traceback."""
    try:
        return Plan.from_json(path.read_text())
    except OSError as error:
        raise UsageError(f"cannot read the saved plan {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(
            f"{path} is not a saved plan (not UTF-8 text); "
            "make one with: reconciler plan --out FILE"
        ) from None
    except ValidationError as error:
        raise UsageError(
            f"{path} is not a saved plan ({error.error_count()} problem(s)); "
            "make one with: reconciler plan --out FILE"
        ) from None


def refuse_replacements(plan: Plan, allowed: bool) -> None:
    replaces = [a.address for a in plan.actions if a.op is Op.REPLACE]
    if replaces and not allowed:
        raise PlanRefusedError(
            "the plan replaces (deletes and re-creates, with a new id) "
            + ", ".join(replaces)
            + "; run with --allow-replace or set policy.allow_replace"
        )
