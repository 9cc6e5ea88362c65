"""The Dask backend grades exactly like the local pool, and a stopped batch resumes.

A real ``distributed.LocalCluster`` (worker processes, loopback only) grades a small class
of module 01_neuron (the lite course of tests/hostile/course.py) next to the local
process pool; the rows of ``grades.csv`` must be identical.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from autograder.grading.batch import grade_batch
from autograder.grading.distributed import dask_executor_factory
from autograder.grading.execute import Limits
from tests.hostile.corpus import Context, build_corpus, cases
from tests.hostile.course import make_course

distributed = pytest.importorskip("distributed")
# One worker grades the module's batch once (a module fixture runs on every worker it
# reaches under pytest-xdist).
pytestmark = [pytest.mark.grading, pytest.mark.xdist_group("distributed")]

LIMITS = Limits(cell_timeout=10, notebook_timeout=120, interrupt_grace=3, memory_mb=1024)
CLASS = ("good", "edited_tests", "kill_kernel", "not_json", "redefine_checks", "no_notebook")


def _rows(csv_path: Path) -> list[tuple]:
    with csv_path.open(encoding="utf-8") as handle:
        return [(r["student_id"], r["assignment"], r["grade_id"], r["score"], r["max_score"],
                 r["status"]) for r in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    base = tmp_path_factory.mktemp("class")
    root = make_course(base / "course")
    ctx = Context(root=root, submissions=base / "submissions", out=base / "unused", port=9)
    build_corpus(ctx, [c for c in cases() if c.name in CLASS])
    return base, root, ctx.submissions


def test_dask_grades_like_the_local_pool(klass):
    base, root, submissions = klass
    local = grade_batch(submissions, base / "local", root, workers=2, limits=LIMITS,
                        progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        remote = grade_batch(submissions, base / "dask", root, workers=2, limits=LIMITS,
                             progress=False,
                             executor_factory=dask_executor_factory(cluster.scheduler_address))
    assert remote.graded == local.graded == len(CLASS)
    assert _rows(remote.csv_path) == _rows(local.csv_path)
    assert len(_rows(local.csv_path)) == len(CLASS) * 9


def test_cli_accepts_a_scheduler(klass, capsys):
    from autograder.cli import main

    base, root, submissions = klass
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        status = main(["--root", str(root), "grade", str(submissions), "--out",
                       str(base / "cli"), "--scheduler", cluster.scheduler_address,
                       "--timeout", "10", "--quiet", "--no-feedback"])
    assert status == 0
    assert len(_rows(base / "cli" / "grades.csv")) == len(CLASS) * 9


def test_stopped_batch_resumes_without_regrading_or_duplicates(klass, tmp_path):
    _, root, submissions = klass
    first_half, out = tmp_path / "half", tmp_path / "results"
    first_half.mkdir()
    students = sorted(p.name for p in submissions.iterdir())
    for name in students[:3]:
        shutil.copytree(submissions / name, first_half / name)
    part = grade_batch(first_half, out, root, workers=2, limits=LIMITS, progress=False)
    assert part.graded == 3

    # The batch is "killed" while grading a fourth submission: its record was being
    # written (a .tmp left behind) and grades.csv was not rewritten.
    shutil.copytree(submissions / students[3], first_half / students[3])
    records = sorted((out / "records").rglob("*.json"))
    records[0].with_suffix(".tmp").write_text('{"student_id": "half-writ')
    (out / "grades.csv").unlink()
    for name in students[4:]:
        shutil.copytree(submissions / name, first_half / name)

    resumed = grade_batch(first_half, out, root, workers=2, limits=LIMITS, progress=False)
    assert resumed.reused == 3
    assert resumed.graded == len(students) - 3
    rows = _rows(resumed.csv_path)
    keys = [(r[0], r[1], r[2]) for r in rows]
    assert len(keys) == len(set(keys)) == len(students) * 9

    again = grade_batch(first_half, out, root, workers=2, limits=LIMITS, progress=False)
    assert again.graded == 0 and _rows(again.csv_path) == rows
