"""Survey → Figure 1 (SVG, PNG, PDF): the map, regenerated from the entries, cached by content.

matplotlib is imported only when the figure must be drawn: a build whose drawn inputs are
unchanged reads the cache and never imports it. Links in the SVG use a root placeholder that
each page replaces with its own relative path to the site root.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import metadata
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from .survey import Survey

FIGURE_VERSION = "1"
"""Bump when the drawing code changes, so caches are invalidated."""
ROOT = "@@ROOT@@"
"""Placeholder for the relative path from the page showing the figure to the site root."""
LABEL_LIMIT = 60
"""Above this many entries, labels give way to numbered markers with a key on the page."""
INK = "#1c1c1c"
# Okabe–Ito: a palette that stays distinguishable for the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
NAMES = ("figure1.svg", "figure1.png", "figure1.pdf")


def figure_inputs(survey: Survey) -> dict[str, Any]:
    """Exactly what the figure draws; its hash is the cache key."""
    fw = survey.framework
    entries = []
    for entry in sorted(survey.entries, key=lambda e: e.id):
        ref = survey.library.references.get(entry.key)
        entries.append(
            {
                "id": entry.id,
                "quadrant": entry.quadrant,
                "position": list(entry.position) if entry.position else None,
                "label": ref.label if ref else entry.key,
                "title": ref.title if ref else entry.key,
            }
        )
    return {
        "x": {"name": fw.x.name, "neg": fw.x.negative.label, "pos": fw.x.positive.label},
        "y": {"name": fw.y.name, "neg": fw.y.negative.label, "pos": fw.y.positive.label},
        "quadrants": [{"id": q.id, "title": q.title, "x": q.x, "y": q.y} for q in fw.quadrants],
        "entries": entries,
    }


def cache_key(inputs: dict[str, Any]) -> str:
    """Hash of the drawn inputs, the figure code's version and matplotlib's version."""
    try:
        mpl = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        mpl = "none"
    blob = json.dumps([inputs, FIGURE_VERSION, mpl], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def auto_positions(inputs: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Positions for every entry: its own, or a free slot of a grid inside its quadrant."""
    placed = {e["id"]: tuple(e["position"]) for e in inputs["entries"] if e["position"]}
    signs = {q["id"]: (q["x"], q["y"]) for q in inputs["quadrants"]}
    for quadrant, (sx, sy) in signs.items():
        waiting = [e["id"] for e in inputs["entries"] if e["quadrant"] == quadrant and not e["position"]]
        if not waiting:
            continue
        taken = [placed[e["id"]] for e in inputs["entries"] if e["quadrant"] == quadrant and e["id"] in placed]
        side = 2
        while side * side < len(waiting) + len(taken):
            side += 1
        slots = [
            (sx * (0.1 + 0.8 * (i + 0.5) / side), sy * (0.1 + 0.8 * (j + 0.5) / side))
            for j in range(side)
            for i in range(side)
        ]
        gap = 0.4 / side
        free = [s for s in slots if all(abs(s[0] - t[0]) > gap or abs(s[1] - t[1]) > gap for t in taken)]
        free += [s for s in slots if s not in free]
        for entry_id, slot in zip(waiting, free, strict=False):
            placed[entry_id] = slot
    return placed


