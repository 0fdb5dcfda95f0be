"""Shared fixtures: small sample surveys written into tmp_path and built with the real MkDocs."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent

# -- the source paper's full text (Kirk et al., 2023), which the repository does not ship ------

SOURCE_TEXT_VARIABLE = "LIVING_SURVEY_SOURCE_TEXT"
"""The environment variable naming a plain-text copy of the source paper."""
_SEED_PATH = Path("shared") / "seeds" / "000_6f8f7659ff73131a.txt"


def source_text_path() -> Path | None:
    """The source paper's plain text: ``$LIVING_SURVEY_SOURCE_TEXT`` when set (even if missing, so a
    wrong path is reported, not silently replaced), else a copy the maintainers keep beside the checkout."""
    import os

    configured = os.environ.get(SOURCE_TEXT_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    # the maintainers' machines keep it in a "shared" folder beside the checkout (or beside a worktree's parent)
    return next((p / _SEED_PATH for p in (ROOT.parent, ROOT.parent.parent) if (p / _SEED_PATH).is_file()), None)


SEED = source_text_path() or ROOT.parent / _SEED_PATH
"""Where the source paper's text is looked for (it may be absent: see :func:`source_text`)."""


def source_text(purpose: str) -> str:
    """The source paper's full text, or a skip that tells a contributor why and how to supply it.

    ``purpose`` says what the test checks with it (``"the quotes are verbatim"``).
    """
    path = source_text_path()
    if path is None or not path.is_file():
        where = f" ({SOURCE_TEXT_VARIABLE} names {path}, which is not a file)" if path is not None else ""
        pytest.skip(
            f"checks that {purpose} against the source paper (Kirk et al., 2023), whose full text is not shipped "
            f"with the repository (it is not ours to redistribute){where}. A maintainer with a plain-text copy "
            f"runs it with {SOURCE_TEXT_VARIABLE}=/path/to/the-paper.txt; nothing else depends on it."
        )
    return path.read_text(encoding="utf-8")


SAMPLE_BIB = r"""
@misc{alpha2020open,
  author = {Alpha, Ann and Beta, Bob and Gamma, Gil},
  title = {Open preferences at scale},
  year = {2020},
  eprint = {2001.00001},
  archiveprefix = {arXiv}
}
@article{delta2021named,
  author = {R{\"o}ttger, Paul and Delta, Dan},
  title = {Named traits, fixed meanings},
  journal = {Journal of Tests},
  year = {2021}
}
@misc{source2023map,
  author = {{Survey Group}},
  title = {A map of datasets},
  year = {2023}
}
"""

SAMPLE_ENTRY = """\
key: {key}
quadrant: {quadrant}
position: {position}
quotes:
  - text: "{quote}"
    page: "3"
rationale: >-
  Placed here because of its open question, see [@source2023map, p. 2].
signal: [comparisons]
placed_by: source2023map
added: "2024-01-15"
"""

MKDOCS_YML = """\
site_name: Sample survey
site_url: https://example.org/survey/
repo_url: https://example.org/repo
theme:
  name: material
  font: false
  features: [content.code.copy]
markdown_extensions: [admonition, attr_list, md_in_html, toc, pymdownx.highlight, pymdownx.superfences]
plugins:
  - search
  - living-survey:
      entry_edit_uri: edit/main/
"""


def write_sample(root: Path, entries: dict[str, str] | None = None, bib: str = SAMPLE_BIB) -> Path:
    """A complete small survey: framework (the shipped one), bibliography, entries, docs."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "framework.yml", root / "framework.yml")
    (root / "references.bib").write_text(bib, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text(
        "# Sample\n\nBased on @source2023map.\n\n<!-- living-survey:figure -->\n\n<!-- living-survey:grid -->\n", encoding="utf-8"
    )
    (root / "entries").mkdir(exist_ok=True)
    if entries is None:
        entries = {
            "alpha-2020": SAMPLE_ENTRY.format(
                key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="which output is better, zanzibar"
            ),
            "delta-2021": SAMPLE_ENTRY.format(
                key="delta2021named", quadrant="specific-prescriptive", position="[0.5, 0.5]", quote="follow the guideline exactly"
            ),
        }
    for name, text in entries.items():
        (root / "entries" / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def sample(tmp_path: Path, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample survey project in a temporary folder.

    In a module marked ``own_cache`` (its builds keep the project's own cache folder), the project
    starts with the figure cache a first build of the sample on this machine leaves: the sample's
    figure is drawn once per run, not once per test (those tests look into the inputs cache; a
    figure cache that does not match what is drawn is drawn again, as on any machine)."""
    root = write_sample(tmp_path / "project")
    if request.node.get_closest_marker("own_cache") is not None:
        shutil.copytree(_sample_figure(tmp_path_factory), root / DEFAULT_CACHE_DIR / "figure")
    return root


