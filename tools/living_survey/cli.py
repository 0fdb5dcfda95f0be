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


def _redirect_maps(root: Path) -> list[str]:
    """The old paths of mkdocs-redirects' ``redirect_maps`` in ``mkdocs.yml`` (unknown tags ignored)."""
    import yaml

    class IgnoreTagsSafeLoader(yaml.SafeLoader):
        """mkdocs.yml may hold !!python/name tags for extensions; read them as nothing."""

    IgnoreTagsSafeLoader.add_multi_constructor("", lambda loader, suffix, node: None)
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        return []
    config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=IgnoreTagsSafeLoader) or {}  # noqa: S506
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "redirects" in plugin:
            return list(((plugin["redirects"] or {}).get("redirect_maps") or {}).keys())
    return []


def validate(args: argparse.Namespace) -> int:
    """Validate framework, entries and bibliography; unknown keys count as errors here."""
    from .permanence import permanence_problems
    from .routes import site_pages

    root = Path(args.root).resolve()
    try:
        survey = load_survey(root, root / args.framework, root / args.entries, root / args.bibliography)
        problems = list(survey.warnings)
        if (root / args.ids).is_file():
            problems += permanence_problems(root / args.ids, args.ids, site_pages(survey), _redirect_maps(root))
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


def _entries_with_key(folder: Path, key: str) -> list[tuple[str, str]]:
    """(file name, placed_by) of the entry files whose ``key`` is ``key`` (files that do not parse are skipped)."""
    from .yamlio import load_yaml

    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        doc, problems = load_yaml(path.read_bytes(), path.name)
        if not problems and isinstance(doc.value, dict) and doc.value.get("key") == key:
            found.append((path.name, str(doc.value.get("placed_by", ""))))
    return found


def new(args: argparse.Namespace) -> int:
    """Write a commented entry file for a work already in the bibliography."""
    from .bibliography import parse_bibliography
    from .framework import load_framework
    from .scaffold import close_keys, placer_slug, scaffold, suggested_ids

    root = Path(args.root).resolve()
    bib = root / args.bibliography
    framework_file = root / args.framework
    try:
        framework = load_framework(framework_file, args.framework)
        library = parse_bibliography(bib.read_bytes().decode("utf-8"), args.bibliography)
    except SurveyError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.bibliography}: cannot read: {exc}", file=sys.stderr)
        return 1
    if args.key not in library:
        hint = close_keys(args.key, library)
        print(f"{args.bibliography}: no record with key {args.key!r}. Add the work's BibTeX record first.", file=sys.stderr)
        if hint:
            print(f"Did you mean: {', '.join(hint)}?", file=sys.stderr)
        return 1
    ref = library[args.key]
    folder = root / args.entries
    existing = _entries_with_key(folder, args.key)
    another = ", ".join(f"{args.entries}/{name}" for name, _ in existing) if existing else None
    base = handle = ""
    if existing and not args.id:
        where = another
        if not args.placed_by:
            print(
                f"{args.key!r} already has an entry: {where}. Edit it, or pass --placed-by @handle "
                "to add your own placement of the work (or --id to choose its id).",
                file=sys.stderr,
            )
            return 1
        mine = [name for name, placed_by in existing if placed_by == args.placed_by]
        if mine:
            print(f"{args.placed_by} already placed {args.key!r} in {args.entries}/{mine[0]}: edit that file.", file=sys.stderr)
            return 1
        handle = placer_slug(args.placed_by)
        if not handle:
            print(f"--placed-by {args.placed_by!r}: a handle needs at least one letter or digit", file=sys.stderr)
            return 1
        base = min((name.removesuffix(".yaml") for name, _ in existing), key=lambda n: (len(n), n))
    if args.id:
        from .entries import ENTRY_ID

        if not ENTRY_ID.match(args.id):
            print(f"--id {args.id!r}: use lowercase letters, digits and single hyphens", file=sys.stderr)
            return 1
        candidates = [args.id]
    elif existing:
        candidates = [f"{base}-{handle}"] + [f"{base}-{handle}-{n}" for n in range(2, 10)]
    else:
        candidates = suggested_ids(ref)
    free = [c for c in candidates if not (folder / f"{c}.yaml").exists()]
    if not free:
        taken = ", ".join(f"{args.entries}/{c}.yaml" for c in candidates)
        print(f"{taken} already exists; not overwriting. Choose another id with --id.", file=sys.stderr)
        return 1
    target = folder / f"{free[0]}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(scaffold(ref, framework, args.placed_by, others=another or ""))
    except FileExistsError:
        print(f"{target.relative_to(root).as_posix()} already exists; not overwriting.", file=sys.stderr)
        return 1
    print(target.relative_to(root).as_posix())
    if another is not None:
        print(
            f"{args.key!r} is already placed ({another}): this is a second placement, by {args.placed_by}, "
            f"with the derived id {free[0]!r}. Both will be shown, side by side.",
            file=sys.stderr,
        )
    from .permanence import append_id
    from .routes import entry_page_id

    page_id = entry_page_id(free[0])
    if (root / args.ids).is_file() and append_id(root / args.ids, page_id):
        print(f"Added {page_id} to {args.ids}: once published, its URL is permanent.", file=sys.stderr)
    print("Fill in the fields marked TODO, then run: living-survey validate", file=sys.stderr)
    return 0


