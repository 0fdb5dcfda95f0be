"""Hostile build caches: what a pull request (or a cache restored from elsewhere) can put under
``.cache/living-survey/`` must never reach the site.

Each case plants a forged cache in a project and builds it for real. Two kinds of forgery:

- **public salt**: the cache as the previous format kept it, whose salt and keys anyone can
  compute from public things (the package's code, the library versions, the inputs). The forged
  records are written exactly as that code would have read them;
- **this machine**: records signed with this machine's own secret, as only a build on this
  machine could write them: they must still pass every check of a freshly read entry.

Nothing forged may be published (entry page, search index, data files, feeds, references page),
and no build may end in a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import random
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort

from living_survey.core.yamlio import load_yaml
from living_survey.model import inputs_cache as build_cache
from living_survey.model.framework import load_framework
from living_survey.model.inputs_cache import EntryCache
from living_survey.model.survey import load_survey

from ..conftest import _git, copy_project, living_survey

# these tests look into the project's own cache folder: their builds do not share the session's
pytestmark = pytest.mark.own_cache

CACHE = Path(".cache/living-survey")
FORGED = "Qzforgedtextxq"
"""A word no input holds: it must appear nowhere in a built site."""


def _site_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(site.rglob("*")) if p.is_file() and p.suffix != ".gz")


def _v1_salt(salt: str) -> str:
    """The earlier format's salt: a plain hash of public things, which anyone can compute."""
    return hashlib.sha256(f"1\0{build_cache._source_digest()}\0{salt}".encode()).hexdigest()


def _v1_record(entry: Any) -> dict[str, Any]:
    record = dataclasses.asdict(entry)
    record["drawn"] = entry.drawn.decode("utf-8")
    return record


def plant_public(root: Path, entry_changes: dict[str, dict[str, Any]], title: str | None = None) -> None:
    """A forged inputs cache in the earlier format, salted and keyed as that code computed it from
    public things: ``entry_changes`` replace fields of the entries named, ``title`` the title of
    every reference."""
    survey = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib")
    folder = root / CACHE / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    records = {}
    for entry in survey.entries:
        data = (root / entry.path).read_bytes()
        key = hashlib.sha256(entry.path.encode() + b"\0" + entry.id.encode() + b"\0" + data).hexdigest()
        records[key] = {**_v1_record(entry), **entry_changes.get(entry.id, {})}
    framework = load_framework(root / "framework.yml", "framework.yml")
    stored = {"version": 1, "salt": _v1_salt(repr(framework)), "entries": records}
    (folder / "entries.json").write_text(json.dumps(stored), encoding="utf-8")
    if title is not None:
        text = (root / "references.bib").read_text(encoding="utf-8")
        references = {}
        for reference in survey.library:
            record = dataclasses.asdict(reference)
            record["fields"] = {**reference.fields, "title": title}
            references[reference.key] = record
        salt = _v1_salt(hashlib.sha256(f"references.bib\0{text}".encode()).hexdigest())
        content = {"version": 1, "salt": salt, "references": references, "labels_digest": survey.library.labels_digest}
        (folder / "bibliography.json").write_text(json.dumps(content), encoding="utf-8")


def machine_secret() -> bytes:
    # imported when used, so that the public-salt cases also run against code that has no secret
    from living_survey.core.keyed import machine_secret

    return machine_secret()


def plant_signed(root: Path, secret: bytes, entry_values: dict[str, Callable[[dict[str, Any]], Any]]) -> None:
    """A cache in today's format, signed with ``secret``: each entry named in ``entry_values`` keeps
    the value the function makes of its file's YAML value instead of that value."""
    framework = load_framework(root / "framework.yml", "framework.yml")
    cache = EntryCache(root / CACHE / "inputs" / "entries.json", repr(framework), secret)
    for path in sorted((root / "entries").glob("*.yaml")):
        data, display = path.read_bytes(), path.relative_to(root).as_posix()
        doc, problems = load_yaml(data, display)
        assert not problems
        if path.stem in entry_values:
            doc = dataclasses.replace(doc, value=entry_values[path.stem](doc.value))
        cache.put(cache.key(display, path.stem, data), path.stem, display, doc)
    cache.save()


# -- a fresh clone at another path, with a forged cache committed or left in it ---------------------------


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's files, as a fresh clone at another path has them (no cache)."""
    root = tmp_path_factory.mktemp("clone") / "alignment-coordinates"
    root.mkdir()
    copy_project(root)
    return root


def _fresh(clone: Path, tmp_path: Path) -> Path:
    root = tmp_path / "clone"
    shutil.copytree(clone, root)
    return root


ZIEGLER = "entries/ziegler-2019.yaml"


def _ziegler_forgery() -> dict[str, Any]:
    return {
        "rationale": f"{FORGED} rationale <b>bold</b>",
        "quotes": [{"text": f"{FORGED} first quote", "cite": "ziegler2019fine", "page": "1", "via": None, "cited_page": None}],
        "placed_by": f"@{FORGED.lower()}",
    }


