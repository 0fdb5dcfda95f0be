"""A survey whose every contributed field carries markup after a word of its own, for the search tests.

Each field gets a distinct word (``Qwzorg``, ``Qwzdata``, …) followed by an image whose ``onerror``
sets a window flag and opens a dialog. Searching for the word must list the text as text, in the
search index (``&lt;img``) and in a real browser (no dialog, no flag), whether it is typed into the
search box or arrives in the address as ``?q=``. Shared by tests/builds/test_hostile_search.py and
tests/browser/test_hostile_search_browser.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from .conftest import SAMPLE_BIB, write_sample

FLAG = "__pwned_search"
"""The window property a payload would set; a test reads it back (``undefined`` when nothing ran)."""


def payload(word: str) -> str:
    """The word, then markup that would run script if it were ever inserted as HTML."""
    return f'{word} <img src=x onerror="window.{FLAG}=1;alert(document.domain)"> <script>window.{FLAG}=2</script>'


FIELDS = {
    "organisation": "Qwzorg",
    "datasets": "Qwzdata",
    "signal": "Qwzsignal",
    "author": "Qwzauthor",
    "editor": "Qwzeditor",
    "title": "Qwztitle",
    "venue": "Qwzvenue",
    "quote": "Qwzquote",
    "rationale": "Qwzrationale",
    "edge_case": "Qwzedge",
    "placed_by": "Qwzplacer",
}
"""Each contributed field and the word that finds it (``signal``: the vocabulary label an entry's
signal shows; ``placed_by``: the label of the published work named by an entry's placed_by)."""


def _bib(text: str) -> str:
    from living_survey.pages.cite_survey import bibtex_escape

    return bibtex_escape(text)


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_search_hostile(root: Path) -> Path:
    """The sample survey plus one entry carrying every field's payload, one whose work has only
    editors, and a vocabulary label with markup; returns the project folder."""
    p = {field: payload(word) for field, word in FIELDS.items()}
    bib = SAMPLE_BIB + (
        "@article{qwz2020,\n"
        f"  author = {{{{{_bib(p['author'])}}} and Other, Otto}},\n"
        f"  title = {{{_bib(p['title'])}}},\n"
        f"  journal = {{{_bib(p['venue'])}}},\n"
        "  year = {2020}\n}\n"
        "@book{qwzedited2019,\n"
        f"  editor = {{{{{_bib(p['editor'])}}}}},\n"
        "  title = {An edited volume},\n"
        "  publisher = {Press},\n"
        "  year = {2019}\n}\n"
        "@misc{qwzplacer2024,\n"
        f"  author = {{{{{_bib(p['placed_by'])}}}}},\n"
        "  title = {A survey that places works},\n"
        "  year = {2024}\n}\n"
    )
    write_sample(root, bib=bib)
    framework = (root / "framework.yml").read_text(encoding="utf-8")
    # the framework is the maintainers' file, yet its labels reach the search index through entries too
    framework, count = re.subn(r"(?m)^(\s+label: )Comparisons$", lambda m: m.group(1) + _yaml(p["signal"]), framework)
    assert count == 1, "the shipped framework's signal vocabulary changed"
    (root / "framework.yml").write_text(framework, encoding="utf-8")
    (root / "entries" / "qwz.yaml").write_text(
        "key: qwz2020\n"
        "quadrant: broad-descriptive\n"
        "position: [-0.3, -0.7]\n"
        "quotes:\n"
        # not first: the theme's index keeps the opening quotation mark on the first word
        f"  - text: {_yaml('In short, ' + p['quote'])}\n"
        '    page: "5"\n'
        f"rationale: {_yaml(p['rationale'])}\n"
        f"edge_case: {_yaml(p['edge_case'])}\n"
        "signal: [comparisons]\n"
        "placed_by: qwzplacer2024\n"
        f"organisation: {_yaml(p['organisation'])}\n"
        "datasets:\n"
        f"  - name: {_yaml(p['datasets'])}\n"
        'added: "2024-02-01"\n',
        encoding="utf-8",
    )
    (root / "entries" / "qwz-edited.yaml").write_text(
        "key: qwzedited2019\n"
        "quadrant: specific-prescriptive\n"
        "quotes:\n"
        '  - text: "an edited quote"\n'
        '    page: "1"\n'
        "rationale: Edited.\n"
        'placed_by: "@Mallory"\n'
        'added: "2024-02-02"\n',
        encoding="utf-8",
    )
    return root


def build_search_hostile(root: Path) -> Path:
    """Write and strictly build the survey; returns the site folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if root.exists():
        shutil.rmtree(root)
    write_search_hostile(root)
    build(load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site")))
    return root / "site"
