from __future__ import annotations

from reconciler.cli import main
from reconciler.errors import ExitCode, Problem


def test_problem_renders_file_line_column_field_and_message() -> None:
    problem = Problem("environments/dev/x.yaml", 4, 7, "profiles[0].name", "field required")
    assert str(problem) == "environments/dev/x.yaml:4:7: profiles[0].name: field required"


def test_usage_errors_never_exit_2(capsys) -> None:
    assert main(["--no-such-option"]) == ExitCode.USAGE
    assert "no such option" in capsys.readouterr().err.lower()