def test_a_cache_salted_with_public_things_publishes_nothing_forged(clone: Path, tmp_path: Path, build_site) -> None:
    """The issue's first two cases: a committed ``entries.json`` changing the rationale, the first
    quote and ``placed_by`` of the unchanged ziegler-2019 entry, and a committed
    ``bibliography.json`` changing a reference's title. The build reads the files instead."""
    root = _fresh(clone, tmp_path)
    plant_public(root, {"ziegler-2019": _ziegler_forgery()}, title=f"{FORGED} title")
    site = build_site(root)
    text = _site_text(site)
    assert FORGED not in text and FORGED.lower() not in text
    page = (site / "entries" / "ziegler-2019" / "index.html").read_text(encoding="utf-8")
    assert "Fine-Tuning Language Models from Human Preferences" in page
    data = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))
    assert FORGED not in json.dumps(data)
    for name in ("search/search_index.json", "feed.xml", "feed.json", "references/index.html"):
        assert FORGED not in (site / name).read_text(encoding="utf-8"), name


def test_a_cache_signed_with_another_secret_publishes_nothing_forged(clone: Path, tmp_path: Path, build_site) -> None:
    """Today's format, keyed and signed by someone who knows it but not this machine's secret."""
    root = _fresh(clone, tmp_path)
    forged = _ziegler_forgery()
    plant_signed(
        root,
        secrets.token_bytes(32),
        {"ziegler-2019": lambda v: {**v, **forged, "quotes": [{"text": forged["quotes"][0]["text"], "page": "1"}]}},
    )
    text = _site_text(build_site(root))
    assert FORGED not in text and FORGED.lower() not in text


def test_a_committed_cache_is_a_located_error_in_validate_and_build(clone: Path, tmp_path: Path, build_site, caplog) -> None:
    root = _fresh(clone, tmp_path)
    assert living_survey("validate", root=root).returncode == 0
    plant_public(root, {"ziegler-2019": _ziegler_forgery()})
    _git(root, "init", "-q")
    assert living_survey("validate", root=root).returncode == 0, "an untracked cache is no error"
    _git(root, "add", "-f", ".cache/living-survey/inputs/entries.json")
    result = living_survey("validate", root=root)
    expected = ".cache/living-survey/inputs/entries.json: is committed to git in the plugin's cache folder"
    assert result.returncode == 1 and expected in result.stdout + result.stderr, result.stdout + result.stderr
    with pytest.raises(Abort):
        build_site(root)
    assert expected in caplog.text
    assert not (root / "site").exists()


def test_a_cache_inside_docs_dir_is_a_located_error(sample: Path, build_site, caplog) -> None:
    """Outside a git checkout (no error for want of git), a cache folder in docs_dir is refused."""
    yml = sample / "mkdocs.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("      entry_edit_uri: edit/main/\n", "      cache_dir: docs/.cache\n"), encoding="utf-8"
    )
    result = living_survey("validate", root=sample)
    assert result.returncode == 1 and "docs/.cache: cache_dir: the plugin's cache folder is inside docs_dir (docs)" in result.stdout
    with pytest.raises(Abort):
        build_site(sample)
    assert "docs/.cache: cache_dir:" in caplog.text


def test_no_git_checkout_no_error(sample: Path, build_site) -> None:
    """Without a repository the tracked-file check has nothing to ask; the build goes on."""
    assert not (sample / ".git").exists()
    assert living_survey("validate", root=sample).returncode == 0
    assert (build_site(sample) / "index.html").is_file()


# -- records that fail an entry's checks: dropped, the file read afresh ---------------------------------------

CASES: dict[str, tuple[dict[str, Any], Callable[[dict[str, Any]], Any], str]] = {
    # name: (the change to an earlier-format record, the same change to a YAML value, a word that must not be published)
    "out-of-vocabulary-signal": ({"signal": ["evilsignalword"]}, lambda v: {**v, "signal": ["evilsignalword"]}, "evilsignalword"),
    "impossible-date": ({"added": "9999-99-99"}, lambda v: {**v, "added": "9999-99-99"}, "9999-99-99"),
    "future-date": ({"added": "9999-12-31"}, lambda v: {**v, "added": "9999-12-31"}, "9999-12-31"),
    "unknown-quadrant": ({"quadrant": "evil-quadrant"}, lambda v: {**v, "quadrant": "evil-quadrant"}, "evil-quadrant"),
    "huge-coordinate": ({"position": [5e308, -7]}, lambda v: {**v, "position": [5e308, -7]}, "e+308"),
    "deep-nesting": ({"rationale": [[[[["x"]]]]] * 3}, lambda v: {**v, "rationale": json.loads("[" * 500 + "]" * 500)}, "[[[[["),
    "wrong-types": (
        {"quotes": FORGED, "signal": {"a": 1}},
        lambda v: {**v, "quotes": FORGED, "signal": {"a": 1}},
        FORGED,
    ),
}


