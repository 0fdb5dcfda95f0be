"""BibTeX values → text: LaTeX decoded to Unicode (accents, quotes, dashes, links, math) in bounded time.

The decoder is pylatexenc's; what is ours is the bound on nesting and length, links kept as written,
math decoded only where every macro in it is known, and one error, :class:`LatexError`, for text it
cannot read.
"""

from __future__ import annotations

import logging
import re

from pylatexenc import latex2text, macrospec
from pylatexenc.latex2text import LatexNodes2Text

MAX_DEPTH = 32
"""Braces nested deeper than this are refused: no real title needs more than a few levels."""

_SPACE = re.compile(r"\s+")


_LOGOS = {"LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX2\u03b5", "BibTeX": "BibTeX"}
"""Macros the decoder does not know and that name themselves."""


def _latex_context() -> macrospec.LatexContextDb:
    db = latex2text.get_default_latex_context_db()
    db.add_context_category("living-survey", prepend=True, macros=[latex2text.MacroTextSpec(n, simplify_repl=t) for n, t in _LOGOS.items()])
    return db


_CONTEXT = _latex_context()

_DECODER = LatexNodes2Text(latex_context=_CONTEXT, math_mode="verbatim", keep_braced_groups=False)

_MATH_DECODER = LatexNodes2Text(latex_context=_CONTEXT, math_mode="text", keep_braced_groups=False)

_LIGATURES = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"))

# What the pre-pass handles itself: links (verbatim addresses), math, comments, escapes.
_SPECIAL = re.compile(r"\\(?:url|href)(?![A-Za-z])|\\[^A-Za-z]|\\[A-Za-z]+|\$|%|&")

_MACRO = re.compile(r"\\([A-Za-z]+)")

_BRACES = re.compile(r"\\[{}]|[{}]")

_URL_ESCAPES = re.compile(r"\\([%#_&$~{}])")

_PLACEHOLDERS = 0xE000  # Unicode private use: kept as is by the LaTeX decoder

_PRIVATE = re.compile("[\ue000-\uf8ff]")

WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


class LatexError(ValueError):
    """A field that cannot be read as LaTeX; the message says why, for a contributor."""


def _check_depth(text: str) -> None:
    depth = 0
    for match in _BRACES.finditer(text):
        brace = match.group(0)
        if brace == "{":
            depth += 1
            if depth > MAX_DEPTH:
                raise LatexError(f"braces nested more than {MAX_DEPTH} deep")
        elif brace == "}":
            depth -= 1


def _braced(text: str, pos: int) -> tuple[str, int]:
    """The content of the ``{…}`` group at ``pos`` (after spaces) and the position after it."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text) or text[pos] != "{":
        raise LatexError("expected a {…} argument")
    depth = 0
    for match in _BRACES.finditer(text, pos):
        if match.group(0) == "{":
            depth += 1
        elif match.group(0) == "}":
            depth -= 1
            if depth == 0:
                return text[pos + 1 : match.start()], match.end()
    raise LatexError("a { is never closed")


def verbatim_url(text: str) -> str:
    """An address as written (``~`` stays ``~``): ``\\url{…}`` unwrapped, ``\\%``, ``\\_`` … unescaped."""
    text = text.strip()
    if text.startswith("\\url"):
        inner, end = _braced(text, 4)
        if not text[end:].strip():
            text = inner
    return _URL_ESCAPES.sub(r"\1", text).strip()


class _Complaints(logging.Handler):
    """pylatexenc logs what it could not convert (``\\frac`` without arguments …) and goes on."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _latex(text: str, decoder: LatexNodes2Text = _DECODER) -> str:
    # pylatexenc's failures on contributed text, raised (IndexError, KeyError …) or only logged,
    # become our error, reported at the field's line
    logger = logging.getLogger("pylatexenc")
    complaints, propagate = _Complaints(), logger.propagate
    logger.addHandler(complaints)
    logger.propagate = False
    try:
        decoded = str(decoder.latex_to_text(text))
    except Exception as exc:  # noqa: BLE001 (any failure of the third-party parser is reported)
        raise LatexError(f"cannot be read as LaTeX ({type(exc).__name__}); check its backslashes and braces") from exc
    finally:
        logger.removeHandler(complaints)
        logger.propagate = propagate
    if complaints.messages:
        reason = re.sub(r"^(?:WARNING: )?(?:Error in configuration: )?", "", complaints.messages[0])
        raise LatexError(f"cannot be read as LaTeX: {reason}")
    return decoded


