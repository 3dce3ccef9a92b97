"""`reconciler init`: a manifests repository that works as written, and never overwrites."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import yaml
from manifests.modelines import assert_all_valid

from reconciler import __version__, scaffold
from reconciler.cli import main
from reconciler.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
EXPECTED = {
    ".gitignore",
    ".gitlab-ci.yml",
    "README.md",
    "deals.csv",
    "environments/base/achievements.yaml",
    "environments/base/external-metrics.yaml",
    "environments/base/profiles.yaml",
    "environments/dev/environment.yaml",
    "environments/local/environment.yaml",
    "environments/local/members.yaml",
    "environments/prod/environment.yaml",
    "environments/prod/targets.yaml",
    "environments/staging/environment.yaml",
    "schemas/achievement.json",
    "schemas/environment.json",
    "schemas/external-metric.json",
    "schemas/overlay.json",
    "schemas/profile.json",
    "schemas/resources.json",
}


def _tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir()}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    repo = tmp_path / "gamification"
    code, out, err = _run(capsys, "init", str(repo))
    assert code == ExitCode.OK, err
    assert f"Created a manifests repository in {repo} (19 files)" in out
    return repo


def test_init_writes_a_repository_that_validates_applies_and_pushes(
    made: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _tree(made) == EXPECTED
    root = ("--root", str(made))
    code, out, _ = _run(capsys, "validate", "--all", "--strict", *root)
    assert code == ExitCode.OK, out
    assert set(out.splitlines()) >= {
        f"{env}: valid (0 error(s), 0 warning(s))" for env in ("dev", "local", "prod", "staging")
    }
    code, out, err = _run(capsys, "apply", "--auto-approve", "-e", "local", *root)
    assert code == ExitCode.OK, out + err
    assert "Apply complete:" in out and " 0 failed" in out
    code, out, _ = _run(capsys, "plan", "-e", "local", "--detailed-exitcode", *root)
    assert code == ExitCode.OK, out  # applied: nothing left to change
    deals = str(made / "deals.csv")
    code, out, err = _run(
        capsys, "push", "-e", "local", "--metric", "Daily_Revenue_Closed", "--input", deals, *root
    )
    assert code == ExitCode.OK, out + err
    assert "Summary: sent 6, unchanged 0" in out and "unknown agent 0, skipped 0" in out
    # Everything the tool wrote is local state the generated .gitignore keeps out of git.
    assert "\n.reconciler/\n" in "\n" + (made / ".gitignore").read_text()
    assert {p.split("/")[0] for p in _tree(made) - EXPECTED} == {".reconciler"}


def test_every_yaml_file_init_writes_validates_against_the_schema_it_names(made: Path) -> None:
    files = assert_all_valid(made)
    assert "environments/prod/targets.yaml" in {p.relative_to(made).as_posix() for p in files}
    first = (made / "environments" / "prod" / "targets.yaml").read_text().splitlines()[0]
    assert first.endswith("$schema=../../schemas/overlay.json")


def test_the_sample_deals_fall_inside_the_data_window() -> None:
    lines = scaffold.sample_deals(date(2027, 3, 1)).splitlines()
    assert lines[0] == "agent,timestamp,value"
    assert {line.split(",")[1][:10] for line in lines[1:]} == {"2027-02-27", "2027-02-28"}


def test_the_pipeline_installs_this_version_through_one_variable(made: Path) -> None:
    pipeline = yaml.safe_load((made / ".gitlab-ci.yml").read_text())
    assert pipeline["variables"]["RECONCILER_REQUIREMENT"] == f"genesys-reconciler=={__version__}"
    install = [line for line in pipeline["default"]["before_script"] if "pip install" in line]
    assert install == [
        'if [ -n "$RECONCILER_REQUIREMENT" ]; then pip install --quiet --no-cache-dir '
        '"$RECONCILER_REQUIREMENT"; fi'
    ]
    for name, job in pipeline.items():
        if isinstance(job, dict):
            for key in ("before_script", "script"):
                for line in job.get(key, []):
                    if "pip install" not in line or name == "default":
                        continue
                    # The push job adds its optional extras to the same pinned requirement.
                    assert name == "kpi-push", (name, line)
                    assert line == (
                        'if [ -n "$RECONCILER_REQUIREMENT" ]; then pip install --quiet '
                        '--no-cache-dir "$RECONCILER_REQUIREMENT" '
                        '"genesys-reconciler[salesforce,sql]"; fi'
                    )
    readme = (made / "README.md").read_text()
    assert f'pip install "genesys-reconciler=={__version__}"' in readme
    assert "@REQUIREMENT@" not in readme + (made / ".gitlab-ci.yml").read_text()


def test_requirement_option_pins_another_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wheel = "https://example.com/genesys_reconciler-9.9.9-py3-none-any.whl"
    code, out, _ = _run(capsys, "init", str(tmp_path / "r"), "--requirement", wheel)
    assert code == ExitCode.OK
    assert f"The pipeline installs {wheel}" in out
    pipeline = yaml.safe_load((tmp_path / "r" / ".gitlab-ci.yml").read_text())
    assert pipeline["variables"]["RECONCILER_REQUIREMENT"] == wheel
    code, _, err = _run(capsys, "init", str(tmp_path / "q"), "--requirement", 'a" b')
    assert code == ExitCode.USAGE and "is not one pip requirement" in err
    assert not (tmp_path / "q").exists()


def test_this_projects_pipeline_is_the_template_installing_the_checkout() -> None:
    assert (REPO / ".gitlab-ci.yml").read_text() == scaffold.pipeline("."), (
        "edit reconciler/scaffold/files/gitlab-ci.yml, then write .gitlab-ci.yml with "
        "python -c \"from reconciler.scaffold import pipeline; print(pipeline('.'), end='')\""
    )


def test_the_shipped_environments_are_the_ones_init_writes() -> None:
    written = {
        name: content
        for name, content in scaffold.files(".", date(2027, 1, 1)).items()
        if name.startswith("environments/")
    }
    shipped = {
        p.relative_to(REPO).as_posix(): p.read_bytes()
        for p in (REPO / "environments").rglob("*")
        if p.is_file()
    }
    assert shipped == written, "copy environments/ into reconciler/scaffold/files/environments/"


def test_init_never_overwrites_and_writes_nothing_when_it_would(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)  # an existing (empty) git repository is fine
    (repo / "README.md").write_text("ours\n")
    code, out, err = _run(capsys, "init", str(repo))
    assert code == ExitCode.USAGE
    assert err == (
        f"Error: init never overwrites; already there: {repo / 'README.md'} (nothing was written)\n"
    )
    assert _tree(repo) == {"README.md"} and (repo / "README.md").read_text() == "ours\n"
    assert "Traceback" not in out + err


def test_a_broken_link_or_a_file_where_a_folder_goes_blocks_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(tmp_path / "nowhere", repo / ".gitignore")
    (repo / "schemas").write_text("not a folder\n")
    code, _, err = _run(capsys, "init", str(repo))
    assert code == ExitCode.USAGE
    assert f"{repo / '.gitignore'}, {repo / 'schemas'} (nothing was written)" in err
    assert not (tmp_path / "nowhere").exists() and not (repo / "environments").exists()


def test_init_into_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "f").write_text("")
    code, _, err = _run(capsys, "init", str(tmp_path / "f"))
    assert code == ExitCode.USAGE and "is a file" in err


def test_a_write_that_fails_part_way_keeps_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A real failure, even as root: the folder's path is so long that the top-level files fit
    # under the kernel's 4096-byte path limit and environments/base/achievements.yaml does not.
    depth = tmp_path
    while len(str(depth)) < 4070 - 200:
        depth = depth / ("d" * 199)
    repo = depth / ("r" * (4070 - len(str(depth)) - 1))
    repo.mkdir(parents=True)
    assert len(str(repo)) == 4070
    code, out, err = _run(capsys, "init", str(repo))
    assert code == ExitCode.ERROR, out + err
    assert "File name too long; nothing was kept" in err and "Traceback" not in err
    assert list(repo.iterdir()) == []


def test_export_writes_modelines_that_resolve_where_it_writes(
    made: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = ("--root", str(made))
    assert _run(capsys, "apply", "--auto-approve", "-e", "local", *root)[0] == ExitCode.OK
    for out in (made / "environments" / "imported", made / "snapshots" / "2027" / "local"):
        code, stdout, err = _run(capsys, "export", "-e", "local", *root, "--out", str(out))
        assert code == ExitCode.OK, err
        assert "no schemas" not in stdout
        files = assert_all_valid(out)
        assert len(files) == 4  # three kinds and environment.yaml
    first = (made / "snapshots" / "2027" / "local" / "profiles.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../../schemas/resources.json"
    code, out, _ = _run(capsys, "validate", "-e", "imported", *root)
    assert code == ExitCode.OK, out