@pytest.mark.parametrize("kind", ["public-salt", "this-machine"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_record_that_fails_an_entry_check_is_read_afresh(sample: Path, build_site, kind: str, case: str) -> None:
    record_change, value_change, word = CASES[case]
    fresh = _site_text(build_site(sample))
    assert word not in fresh
    shutil.rmtree(sample / CACHE / "inputs")  # the inputs this build kept; the figure's stay
    if kind == "public-salt":
        plant_public(sample, {"alpha-2020": record_change})
    else:
        plant_signed(sample, machine_secret(), {"alpha-2020": value_change})
    site = build_site(sample)  # no traceback, no error: the file itself is valid
    assert word not in _site_text(site)
    data = json.loads((site / "data" / "entries.json").read_text(encoding="utf-8"))
    assert "-0.5" in json.dumps(data) and "Infinity" not in json.dumps(data)
    assert "<updated>9999" not in (site / "feed.xml").read_text(encoding="utf-8")


def test_fuzzed_records_never_give_a_traceback(sample: Path) -> None:
    """Records signed with this machine's secret whose fields hold values of every wrong type and
    range (seeded): loading never raises anything but a located error, and every entry loaded is
    the file's own."""
    rng = random.Random(29)
    odd: list[Any] = [
        None, True, 0, -1, 2**70, 1.5, -1e308, 1e-320, "", " ", "x" * 5000, "\u202e", "\x00", "9999-99-99",
        "2020-02-30", "evil-quadrant", [], [None], [[]], {}, {"": None}, {"a": [1, {"b": []}]}, [1, 2, 3], ["a", "b"],
        [0.5, 0.5], [-0.5, -0.5], [True, False], [5e308, -7], {"text": 1, "page": []},
    ]  # fmt: skip
    root = sample
    expected = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib").entries
    fields = [
        "key",
        "quadrant",
        "position",
        "quotes",
        "rationale",
        "signal",
        "edge_case",
        "placed_by",
        "organisation",
        "datasets",
        "added",
        "extra",
    ]
    framework = load_framework(root / "framework.yml", "framework.yml")
    signals = {t.id for t in framework.vocabularies.get("signal", ())}
    refused = 0
    for _ in range(120):
        changes = {rng.choice(fields): rng.choice(odd) for _ in range(rng.randint(1, 3))}
        if rng.random() < 0.3:
            changes["quotes"] = [{rng.choice(["text", "page", "cite", "via", "cited_page", "x"]): rng.choice(odd)}]
        shutil.rmtree(root / CACHE, ignore_errors=True)
        plant_signed(root, machine_secret(), {"alpha-2020": lambda v, c=changes: {**v, **c}})
        loaded = load_survey(root, root / "framework.yml", root / "entries", root / "references.bib", build_cache=root / CACHE / "inputs")
        if loaded.entries == expected:
            refused += 1
            continue
        # a record signed here that passes every check is a valid entry: it must obey every rule
        entry = next(e for e in loaded.entries if e.id == "alpha-2020")
        assert entry.quadrant in framework.quadrant_ids and set(entry.signal) <= signals, changes
        assert datetime.date.fromisoformat(entry.added) <= datetime.date.today() + datetime.timedelta(days=1), changes
        assert entry.position is None or all(isinstance(c, int | float) and -1 <= c <= 1 for c in entry.position), changes
        assert all(isinstance(q.text, str) and q.text.strip() for q in entry.quotes) and isinstance(entry.rationale, str), changes
    assert refused >= 80, "the fuzzer made too few invalid records to test anything"


# -- the figure cache ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["edited-file", "forged-manifest"])
def test_a_tampered_figure_cache_is_drawn_again(sample: Path, build_site, how: str) -> None:
    """An SVG in the figure cache given an ``onerror`` attribute (the map script's cleaning is not the
    only guard): the build draws the figure again instead of publishing it. With a manifest
    rewritten to match, as the earlier plain-JSON manifest allowed, likewise."""
    build_site(sample)
    (folder,) = [p for p in (sample / CACHE / "figure").iterdir() if p.is_dir()]
    payload = '<image href="x" onerror="window.__pwned=1"/>'
    for name in ("map.svg", "figure1.svg"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace("</svg>", payload + "</svg>"), encoding="utf-8")
    if how == "forged-manifest":
        names = [p.name for p in folder.iterdir() if p.name != "manifest.json"]
        (folder / "manifest.json").write_text(json.dumps({"key": folder.name, "files": names}), encoding="utf-8")
    site = build_site(sample)
    for name in ("map.svg", "figure1.svg"):
        published = (site / "assets" / name).read_text(encoding="utf-8")
        assert "onerror" not in published and "__pwned" not in published, name
        assert "onerror" not in (folder / name).read_text(encoding="utf-8"), "the cache still holds the tampered file"
    assert "__pwned" not in _site_text(site)
