"""Hostile and broken submissions are graded, explained, and harm nothing else.

The whole corpus (tests/hostile/corpus.py) is graded in one batch with short limits; each
case is then checked on its own: its score, the status of every test cell it must lose
(all others must pass), and words in its feedback that tell the student why.
"""

from __future__ import annotations

import csv
import socket
import threading
from collections import Counter
from pathlib import Path

import pytest

from autograder.grading import sandbox
from autograder.grading.batch import grade_batch
from autograder.grading.execute import Limits
from tests.hostile.corpus import (TWIN_ID, TWIN_LOOKALIKE, Context, build_corpus, cases,
                                  record_json, write_targets)
from tests.hostile.course import MODULE, make_course

# One worker grades the module's batch once (a module fixture runs on every worker it
# reaches under pytest-xdist).
pytestmark = [pytest.mark.grading, pytest.mark.xdist_group("hostile")]

SANDBOXED = sandbox.probe().available
LIMITS = Limits(cell_timeout=10, notebook_timeout=300, interrupt_grace=3, memory_mb=1024,
                max_processes=256, max_output_bytes=200_000)
CASES = [c for c in cases() if SANDBOXED or not c.sandbox_only]


class _Listener:
    """A TCP server on the host's loopback that counts the connections it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    root = make_course(base / "course")
    listener = _Listener()
    ctx = Context(root=root, submissions=base / "submissions", out=base / "results",
                  port=listener.port)
    build_corpus(ctx, CASES)
    try:
        result = grade_batch(ctx.submissions, ctx.out, root, workers=2, limits=LIMITS,
                             progress=False)
    finally:
        listener.close()
    by_student = {g.student_id: g for g in result.grades}
    return ctx, result, by_student, listener


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_is_graded_and_explained(graded, case):
    _, _, by_student, _ = graded
    grade = by_student[case.name]
    statuses = {c.grade_id: c.status for c in grade.cells}
    explained = "\n".join(grade.notes + [c.message for c in grade.cells])
    for grade_id, status in statuses.items():
        expected = case.lost.get(grade_id, "passed")
        if case.score == 0 and grade_id not in case.lost:
            continue  # nothing to grade: every cell lost, one of them named
        assert status == expected, (grade_id, status, explained)
    assert grade.score == case.score, explained
    for word in case.words:
        assert word in explained, (word, explained)
    for cell in grade.cells:
        if cell.status != "passed":
            assert cell.message.strip(), cell  # always a reason


def test_every_submission_recorded_once(graded):
    ctx, result, by_student, _ = graded
    assert result.grader_errors == 0
    assert len(by_student) == len(CASES)
    with result.csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keys = Counter((r["student_id"], r["grade_id"]) for r in rows)
    assert set(keys.values()) == {1}
    assert {r["student_id"] for r in rows} == {c.name for c in CASES}
    assert len(record_json(ctx.out)) == len(CASES)
    for case in CASES:
        assert len(by_student[case.name].cells) == 9, case.name


def test_feedback_files_written(graded):
    ctx, _, _, _ = graded
    feedback = list((ctx.out / "feedback").rglob("*.html"))
    assert len(feedback) == len(CASES)


def test_test_cells_print_despite_redefined_print(graded):
    ctx, _, _, _ = graded
    html = (ctx.out / "feedback" / "redefine_builtins" / f"{MODULE}.html").read_text()
    assert "line: visible tests passed" in html


def test_hidden_tests_stay_hidden_in_feedback(graded):
    ctx, _, _, _ = graded
    html = (ctx.out / "feedback" / "good" / f"{MODULE}.html").read_text()
    assert "separable_set" not in html and "default_rng(11)" not in html


@pytest.mark.parametrize("student", ["leak_in", "leak_stack"])
def test_hidden_tests_never_reach_the_kernel(graded, student):
    """What the kernel prints can't hold a hidden test: their source never enters it."""
    ctx, _, by_student, _ = graded
    html = (ctx.out / "feedback" / student / f"{MODULE}.html").read_text()
    assert "separable_set" not in html and "default_rng(11)" not in html
    assert "LEAKED:" not in html and "BEGIN HIDDEN" not in html


@pytest.mark.skipif(not SANDBOXED, reason="bubblewrap is not available here")
def test_sandbox_left_no_trace(graded):
    ctx, _, _, listener = graded
    assert listener.connections == 0
    for target in write_targets(ctx):
        assert not Path(target).exists(), target


def test_resume_regrades_nothing(graded):
    ctx, first, _, _ = graded
    before = first.csv_path.read_bytes()
    again = grade_batch(ctx.submissions, ctx.out, ctx.root, workers=2, limits=LIMITS,
                        progress=False)
    assert again.graded == 0 and again.reused == len(CASES)
    assert again.csv_path.read_bytes() == before


def test_links_show_no_solution_or_classmate_code(graded):
    ctx, _, _, _ = graded
    for student in ("link_to_solution", "link_to_classmate", "linked_module_folder"):
        html = (ctx.out / "feedback" / student / f"{MODULE}.html").read_text()
        assert "BEGIN SOLUTION" not in html and "perceptron_train(X, y" not in html, student


def test_lookalike_ids_keep_their_own_results(graded):
    ctx, _, by_student, _ = graded
    from autograder.grading.batch import safe_name

    assert safe_name(TWIN_ID) != safe_name(TWIN_LOOKALIKE)
    assert by_student[TWIN_ID].score == 17 and by_student[TWIN_LOOKALIKE].score == 15
    pages = {ctx.out / "feedback" / safe_name(s) / f"{MODULE}.html" for s in (TWIN_ID, TWIN_LOOKALIKE)}
    assert len(pages) == 2 and all(p.is_file() for p in pages)


def test_floods_are_capped_in_records_and_feedback(graded):
    ctx, _, by_student, _ = graded
    for student in ("error_flood", "display_flood"):
        page = ctx.out / "feedback" / student / f"{MODULE}.html"
        assert page.stat().st_size < 2_000_000, (student, page.stat().st_size)
        assert all(len(c.message) <= 5000 for c in by_student[student].cells)
