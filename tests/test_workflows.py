"""The GitHub workflows cannot be turned against the course, and a release ships only what CI's tests passed.

`make lint` runs zizmor over `.github/workflows/` (offline); these tests hold what the course decided beyond its
default audits: every action pinned to a commit with its release in a comment, one pin per action across the
workflows, no checkout that leaves the token on disk, write permissions only where they are named below, and a
release whose every job waits for CI's own test job on the tagged commit, builds once and publishes that build.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# The only jobs that may write anything, and what: Pages' deploy, and the upload to PyPI (trusted publishing).
WRITES = {("site.yml", "deploy"): {"pages", "id-token"}, ("release.yml", "publish"): {"id-token"}}
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$", re.M)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
RELEASE_COMMENT = re.compile(r"^\s+# v\d+\.\d+\.\d+(\s|$)")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _on(workflow: dict) -> dict:
    """The triggers: YAML 1.1 reads the bare key `on` as True."""
    return workflow["on"] if "on" in workflow else workflow[True]


def _uses(workflow: dict) -> list[str]:
    """Every `uses:` as GitHub reads it: reusable-workflow calls and steps."""
    found = []
    for job in workflow["jobs"].values():
        found += [job["uses"]] if "uses" in job else [s["uses"] for s in job["steps"] if "uses" in s]
    return found


def _needs(jobs: dict, name: str) -> set[str]:
    """The jobs that must succeed before `name` starts, directly or through others."""
    direct = jobs[name].get("needs", [])
    direct = [direct] if isinstance(direct, str) else direct
    return set(direct).union(*(_needs(jobs, d) for d in direct))


def test_there_are_workflows_to_check():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml", "site.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_release_named(path):
    text = path.read_text()
    refs = [m["ref"] for m in USES.finditer(text)]
    assert refs == _uses(_load(path)), "a uses: that the line pattern misses: write each on one line"
    for m in USES.finditer(text):
        if m["ref"].startswith("./"):
            continue  # this repository's own workflow, at the caller's commit
        assert PINNED.match(m["ref"]), f"{path.name}: {m['ref']} is not pinned to a full commit SHA"
        assert RELEASE_COMMENT.match(m["rest"]), f"{path.name}: {m['ref']} needs its release as '# vX.Y.Z'"


def test_each_action_has_one_pin_across_the_workflows():
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for m in USES.finditer(path.read_text()):
            action, _, sha = m["ref"].partition("@")
            pins.setdefault(action, set()).add(f"{sha} {m['rest'].strip()}")  # the commit and its release comment
    assert {a: p for a, p in pins.items() if len(p) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_checkout_leaves_the_token_on_disk(path):
    for job in _load(path)["jobs"].values():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert (step.get("with") or {}).get("persist-credentials") is False, f"{path.name}: {step}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_read_only_but_where_a_job_deploys_or_publishes(path):
    workflow = _load(path)
    assert workflow.get("permissions") in ({}, {"contents": "read"}), f"{path.name}: the workflow's default"
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        assert isinstance(granted, dict), f"{path.name} {name}: name each permission, not {granted!r}"
        writes = {scope for scope, level in granted.items() if level == "write"}
        assert writes == WRITES.get((path.name, name), set()), f"{path.name} {name} may write {writes}"


def test_ci_still_runs_on_every_push_and_pull_request_and_can_be_called():
    triggers = _on(_load(ROOT / ".github" / "workflows" / "ci.yml"))
    assert triggers == {"push": None, "pull_request": None, "workflow_call": None}


def test_release_publishes_only_after_cis_test_job_passed_on_the_tag():
    release = _load(ROOT / ".github" / "workflows" / "release.yml")
    assert _on(release) == {"push": {"tags": ["v*"]}}
    jobs = release["jobs"]
    assert jobs["test"]["uses"] == "./.github/workflows/ci.yml"  # CI's own test job, at the tagged commit
    assert "test" in _load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    assert all("test" in _needs(jobs, name) for name in jobs if name != "test"), "a job runs before the tests pass"
    assert "build" in _needs(jobs, "publish")


def test_release_builds_once_checks_the_build_and_publishes_that_build_with_attestations():
    jobs = _load(ROOT / ".github" / "workflows" / "release.yml")["jobs"]
    runs = {name: "\n".join(s["run"] for s in job.get("steps", []) if "run" in s) for name, job in jobs.items()}
    assert [name for name, run in runs.items() if "python -m build" in run] == ["build"]
    assert "twine check --strict dist/*" in runs["build"]
    upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    publish = jobs["publish"]
    assert publish["environment"] == "pypi" and runs["publish"] == ""  # no checkout, no build: the artifact only
    download, upload_to_pypi = publish["steps"]
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"]["name"] == upload["with"]["name"] and download["with"]["path"] == upload["with"]["path"]
    assert upload_to_pypi["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert upload_to_pypi["with"] == {"attestations": True}  # trusted publishing: no password, no token


def test_make_lint_audits_the_workflows_with_zizmor():
    lint = (ROOT / "Makefile").read_text().split("\nlint: env")[1].split("\n\n")[0]
    assert "$(BIN)/zizmor --offline --strict-collection .github/workflows/" in lint
