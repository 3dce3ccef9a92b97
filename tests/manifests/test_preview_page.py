"""`reconciler preview --html DIR`: the page opened in headless Chromium, checked in its DOM."""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    message = "chromium is not installed (.ci/run installs Debian's chromium package)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " - required in CI")
    pytest.skip(message)


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class _Cards(HTMLParser):
    """Achievement sections, the channels in each, and which are marked disabled."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, dict[str, bool]] = {}
        self.current = ""
        self.scripts = 0
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href"):
            if attr.get(key):
                self.external.append(str(attr[key]))
        if attr.get("data-achievement"):
            self.current = str(attr["data-achievement"])
            self.cards[self.current] = {}
        if attr.get("data-channel"):
            disabled = "disabled" in str(attr.get("class", "")).split()
            self.cards[self.current][str(attr["data-channel"])] = disabled


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "environments", root / "environments")
    # Untrusted template output: must reach the page as text, not markup.
    achievements = root / "environments" / "base" / "achievements.yaml"
    achievements.write_text(
        achievements.read_text().replace(
            'body: "You earned {{ achievement.name }}"',
            'body: "<b id=injected>You</b> earned {{ achievement.name }} <script>x()</script>"',
        )
    )
    return root


def test_the_preview_page_renders_every_achievement_and_channel_in_chromium(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "preview"
    assert main(["preview", "-e", "local", "--root", str(project), "--html", str(out)]) == 0
    index = out / "index.html"
    dumped = _run_chromium(tmp_path, "--dump-dom", index.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = dumped.stdout
    parsed = _Cards()
    parsed.feed(dom)
    assert parsed.cards == {
        "First Contact Resolution Master": {"toast": False, "email": False, "push": False},
        "Revenue Rockstar": {"toast": False, "email": True, "push": False},
    }
    # Rendered for the sample agent, with the deep link visible as text.
    assert "Hi Jordan Rivera," in dom and "with 100 points." in dom
    assert "https://apps.mypurecloud.com/#/performance/achievements" in dom
    assert "Disabled: no e-mail is sent." in dom
    # Self-contained and escaped: no script, no external asset, the injected markup is text.
    assert parsed.scripts == 0 and parsed.external == []
    assert 'id="injected"' not in dom and "&lt;b id=injected&gt;You&lt;/b&gt;" in dom
    assert "&lt;script&gt;x()&lt;/script&gt;" in dom

    shot = tmp_path / "preview.png"
    taken = _run_chromium(
        tmp_path, f"--screenshot={shot}", "--window-size=1200,900", index.as_uri()
    )
    assert taken.returncode == 0 and shot.stat().st_size > 10_000, taken.stderr[-2000:]


def test_an_unwritable_preview_directory_is_one_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code = main(["preview", "-e", "local", "--root", str(project), "--html", str(blocker / "x")])
    assert code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(blocker) in err
