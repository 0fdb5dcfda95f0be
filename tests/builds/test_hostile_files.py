"""Hostile files: links out of the project, devices, pipes, and docs pages Markdown cannot read in
bounded time. Each case is a real MkDocs build that must stop with a located error, write no site,
never hang or raise a traceback, and publish no outside text; ``validate`` must say the same."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import markdown
import pytest
from mkdocs.exceptions import Abort, PluginError

from living_survey.checks.docs_guard import MAX_BRACKET_WORK, MAX_NESTING, MAX_PARAGRAPH, bracket_work, page_problems, snippet_options
from living_survey.core.files import DOCS_PAGE_BYTES

from ..conftest import ROOT, write_sample

SECRET = "Qzsecretoutside"
"""A word that appears only in files outside the project: it must never reach the site."""
SNIPPETS_YML = """\
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - toc
  - footnotes
  - tables
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: [BASE]
      restrict_base_path: true
      check_paths: true
"""


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: a read that blocks (a pipe) is interrupted after ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: something blocked or took too long")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def validate(root: Path) -> tuple[int, list[str]]:
    from living_survey.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()), deadline(60):
        code = main(["validate", "--root", str(root)])
    return code, out.getvalue().splitlines()


def outside(tmp_path: Path, name: str, text: str) -> Path:
    """A file outside the project (beside it in tmp_path), holding the secret word."""
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def with_snippets(root: Path, base: str = ".", options: str | None = None) -> Path:
    """The sample's mkdocs.yml with pymdownx.snippets: as this project configures it, or with ``options``."""
    extensions = SNIPPETS_YML.replace("BASE", base)
    if options is not None:
        extensions = extensions[: extensions.index("      base_path")] + options
    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    start = text.index("markdown_extensions:")
    end = text.index("\n", start) + 1
    (root / "mkdocs.yml").write_text(text[:start] + extensions + text[end:], encoding="utf-8")
    return root


def refused(root: Path, build_site: Callable[..., Path], caplog: pytest.LogCaptureFixture, where: str, text: str) -> None:
    """The build stops with ``where`` and ``text`` in one message, writes no site, and validate agrees."""
    with pytest.raises((Abort, PluginError)), deadline(120):
        build_site(root)
    assert any(where in r.getMessage() and text in r.getMessage() for r in caplog.records), caplog.text
    assert not (root / "site").exists()
    code, lines = validate(root)
    assert code == 1 and any(line.startswith(where) and text in line for line in lines), lines


# -- CITATION.cff, .zenodo.json, issue forms ------------------------------------------------------


