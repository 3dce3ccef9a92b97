"""`reconciler note`: post a Markdown report as a merge-request note, updating our own note.

    reconciler note --file reports/dev/plan.md [--marker '<!-- reconciler:dev:plan -->']

The marker defaults to the hidden comment on the file's first line (written by
`--report-markdown`). Without a token (RECONCILER_GITLAB_TOKEN or GITLAB_TOKEN), or outside a
merge-request pipeline, it prints a warning and exits 0: a missing note must not fail a plan job.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import ConfigurationError, UsageError
from ..output.gitlab import TOKEN_VARIABLES, NotesClient, merge_request_from, token_from
from ..output.reports import MARKER_PREFIX, markdown_note


def _marker_of(text: str) -> str | None:
    first = text.split("\n", 1)[0].strip()
    return first if first.startswith(MARKER_PREFIX) and first.endswith("-->") else None


@click.command("note")
@click.option(
    "--file",
    "path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Markdown file to post (e.g. from --report-markdown).",
)
@click.option(
    "--marker",
    default=None,
    help="Hidden marker that identifies our note (default: the file's first-line marker).",
)
@click.option(
    "--update-only",
    is_flag=True,
    help="Only update our existing note; create none (to replace a stale note, not add one).",
)
def command(path: Path, marker: str | None, update_only: bool) -> int:
    """Create or update this merge request's note with the contents of FILE."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(f"cannot read {path}: {error.strerror}") from error
    marker = marker or _marker_of(text)
    if not marker:
        raise UsageError(f"{path} has no '{MARKER_PREFIX}...' first line; pass --marker")
    token = token_from(os.environ)
    if token is None:
        click.echo(
            f"Warning: no {' or '.join(TOKEN_VARIABLES)} set; not posting the merge-request note "
            "(a project access token with api scope is needed: CI_JOB_TOKEN cannot post notes).",
            err=True,
        )
        return 0
    mr = merge_request_from(os.environ)
    if mr is None:
        click.echo(
            "Warning: not a merge-request pipeline (no CI_MERGE_REQUEST_IID); no note.", err=True
        )
        return 0
    with NotesClient(mr, token) as notes:
        if update_only and notes.find(marker) is None:
            click.echo(f"Merge request !{mr.iid}: no note {marker} to update.")
            return 0
        what, note_id = notes.upsert(marker, markdown_note(text, marker))
    click.echo(f"Merge request !{mr.iid}: note {note_id} {what}.")
    return 0
