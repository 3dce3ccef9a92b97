"""Why the planner chose what it did, in the words plans, reports and drift show."""

from __future__ import annotations

from ..kinds import Kind
from ..manifests.manifest import Manifest

REMOVAL: dict[Kind, str] = {
    Kind.EXTERNAL_METRIC: "declared by no manifest and removals are allowed: delete",
    Kind.PROFILE: "declared by no manifest and removals are allowed: deactivate "
    "(Genesys cannot delete profiles)",
    Kind.PROFILE_METRIC: "declared by no manifest and removals are allowed: disable its "
    "objective (Genesys cannot delete profile metrics)",
    Kind.ACHIEVEMENT: "declared by no manifest and removals are allowed: delete",
}


def no_achievements_api(path: str) -> str:
    return (
        f"the org has no achievements API (GET {path} answered 404): set achievements_path "
        "in environment.yaml to the org's path, or to null to stop managing achievements here"
    )


def notes(manifest: Manifest) -> tuple[str, ...]:
    """What the plan leaves out on purpose, one line each."""
    if manifest.environment.manages_achievements:
        return ()
    declared = len(manifest.resources.achievements)
    return (
        f"Achievements are not managed in environment {manifest.name!r} "
        f"(achievements_path: null): {declared} declared, validated only; "
        "the achievements API is not called.",
    )


REMOVED: dict[Kind, str] = {
    Kind.PROFILE: "removed: declared by no manifest and already deactivated, as policy allows",
    Kind.PROFILE_METRIC: "removed: declared by no manifest and already disabled, as policy allows",
}