def _sample_figure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The figure cache folder of the stock sample, built once per run with its own cache."""

    def make(folder: Path) -> None:
        build_project(write_sample(folder / "project"), share_cache=False)

    return made_once(tmp_path_factory, "sample-figure", make) / "project" / DEFAULT_CACHE_DIR / "figure"


DEFAULT_CACHE_DIR = ".cache/living-survey"
"""The plugin's ``cache_dir`` when a project's ``mkdocs.yml`` names none."""
_shared_cache: list[Path] = []
"""The session's one plugin cache folder (set by :func:`machine_cache_home`)."""


def build_project(root: Path, strict: bool = True, site_dir: Path | None = None, share_cache: bool = True) -> Path:
    """Build ``root/mkdocs.yml`` with the real MkDocs build; returns the site folder.

    Unless ``share_cache`` is false or the project names its own ``cache_dir``, the plugin's cache
    is the session's shared folder, so a figure drawn for one sample is drawn once per session,
    not once per build (the cache is keyed by the drawn inputs and signed with the session's
    secret, so a sample with other inputs draws its own). Tests that look into a project's cache
    folder mark their module ``own_cache``: their builds keep ``.cache/living-survey`` in the project.
    """
    site = site_dir if site_dir is not None else root / "site"
    config = load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(site))
    plugin = config.plugins.get("living-survey")
    if share_cache and _shared_cache and plugin is not None and plugin.config.cache_dir == DEFAULT_CACHE_DIR:
        plugin.config.cache_dir = str(_shared_cache[0])
    build(config)
    return site


@pytest.fixture
def build_site(caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest) -> Callable[..., Path]:
    """Build a project with the real MkDocs build; returns the site folder."""
    share = request.node.get_closest_marker("own_cache") is None

    def run(root: Path, strict: bool = True) -> Path:
        caplog.set_level(logging.INFO)
        return build_project(root, strict=strict, share_cache=share)

    return run


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run: the session's own, or under pytest-xdist (``-n``) the
    one its workers' folders sit in, so what is made there is made once for all of them."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """``make`` a folder once per run, whichever worker asks first; the others wait and share it.

    A session fixture runs once in each pytest-xdist worker; a real build of the repository takes
    tens of seconds, so the builds that tests only read are made once, under a file lock. A worker
    that fails half-way leaves no ``.done`` mark, and the next one to ask starts again from nothing.
    """
    from filelock import FileLock

    folder = run_folder(tmp_path_factory) / "made-once" / name
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        if not (folder / ".done").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            (folder / ".done").touch()
    return folder


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once per test run with the real, strict MkDocs build."""
    return made_once(tmp_path_factory, "real", lambda folder: build_project(ROOT, site_dir=folder / "site")) / "site"


# -- a survey whose every text field is hostile, yet valid: it must build and render as text --

PWN = "window.__pwned=1"
HOSTILE_TEXTS = (
    f"<script>{PWN}</script>",
    f'<img src=x onerror="{PWN}">',
    f"javascript:{PWN}",
    r"$\mathtext{x}$ \frac{a}{b} $$",
    "{{ jinja }} {% raw %} @alpha2020open [@nobody]",
    "</svg></code></title>]]><!--",
)
HOSTILE = " ".join(HOSTILE_TEXTS)


def _bib_text(text: str) -> str:
    # BibTeX needs balanced braces and escaped specials; the decoded value is the hostile text
    from living_survey.pages.cite_survey import bibtex_escape

    return bibtex_escape(text)


