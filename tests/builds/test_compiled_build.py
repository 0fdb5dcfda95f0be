"""A second build in one process (``mkdocs serve``, a test session) compiles none of the theme's page
templates or the engine's again: their compiled templates outlive the build (``core/compiled.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment

from ..conftest import write_sample


def test_a_second_build_compiles_no_template_and_writes_the_same_site(tmp_path: Path, build_site, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build_site(write_sample(tmp_path / "first"))
    compiled: list[str | None] = []
    original = Environment.compile

    def counting(self: Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)
    second = build_site(write_sample(tmp_path / "second"))
    templates = {n for n in compiled if n is not None}  # from_string() sources have no name and are not cached
    # Material's plugins read the site's language through environments of their own, which no hook sees
    assert templates <= {"partials/language.html", "partials/languages/en.html"}, templates
    for page in ("index.html", "entries/alpha-2020/index.html", "references/index.html"):
        assert (first / page).read_text(encoding="utf-8") == (second / page).read_text(encoding="utf-8"), page
