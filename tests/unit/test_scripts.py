"""The site's scripts' pure functions, run without a browser: under Node, else in one Chromium page.

Each script exports its pure functions when it runs as a CommonJS module (``module.exports``):
the locator's estimate, rounding and reading of its works file, the browse table's filter and
reading of its address, and the shared helpers' address checks. A small harness loads the
scripts as modules (the same harness in Node and in a page) and evaluates each case; the
assertions are here, in Python. A last test checks that every built page loads the shared
helpers before the scripts that use them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ..conftest import ROOT

ASSETS = ROOT / "tools" / "living_survey" / "assets"
MODULES = {
    "common": "living-survey-common.js",
    "locator": "locator.js",
    "browse": "browse.js",
}
NODE = shutil.which("node")
ORIGIN = "https://site.test"
PAGE_URL = ORIGIN + "/survey/locator/"

# Loads each script as a CommonJS module (its `require` of a sibling resolves to another loaded
# script), then evaluates every case with the modules as `m`; errors are results too.
HARNESS = r"""
(job) => {
  const cache = {};
  const load = (name) => {
    if (!cache[name]) {
      const module = { exports: {} };
      cache[name] = module;
      new Function("module", "require", job.sources[name])(module, (path) => load(path.replace(/^\.\//, "")));
    }
    return cache[name].exports;
  };
  const m = {};
  for (const [key, file] of Object.entries(job.modules)) m[key] = load(file);
  const out = {};
  for (const [name, expr] of Object.entries(job.cases)) {
    try {
      out[name] = { value: new Function("m", "return (" + expr + ");")(m) };
    } catch (error) {
      out[name] = { error: String(error && error.message) };
    }
  }
  return out;
}
"""

NODE_RUNNER = f"""
const run = {HARNESS};
let input = "";
process.stdin.on("data", (chunk) => {{ input += chunk; }});
process.stdin.on("end", () => {{ process.stdout.write(JSON.stringify(run(JSON.parse(input)))); }});
"""

Runner = Callable[[dict[str, str]], dict[str, Any]]


def _job(cases: dict[str, str]) -> dict[str, Any]:
    sources = {name: (ASSETS / name).read_text(encoding="utf-8") for name in MODULES.values()}
    return {"sources": sources, "modules": MODULES, "cases": cases}


def _node(cases: dict[str, str]) -> dict[str, Any]:
    assert NODE is not None
    done = subprocess.run([NODE, "-e", NODE_RUNNER], input=json.dumps(_job(cases)), capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def chromium_runner(browser: Any) -> Iterator[Runner]:
    """The same harness in one blank page of the session's Chromium (one Playwright per session:
    a second one cannot start while the browser tests' is running)."""
    page = browser.new_page()
    yield lambda cases: page.evaluate(HARNESS, _job(cases))
    page.close()


@pytest.fixture(scope="module")
def run(request: pytest.FixtureRequest) -> Runner:
    """Node when it is installed (no browser at all), else the Chromium page."""
    if NODE is not None:
        return _node
    runner: Runner = request.getfixturevalue("chromium_runner")
    return runner


def values(run: Runner, cases: dict[str, str]) -> dict[str, Any]:
    """Each case's value; a case that threw fails the test with its message."""
    out = run(cases)
    errors = {name: r["error"] for name, r in out.items() if "error" in r}
    assert not errors
    return {name: r.get("value") for name, r in out.items()}


def js(value: Any) -> str:
    return json.dumps(value)


# -- the shared helpers: address checks -----------------------------------------------------------


def test_same_origin_keeps_only_http_addresses_on_the_origin(run: Runner) -> None:
    kept = ["entries/a/", "../data/x.json", "/survey/", "https://site.test/x", "?q=1", "#top"]
    dropped = [
        "//evil.test/x",
        "https://evil.test/",
        "http://site.test/x",  # another scheme is another origin
        "https://site.test:8443/",
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "http://[::1",  # not an address at all
    ]
    cases = {
        f"{i}": f"(m.common.sameOrigin({js(v)}, {js(PAGE_URL)}, {js(ORIGIN)}) || {{href: null}}).href" for i, v in enumerate(kept + dropped)
    }
    got = values(run, cases)
    for i, value in enumerate(kept):
        assert got[str(i)] is not None and got[str(i)].startswith(ORIGIN + "/"), value
    for i, value in enumerate(dropped, start=len(kept)):
        assert got[str(i)] is None, value


def test_site_link_takes_only_paths_relative_to_the_site_root(run: Runner) -> None:
    def link(path: Any, root: str = "../") -> str:
        return f"m.common.siteLink({js(path)}, {js(root)}, {js(PAGE_URL)}, {js(ORIGIN)})"

    cases = {
        "plain": link("entries/a-2023/"),
        "anchor": link("entries/a-2023/#rationale"),
        "scheme": link("javascript:alert(1)"),
        "other host": link("https://evil.test/"),
        "scheme-relative": link("//evil.test/x"),
        "absolute path": link("/entries/a/"),
        "backslash": link("\\\\evil.test/x"),
        "backslash inside": link("entries\\a"),
        "space": link("entries/a b/"),
        "tab": link("entries/\ta/"),
        "nul": link("entries/\u0000/"),
        "delete": link("entries/\u007f/"),
        "not text": link(None),
        "a number": link(12),
        "root off the site": link("entries/a/", "https://evil.test/"),
    }
    got = values(run, cases)
    assert got.pop("plain") == "../entries/a-2023/"
    assert got.pop("anchor") == "../entries/a-2023/#rationale"
    assert got == dict.fromkeys(got, None)


# -- the locator: estimate, rounding, what the page shows, the address, the works file -----------


def test_round_half_up_is_the_rule_python_uses(run: Runner) -> None:
    from living_survey.model.scoring import rounded as python_rounded

    samples = [k / 1000 for k in range(-1000, 1001, 5)] + [0.125, -0.125, 0.005, -0.005, 2 / 3, -2 / 3, 1 / 3, -1 / 3, 0.0]
    cases = {f"{d}:{v!r}": f"m.locator.roundHalfUp({v!r}, {d})" for v in samples for d in (1, 2, 3)}
    got = values(run, cases)
    for name, value in got.items():
        d, v = name.split(":")
        assert value == python_rounded(float(v), int(d)), name
    # half up, not away from zero; and never a negative zero (which would print as "-0")
    extra = values(run, {"tie": "m.locator.roundHalfUp(-0.125, 2)", "positive zero": "Object.is(m.locator.roundHalfUp(-0.001, 2), 0)"})
    assert extra == {"tie": -0.12, "positive zero": True}


def test_score_axis_is_the_mean_of_the_answers_that_lean(run: Runner) -> None:
    axis = {"questions": [{"id": "a", "options": [{"score": -1}, {"score": 0.5}, {"score": None}]}, {"id": "b", "options": [{"score": 1}]}]}
    scoring = {"rule": "mean", "decimals": 2, "nudge": 0.04}
    cases = {
        "none": f"m.locator.scoreAxis({js(axis)}, {js(scoring)}, {{}})",
        "no lean": f"m.locator.scoreAxis({js(axis)}, {js(scoring)}, {{a: 2}})",
        "both": f"m.locator.scoreAxis({js(axis)}, {js(scoring)}, {{a: 1, b: 0}})",
        "one": f"m.locator.scoreAxis({js(axis)}, {js(scoring)}, {{a: 0}})",
        "other questions ignored": f"m.locator.scoreAxis({js(axis)}, {js(scoring)}, {{b: 0, zzz: 0}})",
    }
    got = values(run, cases)
    assert got["none"] == {"value": None, "counted": 0, "answered": 0}
    assert got["no lean"] == {"value": None, "counted": 0, "answered": 1}
    assert got["both"] == {"value": 0.75, "counted": 2, "answered": 2}
    assert got["one"] == {"value": -1, "counted": 1, "answered": 1}
    assert got["other questions ignored"] == {"value": 1, "counted": 1, "answered": 1}
    unknown = run({"rule": f"m.locator.scoreAxis({js(axis)}, {js({**scoring, 'rule': 'median'})}, {{a: 0}})"})
    assert "unknown scoring rule median" in unknown["rule"]["error"]


def test_numbers_as_the_page_shows_them(run: Runner) -> None:
    cases = {
        "shown +": "m.locator.shown(0.5)",
        "shown -": "m.locator.shown(-0.25)",
        "shown 0": "m.locator.shown(0)",
        "short +": "m.locator.short(1)",
        "short -": "m.locator.short(-0.5)",
        "short 0": "m.locator.short(0)",
        "rounded": "[m.locator.rounded(0.333333), m.locator.rounded(-0.666666), m.locator.rounded(1)]",
    }
    got = values(run, cases)
    assert got == {
        "shown +": "+0.50",
        "shown -": "\u22120.25",  # a minus sign, not a hyphen
        "shown 0": "0.00",
        "short +": "+1",
        "short -": "\u22120.5",
        "short 0": "0",
        "rounded": [0.33, -0.67, 1],
    }


QUADRANTS = [{"id": "ne", "x": 1, "y": 1}, {"id": "nw", "x": -1, "y": 1}, {"id": "sw", "x": -1, "y": -1}, {"id": "se", "x": 1, "y": -1}]


def test_quadrant_of_an_estimate(run: Runner) -> None:
    def at(x: float | None, y: float | None) -> str:
        return f"(m.locator.quadrantAt({js(QUADRANTS)}, {js(x)}, {js(y)}) || {{id: null}}).id"

    got = values(
        run, {"ne": at(0.2, 0.1), "sw": at(-1, -0.01), "nw": at(-0.5, 1), "se": at(1, -1), "open": at(None, 0.5), "line": at(0, 0.5)}
    )
    assert got == {"ne": "ne", "sw": "sw", "nw": "nw", "se": "se", "open": None, "line": None}


FRAMEWORK_AXES = [
    {"questions": [{"id": "q1", "options": [{}, {}, {}]}, {"id": "q2", "options": [{}, {}]}]},
    {"questions": [{"id": "q3", "options": [{}] * 10}]},
]


def test_answers_read_from_the_address_name_a_known_question_and_option(run: Runner) -> None:
    def read(query: str) -> str:
        return f"m.locator.answersFromQuery({js(query)}, m.locator.questionsOf({js(FRAMEWORK_AXES)}))"

    got = values(
        run,
        {
            "valid": read("?q1=2&q2=0&q3=9"),
            "out of range": read("?q1=3&q2=2"),
            "not one digit": read("?q1=01&q2=-1&q3=1.0&q1=%20"),
            "unknown": read("?zz=0&__proto__=0&constructor=1&toString=0"),
            "markup": read("?q1=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&%3Cb%3E=1"),
            "last valid wins": read("?q1=1&q1=0&q1=7"),
            "empty": read(""),
        },
    )
    assert got["valid"] == {"q1": 2, "q2": 0, "q3": 9}
    assert got["out of range"] == {}
    assert got["not one digit"] == {}
    assert got["unknown"] == {}
    assert got["markup"] == {}
    assert got["last valid wins"] == {"q1": 0}
    assert got["empty"] == {}


WORKS_FILE = {
    "columns": ["id", "work", "label", "title", "quadrant", "x", "y", "rationale"],
    "quadrants": ["ne", "sw"],
    "entry_url": ["entries/", "/"],
    "entries": [
        ["a-1", 0, "A 2020", "Alpha", 0, 0.5, 0.5, "why"],
        ["a-2", 0, "A 2020", "Alpha", 1, -0.5, -0.5, "why not"],
        ["b", 1, "B 2021", "Beta", 0, 0.1, 0.1, "because"],
        ["c", 2, "C 2022", "Gamma", 1, -0.1, -0.1, "because"],
        ["bad-x", 3, "D", "Delta", 0, "0.1", 0.1, "r"],
        ["bad-quadrant", 4, "E", "Epsilon", 7, 0.1, 0.1, "r"],
        "not a row",
        ["bad id", 5, "F", "Phi", 0, 0.2, 0.2, "r"],
    ],
}
LINK = f"(p) => m.common.siteLink(p, '../', {js(PAGE_URL)}, {js(ORIGIN)})"


def test_the_works_file_keeps_only_rows_as_described_with_links_on_the_site(run: Runner) -> None:
    with_urls = {**WORKS_FILE, "columns": [*WORKS_FILE["columns"], "url"]}
    with_urls["entries"] = [
        ["ok", 0, "A", "Alpha", 0, 0.5, 0.5, "why", "entries/ok/"],
        ["js", 1, "B", "Beta", 0, 0.5, 0.5, "why", "javascript:alert(1)"],
        ["far", 2, "C", "Gamma", 0, 0.5, 0.5, "why", "//evil.test/"],
    ]
    got = values(
        run,
        {
            "pattern": f"m.locator.readWorks({js(WORKS_FILE)}, {LINK}).map((e) => [e.id, e.url, e.quadrant])",
            "urls": f"m.locator.readWorks({js(with_urls)}, {LINK}).map((e) => e.id)",
        },
    )
    assert got["pattern"] == [
        ["a-1", "../entries/a-1/", "ne"],
        ["a-2", "../entries/a-2/", "sw"],
        ["b", "../entries/b/", "ne"],
        ["c", "../entries/c/", "sw"],
    ]
    assert got["urls"] == ["ok"]
    refused = run({"not works": f"m.locator.readWorks({{entries: 1}}, {LINK})"})
    assert refused["not works"] == {"error": "not a list of works"}


def test_the_nearest_works_count_each_work_once_at_its_nearest_placement(run: Runner) -> None:
    def near(x: float, y: float, count: int) -> str:
        return f"m.locator.nearestOf(m.locator.readWorks({js(WORKS_FILE)}, {LINK}), {x}, {y}, {count}).map((n) => n.entry.id)"

    got = values(run, {"south": near(-0.5, -0.5, 3), "centre": near(0, 0, 2), "one": near(0.6, 0.6, 1)})
    assert got["south"] == ["a-2", "c", "b"]  # work 0 by its south-west placement, once
    assert got["centre"] == ["b", "c"]  # equally near: the file's order
    assert got["one"] == ["a-1"]


# -- the browse table: the view in the address, the filter ---------------------------------------

ALLOWED = {"quadrant": {"ne": True, "sw": True}, "signal": {"pref": True}, "placer": {"alice": True}}
BROWSE = {
    "fields": ["id", "url", "label", "title", "year", "quadrants", "signal", "datasets", "organisation", "placed_by", "placer", "added"],
    "quadrants": {"ne": "North-east", "sw": "South-west"},
    "signal": {"pref": "Preferences"},
    "rows": [
        [
            "alpha",
            "entries/alpha/",
            "Alpha 2020",
            "Learning from feedback",
            "2020",
            ["ne"],
            ["pref"],
            [["HH", "https://x.test/"]],
            "Lab",
            "@alice",
            "alice",
            "2024-01-02",
        ],
        ["beta", "entries/beta/", "Beta 2022", "Values at scale", "2022", ["sw"], [], [], "Uni", "@bob", "bob", "2024-03-01"],
        [
            "gamma",
            "entries/gamma/",
            "Gamma 2021",
            "Feedback from many",
            "2021",
            ["ne", "sw"],
            ["pref"],
            [],
            "Lab",
            "@alice",
            "alice",
            "2024-02-01",
        ],
        ["Bad Id", "entries/x/", "Delta 2019", "Other", "2019", ["sw"], [], [], "", "@carol", "carol", "2023-12-01"],
    ],
}
BLANK = {"q": "", "quadrant": "", "signal": "", "from": "", "to": "", "placer": "", "sort": "", "dir": "asc"}


def test_the_browse_view_read_from_the_address_keeps_only_what_the_form_offers(run: Runner) -> None:
    def view(query: str) -> str:
        return f"m.browse.viewFromQuery({js(query)}, {js(ALLOWED)})"

    got = values(
        run,
        {
            "full": view("?text=feedback&quadrant=ne&signal=pref&from=2020&to=2022&placer=alice&sort=year&dir=desc"),
            "unknown values": view("?quadrant=nowhere&signal=%3Cb%3E&placer=__proto__&sort=haystack&dir=up"),
            "bad years": view("?from=20&to=2022a&from=abcd"),
            "q is the theme's": view("?q=feedback"),
            "long text": view("?text=" + "x" * 500),
            "inherited keys": view("?quadrant=constructor&signal=toString&placer=hasOwnProperty"),
        },
    )
    assert got["full"] == {
        "q": "feedback",
        "quadrant": "ne",
        "signal": "pref",
        "from": "2020",
        "to": "2022",
        "placer": "alice",
        "sort": "year",
        "dir": "desc",
    }
    assert got["unknown values"] == BLANK
    assert got["bad years"] == BLANK
    assert got["q is the theme's"] == BLANK
    assert got["long text"] == {**BLANK, "q": "x" * 200}
    assert got["inherited keys"] == BLANK


def test_the_browse_view_survives_a_round_trip_through_the_address(run: Runner) -> None:
    state = {"q": "from many", "quadrant": "sw", "signal": "", "from": "2021", "to": "", "placer": "alice", "sort": "label", "dir": "desc"}
    got = values(run, {"back": f"m.browse.viewFromQuery('?' + m.browse.queryOf({js(state)}).toString(), {js(ALLOWED)})"})
    assert got["back"] == state


def test_the_browse_filter(run: Runner) -> None:
    rows = f"m.browse.prepare(m.browse.fromJson({js(BROWSE)}, '../'))"

    def ids(**view: str) -> str:
        return f"m.browse.filterRows({rows}, {js({**BLANK, **view})}).map((r) => r.id)"

    got = values(
        run,
        {
            "all": ids(),
            "every word": ids(q="FEEDBACK many"),
            "a word in a quadrant's name": ids(q="south-west"),
            "a dataset": ids(q="hh"),
            "quadrant": ids(quadrant="sw"),
            "signal": ids(signal="pref"),
            "placer": ids(placer="alice"),
            "years": ids(**{"from": "2020", "to": "2021"}),
            "year desc": ids(sort="year", dir="desc"),
            "title asc": ids(sort="title"),
            "ties keep the rows' order": ids(sort="placed_by"),
            "nothing": ids(q="zzz"),
            "urls": f"{rows}.map((r) => r.url)",
            "map ids": f"m.browse.mapIds({rows})",
        },
    )
    assert got["all"] == ["alpha", "beta", "gamma", "Bad Id"]
    assert got["every word"] == ["gamma"]
    assert got["a word in a quadrant's name"] == ["beta", "gamma", "Bad Id"]
    assert got["a dataset"] == ["alpha"]
    assert got["quadrant"] == ["beta", "gamma", "Bad Id"]
    assert got["signal"] == ["alpha", "gamma"]
    assert got["placer"] == ["alpha", "gamma"]
    assert got["years"] == ["alpha", "gamma"]
    assert got["year desc"] == ["beta", "gamma", "alpha", "Bad Id"]
    assert got["title asc"] == ["gamma", "alpha", "Bad Id", "beta"]
    assert got["ties keep the rows' order"] == ["alpha", "gamma", "beta", "Bad Id"]
    assert got["nothing"] == []
    assert got["urls"] == ["../entries/alpha/", "../entries/beta/", "../entries/gamma/", "../entries/x/"]
    assert got["map ids"] == ["alpha", "beta", "gamma"]


# -- the pages load the shared helpers first ------------------------------------------------------