def write_hostile(root: Path) -> Path:
    """A sample survey with hostile strings in every free-text field of entries and BibTeX."""
    bib_value = _bib_text(HOSTILE)
    bib = SAMPLE_BIB + (
        "@article{hostile2020,\n"
        f"  author = {{{{{bib_value}}} and Evil, Eve}},\n"
        f"  title = {{{bib_value}}},\n"
        f"  journal = {{{bib_value}}},\n"
        f"  note = {{{bib_value}}},\n"
        # valid in form (a javascript: url is refused by validation: see tests/corpus/bib/bad)
        f'  url = {{https://example.org/?q="><script>{PWN}</script>}},\n'
        f'  doi = {{10.1234/"><script>{PWN}</script>}},\n'
        "  year = {2020}\n}\n"
    )
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    # Markdown fields may cite: there an unknown key is a (correct) warning, so cite a known one
    markdown = quoted.replace("[@nobody]", "[@alpha2020open]")
    entry = (
        "key: hostile2020\n"
        "quadrant: broad-descriptive\n"
        "position: [-0.4, -0.6]\n"
        "quotes:\n"
        f'  - text: "{quoted}"\n'
        '    page: "3"\n'
        f'  - text: "{quoted}"\n'
        "    cite: source2023map\n"
        '    page: "4"\n'
        "rationale: |\n"
        f'  {markdown.replace(chr(92) * 2, chr(92))} [click](javascript:{PWN}) <b onclick="{PWN}">x</b>\n'
        f"  ![img](javascript:{PWN}) [ok](https://example.org/)\n"
        f'edge_case: "{markdown}"\n'
        # placed_by is a key or a handle (free text is refused: see tests/corpus/entries/bad)
        'placed_by: "@mallory"\n'
        f'organisation: "{quoted}"\n'
        "datasets:\n"
        f'  - name: "{quoted}"\n'
        f'    url: "https://example.org/?q=\\"><script>{PWN}</script>"\n'
        'added: "2023-05-01"\n'
    )
    write_sample(root, bib=bib + LINKS_BIB)
    (root / "entries" / "hostile.yaml").write_text(entry, encoding="utf-8")
    rationale = "\n".join(f"  [spelling {i}]({url})" for i, url in enumerate(SCRIPT_LINKS))
    (root / "entries" / "hostile-links.yaml").write_text(
        "key: links2021\n"
        "quadrant: broad-descriptive\n"
        "quotes:\n"
        '  - text: "q"\n'
        '    page: "1"\n'
        f"rationale: |\n{rationale}\n"
        "  <javascript:alert(1)> <JAVASCRIPT:alert(1)> <vbscript:msgbox(1)> [by reference][evil] ![img][evil]\n"
        "  [safe](https://example.org/safe) <https://example.org/auto>\n"
        "\n"
        "  [evil]: &#106;avascript:alert(1)\n"
        "edge_case: |\n"
        "  [again](&#x6A;avascript:alert(1)) [again][bad]\n"
        "\n"
        "  [bad]: <java&Tab;script:alert(1)>\n"
        "placed_by: source2023map\n"
        'added: "2023-05-02"\n',
        encoding="utf-8",
    )
    # a second, disagreeing placement of the hostile work by another contributor: the small map,
    # the table of other placements and the contested page carry the hostile text too
    contra = entry.replace("quadrant: broad-descriptive", "quadrant: specific-prescriptive").replace("[-0.4, -0.6]", "[0.4, 0.6]")
    contra = contra.replace('placed_by: "@mallory"', 'placed_by: "@eve"')
    (root / "entries" / "hostile-contra.yaml").write_text(contra, encoding="utf-8")
    return root


SCRIPT_LINKS = (
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#X6a;avascript:alert(1)",
    "&#0000106avascript:alert(1)",
    "&#x0006A;avascript:alert(1)",
    "&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)",
    "java&Tab;script:alert(1)",
    "java&NewLine;script:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav&#9;ascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "javascript&#x3a;alert(1)",
    "&Tab;javascript:alert(1)",
    "&#32;javascript:alert(1)",
    "&#1;javascript:alert(1)",
    "&#x26;#106;avascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "<javascript:alert(1)>",
    "<&#106;avascript:alert(1)>",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "&#100;ata:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "java\\script:alert(1)",
    "%6Aavascript:alert(1)",
)
"""Ways to spell a script address in a Markdown link: each must end up with no href at all, or an
href a browser reads as harmless (it is clicked in tests/browser/test_hostile_browser.py)."""

