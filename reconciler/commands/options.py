"""Click options shared by every command that works on an environment.

`--root` is the folder that holds `environments/` (default: `RECONCILER_ROOT` or the current
directory); `-e/--env` names the environment. Commands receive `root: Path` and `env: str`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def root_option(func: F) -> F:
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="RECONCILER_ROOT",
        default=Path("."),
        show_default=True,
        help="Folder that holds environments/ (env: RECONCILER_ROOT).",
    )(func)


def env_option(func: F) -> F:
    return click.option(
        "-e",
        "--env",
        "env",
        required=True,
        metavar="ENV",
        help="Environment name: a folder under environments/.",
    )(func)


def format_option(*choices: str) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(choices),
            default=choices[0],
            show_default=True,
            help="Output format.",
        )(func)

    return decorate


def target_option(func: F) -> F:
    return click.option(
        "--target",
        "target_texts",
        multiple=True,
        metavar="KIND:NAME",
        help="Only this object and what it depends on (repeatable), e.g. "
        "--target 'achievement:First win'. Kinds: externalMetric, profile, profileMetric "
        "(NAME is Profile/Metric), achievement.",
    )(func)
