"""Play what contributors do, on a fresh clone of HEAD, then run the suite without browser tests.

A living survey's suite must stay green when the survey grows. This script clones the repository
into a temporary folder and, following CONTRIBUTING, adds one new paper (a BibTeX record and an
entry scaffolded by ``living-survey new``) and a second placement, by another contributor, of every
work already on the map, each in a quadrant other than the work's first placement. It then runs
``living-survey validate`` and ``pytest -m "not browser"`` in the clone. A failure here is a bug in
a test or in the code, never in the contribution.

Usage, from the repository root, after ``make test`` has installed ``.venv``:
``.venv/bin/python .ci/play_contribution.py``
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
RECORD = """
@article{playedwork2026,
  author = {Ployer, Pia and Tester, Tom},
  title = {A contribution played in continuous integration},
  journal = {Journal of Played Contributions},
  year = {2026},
  url = {https://example.org/played},
}
"""
HANDLE = "@ci-player"


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)


def scaffold(project: Path, key: str) -> Path:
    """``living-survey new KEY --placed-by HANDLE``: the one file it wrote."""
    before = set((project / "entries").glob("*.yaml"))
    done = run(BIN / "living-survey", "new", key, "--placed-by", HANDLE, cwd=project)
    made = sorted(set((project / "entries").glob("*.yaml")) - before)
    if done.returncode or len(made) != 1:
        sys.exit(f"play: 'living-survey new {key}' failed: {(done.stderr or done.stdout).strip()[-300:]}")
    return made[0]


def fill(path: Path, quadrant: dict, quote: str) -> None:
    """Fill the fields CONTRIBUTING says to fill; every other scaffolded field is kept as written."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    data.update(
        quadrant=quadrant["id"],
        position=[0.4 * quadrant["x"], 0.4 * quadrant["y"]],
        quotes=[{"text": quote, "page": "2"}],
        rationale="Another reading of the same passages, added to check that the suite accepts a second voice.",
    )
    kept = {k: v for k, v in data.items() if v not in (None, "", [])}
    path.write_text(yaml.safe_dump(kept, sort_keys=False, allow_unicode=True), encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(project)], check=True)
        shared = ROOT.parent / "shared"
        if shared.is_dir():  # the source paper's text, where a maintainer keeps it beside the checkout
            (Path(tmp) / "shared").symlink_to(shared)
        framework = yaml.safe_load((project / "framework.yml").read_text(encoding="utf-8"))
        quadrants = framework["quadrants"]
        with (project / "references.bib").open("a", encoding="utf-8") as bib:
            bib.write(RECORD)
        fill(scaffold(project, "playedwork2026"), quadrants[0], "A passage that justifies the placement.")
        firsts: dict[str, dict] = {}
        for path in sorted((project / "entries").glob("*.yaml")):
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
            firsts.setdefault(entry["key"], entry)
        works = sorted(k for k in firsts if k != "playedwork2026")
        for i, key in enumerate(works):
            others = [q for q in quadrants if q["id"] != firsts[key]["quadrant"]]
            fill(scaffold(project, key), others[i % len(others)], firsts[key]["quotes"][0]["text"])
        print(f"play: one new paper and a second placement of each of {len(works)} works, by {HANDLE}")
        checked = run(BIN / "living-survey", "validate", cwd=project)
        if checked.returncode:
            print(checked.stdout, checked.stderr)
            print("play: the played contribution fails validate")
            return 1
        tests = subprocess.run([str(BIN / "python"), "-m", "pytest", "-q", "-m", "not browser", "-p", "no:cacheprovider"], cwd=project)
        if tests.returncode:
            print("play: a valid contribution turns the suite red")
            return 1
    print("play: the suite stays green with the played contribution")
    return 0


if __name__ == "__main__":
    sys.exit(main())
