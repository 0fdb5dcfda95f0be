"""``living-survey``: check a survey's data without building the site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .problems import Problem, SurveyError
from .survey import load_survey


def _annotation(problem: Problem) -> str:
    # GitHub Actions workflow command: shown inline on the pull request's diff.
    message = (f"{problem.field}: " if problem.field else "") + problem.message
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    line = f",line={problem.line}" if problem.line else ""
    return f"::error file={problem.path}{line}::{message}"


def validate(args: argparse.Namespace) -> int:
    """Validate framework, entries and bibliography; unknown keys count as errors here."""
    root = Path(args.root).resolve()
    try:
        survey = load_survey(root, root / args.framework, root / args.entries, root / args.bibliography)
        problems = list(survey.warnings)
        count = len(survey.entries)
    except SurveyError as exc:
        problems = list(exc.problems)
        count = None
    for problem in sorted(problems):
        print(_annotation(problem) if args.format == "github" else str(problem))
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"{len(problems)} {noun} found.", file=sys.stderr)
        return 1
    print(f"OK: {count} entries valid.", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``living-survey`` command."""
    parser = argparse.ArgumentParser(prog="living-survey", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="check entries, framework and references.bib; exit 1 on any problem")
    check.add_argument("--root", default=".", help="the project folder (where mkdocs.yml is)")
    check.add_argument("--framework", default="framework.yml")
    check.add_argument("--entries", default="entries")
    check.add_argument("--bibliography", default="references.bib")
    check.add_argument("--format", choices=("text", "github"), default="text", help="github: Actions annotations")
    check.set_defaults(run=validate)
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
