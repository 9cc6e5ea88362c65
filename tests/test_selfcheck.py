"""The in-kernel self-check and `dlcourse check --show-answers`."""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder import cli
from autograder.grading.score import CellGrade, SubmissionGrade
from autograder.selfcheck import model_answers, run_checks
from tests.conftest import ROOT

SAMPLE = ROOT / "sample_class" / "submissions"


def _answers_of(student: str, module: str) -> dict:
    """A namespace holding what a student's answer cells define, as a kernel would."""
    namespace: dict = {}
    exec("import numpy as np", namespace)
    notebook = json.loads((SAMPLE / student / module / f"{module}.ipynb").read_text())
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution"):
            exec("".join(cell["source"]), namespace)
    return namespace


def test_self_check_finds_the_module_and_runs_hidden_tests():
    result = run_checks(_answers_of("ben", "01_neuron"), root=ROOT)
    assert result.module == "01_neuron" and result.hidden_included
    status = {c.grade_id: c.status for c in result.cells}
    assert status["test_line"] == status["test_relu"] == status["test_neuron__keras"] == "passed"
    assert status["test_sigmoid__overflow"] == "failed"  # a hidden test
    assert status["test_perceptron_train"] == "failed"
    message = {c.grade_id: c.message for c in result.cells}["test_sigmoid__overflow"]
    assert message.startswith("CheckFailure: sigmoid(np.array([-1000., 1000.])): NumPy reported")
    assert 0 < result.score < result.max_score


def test_self_check_of_one_function_and_a_time_limit():
    namespace = _answers_of("reference", "01_neuron")
    exec("def relu(z):\n    while True:\n        pass", namespace)
    result = run_checks(namespace, functions=("relu",), timeout=1.0, root=ROOT)
    assert [(c.grade_id, c.status) for c in result.cells] == [("test_relu", "timeout")]
    assert "ran for more than 1 s" in result.cells[0].message


def test_self_check_says_what_it_needs_when_it_cannot_tell_the_module():
    with pytest.raises(ValueError, match=r'check\(module="06_softmax"\)'):
        run_checks({}, root=ROOT)
    with pytest.raises(ValueError, match="must look like '06_softmax'"):
        run_checks({}, module="softmax", root=ROOT)


def _written(tmp_path, filled: str):
    notebook = nbformat.read(SAMPLE / "untouched" / "06_softmax" / "06_softmax.ipynb", 4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == filled:
            cell.source = "Every activation is positive, so ..."
    path = tmp_path / "06_softmax.ipynb"
    nbformat.write(notebook, path)
    return path


def test_model_answers_only_for_written_cells_filled_in(tmp_path):
    answers = model_answers(_written(tmp_path, "proof_monotonicity"), ROOT, "06_softmax")
    assert [grade_id for grade_id, _ in answers] == ["proof_monotonicity"]
    assert "quotient rule" in answers[0][1] and "BEGIN SOLUTION" not in answers[0][1]


def test_check_command_shows_answers(tmp_path, monkeypatch, capsys):
    from autograder.grading import submission

    def fake_grade(notebook, module, student, root, limits, feedback):
        return SubmissionGrade("you", module, [
            CellGrade("test_softmax", "softmax", 2.0, 2.0, "passed"),
            CellGrade("proof_monotonicity", "proof_monotonicity", None, 2.0, "manual", "", True),
            CellGrade("proof_nonlocality", "proof_nonlocality", None, 2.0, "manual", "", True)])

    monkeypatch.setattr(submission, "grade_notebook", fake_grade)
    path = _written(tmp_path, "proof_monotonicity")
    assert cli.main(["--root", str(ROOT), "check", str(path), "--show-answers"]) == 0
    out = capsys.readouterr().out
    assert "--- proof_monotonicity ---" in out and "quotient rule" in out
    assert "--- proof_nonlocality ---" not in out
    assert "not answered yet: proof_nonlocality" in out
    assert cli.main(["--root", str(ROOT), "check", str(path)]) == 0
    assert "quotient rule" not in capsys.readouterr().out  # only when asked
