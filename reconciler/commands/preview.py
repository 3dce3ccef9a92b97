"""`reconciler preview -e ENV [--achievement NAME]`: notifications as a sample agent sees them."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ManifestError, UsageError
from ..manifests.loader import load
from ..manifests.suggest import did_you_mean
from ..manifests.templates import SAMPLE_AGENT, Rendered, render_achievement
from ..manifests.validation import errors_of, validate
from ..output import preview_page
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
@click.option(
    "--html",
    "html_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Also write DIR/index.html: each achievement's toast, e-mail and push as the agent "
    "sees them (a static page, no external assets).",
)
def command(root: Path, env: str, achievement_name: str | None, html_dir: Path | None) -> None:
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
    by_achievement = {a: render_achievement(a, SAMPLE_AGENT) for a in achievements}
    rendered = {a.name: parts for a, parts in by_achievement.items()}
    click.echo(as_text(rendered) if rendered else f"{env} declares no achievements")
    if html_dir is not None:
        index = html_dir / "index.html"
        text = preview_page.page(env, SAMPLE_AGENT, preview_page.cards(by_achievement))
        try:
            html_dir.mkdir(parents=True, exist_ok=True)
            index.write_text(text, encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {index}: {error.strerror or error}") from None
        click.echo(f"Wrote the preview page {index}", err=True)
