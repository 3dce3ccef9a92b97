"""`reconciler preview -e ENV [--achievement NAME]`: notifications as a sample agent sees them."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ManifestError, UsageError
from ..manifests.loader import load
from ..manifests.suggest import did_you_mean
from ..manifests.templates import SAMPLE_AGENT, Rendered, render_achievement
from ..manifests.validation import errors_of, validate
from .options import env_option, root_option


def as_text(rendered: dict[str, list[Rendered]]) -> str:
    blocks = []
    for name, parts in rendered.items():
        lines = [f"== {name} =="]
        if not parts:
            lines.append("(no channel enabled)")
        for part in parts:
            label = f"{part.channel} {part.field}:"
            if "\n" in part.text.rstrip("\n"):
                lines.append(label)
                body = part.text.rstrip("\n").splitlines()
                lines.extend(f"    {line}" if line else "" for line in body)
            else:
                lines.append(f"{label} {part.text}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@click.command("preview")
@root_option
@env_option
@click.option("--achievement", "achievement_name", metavar="NAME", help="Only this achievement.")
def command(root: Path, env: str, achievement_name: str | None) -> None:
    """Render each enabled notification channel for a sample agent (Jordan Rivera)."""
    manifest = load(root, env)
    errors = errors_of(validate(manifest))
    if errors:
        raise ManifestError(errors)
    achievements = manifest.resources.achievements
    if achievement_name is not None:
        names = [a.name for a in achievements]
        achievements = tuple(a for a in achievements if a.name == achievement_name)
        if not achievements:
            raise UsageError(
                f"no achievement {achievement_name!r} in {env}"
                + did_you_mean(achievement_name, names)
            )
    rendered = {a.name: render_achievement(a, SAMPLE_AGENT) for a in achievements}
    click.echo(as_text(rendered) if rendered else f"{env} declares no achievements")
