"""Every in-page link of an entry page lands on an id of that page, and no id is given twice.

Entry pages link each quote's source to ``#ref-<key>``. The quoted work is most often the entry's
own, shown under "This work" rather than under "Works cited"; its link must land there too.
Zensical checks these anchors (MkDocs does not), so a missing one fails its strict build.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import SAMPLE_ENTRY, write_sample

_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')


def _article(html: str) -> str:
    start = html.index('<article class="md-content__inner md-typeset">')
    return html[start : html.index("</article>", start)]


def _check_entry_pages(site: Path) -> None:
    pages = sorted((site / "entries").glob("*/index.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        ids = Counter(_ID.findall(html))
        twice = sorted(i for i, n in ids.items() if n > 1)
        assert twice == [], f"{page}: ids given twice: {twice}"
        missing = sorted({target for target in _HREF.findall(_article(html)) if target not in ids})
        assert missing == [], f"{page}: links to anchors the page does not have: {missing}"


def test_a_quote_from_the_entrys_own_work_links_to_an_anchor_on_the_page(tmp_path: Path, build_site: Callable[..., Path]) -> None:
    # the sample's quotes are from each entry's own work (no `cite:`)
    _check_entry_pages(build_site(write_sample(tmp_path / "p")))


@pytest.mark.parametrize("cite_own", [True, False])
def test_own_work_cited_in_the_rationale_keeps_one_anchor(tmp_path: Path, build_site: Callable[..., Path], cite_own: bool) -> None:
    # the rationale citing the entry's own work puts it under "Works cited" as well as "This work"
    rationale = "[@alpha2020open, p. 1]" if cite_own else "[@source2023map, p. 2]"
    entry = SAMPLE_ENTRY.format(key="alpha2020open", quadrant="broad-descriptive", position="[-0.5, -0.5]", quote="which output is better")
    entry = entry.replace("[@source2023map, p. 2]", rationale)
    _check_entry_pages(build_site(write_sample(tmp_path / "p", entries={"alpha-2020": entry})))
