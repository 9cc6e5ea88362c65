"""The sandbox: the real module grades fully inside it, and its absence is said once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.grading import rlimits, sandbox
from autograder.grading.batch import grade_batch
from autograder.grading.execute import Limits
from autograder.grading.submission import grade_notebook
from tests.hostile.course import MODULE, REPO, good_submission, make_course

SANDBOXED = sandbox.probe().available


def test_rlimits_wrapper_command():
    command = rlimits.wrap(["python", "-m", "x"], 100, 10, 5, python="py", uid=123)
    assert command == ["py", "-m", "autograder.grading.rlimits", "--memory-mb", "100",
                       "--processes", "10", "--file-mb", "5", "--uid", "123", "--",
                       "python", "-m", "x"]


@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not available here")
def test_sandbox_hides_the_course_and_the_network(tmp_path):
    command = sandbox.bwrap_command(["true"], tmp_path, tmp_path)
    assert "--unshare-net" in command and "--remount-ro" in command
    bound = {command[i + 1] for i, a in enumerate(command) if a in ("--ro-bind", "--bind")}
    assert str(REPO) not in bound and str(REPO / "solutions") not in bound


@pytest.mark.grading
@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not available here")
def test_real_module_with_tensorflow_gets_full_marks_in_the_sandbox(tmp_path):
    root = make_course(tmp_path / "course", lite=False)
    path = tmp_path / f"{MODULE}.ipynb"
    import nbformat

    nbformat.write(good_submission(root), path)
    result = grade_notebook(path, MODULE, "s", root, Limits(cell_timeout=120, sandbox="require"))
    assert result.score == result.max_score, [c for c in result.cells if c.status != "passed"]


@pytest.mark.grading
def test_unsandboxed_batch_warns_once(tmp_path, capfd):
    root = make_course(tmp_path / "course")
    import nbformat

    for student in ("a", "b", "c"):
        folder = tmp_path / "subs" / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(good_submission(root), folder / f"{MODULE}.ipynb")
    result = grade_batch(tmp_path / "subs", tmp_path / "out", root, workers=2,
                         limits=Limits(cell_timeout=10, sandbox="off"), progress=False,
                         feedback=False)
    assert all(g.score == 17 for g in result.grades)
    err = capfd.readouterr().err
    assert err.count("will NOT be sandboxed") == 1
    shutil.rmtree(tmp_path / "out")