def _math(body: str) -> str:
    """``$\\alpha$`` → ``α`` when the decoder can write all of it in text; else as written.

    Unknown macros would vanish and ``x^2`` would lose only its dollars, so both stay as typed.
    """
    if "^" not in body and "_" not in body and all(_CONTEXT.get_macro_spec(name) is not None for name in _MACRO.findall(body)):
        try:
            return _latex(f"${body}$", _MATH_DECODER)
        except LatexError:
            pass  # shown as written, below
    return f"${body}$"


def decode(text: str) -> str:
    """LaTeX → Unicode for display: accents, quotes, dashes, braces, ``\\url``, ``\\href`` and math.

    A ``%`` is a percent sign (BibTeX values hold no comments); ``\\url{…}`` keeps its address as
    written; ``\\href{url}{text}`` reads ``text (url)``; math is decoded where every macro in it is
    known and otherwise kept as typed.

    Raises:
        LatexError: braces nested too deep or unbalanced, a link without its arguments, or text
            the LaTeX decoder cannot read.
    """
    if "\\" not in text and "$" not in text:
        # no macro and no math: what the LaTeX decoder would do, at a fraction of its cost
        _check_depth(text)
        text = text.replace("{", "").replace("}", "").replace("~", " ")
    elif any(c in text for c in "\\{~$%&"):
        _check_depth(text)
        if _PRIVATE.search(text):
            raise LatexError("contains a private-use character; remove it")
        pieces: list[str] = []
        out = []
        pos = 0
        for match in _SPECIAL.finditer(text):
            if match.start() < pos:
                continue  # inside an argument already consumed
            token = match.group(0)
            out.append(text[pos : match.start()])
            pos = match.end()
            if token in ("%", "&"):
                out.append("\\" + token)  # text, not a comment or a table cell
                continue
            if token in ("\\url", "\\href"):
                address, pos = _braced(text, pos)
                shown = _URL_ESCAPES.sub(r"\1", address).strip()
                if not WEB_ADDRESS.fullmatch(shown):
                    raise LatexError(f"{token}{{{address[:80]}}}: a link must be a web address starting with https://")
                if token == "\\href":
                    label, pos = _braced(text, pos)
                    label = _latex(label.replace("%", "\\%")).strip()
                    shown = f"{label} ({shown})" if label and label != shown else shown
            elif token == "$":
                close = text.find("$", pos)
                while close != -1 and text[close - 1] == "\\":
                    close = text.find("$", close + 1)
                if close == -1:
                    out.append("\\$")  # a lone dollar sign is text
                    continue
                shown = _math(text[pos:close]) if close > pos else "$$"
                pos = close + 1
            elif token[1:] in _LOGOS:
                shown = _LOGOS[token[1:]]  # by hand, so that the space after it stays
            else:
                out.append(token)
                continue
            out.append(chr(_PLACEHOLDERS + len(pieces)))
            pieces.append(shown)
        out.append(text[pos:])
        if len(pieces) > 0x1000:
            raise LatexError("too many links and formulas in one field")
        text = _latex("".join(out))
        for i, piece in enumerate(pieces):
            text = text.replace(chr(_PLACEHOLDERS + i), piece)
    for tex, char in _LIGATURES:
        text = text.replace(tex, char)
    return _SPACE.sub(" ", text).strip()
