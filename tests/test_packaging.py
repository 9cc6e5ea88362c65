"""The environment: pyproject and environment.yml agree; the tools are installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return {r.replace(" ", "") for r in project["dependencies"] + extras["cpu"]
            + extras["instructor"] + extras["dev"]}


def student_requirements() -> list[str]:
    """What ``pip install dlcourse`` (Colab's first cell) installs."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


def environment_requirements() -> set[str]:
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    pip = [line.strip()[2:] for line in lines[start + 1:] if line.strip().startswith("- ")]
    return {r.replace(" ", "") for r in pip if not r.startswith("-e")}


def test_environment_yml_matches_pyproject():
    in_pyproject, in_conda = pyproject_requirements(), environment_requirements()
    assert in_pyproject == in_conda, (
        f"only in pyproject.toml: {sorted(in_pyproject - in_conda)}; "
        f"only in environment.yml: {sorted(in_conda - in_pyproject)}")


def test_dependency_names_cover_the_stack():
    names = {_name(r) for r in pyproject_requirements()}
    for needed in ("keras", "jupyterlab", "nbgrader", "matplotlib", "scikit-learn", "pytest",
                   "tensorflow-cpu"):
        assert needed in names


GRADING_TOOLS = ("jupyterlab", "notebook", "nbgrader", "nbclient", "nbconvert", "nbformat",
                 "jupyter", "ipykernel", "distributed", "dask", "tqdm", "tensorflow",
                 "tensorflow-cpu", "pytest", "selenium")


def test_student_dependencies_are_only_what_a_notebook_needs():
    names = {_name(r) for r in student_requirements()}
    assert {"keras", "numpy", "matplotlib", "scikit-learn"} <= names
    assert not names & set(GRADING_TOOLS), sorted(names & set(GRADING_TOOLS))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    instructor = {_name(r) for r in extras["instructor"]}
    assert {"jupyterlab", "nbgrader", "nbclient", "nbconvert", "distributed"} <= instructor
    setup = re.search(r'pip install --quiet -e "\.\[([^\]]+)\]"', (ROOT / "Makefile").read_text())
    assert setup and {"instructor", "dev"} <= set(setup.group(1).split(",")), "make setup"


def test_student_side_modules_do_not_import_grading_tools():
    code = ("import sys\nimport autograder, autograder.checks, autograder.datasets, "
            "autograder.selfcheck\nprint(sorted({m.split('.')[0] for m in sys.modules}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    for tool in ("nbgrader", "nbclient", "nbconvert", "nbformat", "jupyter_client",
                 "jupyter_core", "jupyterlab", "IPython", "tensorflow", "distributed"):
        assert f"'{tool}'" not in loaded, f"{tool} is imported by the student-side modules"


def test_keras_3_on_tensorflow():
    import keras
    import tensorflow as tf

    assert keras.__version__.startswith("3."), keras.__version__
    assert keras.backend.backend() == "tensorflow"
    assert tf.__version__ >= "2.18"


def test_nbgrader_extension_installed_and_enabled():
    lab = subprocess.run([str(BIN / "jupyter"), "labextension", "list"], capture_output=True,
                         text=True, check=True)
    listing = lab.stdout + lab.stderr
    line = next((row for row in listing.splitlines() if "@jupyter/nbgrader" in row), "")
    assert "enabled" in line and "OK" in line, f"nbgrader's lab extension: {line!r}\n{listing}"
    version = re.search(r"v(\d+)\.(\d+)\.(\d+)", line)
    assert version and tuple(map(int, version.groups())) >= (0, 9, 6), line
    server = subprocess.run([str(BIN / "jupyter"), "server", "extension", "list"],
                            capture_output=True, text=True, check=True)
    text = server.stdout + server.stderr
    assert re.search(r"nbgrader\.server_extensions\.formgrader\s+\S*enabled", text), text


def test_jupyterlab_is_4():
    import jupyterlab

    assert jupyterlab.__version__.startswith("4."), jupyterlab.__version__


def test_dlcourse_command_is_installed():
    exe = shutil.which("dlcourse", path=str(BIN))
    assert exe, "the dlcourse entry point is not installed"
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("build", "grade", "check"):
        assert command in out
