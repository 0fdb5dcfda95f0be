"""Survey → page content: quadrant and references pages (Markdown), entry pages (HTML).

Entry pages are rendered straight to HTML from the data: they skip the Markdown pipeline,
which is most of the cost of a page, so the survey stays fast at thousands of entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from markupsafe import Markup

from ..core.markup import SafeMarkdown, esc, md_escape, template_env
from ..core.problems import Problem
from ..model.addresses import BROWSE, CONTESTED_TITLE, LOCATOR, contested_page_id, entry_page_id, has_locator, key_anchor, quadrant_page_id
from ..model.answers import agreement, answer_rows, differences
from ..model.bibliography import Reference, byline, reference_html
from ..model.entries import Entry, Quote
from ..model.framework import Quadrant
from ..model.markdown_citations import Citation, replace_citations, unknown_citation
from ..model.survey import Survey
from ..model.works import PUBLISHED, placer_kind, placer_label
from ..releases.history import History
from .changes_page import entry_history
from .minimap import minimap

Link = Callable[[str], str]
"""Maps a page id (``entries/x``, from :mod:`..model.addresses`) to its URL relative to the current page."""

SHORT_QUOTE = 220


anchor = key_anchor
"""An HTML id for a BibTeX key (see :func:`~..model.addresses.key_anchor`)."""


@dataclass
class CitedPage:
    """What citation processing found on one page."""

    keys: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class EntryPage:
    """A rendered entry page."""

    title: str
    html: str
    toc: tuple[tuple[str, str], ...]
    """(id, title) of each second-level section."""
    problems: tuple[Problem, ...]


def _shorten(text: str, limit: int = SHORT_QUOTE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def card_quote(entry: Entry) -> Quote:
    """The quote a card shows: the work's own words read in the work itself, else its own words read
    elsewhere, else the first quote (which the card then attributes to its real author)."""
    own = [q for q in entry.quotes if q.cite == entry.key]
    return next((q for q in own if q.via is None), own[0] if own else entry.quotes[0])


CARD_LIMIT = 250
"""A quadrant page shows at most this many works as cards (by label); the browse page, filtered to the
quadrant, lists them all. A card weighs about 450 bytes (label, title, a quote of at most
``SHORT_QUOTE`` characters, its source, the placers), so the page stays under 150 KB however large
the survey grows and however its works crowd into one quadrant (400 cards made it 207 KB)."""


class PageBuilder:
    """Renders every generated page of one Survey; holds the reusable renderers."""

    def __init__(self, survey: Survey, *, edit_url: Callable[[Entry], str | None] = lambda e: None, history: History | None = None):
        self.survey = survey
        self.edit_url = edit_url
        self.history = history
        self.env = template_env()
        self.safe_md = SafeMarkdown()
        self._entry_template = self.env.get_template("entry.html")

    # -- citations ---------------------------------------------------------------------------

    def _cite(self, text: str, where: str, first_line: int, cited: CitedPage) -> str:
        library = self.survey.library

        def render(group: list[Citation], narrative: bool) -> str:
            known = [c for c in group if c.key in library]
            for c in group:
                if c.key not in library:
                    cited.problems.append(unknown_citation(where, c.line, c.key, library))
            if not known:
                return md_escape(", ".join("@" + c.key for c in group))
            for c in known:
                if c.key not in cited.keys:
                    cited.keys.append(c.key)
            if narrative:
                ref = library[known[0].key]
                return f"[{md_escape(ref.narrative)}](#ref-{anchor(ref.key)})"
            items = []
            for c in known:
                ref = library[c.key]
                label = md_escape(ref.year if c.suppress_author else ref.label)
                loc = f", {md_escape(c.locator)}" if c.locator else ""
                items.append(f"[{label}](#ref-{anchor(ref.key)}){loc}")
            return "(" + "; ".join(items) + ")"

        out, _ = replace_citations(text, render, first_line=first_line)
        return out

    def reference_list(self, keys: list[str]) -> Markup:
        """The references a page cited, in label order, each with its anchor."""
        refs = sorted((self.survey.library[k] for k in keys), key=lambda r: (r.label.lower(), r.key))
        items = [{"anchor": f"ref-{anchor(r.key)}", "html": reference_html(r)} for r in refs]
        return Markup(self.env.get_template("reflist.html").render(items=items))

    def cite_markdown(self, markdown: str, where: str) -> tuple[str, list[Problem]]:
        """Resolve the citations of a Markdown page and append its References section.

        Args:
            markdown: the page source.
            where: the page's path, for messages.

        Returns:
            The new Markdown and the unknown-key problems, each with its line.
        """
        cited = CitedPage()
        out = self._cite(markdown, where, 1, cited)
        if cited.keys:
            # str(): adding Markup to a str would escape the whole page
            out = out.rstrip("\n") + "\n\n## References\n\n" + str(self.reference_list(cited.keys)) + "\n"
        return out, cited.problems

    def attribution(self, quote: Quote, *, linked: bool = False) -> Markup:
        """Whose words a quote is, where it was read and its page (or ``abstract``, or a locator).

        ``Stiennon et al. (2020, p. 21), quoted in Kirk et al. (2023b), p. 5``; with ``linked``, each name
        links to its reference on the same page.
        """
        library = self.survey.library

        def name(key: str) -> Markup:
            ref = library.references.get(key)
            if ref is None:
                return esc(key)
            if linked:
                return Markup('<a href="#ref-{}">{}</a>').format(anchor(key), ref.narrative)
            return esc(ref.narrative)

        out = name(quote.cite)
        if quote.via and quote.cited_page:
            # "Stiennon et al. (2020, p. 21)": the original page, as the via work gives it
            ref = library.references.get(quote.cite)
            if ref is not None:
                text = Markup("{} ({}, p. {})").format(ref.label_authors, ref.year, quote.cited_page)
                out = Markup('<a href="#ref-{}">{}</a>').format(anchor(quote.cite), text) if linked else text
        if quote.via:
            out += Markup(", quoted in ") + name(quote.via)
        return out + Markup(", ") + esc(quote.where)

    # -- pages ---------------------------------------------------------------------------------

    def grid_html(self, link: Link) -> Markup:
        """The 2×2 grid of quadrants with entry counts, top row first."""
        framework = self.survey.framework
        ordered = sorted(framework.quadrants, key=lambda q: (-q.y, q.x))
        cells = [
            {
                "quadrant": q,
                "url": link(quadrant_page_id(q.id)),
                "count": len(self.survey.entries_in(q.id)),
                "works": len(self.survey.works.in_quadrant(q.id)),
            }
            for q in ordered
        ]
        return Markup(self.env.get_template("grid.html").render(framework=framework, cells=cells))

    def contested_note(self, link: Link) -> Markup:
        """A line linking the contested list, or nothing when no work is contested."""
        count = len(self.survey.works.contested)
        if not count:
            return Markup("")
        return Markup(self.env.get_template("contested-note.html").render(count=count, url=link(contested_page_id())))

    def quadrant_markdown(self, quadrant: Quadrant, link: Link, *, figure: str = "") -> str:
        """A quadrant page: description, guiding questions, figure, each work placed here once."""
        survey = self.survey
        items = []
        works = survey.works.in_quadrant(quadrant.id)
        for work in works[:CARD_LIMIT]:
            here = work.in_quadrant(quadrant.id)
            entry = here[0]
            ref = survey.library.references.get(entry.key)
            quote = card_quote(entry)
            items.append(
                {
                    "url": link(entry_page_id(entry.id)),
                    "label": ref.label if ref else entry.key,
                    "title": ref.title if ref else entry.id,
                    "quote": _shorten(quote.text),
                    "source": self.attribution(quote),
                    "edge": any(e.edge_case for e in here),
                    "placed_by": [{"url": link(entry_page_id(e.id)), "who": placer_label(e.placed_by, survey.library)} for e in here],
                    "contested": work.contested,
                    "elsewhere": [
                        {
                            "url": link(entry_page_id(e.id)),
                            "quadrant": survey.framework.quadrant(e.quadrant).title,
                            "who": placer_label(e.placed_by, survey.library),
                        }
                        for e in work.placements
                        if e.quadrant != quadrant.id
                    ],
                }
            )
        contested = survey.works.contested
        return self.env.get_template("quadrant.md").render(
            quadrant=quadrant,
            description=Markup(quadrant.description),
            entries=items,
            works=len(works),
            browse_url=link(BROWSE) + "?quadrant=" + quote_plus(quadrant.id) if len(works) > len(items) else "",
            placements=len(survey.entries_in(quadrant.id)),
            contested_here=sum(1 for item in items if item["contested"]),
            contested_url=link(contested_page_id()) if contested else None,
            figure=Markup(figure),
            locator_url=link(LOCATOR) if has_locator(self.survey) else "",
        )

    def contested_markdown(self, link: Link) -> str:
        """The list of contested works: the axes they are disputed on, how far apart, every rationale."""
        survey = self.survey
        works = []
        for work in survey.works.contested:
            ref = survey.library.references.get(work.key)
            works.append(
                {
                    "anchor": "work-" + anchor(work.key),
                    "label": ref.label if ref else work.key,
                    "title": ref.title if ref else work.key,
                    "axes": [a.name for a in work.disputed],
                    "distance": work.distance,
                    "estimated": work.estimated,
                    "placements": [self._placement_row(e, link) for e in work.placements],
                }
            )
        answered = []
        for work in survey.works:
            rows = differences(work.placements, survey.framework, self.attribution) if len(work.placements) > 1 else []
            if rows:
                ref = survey.library.references.get(work.key)
                urls = {e.id: link(entry_page_id(e.id)) for e in work.placements}
                answered.append(
                    {"anchor": "answers-" + anchor(work.key), "label": ref.label if ref else work.key, "rows": rows, "urls": urls}
                )
        agreed = agreement((w.placements for w in survey.works if len(w.placements) > 1), survey.framework)
        return self.env.get_template("contested.md").render(works=works, title=CONTESTED_TITLE, answered=answered, agreement=agreed)

    def _position_text(self, entry: Entry) -> str:
        if entry.position is None:
            return "not given"
        fw = self.survey.framework
        return ", ".join(
            f"{axis.name} {value:+.2f} ({axis.pole(1 if value > 0 else -1).label})"
            for axis, value in zip((fw.x, fw.y), entry.position, strict=True)
        )

    def _placement_row(self, entry: Entry, link: Link) -> dict[str, Any]:
        """One placement as the tables of placements show it."""
        library = self.survey.library
        kind = placer_kind(entry.placed_by, library)
        return {
            "id": entry.id,
            "url": link(entry_page_id(entry.id)),
            "quadrant": self.survey.framework.quadrant(entry.quadrant).title,
            "quadrant_url": link(quadrant_page_id(entry.quadrant)),
            "position": self._position_text(entry),
            "who": placer_label(entry.placed_by, library),
            "kind": "published work" if kind == PUBLISHED else "contributor",
        }

    def references_markdown(self, link: Link) -> str:
        """The whole bibliography, an anchor per key; surveyed works link to their entries."""
        items = []
        for ref in self.survey.library:  # the library is already in label order
            entries = [
                {"url": link(entry_page_id(e.id)), "title": e.id, "who": placer_label(e.placed_by, self.survey.library)}
                for e in self.survey.entries_for_key(ref.key)
            ]
            items.append({"anchor": anchor(ref.key), "label": ref.label, "html": reference_html(ref), "entries": entries})
        return self.env.get_template("references.md").render(items=items, path=self.survey.library.path)

    def _placed_by(self, entry: Entry) -> Markup:
        ref = self.survey.library.references.get(entry.placed_by)
        if ref is None:
            return esc(entry.placed_by)
        return Markup('<a href="#ref-{}">{}</a>').format(anchor(ref.key), ref.label)

    def entry_page(self, entry: Entry, link: Link) -> EntryPage:
        """An entry page, rendered straight to HTML."""
        survey = self.survey
        library = survey.library
        ref: Reference | None = library.references.get(entry.key)
        cited = CitedPage()
        rationale_md = self._cite(entry.rationale, entry.path, entry.line("rationale"), cited)
        rationale = self.safe_md.convert(rationale_md)
        edge_case = None
        if entry.edge_case:
            edge_case = self.safe_md.convert(self._cite(entry.edge_case, entry.path, entry.line("edge_case"), cited))
        quotes = []
        for quote in entry.quotes:
            for key in (quote.cite, quote.via):
                if key and key != entry.key and key in library and key not in cited.keys:
                    cited.keys.append(key)
            quotes.append({"text": quote.text, "source": self.attribution(quote, linked=True)})
        if entry.placed_by in library and entry.placed_by not in cited.keys:
            cited.keys.append(entry.placed_by)
        terms = []
        for term_id in entry.signal:
            try:
                terms.append(survey.framework.term("signal", term_id).label)
            except KeyError:
                terms.append(term_id)
        work = survey.work_of(entry)
        shown = work.shown_others(entry)
        others = [self._placement_row(e, link) for e in shown]
        hidden = len(work.placements) - 1 - len(shown)
        toc = [("placements", "Other placements")] if others else []
        toc += [("quotes", "Quotes")]
        answers = answer_rows(entry, survey.framework, lambda q: self.attribution(q, linked=True))
        differing = differences(work.placements, survey.framework, self.attribution) if len(work.placements) > 1 else []
        if answers:
            toc.append(("answers", "Answers"))
        toc.append(("rationale", "Rationale"))
        if ref:
            toc.append(("this-work", "This work"))
        references = Markup("")
        if cited.keys:
            references = Markup('<h2 id="works-cited">Works cited</h2>\n') + self.reference_list(cited.keys)
            toc.append(("works-cited", "Works cited"))
        html = self._entry_template.render(
            ids={"title": "title"},
            entry=entry,
            ref=ref,
            authors=byline(ref) if ref else "",
            framework=survey.framework,
            quadrant=survey.framework.quadrant(entry.quadrant),
            quadrant_url=link(quadrant_page_id(entry.quadrant)),
            signal=terms,
            placed_by=self._placed_by(entry),
            placer_kind="a published work" if placer_kind(entry.placed_by, library) == PUBLISHED else "a contributor",
            others=others,
            hidden=hidden,
            work_quadrants=[{"title": survey.framework.quadrant(q).title, "url": link(quadrant_page_id(q))} for q in work.quadrants],
            work=work,
            disputed=[a.name for a in work.disputed],
            contested_url=link(contested_page_id()) + "#work-" + anchor(work.key) if work.contested else None,
            minimap=minimap(work, entry, survey.framework, library, ref.label if ref else entry.key, shown) if others else None,
            quotes=quotes,
            answers=answers,
            differing=differing,
            nudge=survey.framework.scoring.nudge,
            rationale=rationale,
            edge_case=edge_case,
            reference=reference_html(ref) if ref else "",
            # the quotes link their own work to #ref-<key>: under "This work" unless "Works cited" lists it
            reference_anchor=f"ref-{anchor(ref.key)}" if ref and ref.key not in cited.keys else None,
            references=references,
            edit_url=self.edit_url(entry),
            history=entry_history(self.history.entry(entry.id)) if self.history is not None else "",
        )
        return EntryPage(
            title=ref.title if ref else entry.key,
            html=html,
            toc=tuple(toc),
            problems=tuple(cited.problems),
        )
