"""Compiled templates shared across Jinja environments (``core/compiled.py``): reused only when the
source and the settings that shape the compiled code are the same."""

from __future__ import annotations

from typing import Any

import pytest
from jinja2 import DictLoader, Environment

from living_survey.core.compiled import share_compiled
from living_survey.core.markup import template_env

NAME = "test-compiled-template.html"


def _env(source: str, **settings: Any) -> Environment:
    return share_compiled(Environment(loader=DictLoader({NAME: source}), **settings))


def _no_compiling(env: Environment) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled again")

    env.compile = refuse  # type: ignore[method-assign]


def test_a_second_environment_set_alike_runs_the_first_ones_compiled_code() -> None:
    source = "<b>{{ x }}</b> compiled once"
    assert _env(source, autoescape=True).get_template(NAME).render(x="<i>") == "<b>&lt;i&gt;</b> compiled once"
    again = _env(source, autoescape=True)
    _no_compiling(again)
    assert again.get_template(NAME).render(x="<i>") == "<b>&lt;i&gt;</b> compiled once"


def test_an_edited_source_is_compiled_again() -> None:
    _env("first {{ x }}", trim_blocks=True).get_template(NAME).render(x=1)
    edited = _env("second {{ x }}", trim_blocks=True)
    assert edited.get_template(NAME).render(x=1) == "second 1"


@pytest.mark.parametrize(
    ("source", "first", "second", "expected"),
    [
        ("{{ x }}", {"autoescape": True}, {"autoescape": False}, "<i>"),
        ("{{ x }}", {"autoescape": False}, {"autoescape": True}, "&lt;i&gt;"),
        ("{{ x }}", {}, {"finalize": lambda v: "F"}, "F"),
        ("{{ x }}[[ x ]]", {}, {"variable_start_string": "[[", "variable_end_string": "]]"}, "{{ x }}<i>"),
        ("a\n{% if 1 %}\nb{% endif %}", {}, {"trim_blocks": True}, "a\nb"),
    ],
)
def test_environments_set_otherwise_never_run_each_others_code(
    source: str, first: dict[str, Any], second: dict[str, Any], expected: str
) -> None:
    _env(source, **first).get_template(NAME).render(x="<i>")
    assert _env(source, **second).get_template(NAME).render(x="<i>") == expected


def test_an_environment_with_its_own_cache_keeps_it() -> None:
    from jinja2 import FileSystemBytecodeCache

    own = FileSystemBytecodeCache("/nonexistent-never-written")
    env = Environment(loader=DictLoader({NAME: "x"}), bytecode_cache=own)
    assert share_compiled(env).bytecode_cache is own


def test_the_engines_renderers_share_their_compiled_templates() -> None:
    first = template_env()
    first.get_template("minimap.svg")
    second = template_env()
    _no_compiling(second)
    assert second.get_template("minimap.svg") is not None
