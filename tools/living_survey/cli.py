"""``living-survey``: check a survey's data without building the site."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .core.problems import Problem, SurveyError, printable

if TYPE_CHECKING:
    from .checks.project_checks import Project


def _command_data(text: str) -> str:
    # GitHub's workflow-command escaping for the message part
    return printable(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _command_property(text: str) -> str:
    # ... and for a property value, where ":" and "," would end the value
    return _command_data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(problem: Problem) -> str:
    # GitHub Actions workflow command: shown inline on the pull request's diff. A file name is
    # contributed text too: escaped, it cannot end the command or add a forged one.
    message = _command_data((f"{problem.field}: " if problem.field else "") + problem.message)
    line = f",line={problem.line}" if problem.line else ""
    return f"::error file={_command_property(problem.path)}{line}::{message}"


def _project(args: argparse.Namespace) -> Project:
    """Where the inputs are: the ``living-survey`` options of ``mkdocs.yml``, then any override flag.

    MkDocs itself reads ``mkdocs.yml``, through :func:`.config.project_options` (imported here, when a
    command runs, because it imports MkDocs), so the paths and the ledger rule are exactly the build's.
    """
    from .config import project_options

    root = Path(args.root).resolve()
    project = project_options(root / args.config_file)
    overrides = {
        name: (root / value).resolve()
        for name, value in (
            ("framework", args.framework),
            ("entries", args.entries),
            ("bibliography", args.bibliography),
            ("permanent_ids", args.ids),
        )
        if value
    }
    return dataclasses.replace(project, **overrides) if overrides else project


def _report(problems: Sequence[Problem]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1


def validate(args: argparse.Namespace) -> int:
    """Run every check the build runs (the same code, the same messages); exit 1 on any problem."""
    from .checks.project_checks import check_project

    try:
        checked = check_project(_project(args))
    except SurveyError as exc:
        problems = list(exc.problems)
    else:
        problems = checked.problems
    for problem in problems:
        print(_annotation(problem) if args.format == "github" else str(problem))
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"{len(problems)} {noun} found.", file=sys.stderr)
        return 1
    assert checked.survey is not None
    count = len(checked.survey.entries)
    print(f"OK: {count} {'entry' if count == 1 else 'entries'} valid.", file=sys.stderr)
    return 0


def _entries_with_key(folder: Path, key: str) -> list[tuple[str, str]]:
    """(file name, placed_by) of the entry files whose ``key`` is ``key`` (files that do not parse are skipped)."""
    from .core.yamlio import load_yaml, read_file

    found = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        data, problems = read_file(path, path.name, folder)  # bounded: an entry may be a hostile symlink
        if data is None:
            continue
        doc, problems = load_yaml(data, path.name)
        if not problems and isinstance(doc.value, dict) and doc.value.get("key") == key:
            found.append((path.name, str(doc.value.get("placed_by", ""))))
    return found


def new(args: argparse.Namespace) -> int:
    """Write a commented entry file for a work already in the bibliography."""
    from .model.bibliography import parse_bibliography
    from .model.framework import load_framework
    from .model.works import placer_id
    from .scaffold import as_handle, close_keys, placer_slug, scaffold, suggested_ids

    try:
        project = _project(args)
        bib_name = project.display(project.bibliography)
        framework = load_framework(project.framework, project.display(project.framework), project.root)
        from .core.yamlio import read_file
        from .model.survey import BIB_MAX_BYTES

        data, unread = read_file(project.bibliography, bib_name, project.root, max_bytes=BIB_MAX_BYTES)  # bounded, like validate
        if data is None:
            raise SurveyError(unread)
        library = parse_bibliography(data.decode("utf-8"), bib_name)
    except SurveyError as exc:
        return _report(exc.problems)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{project.display(project.bibliography)}: cannot read: {exc}", file=sys.stderr)
        return 1
    folder = project.entries
    entries_name = project.display(folder)
    if args.key not in library:
        hint = close_keys(args.key, library)
        print(f"{bib_name}: no record with key {args.key!r}. Add the work's BibTeX record first.", file=sys.stderr)
        if hint:
            print(f"Did you mean: {', '.join(hint)}?", file=sys.stderr)
        return 1
    ref = library[args.key]
    if args.placed_by and args.placed_by not in library:
        args.placed_by = as_handle(args.placed_by)  # "octocat" is written "@octocat": a bare word reads as a key
    existing = _entries_with_key(folder, args.key)
    another = ", ".join(f"{entries_name}/{name}" for name, _ in existing) if existing else None
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
        mine = [name for name, placed_by in existing if placer_id(placed_by) == placer_id(args.placed_by)]  # handles ignore case
        if mine:
            print(f"{args.placed_by} already placed {args.key!r} in {entries_name}/{mine[0]}: edit that file.", file=sys.stderr)
            return 1
        handle = placer_slug(args.placed_by)
        if not handle:
            print(f"--placed-by {args.placed_by!r}: a handle needs at least one letter or digit", file=sys.stderr)
            return 1
        base = min((name.removesuffix(".yaml") for name, _ in existing), key=lambda n: (len(n), n))
    if args.id:
        from .model.entries import id_problem

        if id_problem(args.id):
            print(f"--id {id_problem(args.id)}", file=sys.stderr)
            return 1
        candidates = [args.id]
    elif existing:
        candidates = [f"{base}-{handle}"] + [f"{base}-{handle}-{n}" for n in range(2, 10)]
    else:
        candidates = suggested_ids(ref)
    free = [c for c in candidates if not (folder / f"{c}.yaml").exists()]
    if not free:
        taken = ", ".join(f"{entries_name}/{c}.yaml" for c in candidates)
        print(f"{taken} already exists; not overwriting. Choose another id with --id.", file=sys.stderr)
        return 1
    target = folder / f"{free[0]}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
            out.write(scaffold(ref, framework, args.placed_by, others=another or ""))
    except FileExistsError:
        print(f"{project.display(target)} already exists; not overwriting.", file=sys.stderr)
        return 1
    print(project.display(target))
    if another is not None:
        print(
            f"{args.key!r} is already placed ({another}): this is a second placement, by {args.placed_by}, "
            f"with the derived id {free[0]!r}. Both will be shown, side by side.",
            file=sys.stderr,
        )
    from .model.addresses import entry_page_id
    from .pages.permanence import append_id

    page_id = entry_page_id(free[0])
    ledger = project.permanent_ids
    if ledger is not None and ledger.is_file() and append_id(ledger, page_id):
        print(f"Added {page_id} to {project.display(ledger)}: once published, its URL is permanent.", file=sys.stderr)
    print("Fill in the fields marked TODO, then run: living-survey validate", file=sys.stderr)
    return 0


def ids(args: argparse.Namespace) -> int:
    """Print every page id, or with --write add the ones missing from the permanent list."""
    from .model.survey import load_survey
    from .pages.kinds import site_pages
    from .pages.permanence import append_id

    try:
        project = _project(args)
        survey = load_survey(project.root, project.framework, project.entries, project.bibliography)
    except SurveyError as exc:
        return _report(exc.problems)
    ledger = project.permanent_ids
    if args.write and ledger is None:
        print("mkdocs.yml sets no permanent_ids for the living-survey plugin; pass --ids FILE to write one", file=sys.stderr)
        return 1
    if args.write and ledger is not None and ledger.exists() and not ledger.is_file():
        shown = printable(project.display(ledger))
        print(f"{shown}: is not a file; --ids names the list of page ids, e.g. permanent-ids.txt", file=sys.stderr)
        return 1
    for page_id in site_pages(survey).permanent_ids():
        if not args.write:
            print(page_id)
            continue
        assert ledger is not None  # --write without a ledger returned above
        try:
            added = append_id(ledger, page_id)
        except OSError as exc:
            print(f"{printable(project.display(ledger))}: cannot write: {exc.strerror or exc}", file=sys.stderr)
            return 1
        if added:
            print(f"added {page_id}")
    return 0


def versions(args: argparse.Namespace) -> int:
    """Build the living site and every release tag into one folder, as the publishing workflow does."""
    from .releases.frozen import VersionsError, build_versions

    try:
        built = build_versions(
            Path(args.root),
            Path(args.out),
            config=args.config_file,
            log=lambda line: print(line, file=sys.stderr),
            store=Path(args.store) if args.store else None,
            build_missing=not args.assemble_only,
            rebuild=args.rebuild or "",
        )
    except VersionsError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"OK: the living site and {len(built)} release(s) in {args.out}", file=sys.stderr)
    if built.unavailable:
        print(f"unavailable (listed, not placed): {', '.join(r.tag for r in built.unavailable)}", file=sys.stderr)
    missing = [tag for tag in args.require if tag not in {r.tag for r in built.releases}]
    if missing:
        print(f"required release(s) not published: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


def snapshot(args: argparse.Namespace) -> int:
    """Write the survey's history snapshot (placements, positions, texts) as this code reads them.

    ``living-survey versions`` runs a release's own copy of this command, so a release's history
    is always read by the code it was released with, never by today's loader.
    """
    import json

    from .model.survey import load_survey
    from .releases.history import snapshot_of

    project = _project(args)
    try:
        survey = load_survey(project.root, project.framework, project.entries, project.bibliography)
    except SurveyError as exc:
        return _report(exc.problems)
    Path(args.out).write_text(json.dumps(snapshot_of(survey).to_json(), ensure_ascii=False), encoding="utf-8")
    return 0


def generate(args: argparse.Namespace) -> int:
    """Write the survey as plain site sources (pages with front matter, data, feeds, a config) into OUT."""
    from .generate import GenerateError
    from .generate import generate as write_sources

    try:
        pages = write_sources(Path(args.root) / args.config_file, Path(args.out))
    except SurveyError as exc:
        for problem in exc.problems:
            print(str(problem))
        noun = "problem" if len(exc.problems) == 1 else "problems"
        print(f"{len(exc.problems)} {noun} found.", file=sys.stderr)
        return 1
    except GenerateError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"OK: {len(pages)} pages written to {args.out}; build them with mkdocs, properdocs or zensical", file=sys.stderr)
    return 0


def check_release(args: argparse.Namespace) -> int:
    """Exit 1 with a message naming both when the tag is not CITATION.cff's version."""
    from .releases.frozen import check_release as check

    problem = check(Path(args.root), args.tag, args.citation_file)
    if problem:
        print(f"::error file={args.citation_file}::{problem}" if args.format == "github" else problem, file=sys.stderr)
        return 1
    print(f"OK: {args.tag} matches {args.citation_file}", file=sys.stderr)
    return 0


