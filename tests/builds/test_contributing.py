"""The contributor's path: workflows (actionlint and our own rules), templates, pre-commit, CITATION.cff."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from living_survey import load_survey

from ..conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: `make test` installs it with the test extras"
    return found


def workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def runs(job: dict[str, Any]) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_actionlint_passes_on_every_workflow() -> None:
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert {Path(f).name for f in files} >= {"ci.yml", "pages.yml", "release.yml"}
    result = subprocess.run([tool("actionlint"), "-color=false", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    # the check above can fail: a job that needs a job that does not exist is reported
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("on: push\njobs:\n  a:\n    needs: nowhere\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo hi\n")
    result = subprocess.run([tool("actionlint"), "-color=false", str(bad)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and "nowhere" in result.stdout


def test_pull_request_workflow_is_read_only_and_checks_everything() -> None:
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"] and "pull_request_target" not in ci["on"]
    assert ci["permissions"] == {"contents": "read"}
    for job in ci["jobs"].values():
        assert set(job.get("permissions", {}).values()) <= {"read", "none"}
        commands = "\n".join(runs(job))
        # untrusted event text never inlined into a shell script
        assert not re.search(r"\$\{\{\s*github\.(event|head_ref)", commands), commands
        assert all(
            s.get("with", {}).get("persist-credentials") is False for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")
        )
    # every job checks everything, but the play: a job of its own that plays a contribution on a clone
    assert ".ci/play_contribution.py" in "\n".join(runs(ci["jobs"]["play"]))
    for name, job in ci["jobs"].items():
        if name != "play":
            commands = "\n".join(runs(job))
            assert "living-survey validate --format github" in commands, name
            assert "make test" in commands and "make build" in commands, name
            assert "actions/upload-artifact" in uses(job), name
    assert len(ci["jobs"]) > 1
    assert "secrets." not in (WORKFLOWS / "ci.yml").read_text()


def test_pages_workflow_deploys_only_a_successful_build_with_least_privilege() -> None:
    pages = workflow("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert pages["permissions"] == {"contents": "read"}
    build, deploy = pages["jobs"]["build"], pages["jobs"]["deploy"]
    assert "permissions" not in build
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and "if" not in deploy  # a failed build job skips the deploy
    assert "make versions OUT=site" in "\n".join(runs(build))  # strict builds of the living site and every release
    assert "actions/upload-pages-artifact" in uses(build) and uses(deploy) == ["actions/deploy-pages"]
    assert "--strict" in (ROOT / "Makefile").read_text().split("build:", 1)[1].split("\n\n")[0]


def test_issue_form_offers_exactly_the_framework_vocabulary() -> None:
    survey = load_survey(ROOT, ROOT / "framework.yml", ROOT / "entries", ROOT / "references.bib")
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "propose-entry.yml").read_text(encoding="utf-8"))
    fields = {item.get("id"): item for item in form["body"] if item.get("id")}
    assert fields["quadrant"]["attributes"]["options"][:-1] == list(survey.framework.quadrant_ids)
    assert [o["label"] for o in fields["signal"]["attributes"]["options"]] == [t.id for t in survey.framework.vocabularies["signal"]]
    for required in ("work", "quadrant", "quotes", "rationale", "placed_by"):
        assert fields[required]["validations"]["required"] is True


def test_contributors_are_told_how_to_disagree_with_a_placement() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Disagree with a placement") :].split("\n## ", 1)[0]
    assert "--placed-by" in section and "living-survey new" in section
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / "propose-entry.yml").read_text(encoding="utf-8"))
    fields = {item.get("id"): item for item in form["body"] if item.get("id")}
    options = [o.lower() for o in fields["kind"]["attributes"]["options"]]
    assert "propose a different placement for an existing work" in options


def test_pull_request_template_has_a_checklist() -> None:
    template = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^- \[ \] ", template, re.M)) >= 8
    assert "verbatim" in template and "make validate" in template


def test_pre_commit_config_is_valid_and_watches_the_data() -> None:
    path = ROOT / ".pre-commit-config.yaml"
    result = subprocess.run([tool("pre-commit"), "validate-config", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    hook = yaml.safe_load(path.read_text())["repos"][0]["hooks"][0]
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("entries/smith-2024.yaml", "references.bib", "framework.yml"))
    assert not any(pattern.search(p) for p in ("docs/index.md", "tools/living_survey/cli.py", "entries/sub/x.yaml"))
    assert "validate" in hook["entry"]


def test_citation_cff_is_valid() -> None:
    result = subprocess.run([tool("cffconvert"), "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_citation_cff_check_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "CITATION.cff"
    bad.write_text((ROOT / "CITATION.cff").read_text().replace("cff-version: 1.2.0", "cff-version: 1.2.0\nauthors-typo: []"))
    result = subprocess.run([tool("cffconvert"), "--validate", "-i", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0


@pytest.mark.usefixtures("real_site")
def test_contribute_page_is_contributing_md(real_site: Path) -> None:
    page = (real_site / "contribute" / "index.html").read_text(encoding="utf-8")
    assert "Add a paper in five steps" in page and "living-survey new" in page
    assert "--8&lt;--" not in page and "--8<--" not in page
