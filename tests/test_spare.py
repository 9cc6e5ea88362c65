"""The spare kernel: the next notebook's kernel started while this one runs (``spare``).

Real kernels, no TensorFlow: the notebook that takes a spare sees what a kernel started for
it would show (its data files, its own folder, the same execution counts, a fresh
namespace), a spare for other limits is never taken, a dead one is replaced by a fresh
kernel, the running notebook cannot reach its spare, and a batch graded with spares gives
the grades it gives without them.
"""

from __future__ import annotations

import dataclasses
import glob
import os

import nbformat
import pytest

from autograder.grading import sandbox, spare
from autograder.grading.batch import grade_batch
from autograder.grading.execute import Limits, NotebookRunner
from tests.hostile.course import MODULE, good_submission, make_course

pytestmark = pytest.mark.grading

LIMITS = Limits(cell_timeout=60)
PROBE = """import glob, os
print(sorted(f for f in os.listdir(".") if not f.startswith(".")), len(glob.glob("/tmp/dlcourse-kernel-*")))
print("planted" in globals(), os.getcwd() == os.environ["HOME"])"""


def _notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


@pytest.fixture(autouse=True)
def _no_spare_left():
    spare.discard()
    yield
    spare.discard()


def test_a_spare_is_taken_ready_and_looks_like_a_fresh_kernel(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "table.csv").write_text("a,b\n")
    first = NotebookRunner(_notebook("planted = 1", PROBE), None, LIMITS, prestart=LIMITS).run()
    assert spare.kept(), "no spare was started"
    spare_dir = spare.kept().runner.workdir
    if sandbox.use_sandbox(LIMITS.sandbox):  # the running notebook cannot see its spare
        assert _text(first.notebook.cells[1]).splitlines()[0] == "[] 1"
    second = NotebookRunner(_notebook("x = 1", PROBE), data, LIMITS).run()
    assert not spare.kept()
    assert second.phases["set-up"] == 0  # taken, not started
    lines = _text(second.notebook.cells[1]).splitlines()
    assert lines[0].startswith("['table.csv']"), lines
    assert lines[1] == "False True", lines  # nothing of the first notebook; HOME is its folder
    fresh = NotebookRunner(_notebook("x = 1", PROBE), data, LIMITS).run()
    assert fresh.phases["set-up"] > 0
    assert ([c.execution_count for c in second.notebook.cells]
            == [c.execution_count for c in fresh.notebook.cells])
    assert not os.path.exists(spare_dir), "the spare's folder outlived its kernel"


def test_a_spare_for_other_limits_is_stopped_not_taken():
    other = dataclasses.replace(LIMITS, seed=7)
    NotebookRunner(_notebook("pass"), None, LIMITS, prestart=other).run()
    workdir = spare.kept().runner.workdir
    run = NotebookRunner(_notebook("import random; print(random.random())"), None, LIMITS).run()
    assert run.phases["set-up"] > 0 and not spare.kept()
    assert not os.path.exists(workdir)
    assert not glob.glob(os.path.join(workdir, "*"))


def test_a_batch_with_spares_gives_the_grades_it_gives_without(tmp_path):
    root = make_course(tmp_path / "course")
    submissions = tmp_path / "submissions"
    for student in ("ann", "bob", "cyd"):
        folder = submissions / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(good_submission(root), folder / f"{MODULE}.ipynb")
    with_spares = grade_batch(submissions, tmp_path / "a", root, workers=1, limits=LIMITS,
                              feedback=False, progress=False)
    without = grade_batch(submissions, tmp_path / "b", root, workers=1, limits=LIMITS,
                          feedback=False, progress=False, prestart=False)
    rows = [[(c.grade_id, c.score, c.status) for c in g.cells] for g in with_spares.grades]
    assert rows == [[(c.grade_id, c.score, c.status) for c in g.cells] for g in without.grades]
    assert all(g.score > 0 for g in with_spares.grades)
    taken = [g for g in with_spares.grades if g.phases.get("set-up", 0) == 0]
    assert len(taken) == 2, [g.phases for g in with_spares.grades]  # all but the first


def test_a_dead_spare_is_replaced_by_a_fresh_kernel():
    NotebookRunner(_notebook("pass"), None, LIMITS, prestart=LIMITS).run()
    found = spare.kept()
    found.runner.client.km.provisioner.process.kill()  # as the OOM killer would
    found.runner.client.km.provisioner.process.wait()
    run = NotebookRunner(_notebook("print(6 * 7)"), None, LIMITS).run()
    assert run.phases["set-up"] > 0  # started the usual way
    assert _text(run.notebook.cells[0]) == "42\n" and not run.notes
    assert not os.path.exists(found.runner.workdir)
