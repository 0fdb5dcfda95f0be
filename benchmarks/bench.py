"""`make bench`: the plugin's build against plain MkDocs + Material on the same machine.

For each size (20, 1,000 and 10,000 entries by default) it writes a synthetic survey and builds
it twice, each build in its own process:

- **plugin**: entries/*.yaml + references.bib + the `living-survey` plugin;
- **plain**: the same pages written out by hand as Markdown (same page count, same text),
  built by MkDocs + Material with no plugin but search.
- **plugin with ProperDocs**: the plugin's project again, built by ``properdocs build`` (ProperDocs
  1.6, the maintained fork of MkDocs 1.x), reported as not measured when it is not installed;
- **generate + Zensical**: ``living-survey generate`` (the survey as plain sources), then a
  strict ``zensical build`` of them, each in its own process; measured when Zensical is installed
  (``make zensical`` puts it in ``.venv-zensical/``), reported as not measured otherwise.

It reports wall time, peak memory (max RSS of the build process), the ratio of the two, entry
page size, search index bytes per entry, validation time and Figure 1's time cold and cached,
and, for readers, the home and quadrant pages' HTML size, the map file's size, and (at 1,000
entries, in Chromium) the bytes a first visit to the home page transfers and the time until the
map answers input; it writes the tables to docs/benchmarks.md with a line describing the machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "preference feedback annotators guidelines helpful harmless honest summary dialogue model "
    "comparison rating crowdworkers policy definition trait behaviour dataset label quality "
    "instruction response values culture safety truthful concise relevant fluent coherent"
).split()
SURNAMES = ("Smith", "Chen", "Garcia", "Okafor", "Nguyen", "Müller", "Kowalski", "Haddad", "Ivanova", "Tanaka")

MKDOCS_COMMON = """\
site_name: Benchmark survey
site_url: https://example.org/bench/
theme:
  name: material
  font: false
  features: [content.code.copy]
markdown_extensions: [admonition, attr_list, md_in_html, toc, tables, pymdownx.highlight, pymdownx.superfences]
"""


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def synthetic(n: int, seed: int = 7) -> list[dict]:
    """n works with their entries; deterministic for a seed."""
    rng = random.Random(seed)
    quadrants = [
        ("broad-prescriptive", -1, 1),
        ("specific-prescriptive", 1, 1),
        ("broad-descriptive", -1, -1),
        ("specific-descriptive", 1, -1),
    ]
    works = []
    for i in range(n):
        qid, sx, sy = quadrants[i % 4]
        authors = [f"{rng.choice(SURNAMES)}, {rng.choice('ABCDEFGHJK')}." for _ in range(rng.randint(1, 6))]
        works.append(
            {
                "id": f"work-{i:05d}",
                "key": f"work{i:05d}",
                "authors": authors,
                "title": sentence(rng, 8).rstrip("."),
                "year": str(2015 + i % 10),
                "quadrant": qid,
                "position": [round(sx * rng.uniform(0.05, 1), 3), round(sy * rng.uniform(0.05, 1), 3)],
                "quotes": [(sentence(rng, 18), str(rng.randint(1, 40))) for _ in range(2)],
                "rationale": " ".join(sentence(rng, 14) for _ in range(4)),
                "added": (datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 1500)).isoformat(),
            }
        )
    return works


def bibtex(work: dict) -> str:
    return (
        f"@misc{{{work['key']},\n  author = {{{' and '.join(work['authors'])}}},\n  title = {{{work['title']}}},\n"
        f"  year = {{{work['year']}}},\n  eprint = {{2401.{work['key'][-5:]}}},\n  archiveprefix = {{arXiv}}\n}}\n"
    )


def write_plugin_project(folder: Path, works: list[dict]) -> None:
    shutil.copy(ROOT / "framework.yml", folder / "framework.yml")
    (folder / "references.bib").write_text("\n".join(bibtex(w) for w in works), encoding="utf-8")
    entries = folder / "entries"
    entries.mkdir()
    for w in works:
        quotes = "".join(f'  - text: "{t}"\n    page: "{p}"\n' for t, p in w["quotes"])
        (entries / f"{w['id']}.yaml").write_text(
            f"key: {w['key']}\nquadrant: {w['quadrant']}\nposition: [{w['position'][0]}, {w['position'][1]}]\n"
            f'quotes:\n{quotes}rationale: >-\n  {w["rationale"]}\nsignal: [comparisons]\nplaced_by: "@bench"\n'
            f"datasets:\n  - name: {w['key'].upper()}\n    url: https://example.org/{w['key']}\nadded: {w['added']}\n",
            encoding="utf-8",
        )
    docs = folder / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Benchmark survey\n\n<!-- living-survey:figure -->\n\n<!-- living-survey:grid -->\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(MKDOCS_COMMON + "plugins:\n  - search\n  - living-survey\n", encoding="utf-8")


VOICE_QUOTE = (
    "A passage of the work, quoted at the length a careful contributor gives so that a reader sees what the "
    "placement rests on without opening the paper: the words about who writes the guidelines and who reads them"
)
VOICE_RATIONALE = (
    "Another reading of the same evidence, in the words a contributor would use to say why the work belongs in "
    "this quadrant rather than in the one of its first placement: the guidelines name the dimensions, yet they "
    "leave the annotators room to read them, and the paper says as much where it describes its raters. "
)


VOICES = 2
"""More placements, by new contributors, of the work with the most authors in the weight survey."""
HEAVIEST = "heaviest"
"""``crowded=HEAVIEST``: crowd the synthetic works into the quadrant of the work with the most authors."""


def heaviest_work(folder: Path) -> tuple[str, str]:
    """The key of the surveyed work with the most authors in a project's data, and the quadrant of
    its first placement: the work whose entry pages weigh most, found from the data, not by name."""
    from living_survey import load_survey

    survey = load_survey(folder, folder / "framework.yml", folder / "entries", folder / "references.bib")

    def authors(key: str) -> int:
        return len([a for a in survey.library[key].authors if not a.is_others])

    first = max(survey.entries, key=lambda e: (authors(e.key), e.key))
    return first.key, first.quadrant


def add_voices(folder: Path, key: str, count: int) -> list[str]:
    """``count`` more placements of the work ``key``, each by a new contributor, in quadrants other than
    its first placement's, with long but valid content (four quotes and a rationale of several sentences):
    what contributors do to a surveyed work. Returns the new entries' ids (listed as published)."""
    import yaml

    quadrants = yaml.safe_load((folder / "framework.yml").read_text(encoding="utf-8"))["quadrants"]
    first = next(
        d for d in (yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((folder / "entries").glob("*.yaml"))) if d["key"] == key
    )
    others = [q for q in quadrants if q["id"] != first["quadrant"]]
    ids = []
    for i in range(count):
        q = others[i % len(others)]
        handle = f"@another-reader-of-the-survey-{i + 1}"  # long, as GitHub handles may be (39 characters at most)
        entry = {
            "key": key,
            "quadrant": q["id"],
            "position": [round(0.3 * q["x"] + 0.05 * i * q["x"], 3), round(0.6 * q["y"] - 0.05 * i * q["y"], 3)],
            "quotes": [{"text": f"{VOICE_QUOTE} ({n + 1}).", "page": str(n + 3)} for n in range(4)],
            "rationale": VOICE_RATIONALE * 3,
            "signal": first.get("signal", []),
            "placed_by": handle,
            "added": "2026-12-01",
        }
        entry_id = f"voice-{i + 1}-{key.lower()}"
        (folder / "entries" / f"{entry_id}.yaml").write_text(yaml.safe_dump(entry, sort_keys=False, allow_unicode=True), encoding="utf-8")
        ids.append(entry_id)
    with (folder / "permanent-ids.txt").open("a", encoding="utf-8") as ledger:  # new pages must be listed
        ledger.write("".join(f"entries/{i}\n" for i in ids))
    return ids