def _draw(inputs: dict[str, Any]) -> dict[str, bytes]:
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    with matplotlib.rc_context(
        {"svg.hashsalt": "living-survey", "svg.fonttype": "path", "font.family": "DejaVu Sans", "path.simplify": False}
    ):
        positions = auto_positions(inputs)
        entries = inputs["entries"]
        numbered = len(entries) > LABEL_LIMIT
        colour = {q["id"]: PALETTE[i % len(PALETTE)] for i, q in enumerate(inputs["quadrants"])}
        fig, ax = plt.subplots(figsize=(8, 6.4), dpi=150)
        ax.set_xlim(-1.12, 1.12)
        ax.set_ylim(-1.12, 1.12)
        ax.axhline(0, color=INK, lw=1)
        ax.axvline(0, color=INK, lw=1)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xticks([])
        ax.set_yticks([])
        x, y = inputs["x"], inputs["y"]
        ax.set_xlabel(f"{x['name']}:  {x['neg']}  ←→  {x['pos']}", color=INK, fontsize=11)
        ax.set_ylabel(f"{y['name']}:  {y['neg']}  ←→  {y['pos']}", color=INK, fontsize=11)
        for q in inputs["quadrants"]:
            text = ax.text(
                q["x"] * 0.55, q["y"] * 1.06, q["title"], ha="center", va="center", fontsize=12, fontweight="bold",
                color=colour[q["id"]], parse_math=False,
            )
            text.set_url(f"{ROOT}quadrants/{q['id']}/")
            text.set_gid(f"ls-quadrant-{q['id']}")
        texts = []
        for number, e in enumerate(entries, 1):
            px, py = positions[e["id"]]
            dot = ax.scatter([px], [py], s=46, color=colour[e["quadrant"]], edgecolors=INK, linewidths=0.6, zorder=3)
            dot.set_urls([f"{ROOT}entries/{e['id']}/"])
            dot.set_gid(f"ls-marker-{e['quadrant']}-{number}")
            label = str(number) if numbered else e["label"]
            text = ax.text(px, py + 0.045, label, fontsize=7 if numbered else 8, ha="center", va="bottom", color=INK, parse_math=False, zorder=4)
            text.set_url(f"{ROOT}entries/{e['id']}/")
            text.set_gid(f"ls-label-{e['quadrant']}-{number}")
            texts.append(text)
        if texts and not numbered:
            from adjustText import adjust_text

            adjust_text(texts, ax=ax, expand=(1.15, 1.3), ensure_inside_axes=True, iter_lim=400)
        fig.tight_layout()
        out = {}
        for name, fmt, meta in (
            ("figure1.svg", "svg", {"Date": None, "Creator": None}),
            ("figure1.png", "png", {"Software": None}),
            ("figure1.pdf", "pdf", {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}),
        ):
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=meta, transparent=fmt == "svg")
            out[name] = buffer.getvalue()
        plt.close(fig)
    out["figure1.svg"] = _svg_titles(out["figure1.svg"].decode("utf-8"), inputs).encode("utf-8")
    return out


def _svg_titles(svg: str, inputs: dict[str, Any]) -> str:
    """Give every link a tooltip and let the ink follow the page's colour scheme."""
    titles = {f"{ROOT}entries/{e['id']}/": e["title"] for e in inputs["entries"]}
    titles.update({f"{ROOT}quadrants/{q['id']}/": q["title"] for q in inputs["quadrants"]})

    def add_title(match: re.Match[str]) -> str:
        href = match.group(1).replace("&amp;", "&")
        title = titles.get(href)
        return match.group(0) + (f"<title>{xml_escape(title)}</title>" if title else "")

    # matplotlib annotates path-drawn text with comments repeating it; drop them (contributed text)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace(' target="_blank"', "")  # in-site links open in the same tab
    svg = re.sub(r'<a xlink:href="([^"]*)"[^>]*>', add_title, svg)
    svg = svg.replace(f"fill: {INK}", f"fill: var(--md-default-fg-color, {INK})")
    svg = svg.replace(f"stroke: {INK}", f"stroke: var(--md-default-fg-color, {INK})")
    return re.sub(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", "", svg, flags=re.S)


def ensure_figure(survey: Survey, cache_dir: Path) -> dict[str, bytes]:
    """The figure's three files, from the cache when the drawn inputs are unchanged."""
    inputs = figure_inputs(survey)
    key = cache_key(inputs)
    folder = cache_dir / key
    if all((folder / name).is_file() for name in NAMES):
        return {name: (folder / name).read_bytes() for name in NAMES}
    files = _draw(inputs)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        tmp = folder / f".{name}.tmp"
        tmp.write_bytes(data)
        tmp.replace(folder / name)
    (folder / "manifest.json").write_text(json.dumps({"key": key, "files": sorted(files)}, indent=1), encoding="utf-8")
    return files


def svg_for_page(svg: bytes, root: str) -> str:
    """The SVG for inline embedding in a page whose path to the site root is ``root``."""
    # one line: blank lines or indentation inside raw HTML would turn into Markdown code blocks
    return re.sub(r">\s+<", "><", svg.decode("utf-8").replace(ROOT, root)).replace("\n", " ")


def text_alternative(survey: Survey) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per quadrant, the (entry id, label) pairs the figure shows: the figure as a list."""
    out = []
    for q in survey.framework.quadrants:
        items = []
        for entry in sorted(survey.entries_in(q.id), key=survey.sort_key):
            ref = survey.library.references.get(entry.key)
            items.append((entry.id, ref.label if ref else entry.key))
        out.append((q.title, items))
    return out
