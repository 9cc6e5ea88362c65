"""`dlcourse grade` on the bundled sample class: the grades every student should get.

This is what `make demo` runs. The students are described in tools/make_sample_class.py.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from autograder.grading.submission import load_source
from tests.conftest import ROOT

SUBMISSIONS = ROOT / "sample_class" / "submissions"
DLCOURSE = str(Path(sys.executable).parent / "dlcourse")
MODULES = ("01_neuron", "06_softmax")
STUDENTS = ("ada", "ben", "cleo", "dev", "eve", "reference", "untouched")
# The class is graded once, on one worker (a module fixture runs on every xdist worker
# that gets one of the module's tests).
pytestmark = pytest.mark.xdist_group("demo")


def run_grade(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([DLCOURSE, "grade", str(SUBMISSIONS), "--out", str(out),
                           "--workers", "2", "--timeout", "30", "--quiet"],
                          capture_output=True, text=True, cwd=ROOT, timeout=1200)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    first = run_grade(out)
    assert first.returncode == 0, first.stdout + first.stderr
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return out, first, rows


def by_function(rows, student, module):
    totals = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        if row["student_id"] == student and row["assignment"] == module and row["status"] != "manual":
            totals[row["function"]][0] += float(row["score"])
            totals[row["function"]][1] += float(row["max_score"])
    return totals


def full(totals, function):
    return totals[function][0] == totals[function][1] > 0


@pytest.mark.grading
def test_one_row_per_student_module_and_graded_cell(graded):
    _, _, rows = graded
    assert list(rows[0])[:5] == ["student_id", "assignment", "grade_id", "score", "max_score"] or \
        {"student_id", "assignment", "grade_id", "score", "max_score"} <= set(rows[0])
    for module in MODULES:
        _, specs = load_source(ROOT, module)
        for student in STUDENTS:
            ids = [r["grade_id"] for r in rows if r["student_id"] == student and r["assignment"] == module]
            assert sorted(ids) == sorted(s.grade_id for s in specs), (student, module)


@pytest.mark.grading
def test_reference_full_untouched_zero_ada_full(graded):
    _, _, rows = graded
    for module in MODULES:
        for function, (score, possible) in by_function(rows, "reference", module).items():
            assert score == possible, (module, function)
        assert all(score == 0 for score, _ in by_function(rows, "untouched", module).values())
        assert all(s == p for s, p in by_function(rows, "ada", module).values()), module


@pytest.mark.grading
def test_ben_loses_exactly_his_mistakes_and_not_for_stderr(graded):
    _, _, rows = graded
    neuron = by_function(rows, "ben", "01_neuron")
    assert not full(neuron, "sigmoid") and not full(neuron, "perceptron_train")
    assert all(full(neuron, f) for f in ("line", "relu", "neuron", "perceptron_weights"))
    softmax = by_function(rows, "ben", "06_softmax")
    assert not full(softmax, "softmax") and not full(softmax, "cross_entropy")
    assert full(softmax, "softmax_jacobian") and full(softmax, "softmax_cross_entropy_grad")


@pytest.mark.grading
def test_cleo_timeout_costs_one_function_and_tampered_tests_are_restored(graded):
    out, _, rows = graded
    mine = [r for r in rows if r["student_id"] == "cleo" and r["assignment"] == "01_neuron"]
    statuses = {r["grade_id"]: r["status"] for r in mine}
    assert statuses["test_perceptron_train"] == "timeout"
    assert statuses["test_relu"] == "passed"  # deleted by her, restored by the grader
    assert statuses["test_line"] == statuses["test_sigmoid"] == "passed"
    softmax = {r["grade_id"]: r["status"] for r in rows
               if r["student_id"] == "cleo" and r["assignment"] == "06_softmax"}
    assert softmax["test_softmax"] == "passed"  # she replaced it by `pass`; the original ran
    feedback = (out / "feedback" / "cleo" / "01_neuron.html").read_text()
    assert "was deleted; it was restored" in feedback


@pytest.mark.grading
def test_dev_renamed_and_truncated_files_are_graded_with_reasons(graded):
    out, _, rows = graded
    renamed = by_function(rows, "dev", "01_neuron")
    assert full(renamed, "line") and full(renamed, "neuron") and not full(renamed, "relu")
    truncated = [r for r in rows if r["student_id"] == "dev" and r["assignment"] == "06_softmax"]
    assert truncated and all(r["status"] == "unreadable" and r["score"] == "0" for r in truncated)
    assert "not valid notebook JSON" in truncated[0]["message"]
    assert (out / "feedback" / "dev" / "06_softmax.html").is_file()


@pytest.mark.grading
def test_eve_killed_kernel_is_restarted_and_her_work_counts(graded):
    out, _, rows = graded
    assert all(s == p for s, p in by_function(rows, "eve", "01_neuron").values())
    assert "kernel died" in (out / "feedback" / "eve" / "01_neuron.html").read_text()


@pytest.mark.grading
def test_feedback_never_shows_hidden_test_code(graded):
    out, _, _ = graded
    hidden_marker = "BEGIN HIDDEN TESTS"
    for student in STUDENTS:
        for module in MODULES:
            html = (out / "feedback" / student / f"{module}.html").read_text()
            assert hidden_marker not in html
            if (student, module) != ("dev", "06_softmax"):  # unreadable: nothing was run
                assert "hidden tests: run by the grader" in html


@pytest.mark.grading
def test_summary_and_resume(graded):
    out, first, rows = graded
    assert "Class summary: 7 student(s), 14 notebook(s)" in first.stdout
    assert "Most failed exercises" in first.stdout
    again = run_grade(out)
    assert again.returncode == 0
    assert "0 notebook(s) graded, 14 up to date" in again.stdout
    with (out / "grades.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == rows