def write_site_project(folder: Path, n: int, *, crowded: bool | str = False, voices: int = 0, placed_by: str | None = None) -> None:
    """The survey's own site (its mkdocs.yml, docs/, framework, entries and references) grown to ``n``
    entries with synthetic works: the pages as readers get them, navigation and head included.
    With ``crowded``, every synthetic work is placed in one quadrant: the framework's first, or with
    :data:`HEAVIEST`, the quadrant of the work with the most authors (:func:`heaviest_work`). With
    ``voices``, that work gets as many more placements by new contributors (:func:`add_voices`),
    counted in ``n``. With ``placed_by``, only the committed placements that placer made are kept
    (the weight tests keep the source's launch placements: what they bound is the weight the
    engine puts around a page's content, which a contribution's own length must not decide)."""
    # the survey as committed at HEAD (what is published), so that files and ledger always agree
    import io
    import tarfile

    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    if placed_by is not None:
        _keep_placements_by(folder, placed_by)
    heaviest, home = heaviest_work(folder) if voices or crowded == HEAVIEST else ("", "")
    if voices:
        add_voices(folder, heaviest, voices)
    works = synthetic(max(0, n - len(list((folder / "entries").glob("*.yaml")))))
    if crowded:
        import yaml

        quadrants = yaml.safe_load((folder / "framework.yml").read_text(encoding="utf-8"))["quadrants"]
        crowd = next((q for q in quadrants if crowded == HEAVIEST and q["id"] == home), quadrants[0])
        sx, sy = (1 if crowd["x"] > 0 else -1), (1 if crowd["y"] > 0 else -1)
        for w in works:
            w["quadrant"] = crowd["id"]
            w["position"] = [sx * abs(w["position"][0]), sy * abs(w["position"][1])]
    scratch = folder / ".synthetic"
    scratch.mkdir()
    write_plugin_project(scratch, works)
    for path in (scratch / "entries").glob("*.yaml"):
        shutil.copy(path, folder / "entries" / path.name)
    with (folder / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n" + (scratch / "references.bib").read_text(encoding="utf-8"))
    with (folder / "permanent-ids.txt").open("a", encoding="utf-8") as ids:  # new pages must be listed
        ids.write("".join(f"entries/{w['id']}\n" for w in works))
    shutil.rmtree(scratch)


def _keep_placements_by(folder: Path, placer: str) -> None:
    """Remove every entry of the project in ``folder`` that ``placer`` did not place, and its line in
    the permanent-id ledger (a removed page is not published)."""
    import yaml

    removed = set()
    for path in sorted((folder / "entries").glob("*.yaml")):
        if yaml.safe_load(path.read_text(encoding="utf-8")).get("placed_by") != placer:
            path.unlink()
            removed.add(f"entries/{path.stem}")
    ledger = folder / "permanent-ids.txt"
    lines = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    ledger.write_text("".join(line for line in lines if line.strip() not in removed), encoding="utf-8")


ENTRY_KB_LIMIT = 24
"""The largest entry page of the site at 1,000 entries, in KB (16.6 KB on the bench's own
configuration before the navigation and head grew; 32.7 KB when issue #27 was filed)."""
QUADRANT_KB_LIMIT = 150
"""Every quadrant page of the site at 1,000 entries, in KB, however the works are spread."""


def page_weights(site: Path) -> dict:
    """The largest entry page and the largest quadrant page of a built site, in KB."""
    entries = max((p.stat().st_size, p.parent.name) for p in (site / "entries").glob("*/index.html"))
    quadrants = max((p.stat().st_size, p.parent.name) for p in (site / "quadrants").glob("*/index.html"))
    return {"entry_kb": entries[0] / 1024, "entry": entries[1], "quadrant_kb": quadrants[0] / 1024, "quadrant": quadrants[1]}


def site_weights(n: int, work_dir: Path) -> dict:
    """:func:`page_weights` of the survey's own site grown to ``n`` entries, spread over the quadrants,
    crowded into one, and crowded into the quadrant of the work with the most authors, which has
    :data:`VOICES` more placements by new contributors; each built in a fresh process."""
    out = {}
    for name, crowded, voices in (("spread", False, 0), ("crowded", True, 0), ("voiced", HEAVIEST, VOICES)):
        folder = work_dir / f"site-{n}-{name}"
        folder.mkdir()
        write_site_project(folder, n, crowded=crowded, voices=voices)
        timed_build(folder)
        out[name] = page_weights(folder / "site")
    return out


def write_plain_project(folder: Path, works: list[dict]) -> None:
    """The same pages as hand-written Markdown: index, four quadrant pages, references, the browse,
    recent, contested, changes and locator pages, and one page per entry."""
    docs = folder / "docs"
    (docs / "entries").mkdir(parents=True)
    (docs / "quadrants").mkdir()
    (docs / "index.md").write_text("# Benchmark survey\n\n![Figure 1](figure.svg)\n", encoding="utf-8")
    (docs / "figure.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    by_quadrant: dict[str, list[dict]] = {}
    for w in works:
        by_quadrant.setdefault(w["quadrant"], []).append(w)
        label = f"{w['authors'][0].split(',')[0]}{' et al.' if len(w['authors']) > 2 else ''}, {w['year']}"
        quotes = "\n\n".join(f"> “{t}”\n>\n> — {label}, p. {p}" for t, p in w["quotes"])
        (docs / "entries" / f"{w['id']}.md").write_text(
            textwrap.dedent(
                f"""\
                # {w["title"]}

                {"; ".join(w["authors"])} ({w["year"]}). arXiv:2401.{w["key"][-5:]}.

                Quadrant
                :   [{w["quadrant"]}](../quadrants/{w["quadrant"]}.md)

                Position
                :   {w["position"][0]}, {w["position"][1]}

                ## Quotes

                """
            )
            + quotes
            + f"\n\n## Rationale\n\n{w['rationale']}\n\n## Reference\n\n{'; '.join(w['authors'])} ({w['year']}). *{w['title']}*.\n\n"
            + "```bibtex\n"
            + bibtex(w)
            + "```\n\n## Cite this page\n\n```bibtex\n@misc{bench,\n  title = {"
            + w["title"]
            + "}\n}\n```\n",
            encoding="utf-8",
        )
    for qid, members in by_quadrant.items():
        items = "\n".join(f"- [{m['title']}](../entries/{m['id']}.md) — “{m['quotes'][0][0]}”" for m in members)
        (docs / "quadrants" / f"{qid}.md").write_text(f"# {qid}\n\n## Entries\n\n{items}\n", encoding="utf-8")
    refs = "\n".join(f"1. {'; '.join(w['authors'])} ({w['year']}). *{w['title']}*." for w in works)
    (docs / "references.md").write_text(f"# References\n\n{refs}\n", encoding="utf-8")
    # the plugin's other pages, with the same titles, so that both sites have the same pages and
    # the same navigation (the theme renders the whole navigation into every page, entries included)
    recent = sorted(works, key=lambda w: w["added"], reverse=True)[:30]
    extra = {
        "browse": ("Browse all works", "Every work, sortable and filterable, and the data as CSV and JSON.\n"),
        "recent": ("Recently added", "".join(f"- {w['added']}: [{w['title']}](entries/{w['id']}.md)\n" for w in recent)),
        "contested": ("Contested placements", "No work has two placements that disagree.\n"),
        "changes": ("What changed", "No release has been tagged yet.\n"),
        "place-your-dataset": ("Place your dataset", "".join(f"{i}. {sentence(random.Random(i), 12)}\n" for i in range(1, 7))),
    }
    for name, (title, body) in extra.items():
        (docs / f"{name}.md").write_text(f"# {title}\n\n{body}", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(MKDOCS_COMMON + "plugins:\n  - search\nnot_in_nav: |\n  /entries/\n", encoding="utf-8")


BUILD = (
    "import sys, pathlib\n"
    "from mkdocs.commands.build import build\n"
    "from mkdocs.config import load_config\n"
    "build(load_config(sys.argv[1], site_dir=sys.argv[2]))\n"
    # VmHWM is this process's own peak RSS; getrusage would include the parent's RSS at fork
    "status = pathlib.Path('/proc/self/status').read_text().splitlines()\n"
    "print(next(int(l.split()[1]) for l in status if l.startswith('VmHWM')))\n"
)


def timed_build(project: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one build in a fresh process.

    Peak memory is the child's own VmHWM (getrusage's maxrss would include the parent's RSS at
    fork); CPU time is user + system time of the child from wait4.
    """
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", BUILD, str(project / "mkdocs.yml"), str(site)],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"build of {project} failed:\n{err[-3000:]}")
    return wall, _cpu_of_last_child(), int(out.split()[-1]) / 1024


def zensical_command() -> str | None:
    """Zensical from ``make zensical``'s venv, else from PATH; None when it is not installed."""
    return shutil.which("zensical", path=str(ROOT / ".venv-zensical" / "bin")) or shutil.which("zensical")


def _run_timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one command in a fresh process; a failure stops the bench."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
    _cpu_of_last_child()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return wall, _cpu_of_last_child()


def properdocs_command() -> str | None:
    """ProperDocs beside this Python (the test extras install it), else from PATH; None when it is not installed."""
    return shutil.which("properdocs", path=str(Path(sys.executable).parent)) or shutil.which("properdocs")


def timed_properdocs(project: Path, properdocs: str) -> tuple[float, float]:
    """(wall, CPU seconds) of the plugin's build of ``project`` by ProperDocs, into ``site-properdocs/``."""
    site = project / "site-properdocs"
    shutil.rmtree(site, ignore_errors=True)
    return _run_timed([properdocs, "build", "--quiet", "-f", str(project / "mkdocs.yml"), "-d", str(site)], project)


def properdocs_columns(runs: list[tuple[float, float]]) -> dict[str, float | None]:
    """The ProperDocs figures of one size: the fastest run; None when ProperDocs was not there."""
    if not runs:
        return {"properdocs_s": None, "properdocs_cpu": None}
    wall, cpu = min(runs)
    return {"properdocs_s": wall, "properdocs_cpu": cpu}


def timed_generate_zensical(project: Path, zensical: str) -> tuple[float, float, float, float]:
    """(generate wall, generate CPU, Zensical wall, Zensical CPU) for one survey, as ``make build-zensical`` does it.

    The sources go to ``generated/`` inside the project, as Zensical keeps its site inside the
    folder of the ``mkdocs.yml`` it builds; ``--clean`` leaves Zensical's own cache out, as in a
    first build (a maintainer's rebuild is faster).
    """
    out = project / "generated"
    generate = [sys.executable, "-m", "living_survey.cli", "generate", "--out", str(out), "--root", str(project)]
    gen_wall, gen_cpu = _run_timed(generate, project)
    z_wall, z_cpu = _run_timed([zensical, "build", "--clean", "--strict", "-f", str(out / "mkdocs.yml")], out)
    return gen_wall, gen_cpu, z_wall, z_cpu


_CHILD_CPU = [0.0]


def _cpu_of_last_child() -> float:
    """CPU seconds used by children since the previous call (the build just waited for)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    spent, _CHILD_CPU[0] = total - _CHILD_CPU[0], total
    return spent


FIRST_VISIT_BEFORE = 3_817_031
"""Bytes a first visit to the home page transferred at 1,000 entries before the map became one
file fetched once (main at 8493c23, every page inlining Figure 1), measured with
:func:`first_visit` on the same synthetic survey."""
RATIO_BEFORE = {1000: 0.78, 10000: 0.81}
"""The plugin/plain build ratios `make bench` reported when the light-pages work began (main at
8493c23, with the pages the plugin made then)."""
SEARCH_INDEX_BEFORE = 2_619_479
"""Of which Material's search index (then fetched by every first visit, whatever the page)."""


def first_visit(site: Path) -> dict:
    """Load the home page of a built site in Chromium, served on 127.0.0.1, with an empty cache.

    Returns the bytes transferred (bodies and headers of every response), the number of requests,
    any request to another host, and the time from navigation start until the map's script has
    inserted and wired the map (the ``ls-map:ready`` event), in ms. Then the reader searches
    (clicks the search box and types a word): it also returns the bytes of the search index,
    fetched at that moment, and the time from the click until the first result shows, in ms.
    """
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        with sync_playwright() as p:
            chromium = os.environ.get("LIVING_SURVEY_CHROMIUM", "/usr/bin/chromium")
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script("document.addEventListener('ls-map:ready', () => { window.__lsReady = performance.now(); });")
            sizes: list[int] = []
            index: list[int] = []
            outside: list[str] = []
            count = [0]

            def done(request: Any) -> None:
                count[0] += 1
                if not request.url.startswith(url):
                    outside.append(request.url)
                s = request.sizes()
                sizes.append(s["responseBodySize"] + s["responseHeadersSize"])
                if request.url.endswith("search/search_index.json"):
                    index.append(sizes[-1])

            page.on("requestfinished", done)
            page.route(lambda u: not u.startswith(url), lambda route: route.abort())
            page.goto(url, wait_until="networkidle")
            ready = page.evaluate("window.__lsReady || null")
            visit = {"bytes": sum(sizes), "index_bytes": sum(index), "requests": count[0], "outside": list(outside), "ready_ms": ready}
            query = page.locator("input.md-search__input")
            start = time.perf_counter()
            query.click()
            query.type(WORDS[0])
            page.locator(".md-search-result__item").first.wait_for(timeout=120_000)
            visit["search_ms"] = (time.perf_counter() - start) * 1000
            page.wait_for_load_state("networkidle")
            visit["search_bytes"] = sum(index)
            visit["outside"] = outside
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return visit


def measure(n: int, repeats: int, work_dir: Path) -> dict:
    works = synthetic(n)
    plugin_dir, plain_dir = work_dir / f"plugin-{n}", work_dir / f"plain-{n}"
    plugin_dir.mkdir()
    plain_dir.mkdir()
    write_plugin_project(plugin_dir, works)
    write_plain_project(plain_dir, works)

    from living_survey import load_survey
    from living_survey.figure import ensure_figure, ensure_figure_files

    start = time.perf_counter()
    survey = load_survey(plugin_dir, plugin_dir / "framework.yml", plugin_dir / "entries", plugin_dir / "references.bib")
    validation = time.perf_counter() - start
    cache = plugin_dir / ".cache" / "living-survey" / "figure"
    start = time.perf_counter()
    ensure_figure(survey, cache)
    figure_cold = time.perf_counter() - start
    hits = []
    for _ in range(5):  # what a build does on a hit: hash the drawn fields, read the SVG to inline it
        start = time.perf_counter()
        ensure_figure_files(survey, cache)["figure1.svg"].read_bytes()
        hits.append(time.perf_counter() - start)

    # interleaved, so that a slow spell of the machine hits both kinds alike; the figure cache
    # is warm, as in any rebuild
    # the plugin's inputs cache too (validated entries, parsed bibliography): one build fills it
    timed_build(plugin_dir)
    plugin, plain = [], []
    zensical, properdocs = zensical_command(), properdocs_command()
    generated: list[tuple[float, float, float, float]] = []
    proper: list[tuple[float, float]] = []
    _cpu_of_last_child()
    for _ in range(repeats):
        plugin.append(timed_build(plugin_dir))
        plain.append(timed_build(plain_dir))
        if properdocs is not None:
            proper.append(timed_properdocs(plugin_dir, properdocs))
        if zensical is not None:
            generated.append(timed_generate_zensical(plugin_dir, zensical))
    site = plugin_dir / "site"
    browse_html = site / "browse" / "index.html"
    browse = {"browse_kb": browse_html.stat().st_size / 1024}
    browse["browse_rows_in_html"] = browse_html.read_text(encoding="utf-8").count("<tr data-")
    browse["browse_json_kb"] = (site / "data" / "browse.json").stat().st_size / 1024
    browse.update(browse_timings(site))
    pages = [p.stat().st_size for p in (site / "entries").glob("*/index.html")]
    plugin_index = (site / "search" / "search_index.json").stat().st_size
    plain_index = (plain_dir / "site" / "search" / "search_index.json").stat().st_size
    home_kb = (site / "index.html").stat().st_size / 1024
    quadrant_kb = max(p.stat().st_size for p in (site / "quadrants").glob("*/index.html")) / 1024
    map_file = site / "assets" / "map.svg"
    visit = first_visit(site) if n == 1000 else None
    return {
        "site": site_weights(n, work_dir) if n == 1000 else None,
        "home_kb": home_kb,
        "locator_kb": (site / "place-your-dataset" / "index.html").stat().st_size / 1024,
        "quadrant_kb": quadrant_kb,
        "map_kb": map_file.stat().st_size / 1024 if map_file.is_file() else 0.0,
        "visit": visit,
        "n": n,
        # the fastest of the repeats: noise on a shared machine only ever adds time
        "plugin_s": min(w for w, _, _ in plugin),
        "plain_s": min(w for w, _, _ in plain),
        "plugin_cpu": min(c for _, c, _ in plugin),
        "plain_cpu": min(c for _, c, _ in plain),
        # generate + Zensical: the fastest sum of the two steps, and its parts; None without Zensical
        **generate_columns(generated),
        # the plugin's build by ProperDocs: the fastest run; None without ProperDocs
        **properdocs_columns(proper),
        "plugin_mb": max(m for _, _, m in plugin),
        "plain_mb": max(m for _, _, m in plain),
        "entry_kb_mean": statistics.mean(pages) / 1024,
        "entry_kb_max": max(pages) / 1024,
        "index_per_entry": plugin_index / n,
        "plain_index_per_entry": plain_index / n,
        "validate_s": validation,
        "figure_cold_s": figure_cold,
        "figure_hit_ms": statistics.median(hits) * 1000,
        "repeats": repeats,
        **browse,
    }


def generate_columns(runs: list[tuple[float, float, float, float]]) -> dict[str, float | None]:
    """The generate + Zensical figures of one size: the run with the fastest total wall time."""
    if not runs:
        return {"gen_s": None, "zensical_s": None, "gen_zensical_s": None, "gen_zensical_cpu": None}
    gen, gen_cpu, built, built_cpu = min(runs, key=lambda r: r[0] + r[2])
    return {"gen_s": gen, "zensical_s": built, "gen_zensical_s": gen + built, "gen_zensical_cpu": gen_cpu + built_cpu}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def generate_report(rows: list[dict]) -> str:
    """The builders side by side: the plugin build with MkDocs and with ProperDocs, generate + Zensical, plain MkDocs + Material.

    Each time is the fastest run's wall time, with its ratio to plain MkDocs + Material on the same
    pages; generate + Zensical is also given against the plugin build (the issue's target), and
    every builder's CPU time (user + system) follows, which a busy machine inflates less.
    """
    head = (
        f"| entries | plugin build (MkDocs {_version('mkdocs')}) | plugin build (ProperDocs {_version('properdocs')}) "
        "| generate + Zensical (generate / Zensical) | plain MkDocs + Material "
        "| generate + Zensical / plugin | CPU time (plugin / ProperDocs / generate + Zensical / plain) |\n"
        "|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    body = ""
    for r in rows:
        plain = r["plain_s"]
        plugin = f"{r['plugin_s']:.2f} s ({r['plugin_s'] / plain:.2f}×)"
        if r.get("properdocs_s") is None:
            proper, proper_cpu = "not measured (no ProperDocs: `pip install -e '.[test]'`)", "—"
        else:
            proper, proper_cpu = f"{r['properdocs_s']:.2f} s ({r['properdocs_s'] / plain:.2f}×)", f"{r['properdocs_cpu']:.2f}"
        if r.get("gen_zensical_s") is None:
            zensical, against, zensical_cpu = "not measured (no Zensical: `make zensical`)", "—", "—"
        else:
            zensical = f"{r['gen_zensical_s']:.2f} s ({r['gen_zensical_s'] / plain:.2f}×; {r['gen_s']:.2f} / {r['zensical_s']:.2f} s)"
            against, zensical_cpu = f"{r['gen_zensical_s'] / r['plugin_s']:.2f}×", f"{r['gen_zensical_cpu']:.2f}"
        plain_cpu = f"{r['plain_cpu']:.2f}" if r.get("plain_cpu") is not None else "—"
        cpu = f"{r['plugin_cpu']:.2f} / {proper_cpu} / {zensical_cpu} / {plain_cpu} s"
        body += f"| {r['n']:,} | {plugin} | {proper} | {zensical} | {plain:.2f} s (1.00×) | {against} | {cpu} |\n"
    return head + body


BROWSE_PROBE = """() => {
    const median = xs => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const select = document.getElementById('ls-f-quadrant');
    const year = document.querySelector("th[data-key='year'] button");
    const filter = [], sort = [];
    for (let i = 0; i < 7; i++) {
        // each handler renders synchronously, so the time to return is the time to answer
        select.value = select.options[1 + (i % (select.options.length - 1))].value;
        let t = performance.now();
        select.dispatchEvent(new Event('change', {bubbles: true}));
        filter.push(performance.now() - t);
        select.value = '';
        select.dispatchEvent(new Event('change', {bubbles: true}));
        t = performance.now();
        year.click();
        sort.push(performance.now() - t);
    }
    return {filter: median(filter), sort: median(sort)};
}"""


def browse_timings(site: Path) -> dict:
    """Median time for the browse table to answer a quadrant filter and a sort by year, in Chromium.

    Skipped (None) where Playwright or Chromium is missing.
    """
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or os.environ.get("LIVING_SURVEY_CHROMIUM")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if not chromium:
        return {"filter_ms": None, "sort_ms": None}
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/browse/")
            page.wait_for_selector("#ls-browse[data-ready='true']", timeout=60000)
            result = page.evaluate(BROWSE_PROBE)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"filter_ms": result["filter"], "sort_ms": result["sort"]}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("mkdocs", "mkdocs-material", "matplotlib"))
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}, {versions}"


def verdicts(rows: list[dict]) -> list[str]:
    by_n = {r["n"]: r for r in rows}
    out = []

    def check(ok: bool, text: str) -> None:
        out.append(f"- {'met' if ok else '**missed**'}: {text}")

    for n in (1000, 10000):
        if n in by_n:
            r = by_n[n]
            ratio = r["plugin_s"] / r["plain_s"]
            check(ratio <= 1.0, f"plugin build at most 1.0× plain at {n:,} entries (measured {ratio:.2f}×)")
            before = RATIO_BEFORE[n]
            check(
                ratio <= before,
                f"build ratio at {n:,} entries at or below {before:.2f}×, as before the light-pages work (measured {ratio:.2f}×)",
            )
    if 1000 in by_n and 10000 in by_n:
        growth = by_n[10000]["plugin_s"] / by_n[1000]["plugin_s"]
        check(growth <= 11, f"t(10,000) / t(1,000) ≤ 11 (measured {growth:.1f})")
    if by_n.get(10000, {}).get("gen_zensical_s") is not None:
        r = by_n[10000]
        ratio = r["gen_zensical_s"] / r["plugin_s"]
        check(ratio <= 0.5, f"generate + Zensical at most 0.5× the plugin build at 10,000 entries (measured {ratio:.2f}×)")
    if 10000 in by_n:
        check(by_n[10000]["plugin_mb"] <= 400, f"peak memory ≤ 400 MB at 10,000 (measured {by_n[10000]['plugin_mb']:.0f} MB)")
    if 1000 in by_n:
        check(by_n[1000]["validate_s"] < 1.0, f"1,000 entries validate in under 1 s (measured {by_n[1000]['validate_s']:.2f} s)")
        check(by_n[1000]["figure_cold_s"] < 2.0, f"1,000-entry figure renders in under 2 s (measured {by_n[1000]['figure_cold_s']:.2f} s)")
    if 10000 in by_n:
        r = by_n[10000]
        check(r["browse_kb"] < 300, f"browse page HTML < 300 KB at 10,000 (measured {r['browse_kb']:.0f} KB)")
        if r["filter_ms"] is not None:
            answer = max(r["filter_ms"], r["sort_ms"])
            check(answer <= 100, f"a filter or sort answers within 100 ms in Chromium at 10,000 (slowest {answer:.0f} ms)")
    site = by_n.get(1000, {}).get("site")
    if site:
        entry = max(site["spread"]["entry_kb"], site["crowded"]["entry_kb"])
        check(entry <= ENTRY_KB_LIMIT, f"the site's largest entry page ≤ {ENTRY_KB_LIMIT} KB at 1,000 entries (measured {entry:.1f} KB)")
        if "voiced" in site:
            voiced = site["voiced"]["entry_kb"]
            check(
                voiced <= ENTRY_KB_LIMIT,
                f"the same with the work with the most authors placed {1 + VOICES} times (measured {voiced:.1f} KB)",
            )
        for name in (n for n in ("spread", "crowded", "voiced") if n in site):
            q = site[name]["quadrant_kb"]
            check(
                q <= QUADRANT_KB_LIMIT,
                f"every quadrant page of the site ≤ {QUADRANT_KB_LIMIT} KB at 1,000 entries, works {name} (largest {q:.1f} KB)",
            )
    worst = max(r["entry_kb_max"] for r in rows)
    check(worst <= 30, f"entry pages ≤ 30 KB (largest {worst:.1f} KB)")
    hit = max(r["figure_hit_ms"] for r in rows)
    check(hit <= 10, f"figure cache hit ≤ 10 ms (slowest {hit:.1f} ms)")
    for n, limit in ((1000, 150), (10000, 300)):
        if n in by_n:
            r = by_n[n]
            check(r["home_kb"] <= limit, f"home page HTML ≤ {limit} KB at {n:,} entries (measured {r['home_kb']:.0f} KB)")
            check(
                r["locator_kb"] <= limit,
                f"“Place your dataset” page HTML ≤ {limit} KB at {n:,} entries (measured {r['locator_kb']:.0f} KB)",
            )
            check(r["quadrant_kb"] <= limit, f"quadrant page HTML ≤ {limit} KB at {n:,} entries (largest {r['quadrant_kb']:.0f} KB)")
    visit = by_n.get(1000, {}).get("visit")
    if visit:
        check(
            visit["bytes"] <= FIRST_VISIT_BEFORE / 2,
            f"a first visit to the home page at 1,000 entries transfers at most half of before "
            f"({visit['bytes'] / 1024:,.0f} KB against {FIRST_VISIT_BEFORE / 1024:,.0f} KB: {visit['bytes'] / FIRST_VISIT_BEFORE:.2f}×)",
        )
        rest, rest_before = visit["bytes"] - visit["index_bytes"], FIRST_VISIT_BEFORE - SEARCH_INDEX_BEFORE
        check(
            rest <= rest_before / 2,
            f"the same, leaving out Material's search index ({rest / 1024:,.0f} KB against {rest_before / 1024:,.0f} KB: "
            f"{rest / rest_before:.2f}×)",
        )
        check(visit["outside"] == [], f"no request leaves the site's origin ({len(visit['outside'])} did)")
    return out


def report(rows: list[dict]) -> str:
    head = (
        "| entries | plugin build | plain build | ratio | CPU time (plugin / plain) | plugin peak | plain peak "
        "| entry page (mean / max) | search index / entry (plugin / plain) | validate | figure cold | figure cached |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    body = "".join(
        f"| {r['n']:,} | {r['plugin_s']:.2f} s | {r['plain_s']:.2f} s | {r['plugin_s'] / r['plain_s']:.2f}× "
        f"| {r['plugin_cpu']:.2f} / {r['plain_cpu']:.2f} s "
        f"| {r['plugin_mb']:.0f} MB | {r['plain_mb']:.0f} MB | {r['entry_kb_mean']:.1f} / {r['entry_kb_max']:.1f} KB "
        f"| {r['index_per_entry']:,.0f} / {r['plain_index_per_entry']:,.0f} B | {r['validate_s']:.2f} s "
        f"| {r['figure_cold_s']:.2f} s | {r['figure_hit_ms']:.2f} ms |\n"
        for r in rows
    )
    readers = (
        "\n| entries | home page | largest quadrant page | “Place your dataset” page | map file (fetched once) "
        "| first visit to home (of which search index) "
        "| requests | map ready | search index, when the reader searches | first search result |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for r in rows:
        v = r.get("visit")
        visit = ("—",) * 5
        if v:
            ready = f"{v['ready_ms']:.0f} ms" if v["ready_ms"] else "—"
            visit = (
                f"{v['bytes'] / 1024:,.0f} KB ({v['index_bytes'] / 1024:,.0f} KB)",
                str(v["requests"]),
                ready,
                f"{v['search_bytes'] / 1024:,.0f} KB",
                f"{v['search_ms']:.0f} ms",
            )
        readers += (
            f"| {r['n']:,} | {r['home_kb']:.1f} KB | {r['quadrant_kb']:.1f} KB | {r['locator_kb']:.1f} KB | {r['map_kb']:.1f} KB "
            f"| {' | '.join(visit)} |\n"
        )
    for r in rows:
        if r.get("site"):
            readers += "\n" + weights_report(r["site"], r["n"])
    return head + body + readers


def weights_report(site: dict, n: int) -> str:
    """The site's own configuration grown to ``n`` entries: its largest entry and quadrant pages."""
    table = (
        f"The survey's own site (navigation, head and theme as published) grown to {n:,} entries:\n\n"
        "| works | largest entry page | largest quadrant page |\n|---|---:|---:|\n"
    )
    rows = (
        ("spread", "spread over the quadrants"),
        ("crowded", "all in one quadrant"),
        ("voiced", f"all in the quadrant of the work with the most authors, placed {1 + VOICES} times"),
    )
    for name, label in rows:
        if name not in site:
            continue
        w = site[name]
        table += f"| {label} | {w['entry_kb']:.1f} KB ({w['entry']}) | {w['quadrant_kb']:.1f} KB ({w['quadrant']}) |\n"
    return table


def browse_report(rows: list[dict]) -> str:
    """The browse page at each size: its HTML, the rows it carries, the data it loads, filter and sort times."""

    def ms(value: float | None) -> str:
        return "not measured (no Chromium)" if value is None else f"{value:.1f} ms"

    head = (
        "| entries | browse page HTML | rows in the HTML | data/browse.json | quadrant filter (median) | sort by year (median) |\n"
        "|---:|---:|---:|---:|---:|---:|\n"
    )
    body = "".join(
        f"| {r['n']:,} | {r['browse_kb']:.1f} KB | {r['browse_rows_in_html']:,} | {r['browse_json_kb']:,.0f} KB "
        f"| {ms(r['filter_ms'])} | {ms(r['sort_ms'])} |\n"
        for r in rows
    )
    return head + body


NOTES = """## Reading the table

- On a small survey the plugin's fixed cost shows: it imports its libraries (JSON Schema,
  BibTeX, LaTeX decoding) and reads every entry before MkDocs starts. No target is set there.
- A cold figure is paid only when what the figure draws changes (a position, a quadrant, a
  label or title, the framework); editing a rationale or a quote reuses the cached figure.
  Above 60 entries the figure shows numbered markers, so the cold time grows with the number
  of markers rather than with label placement. A cold figure also writes the map pages fetch
  (labels placed for six zoom levels) and, up to 600 works, the printable figures (one per
  quadrant, and the whole map with its key): that is most of the cold time at 20 entries.
- The search index holds a little more per entry than the plain build's because entry pages
  carry more text (the byline, facts and formatted reference). The "Cite this page" box and
  Figure 1 are kept out of the index.
- Readers' table: page sizes are the HTML files as written (no compression). The first visit
  is a real Chromium loading the home page with an empty cache from a local server: every byte
  of HTML, CSS, JavaScript, the map file and icons, headers included; "map ready" is the time
  from navigation start until the map has been fetched, inserted and wired for input. Figure 1
  is one file (`assets/map.svg`) that every page fetches and the browser caches, instead of a
  copy inlined in five pages. The theme's search index is fetched when the reader reaches for
  search, not by every visit (the plugin's `lazy_search` option): the last two columns are what
  the reader then waits for, from the click on the search box until the first result shows.
  The local server sends files uncompressed, so these are upper bounds: a static host such as
  GitHub Pages compresses text, which shrinks the map file about ninefold (593 KB to 65 KB with
  gzip at 1,000 entries) and the search index about eightfold. What remains of a first visit
  without the index is mostly the map file and the theme's own scripts and styles.
- The inputs cache (validated entries, parsed bibliography) is keyed with this machine's secret,
  and every kept entry passes all of an entry's checks again. Measured after that change, outside
  `make bench` (the median of three fresh processes each; CPU time, since the shared machine's
  load made wall times vary threefold): reading the inputs of 10,000 entries took 7.8 s without
  the cache and 4.7 s from it, a saving of 3.1 s of CPU (about 1.9 s of wall time on a quiet
  machine, from the validate column); at 1,000 entries 0.73 s against 0.44 s. The build that
  fills the cache pays 1.6 s more at 10,000. The figure cache now reads and authenticates every
  file of the figure on a hit (an HMAC over its bytes), which costs time in proportion to their
  size: at 1,000 entries (2.4 MB of files) the fastest of seven hits took 3.6 ms, against 0.53 ms
  before; at 10,000, with several times the bytes, a hit may miss the 10 ms target for it.
- Page weight: at 1,000 entries the bench also builds the survey's own site (its navigation,
  head and theme, the shipped entries and references) grown with the synthetic works, once
  spread over the quadrants and once all in one quadrant, and reports its largest entry page
  and quadrant page against the 24 KB and 150 KB targets; `python benchmarks/bench.py
  --weights 1000` runs that part alone. Before the theme's indentation was squeezed out, its
  icons moved into one cached stylesheet and a crowded quadrant was cut to 250 cards, these
  were 31.7 KB and 215 KB.
- Wall time varies by a fifth or more from run to run on a shared machine. Ratios come from
  runs made in turn, so both kinds meet the same conditions.
- Page weight at 1,000 entries, on the survey's own site (`benchmarks/bench.py --weights 1000`).
  The heaviest entry page is the one of the work with the most authors (LaMDA, 60 authors): alone
  it weighed 24.0 KB (under 0.1 KB below the 24 KB bound), and 27.2 KB once two more contributors
  place the work, which any contributor may do. After the theme's long inline scripts moved into
  cached files, the minimap's shared styling into the stylesheet and the navigation was pruned,
  it weighs 22.0 KB alone and 24.9 KB placed three times; the quadrant page of that work, with all
  1,000 crowded into it, went from 135.4 KB to 134.4 KB. Byte by byte, the page placed three
  times, before and after: the `citation_author` meta tags 3,250 and 3,250 (one per author, as
  Google Scholar and Zotero read them; the tests keep every one); the theme's header 3,987 and
  3,249; the navigation 3,472 and 2,498; the table of contents 1,124 (unchanged); the other
  placements with their minimap 3,173 and 2,812 (the minimap 1,911 and 1,550); the work's BibTeX
  record, all 60 authors, 1,409, and its formatted reference (APA 7: nineteen authors, an
  ellipsis, the last), the quotes (1,044), the answers (1,471) and the cite box (1,386), unchanged.
  Entry pages carry no JSON-LD. What is left over the bound is the work's own data and what a
  reader sees: dropping entry pages' table of contents would save 1.1 KB, showing a record with
  more authors than a formatted reference lists as a file rather than inline BibTeX 1.2 KB, and
  dropping the theme's edit button, which the page's own "Edit this entry" repeats, 0.2 KB (all three:
  22.4 KB). The
  test of that page (`tests/builds/test_weight.py`) is marked as an expected failure until one is
  chosen. A bound on every entry page's bytes cannot hold for every valid contribution: the meta
  tags alone take about 54 bytes per author (a work with 400 authors needs 21 KB of them), and
  each further placement a page shows (up to 12) adds about 0.55 KB.
- The browse page carries every row in its HTML up to 400 works, so that it is a complete table
  without JavaScript; above that it carries none, links the CSV and JSON downloads, and its
  script loads the rows from `data/browse.json`. Filter and sort times are measured inside
  Chromium around the event handler, which re-renders the first 100 matching rows.
- The test suite: sample builds share one plugin cache for the session (a figure is drawn once
  per distinct input, not once per build), tests that only read a built sample share their
  module's one build, and the tests live in `tests/unit` (no build, no browser), `tests/builds`
  and `tests/browser`. Measured on this 2-core machine under other work (load average 7 to 16),
  so CPU time (user + system, child processes included) is the fairer figure: before, the whole
  suite (849 tests) took 1,080 s wall and 355 s of CPU; a whole run after the change could not
  finish in the time the shared machine allowed, so modules were compared side by side, old and
  new code at once: `test_build`, `test_follow` and `test_exports` (45 tests) took 35.0 s of CPU
  before and 23.0 s after (164 s and 135 s wall); six modules whose builds each draw a different
  survey (76 tests) 37.2 s and 35.4 s. `pytest tests/unit` (165 tests) takes 15 s of CPU; under
  that load its wall time was 75 s, most of it waiting for mypy.
  Then `make test` spread the suite over the cores (pytest-xdist, `-n auto --dist loadscope`: a
  module and its module-scoped builds stay on one worker), the session's builds that tests only
  read (the repository, the hostile, contested, synthetic and versioned surveys, the hostile search
  survey) are made once per run under a file lock whichever worker asks first, and mypy keeps its
  cache in `.cache/mypy`. Measured at this branch with `/usr/bin/time` around `python -m pytest`
  (CPU is user + system, child processes included), on the same 2-core machine with three other
  engineers' work beside it: the whole suite run serially (998 tests, load average 3.1 at the start,
  up to 8.5 during it) took 894 s wall and 461 s of CPU. `pytest tests/unit` (218 tests) took 9.3 s
  wall and 9.3 s of CPU with mypy's cache warm (load average 2.1); with a cold cache mypy alone
  takes 5 s more (5.05 s against 0.21 s for `mypy` by itself), and before the change, when every run
  was cold (`--no-incremental`) and one test opened Chromium, it took 44 s wall and 16 s of CPU at
  load average 2.7. The same suite with `-n auto --dist loadscope` (two workers) took 580 s wall
  and 414 s of CPU (load average 1.9 at the start, 5 to 10 during it). The quiet-machine
  comparison with the suite before the change: on 4 December 2026, on the same machine with nothing
  else running at the start, `make test` at commit 5814ee9 (before issue #27's work: 687 tests,
  serial) took 333.7 s wall and 253.8 s of CPU (load average 0.4 at the start, 3.6 at the end as
  other work began); `make test` after it (1,028 tests, two workers, mypy's cache cold) took
  346.8 s wall and 416.4 s of CPU (load average 1.1 at the start). Per test the suite is about a
  third faster (0.49 s against 0.34 s of wall time), but the whole run, with half as many tests
  again, is not yet faster than the old one: 4% slower.

- The suite measured again on 5 December 2026, both back to back on one quiet machine (load average 1.0 at
  the start), each with its own installed environment: `make test` at 5814ee9 (687 tests, serial)
  took 291.7 s wall and 214.1 s of CPU; `make test` at main (1,038 tests, two workers, with the
  templates compiled once per process and the three-release survey made once per run) took
  319.7 s wall and 390.0 s of CPU. With four workers it took 327.3 s. Per test the suite is 27%
  faster (0.42 s against 0.31 s of wall time); the whole run is still 10% slower than the old,
  smaller suite, so this part of issue #27 is not met. The wall time is held up by the longest
  modules (the browser tests, 90 s on one worker; the frozen releases, 75 s) more than by the
  sum of the work: half of the CPU time (195 s) would fit under the old run.
- The suite measured again on 5 December 2026, later the same day, after three changes: the
  browser tests drive Debian's `chromium-headless-shell` when it is installed (Chromium's own
  headless build, which Playwright itself runs headless; a new context, a page load and the wait
  for an idle network cost 0.45 s of CPU in it against 1.5 s in the full browser, measured on the
  whole machine), the modules that keep their own plugin cache start from the figure a first build
  of the sample leaves (drawn once per run instead of once or twice per test), and the two releases
  three frozen-release tests start from are built once per run. Module by module, CPU time on the
  whole machine: `tests/browser` on two workers 376 s → 228 s (wall 206 s → 144 s);
  `test_build_cache` and `test_hostile_cache` 59.0 s → 33.3 s; `test_frozen` 67.3 s → 53.7 s.
  Then `make test` at 5814ee9 (687 tests, before issue #27) and at main (1,041 tests, two
  workers), each with its own installed environment, back to back in both orders on the same
  machine: 369.5 s for the baseline then 303.2 s for main, and 309.0 s for main then 396.2 s for
  the baseline. Main is 18% and 22% faster than the suite issue #27 was filed against, with 354
  more tests, so this part of the issue is met. The machine's speed moved during the day (the
  baseline took 291.7 s in the morning), which is why only runs made back to back are compared.
  Three workers instead of two gave 251.7 s against 260.0 s an hour earlier, within the noise, so
  `make test` keeps one worker per core.
- Page weight, 5 December 2026, on the heaviest entry page at 1,000 entries (LaMDA, 60 authors):
  with one contributor's placement with long content (four quotes of about 215 characters, a
  rationale of about 930) it went from 24,715 to 24,446 bytes (the bound is 24,576), and placed
  three times from 25,276 to 25,004 bytes, by cuts no reader sees: the filled markers of the minimap
  take their colour as an attribute; the map, only ever inline in HTML, carries no `xmlns` and no
  line breaks between its elements; a quote is one line; the citation blocks drop Pygments' empty
  `<span>`; the theme's `__config` JSON is written without spaces after separators (Jinja's
  `json.dumps_kwargs` policy, set in `on_env`); and the theme's credit moved from the footer of
  every page to the About page (`extra.generator: false`, about 150 bytes a page). The weight tests
  now build the source's launch placements as committed, grown to 1,000 entries: they bound what the
  engine puts around a page's content, and a valid contribution with long quotes must not turn them
  red (checked on a clone with such a placement of LaMDA committed: both pass). The bench still
  weighs the site as committed. The page placed three times stays an expected failure, 428 bytes
  over: what is left is what a reader sees or a citation manager reads.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 1000, 10000])
    parser.add_argument("--repeats", type=int, default=5, help="builds per size and kind below 10,000 entries (fastest kept)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--weights", type=int, metavar="N", help="only build the site grown to N entries and print its page weights")
    args = parser.parse_args(argv)
    if args.weights:
        with tempfile.TemporaryDirectory(prefix="living-survey-weights-") as tmp:
            print(weights_report(site_weights(args.weights, Path(tmp)), args.weights))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="living-survey-bench-") as tmp:
        for n in args.sizes:
            print(f"{n:,} entries …", file=sys.stderr, flush=True)
            row = measure(n, args.repeats if n < 10000 else 2, Path(tmp))
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    table = report(rows)
    text = (
        "# Benchmarks\n\n"
        "How fast the survey builds as it grows, measured by `make bench`: each size is built "
        "with the `living-survey` plugin, and again as the same pages written out as Markdown and "
        "built by plain MkDocs + Material. Each build runs in a fresh process; the two kinds are "
        "built in turn, and the fastest run of each is kept, because noise on a shared machine only "
        "adds time. The figure cache and the inputs cache (validated entries, parsed bibliography) are warm, as in any "
        "rebuild; the cold figure is timed separately, and a build with a cold inputs cache reads every input again, "
        "a cost the validate column bounds from above.\n\n"
        f"Machine: {machine()}.\n\n"
        f"{table}\n"
        "### Builders\n\n"
        "The same survey built by the plugin with MkDocs and with ProperDocs, as "
        "`living-survey generate` writes it, then built by Zensical (see docs/builders.md), and as "
        "plain Markdown by MkDocs + Material; each time's ratio to plain MkDocs + Material is in brackets.\n\n"
        f"{generate_report(rows)}\n"
        "### Browse all works\n\n"
        f"{browse_report(rows)}\n"
        "## Targets\n\n" + "\n".join(verdicts(rows)) + "\n\n" + NOTES
    )
    print(table)
    print(generate_report(rows))
    print(browse_report(rows))
    print("\n".join(verdicts(rows)))
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
