"""Hand-given scores, exports and the class report, on a small set of grading results."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest

from autograder.cli import main
from autograder.course import find_course_root
from autograder.grading.batch import write_csv
from autograder.grading.score import CellGrade, SubmissionGrade
from autograder.grading.submission import load_source
from autograder.submissions import write_submission
from autograder.term.export import render, score_table
from autograder.term.manual import ManualScoreError, ManualScore, merge_manual
from autograder.term.records import load_records, record_path, save_records
from autograder.term.report import build_report, message_group
from autograder.term.roster import read_roster
from tests.browser import browser, screenshot  # noqa: F401 - the fixture
from tests.term_class import ROSTER, notebooks

ROOT = find_course_root(Path(__file__))
WRONG = "CheckFailure: softmax([1, 2, 3]) sums to {0}, expected 1"


def _grade(student: str, module: str, notebook: Path, failing: dict[str, str]) -> SubmissionGrade:
    _, specs = load_source(ROOT, module)
    cells = []
    for s in specs:
        if s.manual:
            cells.append(CellGrade(s.grade_id, s.function, None, s.max_score, "manual",
                                   "graded by the instructor", True))
        elif s.grade_id in failing:
            status = "timeout" if "timed out" in failing[s.grade_id] else "failed"
            cells.append(CellGrade(s.grade_id, s.function, 0.0, s.max_score, status,
                                   failing[s.grade_id]))
        else:
            cells.append(CellGrade(s.grade_id, s.function, s.max_score, s.max_score, "passed"))
    return SubmissionGrade(student, module, cells, notebook_path=str(notebook))


@pytest.fixture
def results(tmp_path) -> Path:
    """ada: all tests pass; fay: softmax fails twice (numbers differ), a time-out in 01."""
    subs, out = tmp_path / "subs", tmp_path / "results"
    nbs = notebooks(ROOT)
    grades = []
    for student, failing in (("ada", {}), ("fay", {"test_softmax": WRONG.format(1.5),
                                                   "test_softmax__stable": WRONG.format(2.25)})):
        for module in ("01_neuron", "06_softmax"):
            path = write_submission(nbs[(student, module)], subs, student, module)
            extra = {"test_perceptron_train": "the cell timed out after 30 s"} \
                if student == "fay" and module == "01_neuron" else {}
            grades.append(_grade(student, module, path, {**failing, **extra}))
    for g in grades:
        record = record_path(out, g.student_id, g.assignment)
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(__import__("json").dumps(g.to_json()))
    write_csv(grades, out / "grades.csv")
    return out


def _rows(results: Path) -> list[dict]:
    with (results / "grades.csv").open() as handle:
        return list(csv.DictReader(handle))


def test_manual_csv_scores_and_comments_reach_grades_and_feedback(results, tmp_path):
    manual = tmp_path / "manual.csv"
    manual.write_text("student_id,assignment,grade_id,score,comment\n"
                      "ada,06_softmax,proof_monotonicity,2,Clear and complete.\n"
                      "ada,06_softmax,proof_nonlocality,1.5,\"Right idea, say why.\"\n")
    assert main(["manual", str(results), "--csv", str(manual)]) == 0
    rows = {r["grade_id"]: r for r in _rows(results)
            if r["student_id"] == "ada" and r["assignment"] == "06_softmax"}
    assert rows["proof_monotonicity"]["score"] == "2"
    assert rows["proof_nonlocality"]["score"] == "1.5"
    assert rows["proof_nonlocality"]["message"] == "Right idea, say why."
    assert rows["proof_inversion"]["score"] == ""  # not graded yet
    feedback = (results / "feedback/ada/06_softmax.html").read_text()
    assert "Right idea, say why." in feedback and "Clear and complete." in feedback
    assert "BEGIN HIDDEN TESTS" not in feedback
    before = (results / "grades.csv").read_bytes()
    assert main(["manual", str(results), "--csv", str(manual)]) == 0  # idempotent
    assert (results / "grades.csv").read_bytes() == before
    regraded = load_records(results)  # a regrade writes fresh records, written answers empty
    for grade in regraded:
        grade.cells = [dataclasses.replace(c, score=None, message="graded by the instructor")
                       if c.manual else c for c in grade.cells]
    save_records(results, regraded)
    assert (results / "grades.csv").read_bytes() != before
    assert main(["manual", str(results)]) == 0  # the kept scores are applied again
    assert (results / "grades.csv").read_bytes() == before


def test_bad_manual_scores_are_all_reported_and_nothing_is_written(results, tmp_path):
    before = (results / "grades.csv").read_bytes()
    bad = [ManualScore("zoe", "06_softmax", "proof_inversion", 1),
           ManualScore("ada", "06_softmax", "proof_of_nothing", 1),
           ManualScore("ada", "06_softmax", "proof_inversion", 9)]
    with pytest.raises(ManualScoreError) as error:
        merge_manual(results, ROOT, bad)
    text = str(error.value)
    assert "zoe/06_softmax: no graded submission" in text
    assert "no graded cell 'proof_of_nothing'" in text
    assert "score 9 is outside 0..2" in text
    assert (results / "grades.csv").read_bytes() == before
    assert not (results / "manual_scores.csv").exists()
    not_a_number = tmp_path / "nan.csv"
    not_a_number.write_text("student_id,assignment,grade_id,score\nada,06_softmax,proof_inversion,"
                            "two\n")
    assert main(["manual", str(results), "--csv", str(not_a_number)]) == 2


def test_exports_leave_ungraded_written_answers_empty_with_a_warning(results, tmp_path, capsys):
    roster = read_roster(ROSTER)
    table = score_table(results)
    assert table.scores["ada"] == {"01_neuron": 18.0, "06_softmax": None}
    assert any("ada/06_softmax: written answer(s) proof_monotonicity" in w for w in table.warnings)
    canvas = list(csv.reader(io.StringIO(render(table, "canvas", roster))))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                         "01_neuron", "06_softmax"]
    assert canvas[1][0].strip() == "Points Possible" and canvas[1][5:] == ["18", "28"]
    assert canvas[2] == ["Lovelace, Ada", "501", "S001", "alovelace", "", "18", ""]
    out = tmp_path / "moodle.csv"
    assert main(["export", str(results), "--format", "moodle", "--roster", str(ROSTER),
                 "--out", str(out), "--name", "06_softmax=Softmax (written)"]) == 0
    assert "not graded yet" in capsys.readouterr().err
    moodle = list(csv.reader(out.open()))
    assert moodle[0] == ["First name", "Last name", "ID number", "Email address", "01_neuron",
                         "Softmax (written)"]
    assert moodle[1] == ["Ada", "Lovelace", "ada", "ada@uni.example", "18", ""]

    merge_manual(results, ROOT, [ManualScore("ada", "06_softmax", g, 2) for g in
                                 ("proof_monotonicity", "proof_nonlocality", "proof_inversion")]
                 + [ManualScore("fay", "06_softmax", g, 0) for g in
                    ("proof_monotonicity", "proof_nonlocality", "proof_inversion")],
                 feedback=False)
    wide = list(csv.DictReader(io.StringIO(render(score_table(results), "wide", roster))))
    assert wide[0] == {"student_id": "ada", "name": "Ada Lovelace", "email": "ada@uni.example",
                       "01_neuron": "18", "06_softmax": "28", "total": "46", "max_total": "46"}
    assert wide[1]["06_softmax"] == "18" and wide[1]["01_neuron"] == "16"


def test_message_groups_mask_numbers():
    assert message_group(WRONG.format(1.5)) == message_group(WRONG.format(2.25))
    assert message_group("") == "(no message)"


def test_report_opens_in_chromium_with_figures_and_tables(results, browser):  # noqa: F811
    path = build_report(results, threshold=95)
    browser.get(path.as_uri())
    headings = [h.text for h in browser.find_elements("css selector", "h2")]
    assert headings == ["Score distribution per module", "Failure rate per function",
                        "Most frequent failure messages per function", "Time-outs and crashes",
                        "Students below 95%"]
    images = browser.find_elements("css selector", "img")
    assert len(images) == 2
    assert all(browser.execute_script("return arguments[0].naturalWidth", i) > 200
               for i in images)
    messages = browser.find_element("id", "messages").find_element(
        "xpath", "following-sibling::table").text
    assert "06_softmax softmax 2 CheckFailure: softmax([#, #, #]) sums to #, expected #" in \
        messages  # the two failures of fay, grouped
    trouble = browser.find_element("id", "trouble").find_element(
        "xpath", "following-sibling::table").text
    assert "fay 01_neuron test_perceptron_train timeout" in trouble
    below = browser.find_element("id", "below").find_element(
        "xpath", "following-sibling::table").text
    assert "fay" in below and "ada" not in below
    screenshot(browser, "term_report")


def test_report_and_export_refuse_results_without_grades(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "no grades.csv" in capsys.readouterr().err
    (tmp_path / "grades.csv").write_text(
        "student_id,assignment,grade_id,function,score,max_score,status,message\n")
    assert main(["report", str(tmp_path)]) == 2
    assert "has no rows" in capsys.readouterr().err
