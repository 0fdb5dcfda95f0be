"""Tests that need the source paper's text skip with a reason a contributor can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import SOURCE_TEXT_VARIABLE, source_text


def test_without_the_source_text_the_skip_says_it_is_not_shipped_and_how_to_supply_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.txt"
    monkeypatch.setenv(SOURCE_TEXT_VARIABLE, str(missing))
    with pytest.raises(pytest.skip.Exception) as skipped:
        source_text("the quotes are verbatim")
    reason = str(skipped.value)
    assert "not shipped with the repository" in reason
    assert f"{SOURCE_TEXT_VARIABLE}=/path/to/" in reason and str(missing) in reason
    assert "checks that the quotes are verbatim" in reason
    assert "seeds" not in reason  # a maintainer's private folder means nothing to a contributor


def test_the_variable_supplies_the_source_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paper = tmp_path / "paper.txt"
    paper.write_text("The Empty Signifier Problem", encoding="utf-8")
    monkeypatch.setenv(SOURCE_TEXT_VARIABLE, str(paper))
    assert source_text("anything") == "The Empty Signifier Problem"
