"""`reconciler note` against a fake GitLab notes API on loopback: created once, then updated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.output.reports import marker

from .fake_gitlab import FakeGitLab, serve_fake

TOKEN = "glpat-secret-token-value"
MARKER = marker("dev", "plan")


@pytest.fixture
def fake() -> FakeGitLab:
    return FakeGitLab(token=TOKEN)


@pytest.fixture
def api(fake: FakeGitLab, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("RECONCILER_GITLAB_TOKEN", "GITLAB_TOKEN", "CI_MERGE_REQUEST_IID"):
        monkeypatch.delenv(name, raising=False)
    with serve_fake(fake) as url:
        monkeypatch.setenv("CI_API_V4_URL", url)
        monkeypatch.setenv("CI_PROJECT_ID", fake.project)
        monkeypatch.setenv("CI_MERGE_REQUEST_IID", fake.iid)
        yield url


def _summary(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.md"
    path.write_text(f"{MARKER}\n{text}\n")
    return path


def _ours(fake: FakeGitLab) -> list[dict[str, object]]:
    return [n for n in fake.notes if MARKER in str(n["body"])]


def test_note_is_created_once_then_updated(
    api: str, fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", TOKEN)
    fake.add_note("LGTM")
    assert main(["note", "--file", str(_summary(tmp_path, "2 to create"))]) == 0
    assert main(["note", "--file", str(_summary(tmp_path, "1 to create"))]) == 0
    assert main(["note", "--file", str(_summary(tmp_path, "No changes"))]) == 0
    ours = _ours(fake)
    assert len(ours) == 1
    assert "No changes" in str(ours[0]["body"])
    writes = [r for r in fake.requests if r[0] != "GET"]
    assert [method for method, _ in writes] == ["POST", "PUT", "PUT"]
    assert writes[1][1].endswith(f"/notes/{ours[0]['id']}")


def test_existing_note_found_beyond_the_first_page(
    api: str, fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
    for n in range(150):
        fake.add_note(f"comment {n}")
    fake.add_note(f"{MARKER}\nsystem note quoting us", system=True)
    fake.add_note(f"{MARKER}\nold plan")
    assert main(["note", "--file", str(_summary(tmp_path, "new plan"))]) == 0
    assert [str(n["body"]) for n in _ours(fake)][-1] == f"{MARKER}\nnew plan\n"
    assert len(_ours(fake)) == 2  # the system note is left alone, no new note
    assert [m for m, _ in fake.requests] == ["GET", "GET", "PUT"]


def test_other_environments_notes_are_not_touched(
    api: str, fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", TOKEN)
    prod = fake.add_note(f"{marker('prod', 'plan')}\nprod plan")
    assert main(["note", "--file", str(_summary(tmp_path, "dev plan"))]) == 0
    assert prod["body"] == f"{marker('prod', 'plan')}\nprod plan"
    assert len(fake.notes) == 2


def test_explicit_marker_is_prepended(
    api: str, fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", TOKEN)
    path = tmp_path / "plain.md"
    path.write_text("hello\n")
    assert main(["note", "--file", str(path), "--marker", "<!-- mine -->"]) == 0
    assert fake.notes[0]["body"] == "<!-- mine -->\nhello\n"


def test_without_token_warns_exits_0_and_sends_nothing(
    api: str, fake: FakeGitLab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["note", "--file", str(_summary(tmp_path, "plan"))]) == 0
    assert fake.requests == []
    assert "RECONCILER_GITLAB_TOKEN" in capsys.readouterr().err


def test_outside_a_merge_request_pipeline_sends_nothing(
    api: str, fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", TOKEN)
    monkeypatch.delenv("CI_MERGE_REQUEST_IID")
    assert main(["note", "--file", str(_summary(tmp_path, "plan"))]) == 0
    assert fake.requests == []


def test_rejected_token_is_an_error_that_never_prints_the_token(
    api: str,
    fake: FakeGitLab,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", "glpat-wrong-token")
    assert main(["note", "--file", str(_summary(tmp_path, "plan"))]) == 1
    out = capsys.readouterr()
    assert "401" in out.err
    assert "glpat-wrong-token" not in out.out + out.err
    assert fake.notes == []


def test_missing_api_url_in_mr_pipeline_is_a_configuration_error(
    api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", TOKEN)
    monkeypatch.delenv("CI_API_V4_URL")
    assert main(["note", "--file", str(_summary(tmp_path, "plan"))]) == 1
    err = capsys.readouterr().err
    assert "CI_API_V4_URL" in err and TOKEN not in err


def test_file_without_marker_needs_one(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text("no marker\n")
    assert main(["note", "--file", str(path)]) == 4


def test_unreachable_gitlab_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeGitLab(token=TOKEN)
    with serve_fake(fake) as url:
        pass  # closed again: nothing listens on this port now
    monkeypatch.setenv("CI_API_V4_URL", url)
    monkeypatch.setenv("CI_PROJECT_ID", "42")
    monkeypatch.setenv("CI_MERGE_REQUEST_IID", "7")
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", TOKEN)
    assert main(["note", "--file", str(_summary(tmp_path, "plan"))]) == 1
    err = capsys.readouterr().err
    assert "no response" in err and TOKEN not in err


def test_update_only_replaces_our_note_and_never_creates_one(
    api: str, fake: FakeGitLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECONCILER_GITLAB_TOKEN", TOKEN)
    stale = _summary(tmp_path, "Plan not run: the manifests are invalid")
    assert main(["note", "--update-only", "--file", str(stale)]) == 0
    assert _ours(fake) == [] and [r for r in fake.requests if r[0] != "GET"] == []
    assert main(["note", "--file", str(_summary(tmp_path, "2 to create"))]) == 0
    stale = _summary(tmp_path, "Plan not run: the manifests are invalid")
    assert main(["note", "--update-only", "--file", str(stale)]) == 0
    (ours,) = _ours(fake)
    assert "manifests are invalid" in str(ours["body"])