def test_a_citation_file_linked_outside_the_project_names_no_one(tmp_path: Path, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    cff = outside(tmp_path, "CITATION.cff", f"cff-version: 1.2.0\ntitle: X\nauthors:\n  - family-names: {SECRET}\n")
    (root / "CITATION.cff").symlink_to(cff)
    refused(root, build_site, caplog, "CITATION.cff: ", "is a symbolic link to a file outside the project")


@pytest.mark.parametrize("kind", ["zero", "fifo", "dangling"])
def test_a_citation_file_that_is_a_device_a_pipe_or_nothing_is_refused(tmp_path: Path, build_site, caplog, kind: str) -> None:
    root = write_sample(tmp_path / "p")
    if kind == "zero":
        (root / "CITATION.cff").symlink_to("/dev/zero")
        text = "outside the project"
    elif kind == "fifo":
        os.mkfifo(root / "CITATION.cff")  # opening it for reading must not wait for a writer
        text = "is a device, pipe or socket"
    else:
        (root / "CITATION.cff").symlink_to(root / "gone.cff")
        text = "cannot read"
    refused(root, build_site, caplog, "CITATION.cff: ", text)


@pytest.mark.parametrize("kind", ["zero", "fifo", "outside"])
def test_an_issue_form_that_is_a_device_a_pipe_or_outside_stops_build_and_validate(tmp_path: Path, build_site, caplog, kind: str) -> None:
    root = write_sample(tmp_path / "p")
    # the locator reads the forms only for a GitHub repository
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("https://example.org/repo", "https://github.com/o/r")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    forms = root / ".github" / "ISSUE_TEMPLATE"
    forms.mkdir(parents=True)
    form = forms / "propose.yml"
    if kind == "zero":
        form.symlink_to("/dev/zero")
        expected = "outside the project"
    elif kind == "fifo":
        os.mkfifo(form)
        expected = "is a device, pipe or socket"
    else:
        form.symlink_to(outside(tmp_path, "form.yml", f"name: {SECRET}\nbody: []\n"))
        expected = "outside the project"
    refused(root, build_site, caplog, ".github/ISSUE_TEMPLATE/propose.yml: ", expected)


def test_zenodo_metadata_linked_outside_or_broken_is_reported_by_validate(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    (root / ".zenodo.json").symlink_to(outside(tmp_path, "z.json", f'{{"title": "{SECRET}"}}'))
    code, lines = validate(root)
    assert code == 1 and ".zenodo.json: is a symbolic link to a file outside the project; commit the file itself" in lines, lines
    (root / ".zenodo.json").unlink()
    (root / ".zenodo.json").write_text('{"title": "x",\n"creators": [}\n', encoding="utf-8")
    code, lines = validate(root)
    assert code == 1 and any(line.startswith(".zenodo.json:2: not valid JSON") for line in lines), lines


def test_framework_and_ledger_go_through_the_guarded_reader(tmp_path: Path) -> None:
    root = write_sample(tmp_path / "p")
    (root / "ids.txt").symlink_to("/dev/zero")
    text = (root / "mkdocs.yml").read_text(encoding="utf-8").replace("entry_edit_uri: edit/main/", "permanent_ids: ids.txt")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    code, lines = validate(root)
    assert code == 1 and "ids.txt: is a symbolic link to a file outside the project; commit the file itself" in lines, lines
    moved = outside(tmp_path, "framework.yml", (root / "framework.yml").read_text(encoding="utf-8"))
    (root / "framework.yml").unlink()
    (root / "framework.yml").symlink_to(moved)
    code, lines = validate(root)
    assert code == 1 and any("is a symbolic link to a file outside the project" in line and "framework.yml" in line for line in lines)


@pytest.mark.parametrize("kind", ["bibliography", "entries-folder", "entry-fifo"])
def test_data_files_linked_outside_or_pipes_stop_the_real_build(tmp_path: Path, build_site, caplog, kind: str) -> None:
    root = write_sample(tmp_path / "p")
    if kind == "bibliography":
        moved = outside(tmp_path, "references.bib", (root / "references.bib").read_text(encoding="utf-8"))
        (root / "references.bib").unlink()
        (root / "references.bib").symlink_to(moved)
        where = "references.bib"
    elif kind == "entries-folder":
        (root / "entries").rename(tmp_path / "elsewhere")
        (root / "entries").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
        where = "alpha-2020.yaml: "
    else:
        os.mkfifo(root / "entries" / "pipe.yaml")
        refused(root, build_site, caplog, "entries/pipe.yaml: ", "is a device, pipe or socket")
        return
    with pytest.raises((Abort, PluginError)), deadline(120):
        build_site(root)
    assert any(where in r.getMessage() and "outside the project" in r.getMessage() for r in caplog.records), caplog.text
    assert not (root / "site").exists()
    code, lines = validate(root)
    assert code == 1 and any(where in line and "outside the project" in line for line in lines), lines


# -- docs pages and snippets from outside -------------------------------------------------------


def test_a_docs_page_linked_outside_the_project_is_not_published(tmp_path: Path, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    (root / "docs" / "leak.md").symlink_to(outside(tmp_path, "leak.md", f"# Leak\n\n{SECRET}\n"))
    refused(root, build_site, caplog, "docs/leak.md: ", "is a symbolic link to a file outside the project")


def test_a_docs_subfolder_linked_outside_the_project_is_not_published(tmp_path: Path, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    outside(tmp_path, "page.md", f"# Page\n\n{SECRET}\n")
    (root / "docs" / "sub").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    refused(root, build_site, caplog, "docs/sub: ", "is a symbolic link to a folder outside the project")


def test_a_docs_folder_that_is_itself_a_link_outside_is_refused(tmp_path: Path, build_site, caplog) -> None:
    root = write_sample(tmp_path / "p")
    moved = tmp_path / "elsewhere-docs"
    (root / "docs").rename(moved)
    (moved / "secret.md").write_text(f"# S\n\n{SECRET}\n", encoding="utf-8")
    (root / "docs").symlink_to(moved, target_is_directory=True)
    refused(root, build_site, caplog, "docs: ", "is a symbolic link to a folder outside the project")


@pytest.mark.parametrize("kind", ["fifo", "dangling", "loop"])
def test_a_pipe_a_dangling_link_or_a_loop_in_docs_is_located(tmp_path: Path, build_site, caplog, kind: str) -> None:
    root = write_sample(tmp_path / "p")
    if kind == "fifo":
        os.mkfifo(root / "docs" / "pipe.md")
        where, text = "docs/pipe.md: ", "is a device, pipe or socket"
    elif kind == "dangling":
        (root / "docs" / "gone.css").symlink_to(root / "nothing.css")
        where, text = "docs/gone.css: ", "is a symbolic link to nothing"
    else:
        (root / "docs" / "sub").mkdir()
        (root / "docs" / "sub" / "up").symlink_to(root / "docs", target_is_directory=True)
        where, text = "docs/sub/up: ", "a folder that contains it"
    refused(root, build_site, caplog, where, text)


def test_links_inside_the_project_still_build(tmp_path: Path, build_site) -> None:
    root = write_sample(tmp_path / "p")
    (root / "shared").mkdir()
    (root / "shared" / "note.md").write_text("# Note\n\nShared words, Qzinside.\n", encoding="utf-8")
    (root / "docs" / "note.md").symlink_to(root / "shared" / "note.md")
    site = build_site(root)
    assert "Qzinside" in (site / "note" / "index.html").read_text(encoding="utf-8")


def test_a_snippet_through_a_link_outside_the_project_is_not_pasted(tmp_path: Path, build_site, caplog) -> None:
    root = with_snippets(write_sample(tmp_path / "p"), base=str(tmp_path / "p"))
    (root / "includes").mkdir()
    (root / "includes" / "note.md").symlink_to(outside(tmp_path, "note.md", f"{SECRET} words\n"))
    (root / "docs" / "page.md").write_text('# Page\n\n--8<-- "includes/note.md"\n', encoding="utf-8")
    refused(root, build_site, caplog, "includes/note.md: ", "is a symbolic link to a file outside the project")


def test_a_snippet_folder_linked_outside_and_a_block_snippet_are_refused(tmp_path: Path, build_site, caplog) -> None:
    root = with_snippets(write_sample(tmp_path / "p"))
    outside(tmp_path, "note.md", f"{SECRET} words\n")
    (root / "includes").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "docs" / "page.md").write_text("# Page\n\n--8<--\nincludes/note.md\n--8<--\n", encoding="utf-8")
    refused(root, build_site, caplog, "includes/note.md: ", "outside the project")


def test_an_absolute_snippet_path_is_a_located_error_not_a_crash(tmp_path: Path, build_site, caplog) -> None:
    root = with_snippets(write_sample(tmp_path / "p"))
    secret = outside(tmp_path, "abs.md", f"{SECRET}\n")
    (root / "docs" / "page.md").write_text(f'# Page\n\nText.\n\n--8<-- "{secret}"\n', encoding="utf-8")
    refused(root, build_site, caplog, "docs/page.md:5: ", "a snippet path is relative to the snippet base paths")


def test_a_missing_snippet_and_a_climbing_path_are_located(tmp_path: Path, build_site, caplog) -> None:
    root = with_snippets(write_sample(tmp_path / "p"))
    outside(tmp_path, "up.md", f"{SECRET}\n")
    (root / "docs" / "page.md").write_text('# Page\n\n--8<-- "../elsewhere/up.md"\n', encoding="utf-8")
    refused(root, build_site, caplog, "docs/page.md:3: ", "is not found under the snippet base paths")


def test_snippets_inside_the_project_are_pasted_with_sections_and_lines(tmp_path: Path, build_site) -> None:
    root = with_snippets(write_sample(tmp_path / "p"))
    (root / "includes").mkdir()
    (root / "includes" / "a.md").write_text("Qzpasted one.\n\n--8<-- [start:part]\nQzsection two.\n--8<-- [end:part]\n", encoding="utf-8")
    (root / "docs" / "page.md").write_text(
        '# Page\n\n--8<-- "includes/a.md:1:1"\n\n--8<-- "includes/a.md:part"\n\n;--8<-- "escaped.md"\n', encoding="utf-8"
    )
    html = (build_site(root) / "page" / "index.html").read_text(encoding="utf-8")
    assert "Qzpasted one." in html and "Qzsection two." in html


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("      check_paths: false\n", "check_paths must be true"),
        ("      restrict_base_path: false\n      check_paths: true\n", "restrict_base_path must be true"),
        ("      check_paths: true\n      url_download: true\n", "url_download must be false"),
        ("      base_path: [..]\n      check_paths: true\n", "is outside the project"),
    ],
)
def test_snippets_must_be_configured_to_stay_inside(tmp_path: Path, build_site, caplog, options: str, message: str) -> None:
    root = with_snippets(write_sample(tmp_path / "p"), options=options)
    refused(root, build_site, caplog, "mkdocs.yml: markdown_extensions.pymdownx.snippets", message)


def test_the_projects_own_snippet_configuration_passes() -> None:
    from living_survey.config import project_options

    project = project_options(ROOT / "mkdocs.yml")
    assert project.snippets is not None and project.snippets.check_paths and project.snippets.restrict_base_path
    assert project.snippets.bases == (ROOT,)
    assert "restrict_base_path: true" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


# -- docs pages Markdown cannot read in bounded time --------------------------------------------


def brackets(size: int) -> str:
    return "# Brackets\n\n" + "\n\n".join("[" * 2_000 for _ in range(size // 2_000)) + "\n"


def nested(depth: int) -> str:
    return "# Nested\n\n" + "".join("\t" * i + "- item\n" for i in range(depth))  # a tab is four columns


HOSTILE_PAGES: dict[str, tuple[Callable[[], str], int, str]] = {
    "brackets-20kb": (lambda: "# Brackets\n\n" + "[" * 20_000 + "\n", 3, "this paragraph is 20,000 characters long"),
    "bracket-paragraphs": (lambda: brackets(40_000), 3, "opening brackets ('[', '(' after ']', '<') without a closing partner"),
    "link-targets": (lambda: "# Links\n\n" + "\n\n".join("[a](" * 2_000 for _ in range(8)) + "\n", 3, "make Markdown rescan"),
    "nested-list-600": (lambda: nested(600), 3 + MAX_NESTING, f"levels deep; the limit is {MAX_NESTING}"),
    "quotes-600": (lambda: "# Quotes\n\n" + ">" * 600 + " deep\n", 3, "nests lists, quotes or indentation 600 levels deep"),
    "too-long": (lambda: "# Long\n\n" + "word word word.\n\n" * (DOCS_PAGE_BYTES // 16), 0, f"the limit is {DOCS_PAGE_BYTES:,}"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_a_docs_page_markdown_cannot_read_in_bounded_time_is_refused(tmp_path: Path, build_site, caplog, name: str) -> None:
    make, line, text = HOSTILE_PAGES[name]
    root = write_sample(tmp_path / "p")
    (root / "docs" / "x.md").write_text(make(), encoding="utf-8")
    refused(root, build_site, caplog, f"docs/x.md:{line}: " if line else "docs/x.md: ", text)


def test_a_snippet_is_held_to_the_same_limits(tmp_path: Path, build_site, caplog) -> None:
    root = with_snippets(write_sample(tmp_path / "p"))
    (root / "includes").mkdir()
    (root / "includes" / "deep.md").write_text(nested(100), encoding="utf-8")
    (root / "docs" / "page.md").write_text('# Page\n\n--8<-- "includes/deep.md"\n', encoding="utf-8")
    refused(root, build_site, caplog, f"includes/deep.md:{3 + MAX_NESTING}: ", "levels deep")


NORMAL = """\
# A normal page

Text with a [link](https://example.org/a_(b)), a [reference][ref], an ![image](img.png "t"),
`code [with( brackets`, an <https://example.org> autolink, *emphasis*, __strong__ and a
footnote[^1]. Intervals like [0, 1) and x < y > z are text.

[ref]: https://example.org/ref

!!! note "An admonition"

    With a list:

    - one
        - two
            - three
                - four

> A quote
> > nested once

| a | b |
|---|---|
| [x](#a-normal-page) | `z[0]` |

```python
def f(x: list[int]) -> dict[str, list[int]]:
    return {"a": [x[0], (x[1])]}
```

[^1]: The footnote.
"""


def test_ordinary_markdown_and_the_projects_own_docs_pass(tmp_path: Path, build_site) -> None:
    from living_survey.checks.project_checks import Project, check_files

    assert page_problems(NORMAL * 20, "docs/n.md") == []
    root = write_sample(tmp_path / "p")
    (root / "docs" / "normal.md").write_text(NORMAL, encoding="utf-8")
    (root / "docs" / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    html = (build_site(root) / "normal" / "index.html").read_text(encoding="utf-8")
    assert "An admonition" in html and "footnote" in html
    project = Project(
        root=ROOT,
        framework=ROOT / "framework.yml",
        entries=ROOT / "entries",
        bibliography=ROOT / "references.bib",
        docs_dir=ROOT / "docs",
        citation_file=ROOT / "CITATION.cff",
        snippets=snippet_options(["pymdownx.snippets"], {"pymdownx.snippets": {"check_paths": True}}, ROOT),
    )
    pages, problems = check_files(project)
    assert problems == [] and {p.display for p in pages} >= {"docs/index.md", "docs/design.md"}


# -- growth: the check is linear, and what passes it converts in linear time ---------------------


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The shortest of ``runs`` timings in this thread's CPU time: neither a pause of the shared
    machine nor another test worker on the same cores is read as a cost."""
    best = float("inf")
    for _ in range(runs):
        start = time.thread_time()
        work()
        best = min(best, time.thread_time() - start)
    return best


def paragraphs(unit: str, size: int) -> str:
    """``size`` characters of ``unit`` in paragraphs just under the length limit, so that every scan runs."""
    text = unit * (MAX_PARAGRAPH // len(unit))
    return "\n\n".join(text[: MAX_PARAGRAPH - 10] for _ in range(max(1, size // MAX_PARAGRAPH)))


GROWTH: dict[str, Callable[[int], str]] = {
    "brackets": lambda n: paragraphs("[", n),
    "nested-brackets": lambda n: paragraphs("[" * 50 + "]" * 50, n),
    "link-targets": lambda n: paragraphs("[a](", n),
    "angles": lambda n: paragraphs("<a ", n),
    "nesting": lambda n: "".join("\t" * (i % 30) + "- x\n" for i in range(n // 20)),
    "plain": lambda n: paragraphs("word ", n),
}


@pytest.mark.parametrize("name", sorted(GROWTH))
def test_the_check_grows_linearly_with_the_page(name: str) -> None:
    """1×, 2× and 4× of each hostile input, against plain text of the same size (best of five)."""
    make = GROWTH[name]
    base = 200_000
    texts = {k: make(base * k) for k in (1, 2, 4)}
    times = {k: best_of(5, lambda k=k: page_problems(texts[k], "docs/x.md")) for k in (1, 2, 4)}
    text = GROWTH["plain"](base * 4)
    plain = best_of(5, lambda: page_problems(text, "docs/x.md"))
    # linear: 4× the input costs about 4×; quadratic would be 16×. A floor absorbs timer noise.
    assert times[4] < 8 * max(times[1], 0.005), times
    # and the hostile input costs a small multiple of plain text of the same size, not its square
    assert times[4] < 10 * max(plain, 0.005), (times, plain)


def passing(paragraphs: int) -> str:
    """The worst a page may hold: paragraphs near the length limit, dense with brackets that close."""
    unit = "[a](b) <b>c</b> *d* _e_ `f` " * (MAX_PARAGRAPH // 29)
    return "\n\n".join(unit[: MAX_PARAGRAPH - 10] for _ in range(paragraphs))


def test_what_passes_the_check_converts_in_linear_time() -> None:
    """Markdown's time on pages that pass grows linearly (1×, 2×, 4× paragraphs), against plain text."""
    pages = {k: passing(2 * k) for k in (1, 2, 4)}  # 2, 4 and 8 paragraphs of 10,000 characters
    assert all(page_problems(p, "docs/x.md") == [] for p in pages.values())
    assert all(bracket_work(p)[0] < MAX_BRACKET_WORK for p in pages[4].split("\n\n"))
    md = markdown.Markdown(extensions=["attr_list", "md_in_html", "toc", "footnotes", "tables", "pymdownx.superfences"])

    def convert(text: str) -> Callable[[], object]:
        return lambda: (md.reset(), md.convert(text))

    times = {k: best_of(3, convert(p)) for k, p in pages.items()}
    plain = best_of(3, convert(("word " * (MAX_PARAGRAPH // 5) + "\n\n") * 8))
    # about 5× here (Python-Markdown's placeholders cost a little more on a longer page); quadratic is 16×
    assert times[4] < 8 * times[1], times
    # bounded per paragraph: these dense paragraphs cost a fixed multiple of plain text (about 35× here)
    assert times[4] < 150 * plain + 0.5, (times, plain)
