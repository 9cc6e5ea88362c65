"""An exercise notebook in a clean environment with only the student dependencies, as Colab.

Colab has Python, NumPy, Matplotlib, scikit-learn, TensorFlow with Keras 3 and a Jupyter
kernel, and none of the grading tools. This test builds such a virtual environment (no
system site-packages): the ``[project] dependencies``, TensorFlow as the ``cpu`` extra
gives it, and ``ipykernel``. It then runs ``exercises/01_neuron`` top to bottom in it,
with the reference answers filled in: the notebook's own first cell installs the course
the way it does in Colab (``git clone`` of this checkout's committed ``HEAD``, then ``pip
install``), and a last cell runs the in-kernel self-check, hidden tests included.

Building the environment downloads TensorFlow (a few hundred MB) once; it is kept under
``results/colab-venv/<key>``, the key a hash of the dependency list and the Python
version, so later runs only reinstall the course package. Editing the dependencies makes
a new one. ``DLCOURSE_COLAB_VENV=skip`` skips the test (say, on a laptop offline).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import nbformat
import pytest

from autograder.colab import SETUP_TAG, setup_cell_source
from autograder.grading import cells as C
from tests.conftest import ROOT

MODULE = "01_neuron"


def colab_requirements() -> list[str]:
    """What Colab has installed that the notebooks use: student deps, TensorFlow, a kernel."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["cpu"], "ipykernel"]


def colab_venv() -> Path:
    """The clean environment, built once per dependency list (see the module docstring)."""
    requirements = colab_requirements()
    key = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()[:16]
    venv = ROOT / "results" / "colab-venv" / key
    python = venv / "bin" / "python"
    if (venv / ".ready").is_file():
        # The course package is installed by the notebook's first cell: remove the last
        # run's copy so that cell installs it again, as on a fresh Colab runtime.
        subprocess.run([str(python), "-m", "pip", "uninstall", "--quiet", "--yes", "dlcourse"],
                       check=True, capture_output=True)
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                   check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *requirements], check=True)
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(venv), "--name",
                    "dlcourse-colab", "--display-name", "Colab-like"], check=True,
                   capture_output=True)
    (venv / ".ready").write_text("\n".join(requirements) + "\n")
    return venv


def notebook_with_answers(branch: str) -> nbformat.NotebookNode:
    """The student notebook with the reference answers, its set-up cell aimed at this
    checkout, and a last cell that checks it from inside the kernel."""
    exercise = nbformat.read(ROOT / "exercises" / MODULE / f"{MODULE}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / MODULE / f"{MODULE}.ipynb", as_version=4)
    answers = {C.grade_id(c): c.source for c in solution.cells if C.is_answer(c)}
    for cell in exercise.cells:
        if SETUP_TAG in cell.metadata.get("tags", []):
            assert cell.source == setup_cell_source(ROOT), "exercises are out of date"
            cell.source = cell.source.replace(f'"{branch_of_setting()}"', f'"{branch}"')
            cell.source = cell.source.replace(f'"{repository_setting()}"', f'"{ROOT}"')
        elif C.grade_id(cell) in answers:
            cell.source = answers[C.grade_id(cell)]
    exercise.cells.append(nbformat.v4.new_code_cell(
        "from autograder.selfcheck import check\nresult = check()\n"
        "assert result.hidden_included and result.score == result.max_score, result"))
    return exercise


def repository_setting() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dlcourse"]["repository"]


def branch_of_setting() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dlcourse"]["branch"]


@pytest.mark.notebooks
def test_exercise_runs_in_a_clean_student_environment(tmp_path):
    if os.environ.get("DLCOURSE_COLAB_VENV") == "skip":
        pytest.skip("DLCOURSE_COLAB_VENV=skip")
    from nbclient import NotebookClient

    began = time.monotonic()
    venv = colab_venv()
    built = time.monotonic() - began
    branch = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--abbrev-ref", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    notebook = notebook_with_answers(branch)
    # The kernel sees the clean environment only: no PYTHONPATH, no grading venv on PATH.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV",
                                                             "DLCOURSE_ROOT")}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), "/usr/local/bin", "/usr/bin", "/bin"])
    env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    os.environ["JUPYTER_PATH"] = env["JUPYTER_PATH"]
    try:
        client = NotebookClient(notebook, kernel_name="dlcourse-colab", timeout=900,
                                startup_timeout=180,
                                resources={"metadata": {"path": str(tmp_path)}})
        client.execute(env=env, cwd=str(tmp_path))
    finally:
        os.environ.pop("JUPYTER_PATH", None)
    ran = time.monotonic() - began - built
    output = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    assert "Checking 01_neuron (hidden tests included)" in output, output
    assert "Score: 18 / 18" in output, output
    installed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list",
                                "--format=freeze"], capture_output=True, text=True).stdout.lower()
    for tool in ("nbgrader", "jupyterlab", "nbclient", "nbconvert", "distributed"):
        assert f"\n{tool}==" not in "\n" + installed, f"{tool} was installed for a student"
    assert "dlcourse==" in installed
    print(f"clean environment: {built:.0f} s to prepare, {ran:.0f} s to run the notebook")