def ids(args: argparse.Namespace) -> int:
    """Print every page id, or with --write add the ones missing from the permanent list."""
    from .permanence import append_id
    from .routes import site_pages

    root = Path(args.root).resolve()
    try:
        survey = load_survey(root, root / args.framework, root / args.entries, root / args.bibliography)
    except SurveyError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    for page_id in site_pages(survey).permanent_ids():
        if not args.write:
            print(page_id)
        elif append_id(root / args.ids, page_id):
            print(f"added {page_id}")
    return 0


def versions(args: argparse.Namespace) -> int:
    """Build the living site and every release tag into one folder, as the publishing workflow does."""
    from .versions import VersionsError, build_versions

    try:
        built = build_versions(Path(args.root), Path(args.out), config=args.config_file, log=lambda line: print(line, file=sys.stderr))
    except VersionsError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"OK: the living site and {len(built)} release(s) in {args.out}", file=sys.stderr)
    return 0


def check_release(args: argparse.Namespace) -> int:
    """Exit 1 with a message naming both when the tag is not CITATION.cff's version."""
    from .versions import check_release_tag

    problem = check_release_tag(args.tag, Path(args.root) / args.citation_file)
    if problem:
        print(f"::error file={args.citation_file}::{problem}" if args.format == "github" else problem, file=sys.stderr)
        return 1
    print(f"OK: {args.tag} matches {args.citation_file}", file=sys.stderr)
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
    check.add_argument("--ids", default="permanent-ids.txt", help="the list of published page ids, checked if present")
    check.set_defaults(run=validate)
    scaffold = sub.add_parser("new", help="write entries/<id>.yaml for a work already in references.bib")
    scaffold.add_argument("key", help="the work's BibTeX key")
    scaffold.add_argument("--id", help="the entry id (file name and URL); default: surname-year")
    scaffold.add_argument(
        "--placed-by",
        default="",
        help="your GitHub handle (@you), filled into placed_by; on a work already placed, adds your own placement",
    )
    scaffold.add_argument("--root", default=".", help="the project folder (where mkdocs.yml is)")
    scaffold.add_argument("--framework", default="framework.yml")
    scaffold.add_argument("--entries", default="entries")
    scaffold.add_argument("--bibliography", default="references.bib")
    scaffold.add_argument("--ids", default="permanent-ids.txt", help="the list of published page ids, updated if present")
    scaffold.set_defaults(run=new)
    listing = sub.add_parser("ids", help="list every page id; --write adds missing ones to the permanent list")
    listing.add_argument("--write", action="store_true", help="append ids missing from the list")
    listing.add_argument("--root", default=".", help="the project folder (where mkdocs.yml is)")
    listing.add_argument("--framework", default="framework.yml")
    listing.add_argument("--entries", default="entries")
    listing.add_argument("--bibliography", default="references.bib")
    listing.add_argument("--ids", default="permanent-ids.txt")
    listing.set_defaults(run=ids)
    built = sub.add_parser("versions", help="build the living site into OUT and every vX.Y.Z tag into OUT/v/X.Y/, with versions.json")
    built.add_argument("--out", required=True, help="the folder to write (replaced only when every build succeeds)")
    built.add_argument("--root", default=".", help="the project folder (where mkdocs.yml is), inside a git work tree")
    built.add_argument("-f", "--config-file", default="mkdocs.yml")
    built.set_defaults(run=versions)
    release = sub.add_parser("check-release", help="check that a tag vX.Y.Z matches CITATION.cff's version")
    release.add_argument("tag", help="the pushed tag, e.g. v1.2.0")
    release.add_argument("--root", default=".", help="the project folder")
    release.add_argument("--citation-file", default="CITATION.cff")
    release.add_argument("--format", choices=("text", "github"), default="text", help="github: an Actions annotation")
    release.set_defaults(run=check_release)
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
