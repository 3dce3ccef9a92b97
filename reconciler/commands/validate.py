"""`reconciler validate (-e ENV | --all)`: load, references, lint, templates; no network."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import ExitCode, Problem, UsageError
from ..manifests.layers import list_environments
from ..manifests.lint import rules_table
from ..manifests.validation import check_environment, errors_of
from ..output.reports import ReportPaths, report_options, write_reports
from .options import format_option, root_option


def outcome(problems_by_env: dict[str, list[Problem]], strict: bool) -> ExitCode:
    """3 when any environment has an error (or, with --strict, a warning); else 0."""
    for problems in problems_by_env.values():
        if errors_of(problems) or (strict and problems):
            return ExitCode.INVALID_MANIFEST
    return ExitCode.OK


def as_text(problems_by_env: dict[str, list[Problem]], strict: bool) -> str:
    # An error in a shared layer (base) shows once, not once per environment extending it.
    unique = sorted({p for problems in problems_by_env.values() for p in problems})
    lines = [str(p) for p in unique]
    for env, problems in problems_by_env.items():
        errors = len(errors_of(problems))
        warnings = len(problems) - errors
        failed = errors or (strict and warnings)
        verdict = "invalid" if failed else "valid"
        lines.append(f"{env}: {verdict} ({errors} error(s), {warnings} warning(s))")
    return "\n".join(lines)


def as_json(problems_by_env: dict[str, list[Problem]], strict: bool) -> str:
    unique = sorted({p for problems in problems_by_env.values() for p in problems})
    document = {
        "valid": outcome(problems_by_env, strict) is ExitCode.OK,
        "strict": strict,
        "environments": {
            env: {
                "errors": len(errors_of(problems)),
                "warnings": len(problems) - len(errors_of(problems)),
            }
            for env, problems in problems_by_env.items()
        },
        "problems": [
            {**p.as_dict(), "environments": [e for e, ps in problems_by_env.items() if p in ps]}
            for p in unique
        ],
    }
    return json.dumps(document, indent=2)


@click.command("validate")
@root_option
@click.option("-e", "--env", "env", metavar="ENV", help="Environment to validate.")
@click.option("--all", "all_envs", is_flag=True, help="Validate every environment.")
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 3).")
@click.option("--explain", is_flag=True, help="Print the lint rules and exit.")
@format_option("text", "json")
@report_options
def command(
    root: Path,
    env: str | None,
    all_envs: bool,
    strict: bool,
    explain: bool,
    output_format: str,
    reports: ReportPaths,
) -> int:
    """Check manifests offline: schema, names, references, lint rules, templates.

    Every problem is printed as file:line:column: field.path: message. Exit 3 on errors.
    """
    if explain:
        click.echo(rules_table(), nl=False)
        return ExitCode.OK
    if (env is None) == (not all_envs):
        raise UsageError("give either -e ENV or --all")
    envs = list_environments(root) if all_envs else [env or ""]
    if not envs:
        raise UsageError(f"no environments under {root / 'environments'}")
    problems_by_env = {name: check_environment(root, name) for name in envs}
    render = as_json if output_format == "json" else as_text
    click.echo(render(problems_by_env, strict))
    unique = sorted({p for problems in problems_by_env.values() for p in problems})
    write_reports(unique, reports, env="all" if all_envs else envs[0], kind="validate")
    return outcome(problems_by_env, strict)
