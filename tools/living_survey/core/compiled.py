"""Compiled templates kept in this process's memory, shared by every Jinja environment that compiles
them the same way.

Jinja compiles a template to Python code once per :class:`~jinja2.Environment`. A build makes
several environments (MkDocs makes the theme's; the engine makes its own for each renderer), and a
process that builds more than once (``mkdocs serve`` on every change, a test session) makes new ones
each time, so the theme's templates were parsed and compiled again on every build: about a third of
a small survey's build. Jinja's documented hook for this is a
:class:`~jinja2.BytecodeCache`; this one lives in memory only, so nothing compiled is ever read from
a file another hand could have written.

Each cached template is found by its name and file (Jinja's key) and used only while its source is
unchanged (Jinja's checksum: an edited override is compiled again). The code Jinja writes depends
on some of the environment's settings too (autoescaping, the delimiters, the white-space rules), so
environments with different settings keep separate caches.
"""

from __future__ import annotations

from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
)
"""The environment's settings that the compiled code depends on, besides autoescaping, ``finalize``,
the undefined type and extensions."""


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates in a dict: nothing is read from or written to disk."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # checks Jinja's magic and the source's checksum

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_caches: dict[tuple[Any, ...], MemoryBytecodeCache] = {}


def _named(value: Any) -> Any:
    """A function by its module and name (a build makes a new one each time; its code is the same)."""
    if callable(value):
        return (getattr(value, "__module__", None), getattr(value, "__qualname__", None))
    return value


def _signature(env: Environment) -> tuple[Any, ...]:
    settings = tuple(getattr(env, name, None) for name in _SETTINGS)
    return (_named(env.autoescape), _named(env.finalize), _named(env.undefined), settings, tuple(sorted(env.extensions)))


def share_compiled(env: Environment) -> Environment:
    """Let ``env`` use (and fill) the process's compiled templates for environments set like it.

    An environment that already has a bytecode cache of its own (set by a theme or another plugin)
    keeps it."""
    if env.bytecode_cache is None:
        env.bytecode_cache = _caches.setdefault(_signature(env), MemoryBytecodeCache())
    return env