LINKS_BIB = r"""
@misc{links2021,
  author = {Link, Lena},
  title = {{BERT} gets 50% better with \LaTeX{} and \TeX},
  howpublished = {\url{https://example.org/~lena/paper.pdf}},
  year = {2021}
}
@misc{href2021,
  author = {Href, Hal},
  title = {A note with a link},
  note = {See \href{https://example.org/a_b?x=1}{the project page}},
  year = {2021}
}
@article{proc2021,
  author = {Proc, Pat},
  title = {A venue with an abbreviated name},
  journal = {Proc.},
  year = {2021}
}
"""


# -- a real browser (Debian's Chromium) against a built site served on 127.0.0.1 --------------

SCREENSHOTS = ROOT / "test-output" / "screenshots"


def chromium_path() -> str | None:
    """The Chromium or Chrome to drive: $LIVING_SURVEY_CHROMIUM, else Debian's headless shell, else the
    usual names.

    The headless shell (``apt-get install chromium-headless-shell``) is Chromium's own headless
    build, of the same Blink and V8 as the full browser, and the one Playwright itself runs headless:
    a page costs it about a third of the CPU the full browser spends (measured here: 0.45 s against
    1.5 s for a new context, a page load and the wait for an idle network), which is most of the
    browser tests' time. Set ``LIVING_SURVEY_CHROMIUM=/usr/bin/chromium`` to run them in the full
    browser; they pass in both."""
    import os

    configured = os.environ.get("LIVING_SURVEY_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in (
        "/usr/bin/chromium-headless-shell",
        "chromium-headless-shell",
        "/usr/bin/chromium",
        "chromium",
        "chromium-browser",
        "google-chrome",
    ):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium; mandatory under CI (the test fails), skipped with a reason elsewhere."""
    import os

    executable = chromium_path()
    if executable is None:
        reason = "no Chromium found (apt-get install chromium-headless-shell, or chromium, or set LIVING_SURVEY_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(f"browser tests are mandatory under CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
        )
        yield instance
        instance.close()


class _Quiet:
    """Serve a folder on 127.0.0.1 on a free port, without request logs."""

    def __init__(self, folder: Path):
        import functools
        import http.server
        import threading

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def served(real_site: Path):
    """The repository's built site, served over HTTP."""
    server = _Quiet(real_site)
    yield server.url
    server.close()


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile sample survey, built strictly."""
    return made_once(tmp_path_factory, "hostile", lambda folder: build_project(write_hostile(folder / "p"))) / "p" / "site"


@pytest.fixture(scope="session")
def search_hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The survey of hostile search fields (tests/hostile_search.py), built strictly once per run:
    the search index tests read it and the browser tests serve it."""
    from .hostile_search import build_search_hostile

    return made_once(tmp_path_factory, "search-hostile", lambda folder: build_search_hostile(folder / "p")) / "p" / "site"


@pytest.fixture(scope="session")
def served_hostile(hostile_site: Path):
    server = _Quiet(hostile_site)
    yield server.url
    server.close()


# -- a throwaway git repository with two releases, built with `living-survey versions` ----------


class Versioned:
    """A copy of the project with tags v0.1.0 and v0.2.0 (one entry moved between them), built."""

    def __init__(self, root: Path, out: Path, moved: str, before: tuple[str, list[float]], after: tuple[str, list[float]]):
        self.root = root
        self.out = out
        self.moved = moved
        """The id of the entry moved in v0.2.0."""
        self.before = before
        """Its (quadrant id, position) in v0.1.0."""
        self.after = after


def _git(root: Path, *args: str) -> str:
    import os
    import subprocess

    who = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True, env={**os.environ, **who})
    return done.stdout