def _location_options(parser: argparse.ArgumentParser, *, ids: str) -> None:
    parser.add_argument("--root", default=".", help="the project folder (where mkdocs.yml is)")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="the MkDocs configuration, relative to --root")
    default = "default: the living-survey plugin's option in mkdocs.yml"
    parser.add_argument("--framework", help=f"the framework file ({default})")
    parser.add_argument("--entries", help=f"the folder of entry files ({default})")
    parser.add_argument("--bibliography", help=f"the BibTeX file ({default})")
    parser.add_argument("--ids", help=ids)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``living-survey`` command."""
    parser = argparse.ArgumentParser(prog="living-survey", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="run every check the build runs; exit 1 on any problem")
    check.add_argument("--format", choices=("text", "github"), default="text", help="github: Actions annotations")
    _location_options(check, ids="the list of published page ids (default: the plugin's permanent_ids)")
    check.set_defaults(run=validate)
    scaffold = sub.add_parser("new", help="write <entries>/<id>.yaml for a work already in the bibliography")
    scaffold.add_argument("key", help="the work's BibTeX key")
    scaffold.add_argument("--id", help="the entry id (file name and URL); default: surname-year")
    scaffold.add_argument(
        "--placed-by",
        default="",
        help="your GitHub handle (@you), filled into placed_by; on a work already placed, adds your own placement",
    )
    _location_options(scaffold, ids="the list of published page ids, updated if it exists (default: the plugin's permanent_ids)")
    scaffold.set_defaults(run=new)
    listing = sub.add_parser("ids", help="list every page id; --write adds missing ones to the permanent list")
    listing.add_argument("--write", action="store_true", help="append ids missing from the list")
    _location_options(listing, ids="the list of published page ids (default: the plugin's permanent_ids)")
    listing.set_defaults(run=ids)
    built = sub.add_parser("versions", help="build the living site into OUT and every vX.Y.Z tag into OUT/v/X.Y/, with versions.json")
    built.add_argument("--out", required=True, help="the folder to write (replaced only when every build succeeds)")
    built.add_argument("--root", default=".", help="the project folder (where mkdocs.yml is), inside a git work tree")
    built.add_argument("-f", "--config-file", default="mkdocs.yml")
    built.add_argument(
        "--store", help="the folder of releases built once (<tag>.tar.gz, <tag>.json); default .cache/living-survey/releases"
    )
    built.add_argument("--assemble-only", action="store_true", help="never build a release: one missing from the store is unavailable")
    built.add_argument(
        "--rebuild", metavar="TAG", help="build this release again on purpose and report what changed against the stored bytes"
    )
    built.add_argument("--require", action="append", default=[], metavar="TAG", help="exit 1 unless this release is published")
    built.set_defaults(run=versions)
    snap = sub.add_parser("snapshot", help="write the survey's history snapshot (JSON) as this code reads it")
    snap.add_argument("--out", required=True, help="the JSON file to write")
    _location_options(snap, ids="unused")
    snap.set_defaults(run=snapshot)
    sources = sub.add_parser("generate", help="write the survey as plain site sources any mkdocs.yml builder can build")
    sources.add_argument("--out", default="generated", help="the folder to write (replaced only when complete; default: generated)")
    sources.add_argument("--root", default=".", help="the project folder (where mkdocs.yml is)")
    sources.add_argument("-f", "--config-file", default="mkdocs.yml")
    sources.set_defaults(run=generate)
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
