"""One set of checks before any page: `living-survey validate`, `mkdocs build` (strict or not) and
`mkdocs serve` stop on the same data problems, with the same `path:line` messages.

Each kind of problem is a file in tests/corpus/checks whose `expect:` comment gives the line and
the message; the test drops it into a sample project (an entry, a docs page, or the ledger).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from living_survey.checks.project_checks import check_project
from living_survey.config import project_options

from ..conftest import ROOT, living_survey, write_sample

CORPUS = ROOT / "tests" / "corpus" / "checks"
CASES = sorted(CORPUS.iterdir())
EXPECT = re.compile(r"(?:#|<!--) expect: (\d+): (.*?)(?: -->)?$", re.M)
LEDGER = "      permanent_ids: permanent-ids.txt\n"


def enable_ledger(root: Path) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("      entry_edit_uri: edit/main/\n", "      entry_edit_uri: edit/main/\n" + LEDGER)
    config.write_text(text, encoding="utf-8")


def place(root: Path, case: Path) -> str:
    """Put one corpus file where it belongs in the sample project; the path messages name."""
    if case.suffix == ".md":
        target = root / "docs" / case.name
    elif case.suffix == ".txt":
        target = root / case.name
        enable_ledger(root)
    else:
        target = root / "entries" / case.name
    shutil.copy(case, target)
    return target.relative_to(root).as_posix()


def expectation(case: Path) -> tuple[str, str]:
    line, message = EXPECT.search(case.read_text(encoding="utf-8")).groups()
    return line, message


def validate(root: Path, *options: str) -> tuple[int, str, str]:
    """`living-survey validate`: (exit code, stdout, stderr)."""
    done = living_survey("validate", *options, root=root)
    return done.returncode, done.stdout, done.stderr


def build_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_validate_reports_each_kind_of_problem_where_it_is(tmp_path: Path, case: Path) -> None:
    root = write_sample(tmp_path / "p")
    where = place(root, case)
    line, message = expectation(case)
    code, out, err = validate(root)
    assert code == 1 and "found." in err
    assert any(row.startswith(f"{where}:{line}: ") and message in row for row in out.splitlines()), out


@pytest.mark.parametrize("strict", [False, True], ids=["build", "strict"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_each_kind_of_problem_stops_the_build_before_any_page(tmp_path: Path, case: Path, strict: bool, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    where = place(root, case)
    line, message = expectation(case)
    with pytest.raises(Abort):
        build_site(root, strict=strict)
    (error,) = build_errors(caplog)
    assert re.match(r"The survey's data has \d+ problems?:\n", error), error
    assert any(row.startswith(f"  {where}:{line}: ") and message in row for row in error.splitlines()), error
    assert not (root / "site").exists()


def test_validate_and_the_build_list_the_same_problems(tmp_path: Path, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    for case in CASES:
        place(root, case)
    code, out, err = validate(root)
    listed = out.splitlines()
    assert code == 1 and f"{len(listed)} problems found." in err
    with pytest.raises(Abort):
        build_site(root, strict=False)
    (error,) = build_errors(caplog)
    head, *rows = error.splitlines()
    assert head == f"The survey's data has {len(listed)} problems:"
    assert [row.strip() for row in rows] == listed
    assert len(listed) >= len(CASES)


def test_a_failed_build_leaves_the_last_site_as_it_was(sample: Path, build_site) -> None:
    site = build_site(sample)

    def snapshot() -> dict[str, tuple[int, int]]:
        return {p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size) for p in site.rglob("*")}

    before = snapshot()
    assert "entries/alpha-2020/index.html" in before
    place(sample, CORPUS / "unknown-entry-key.yaml")
    for strict in (True, False):
        with pytest.raises(Abort):
            build_site(sample, strict=strict)
        assert snapshot() == before


def test_the_ledger_is_checked_exactly_when_the_plugin_option_is_set(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    shutil.copy(CORPUS / "permanent-ids.txt", root / "permanent-ids.txt")  # lists a page that is gone
    code, _, err = validate(root)
    assert code == 0, err
    enable_ledger(root)
    code, out, _ = validate(root)
    assert code == 1 and "permanent-ids.txt:9: 'entries/gone-2019' was published but no longer exists" in out


def test_an_unknown_citation_in_the_framework_texts_names_its_field(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    framework = root / "framework.yml"
    head, quadrants = framework.read_text(encoding="utf-8").split("\nquadrants:\n", 1)
    quadrants = re.sub(r"(\n    description: [>|]-?\n)", r"\1      As [@nobody2020] put it.\n", quadrants, count=1)
    framework.write_text(head + "\nquadrants:\n" + quadrants, encoding="utf-8")
    problems = [str(p) for p in check_project(project_options(root / "mkdocs.yml")).problems]
    assert problems == ["framework.yml: quadrants[0].description: unknown citation key 'nobody2020' (not in references.bib)"]


def test_a_moved_entries_folder_is_honoured_by_validate_and_new(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    (root / "entries").rename(root / "papers")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - living-survey:\n", "  - living-survey:\n      entries: papers\n"))
    code, _, err = validate(root)
    assert code == 0 and "OK: 2 entries valid." in err
    made = living_survey("new", "source2023map", "--placed-by", "@octocat", root=root)
    assert made.returncode == 0 and made.stdout.strip() == "papers/survey-group-2023.yaml"
    assert (root / "papers" / "survey-group-2023.yaml").is_file() and not (root / "entries").exists()
    code, out, _ = validate(root)
    assert code == 1 and out and all(row.startswith("papers/survey-group-2023.yaml:") for row in out.splitlines())
    # an override flag still wins over mkdocs.yml
    (root / "empty").mkdir()
    code, _, err = validate(root, "--entries", "empty")
    assert code == 0 and "OK: 0 entries valid." in err


def test_the_cli_reports_a_broken_mkdocs_yml_as_a_problem(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - living-survey:\n", "  - living-survey:\n      entries: nowhere\n"))
    code, out, _ = validate(root)
    assert code == 1 and out.startswith("mkdocs.yml: ") and "nowhere" in out


# -- mkdocs serve ------------------------------------------------------------------------------


class Serve:
    """`mkdocs serve` in a subprocess on a free port, its log collected line by line."""

    def __init__(self, root: Path, tmp: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true", "TMPDIR": str(tmp)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-f", str(root / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = re.search(r"Serving on (\S+)", self.wait_for("Serving on")).group(1)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def mark(self) -> int:
        return len(self.lines)

    def wait_for(self, text: str, since: int = 0, timeout: float = 30) -> str:
        """The log since line ``since``, once it contains ``text``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            log = "".join(self.lines[since:])
            if text in log:
                return log
            assert self.process.poll() is None, "mkdocs serve exited:\n" + "".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not seen within {timeout} s:\n" + "".join(self.lines))

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:  # 127.0.0.1 only
            return response.read().decode("utf-8")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # serve removes its temporary site on Ctrl-C
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