def set_field(path: Path, name: str, value: str) -> None:
    """Replace the top-level line ``name: …`` of a YAML file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [i for i, line in enumerate(lines) if line.startswith(f"{name}:")]
    assert len(hits) == 1, (path, name)
    lines[hits[0]] = f"{name}: {value}\n"
    path.write_text("".join(lines), encoding="utf-8")


def move_entry(path: Path, quadrant: str, position: str) -> None:
    """Place an entry elsewhere by hand: a new quadrant and position, its answers (which would put it
    back where it was) taken out; the position line replaces any old one, inline or a block list."""
    import yaml

    set_field(path, "quadrant", quadrant)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if "answers" in (yaml.safe_load("".join(lines)) or {}):
        start = next(i for i, line in enumerate(lines) if line.startswith("answers:"))
        end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i].startswith((" ", "#"))), len(lines))
        del lines[start:end]
    # the old position, written inline or as a block list (as yaml.safe_dump writes it), goes
    if any(line.startswith("position:") for line in lines):
        start = next(i for i, line in enumerate(lines) if line.startswith("position:"))
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(("- ", " "))), len(lines))
        del lines[start:end]
    at = next(i for i, line in enumerate(lines) if line.startswith("quadrant:"))
    lines.insert(at + 1, f"position: {position}\n")
    path.write_text("".join(lines), encoding="utf-8")


def copy_project(root: Path) -> None:
    """Copy the project's files into ``root`` as a clone would have them, plus new files not yet
    committed (ignored files, such as the virtual environment and caches, stay behind)."""
    files = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)


def make_versioned_repo(root: Path) -> tuple[str, tuple[str, list[float]], tuple[str, list[float]]]:
    """Copy the project's files (tracked and new, not ignored) into ``root``; commit and tag twice.

    v0.1.0 is the project as it is (CITATION.cff version 0.1.0); v0.2.0 moves the first entry to
    another quadrant and position and bumps CITATION.cff to 0.2.0.
    """
    import json

    from living_survey import load_survey

    copy_project(root)
    _git(root, "init", "-q", "-b", "main")
    set_field(root / "CITATION.cff", "version", '"0.1.0"')
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "first release")
    _git(root, "tag", "v0.1.0")
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    entry = survey.entries[0]
    target = next(q for q in survey.framework.quadrants if q.id != entry.quadrant)
    position = [round(0.37 * target.x, 2), round(0.41 * target.y, 2)]
    move_entry(root / entry.path, target.id, json.dumps(position))
    set_field(root / "CITATION.cff", "version", '"0.2.0"')
    _git(root, "commit", "-q", "-a", "-m", "move an entry")
    _git(root, "tag", "-a", "v0.2.0", "-m", "second release")  # annotated: both kinds of tag are read
    return entry.id, (entry.quadrant, list(entry.position or [])), (target.id, position)


@pytest.fixture(scope="session")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> Versioned:
    """The project in a throwaway repository with two releases, built by the versions CLI."""
    import json

    from living_survey.cli import main

    def make(folder: Path) -> None:
        root = folder / "repo"
        root.mkdir()
        moved, before, after = make_versioned_repo(root)
        assert main(["versions", "--root", str(root), "--out", str(folder / "out")]) == 0
        # what the other workers of a parallel run read back instead of building it again
        (folder / "moved.json").write_text(json.dumps([moved, before, after]), encoding="utf-8")

    folder = made_once(tmp_path_factory, "versioned", make)
    moved, before, after = json.loads((folder / "moved.json").read_text(encoding="utf-8"))
    return Versioned(folder / "repo", folder / "out", moved, (before[0], before[1]), (after[0], after[1]))


@pytest.fixture(scope="session")
def served_versions(versioned: Versioned):
    server = _Quiet(versioned.out)
    yield server.url
    server.close()


# -- the repository's survey plus a second, disagreeing placement (never added to entries/) ---

SECOND_KEY = "bai2022constitutional"
"""A work the source paper places in Specific–Descriptive; the copy adds a contributor's placement."""


