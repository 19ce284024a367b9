"""The set-up files agree with each other: pyproject, the constraints lock, environment.yml, Makefile, CI."""

import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PINS = {
    m.group(1).lower().replace("_", "-"): Version(m.group(2))
    for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M)
}
# What Colab ships (its published freeze, as kept in constraints-colab.txt): the runtime ranges must admit it.
COLAB = {
    m.group(1).lower().replace("_", "-"): m.group(2)
    for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)$", (ROOT / "constraints-colab.txt").read_text(), re.M)
}


def _runtime():
    return [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


def test_runtime_ranges_admit_what_colab_ships():
    for req in _runtime():
        name = req.name.lower()
        assert name in COLAB, f"{name} is a runtime need; say which version Colab ships"
        assert req.specifier.contains(COLAB[name], prereleases=True), f"{req} excludes Colab's {name} {COLAB[name]}"


@pytest.mark.parametrize("extra", [None, "lab", "test", "site"])
def test_constraints_pin_every_requirement_within_its_range(extra):
    extras = PYPROJECT["project"]["optional-dependencies"]
    reqs = _runtime() if extra is None else [Requirement(r) for r in extras[extra]]
    for req in reqs:
        name = req.name.lower().replace("_", "-")
        assert name in PINS, f"{name} is not pinned in constraints.txt"
        assert req.specifier.contains(PINS[name]), f"constraints.txt pins {name}=={PINS[name]}, outside {req}"


def test_nothing_from_cuda_is_pinned():
    assert not [n for n in PINS if n.startswith(("nvidia-", "triton", "cuda"))]


def test_environment_yml_matches_pyproject_and_this_python():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python="))
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == python.split("=")[1], (
        "environment.yml's Python should be the one the constraints were made with"
    )
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict))
    extras = sorted(PYPROJECT["project"]["optional-dependencies"])
    assert f"-e .[{','.join(extras)}]" in pip_section
    assert "-c constraints.txt" in pip_section


def test_ci_runs_make_test_and_github_runs_ci():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [ln for ln in ci.splitlines() if ln.strip() and not ln.startswith("#")]
    assert commands[-1].strip() == "exec make test"
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = workflow["jobs"]["test"]["steps"]
    assert [s["run"] for s in steps if "run" in s] == ["bash .ci/run"]  # one entry point: the Chromium step too
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["cache"] == "pip" and "constraints.txt" in python["with"]["cache-dependency-path"]


def test_make_test_runs_the_quick_part_then_the_slow_reruns():
    makefile = (ROOT / "Makefile").read_text()
    assert "\ntest: quick test-colab reruns\n" in makefile and "\nquick: lint unit reproduce\n" in makefile
    reruns = makefile.split("\nreruns:")[1].split("\n\n")[0]
    assert "-m rerun tests/test_other_seeds.py" in reruns and "ATEN_CPU_CAPABILITY=$$capability" in reruns
    assert "CAPABILITIES ?= default" in makefile


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme and "make outputs" in readme


def test_no_helper_function_is_longer_than_fifty_lines():
    """Short functions, one job each: a long one is split (its checks, its verdict, its update) before it grows."""
    import ast

    long = []
    for path in sorted((ROOT / "sgd_helpers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) is not None and len(node.body) > 1 else node.body
                lines = node.end_lineno - body[0].lineno + 1
                if lines > 50:
                    long.append(f"{path.name}: {node.name} has {lines} lines of code")
    assert not long, long


def test_licences_and_sources_are_stated():
    """Code under Apache-2.0, text and figures under CC BY 4.0, and the sources credited with links."""
    assert (ROOT / "LICENSE").read_text().startswith("Apache License\nVersion 2.0")
    assert (ROOT / "LICENSE-CONTENT").read_text().startswith("Creative Commons Attribution 4.0 International")
    notice = (ROOT / "NOTICE.md").read_text()
    for source in ("github.com/fastai/fastbook", "04_mnist_basics.ipynb", "luisenoz.github.io",
                   "github.com/swan343/bin1/blob/main/SGD.ipynb", "GPL v3"):
        assert source in notice, source
    for path in re.findall(r"^\| `([^`]+)` \|", notice, re.M):  # the files said to follow the book exist
        assert (ROOT / path).exists(), path
    readme = (ROOT / "README.md").read_text()
    assert "NOTICE.md" in readme and "LICENSE-CONTENT" in readme and "CONTRIBUTING.md" in readme
    assert "tools/links.py" in (ROOT / "CONTRIBUTING.md").read_text()  # how to add a notebook


def test_citation_cff_is_valid_and_names_this_release_and_repository():
    """CITATION.cff is what GitHub's "Cite this repository" and the website's "Cite this course" show: valid Citation
    File Format 1.2.0 (checked against the format's own schema, tests/data/cff-1.2.0.schema.json, as published by
    citation-file-format under CC BY 4.0), naming the release and the repository pyproject.toml names."""
    import json

    import jsonschema

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    schema = json.loads((ROOT / "tests" / "data" / "cff-1.2.0.schema.json").read_text())
    jsonschema.validate(cff, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == PYPROJECT["project"]["version"], "CITATION.cff's version is sgd-helpers' release"
    assert cff["repository-code"] == f"https://github.com/{PYPROJECT['tool']['sgd-course']['repository']}"
    with pytest.raises(jsonschema.ValidationError):  # the schema does judge: the required message left out
        jsonschema.validate({key: value for key, value in cff.items() if key != "message"}, schema)
