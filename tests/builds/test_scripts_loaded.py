"""Every built page loads the shared script before the scripts that use its helpers."""

from __future__ import annotations

import re
from pathlib import Path

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>")
SRC = re.compile(r'\bsrc="([^"]+)"')
USERS = ("living-survey-map.js", "living-survey-versions.js", "locator.js", "living-survey-browse.js")


def test_every_page_loads_the_shared_helpers_before_the_scripts_that_use_them(real_site: Path) -> None:
    checked = 0
    for page in real_site.rglob("*.html"):
        # the order they run in: classic scripts as the parser meets them, then the deferred ones
        tags = [
            (re.search(r"\b(?:defer|async|type=\"module\")", attrs) is not None, SRC.search(attrs))
            for attrs in SCRIPT_TAG.findall(page.read_text(encoding="utf-8"))
        ]
        ordered = [src.group(1) for _, src in sorted(((later, src) for later, src in tags if src), key=lambda t: t[0])]
        sources = [src.rsplit("/", 1)[-1].split("?", 1)[0] for src in ordered]
        users = [i for i, name in enumerate(sources) if name in USERS]
        if not users:
            continue
        checked += 1
        assert "living-survey-common.js" in sources, page
        assert sources.index("living-survey-common.js") < min(users), page
    assert checked > 0
    assert (real_site / "assets" / "living-survey-common.js").is_file()