def write_contested(root: Path) -> Path:
    """A copy of the repository's project in which ``@someone`` places :data:`SECOND_KEY` again,
    in Specific–Prescriptive, through ``living-survey new``. Returns the project folder."""
    import subprocess
    import sys

    root.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "framework.yml", "references.bib", "CITATION.cff", "permanent-ids.txt", "CONTRIBUTING.md", "README.md"):
        shutil.copy(ROOT / name, root / name)
    for name in ("entries", "docs"):
        shutil.copytree(ROOT / name, root / name)
    made = subprocess.run(
        [sys.executable, "-m", "living_survey.cli", "new", SECOND_KEY, "--placed-by", "@someone"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    path = root / made.stdout.strip()
    text = path.read_text(encoding="utf-8")
    for old, new in (
        ('quadrant: ""', "quadrant: specific-prescriptive"),
        ("# position: [0.5, 0.5]", "position: [0.6, 0.5]"),
        ('  - text: ""\n    page: ""', '  - text: "Identify all ways in which the assistant\'s last response is harmful"\n    page: "22"'),
        ('rationale: ""', "rationale: The constitution is written by the designers, who fix what harm means for the model."),
    ):
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def contested_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The contested copy of the repository's survey, built strictly."""
    return made_once(tmp_path_factory, "contested", lambda folder: build_project(write_contested(folder / "p"))) / "p" / "site"


@pytest.fixture(scope="session")
def served_contested(contested_site: Path):
    server = _Quiet(contested_site)
    yield server.url
    server.close()


# -- the `living-survey` command ---------------------------------------------------------------


def living_survey(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    """``living-survey ARGS --root ROOT`` through its entry point, in this process (no interpreter start-up)."""
    import contextlib
    import io

    from living_survey import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([*args, "--root", str(root)])
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


# -- a synthetic survey of many works (for the map's zoom, labels and highlights) --------------

SYNTHETIC_NAMES = ("Smith", "Chen", "Garcia", "Okafor", "Nguyen", "Müller", "Kowalski", "Haddad", "Ivanova", "Tanaka", "Lee", "Brown")


def write_synthetic(root: Path, count: int, seed: int = 11) -> Path:
    """A valid survey of ``count`` works at seeded positions; every tenth is placed by the source."""
    import random

    rng = random.Random(seed)
    quadrants = [
        ("broad-prescriptive", -1, 1),
        ("specific-prescriptive", 1, 1),
        ("broad-descriptive", -1, -1),
        ("specific-descriptive", 1, -1),
    ]
    bib = [SAMPLE_BIB]
    entries = {}
    for i in range(count):
        qid, sx, sy = quadrants[i % 4]
        names = " and ".join(f"{rng.choice(SYNTHETIC_NAMES)}, {'ABCDEFGH'[rng.randrange(8)]}." for _ in range(rng.randint(1, 3)))
        bib.append(f"@misc{{syn{i:04d},\n  author = {{{names}}},\n  title = {{Synthetic work {i}}},\n  year = {{{2010 + i % 15}}}\n}}\n")
        x, y = round(sx * rng.uniform(0.05, 1), 3), round(sy * rng.uniform(0.05, 1), 3)
        entry = SAMPLE_ENTRY.format(key=f"syn{i:04d}", quadrant=qid, position=f"[{x}, {y}]", quote=f"quote {i}")
        if i % 10:
            entry = entry.replace("placed_by: source2023map", 'placed_by: "@maintainer"')
        entries[f"syn-{i:04d}"] = entry
    return write_sample(root, entries=entries, bib="\n".join(bib))


@pytest.fixture(scope="session")
def served_synthetic(tmp_path_factory: pytest.TempPathFactory):
    """A synthetic survey of 120 works, built strictly and served over HTTP."""
    site = made_once(tmp_path_factory, "synthetic", lambda folder: build_project(write_synthetic(folder / "p", 120))) / "p" / "site"
    server = _Quiet(site)
    yield server.url
    server.close()


@pytest.fixture(scope="session", autouse=True)
def machine_cache_home(tmp_path_factory: pytest.TempPathFactory):
    """The user cache folder, where the caches' machine secret lives: the tests' own, never the
    real one (set before any other session fixture builds a site; subprocesses inherit it)."""
    # one folder for the whole run, shared by pytest-xdist's workers: the secret is created
    # atomically (keyed.py: of two processes, one secret wins) and cache files are replaced
    # atomically (build_cache.py), so workers drawing the same figure at once each write a whole file
    run = run_folder(tmp_path_factory)
    folder = run / "xdg-cache"
    folder.mkdir(exist_ok=True)
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    # the plugin cache every sample build shares (see build_project): valid all run, since
    # the secret that signs it stays in this folder until the run ends
    cache = run / "plugin-cache"
    cache.mkdir(exist_ok=True)
    _shared_cache.append(cache)
    yield folder
    _shared_cache.clear()
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before