def replace_text(path: Path, text: str, scratch: Path) -> None:
    """Write a file in one step, so that a watcher never reads it half-written."""
    partial = scratch / (path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def test_serve_keeps_the_last_good_site_prints_every_problem_and_recovers(tmp_path: Path) -> None:
    """MkDocs 1.6's serve, on a rebuild that raises: it logs the error, keeps the process and the
    last good site (our checks run before it cleans the site folder), and holds new requests until
    a later rebuild succeeds ("the server will appear stuck until build errors are resolved")."""
    root = write_sample(tmp_path / "p")
    entry = root / "entries" / "alpha-2020.yaml"
    good = entry.read_text(encoding="utf-8")
    server = Serve(root, tmp_path)
    try:
        assert "zanzibar" in server.get("entries/alpha-2020/")
        (site,) = tmp_path.glob("mkdocs_*")  # serve's temporary site folder (TMPDIR is tmp_path)
        since = server.mark()
        broken = good.replace("zanzibar", "xylophone").replace("key: alpha2020open", "key: missing2020")
        replace_text(entry, broken.replace("[@source2023map, p. 2]", "[@nobody2020]"), tmp_path)
        log = server.wait_for("An error happened during the rebuild", since)
        assert "The survey's data has 2 problems:" in log
        assert "entries/alpha-2020.yaml:1: key: 'missing2020'" in log and "unknown citation key 'nobody2020'" in log
        assert server.process.poll() is None
        page = (site / "entries" / "alpha-2020" / "index.html").read_text(encoding="utf-8")
        assert "zanzibar" in page and "xylophone" not in page  # the last good site, untouched
        since = server.mark()
        replace_text(entry, good.replace("zanzibar", "xylophone"), tmp_path)
        server.wait_for("Reloading browsers", since)
        page = server.get("entries/alpha-2020/")
        assert "xylophone" in page and "zanzibar" not in page
    finally:
        server.stop()
    assert server.process.returncode is not None


def test_the_repository_passes_every_check() -> None:
    checked = check_project(project_options(ROOT / "mkdocs.yml"))
    assert checked.problems == [] and checked.survey is not None and checked.survey.entries


FIVE_PROBLEMS = """\
key: alpha2020open
quadrant: broad-descriptive
position: [0.5, -0.5]
quotes:
  - text: "which output is better"
    page: "3"
    cite: nobody2099gone
rationale: >-
  Open preferences, as [@missing2024key] says.
placed_by: source2023map
added: "2024-02-30"
colour: red
"""
"""One entry file with five different problems: a position on the wrong side of its quadrant, an
unknown quote author, an unknown citation, a date that does not exist and an unknown field."""
FIVE_EXPECTED = {
    (3, "position"),
    (7, "quotes[0].cite"),
    (8, "rationale"),
    (11, "added"),
    (12, "colour"),
}


def test_a_file_with_five_problems_gets_five_messages_in_one_run(tmp_path: Path, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    (root / "entries" / "five.yaml").write_text(FIVE_PROBLEMS, encoding="utf-8")
    code, out, err = validate(root)
    rows = [row for row in out.splitlines() if row.startswith("entries/five.yaml:")]
    found = {(int(row.split(":")[1]), row.split(": ")[1]) for row in rows}
    assert code == 1 and found == FIVE_EXPECTED and len(rows) == 5, out
    with pytest.raises(Abort):
        build_site(root, strict=True)
    (error,) = build_errors(caplog)
    assert [r.strip() for r in error.splitlines() if r.strip().startswith("entries/five.yaml:")] == rows
    assert not (root / "site").exists()
