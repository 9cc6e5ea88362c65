"""Feedback pages as students read them: rendered, readable, hidden tests kept hidden.

The unit tests render pages from hand-made notebooks (fast). The browser test grades a
mixed student with the real pipeline (passed, failed, timed out, a written answer) and
looks at the page in headless Chromium.
"""

from __future__ import annotations

import re
import time

import nbformat
import pytest

from autograder.grading import cells as C
from autograder.grading.execute import Limits
from autograder.grading.feedback import clean_stream, render_page, visible_test_code
from autograder.grading import guard
from autograder.grading.score import CellGrade, SubmissionGrade
from autograder.grading.submission import grade_notebook, load_source
from tests.browser import browser, screenshot  # noqa: F401 - the fixture
from tests.conftest import ROOT

TF_NOISE = ("WARNING: All log messages before absl::InitializeLog() is called are written to "
            "STDERR\nI0000 00:00:1796206149.789333   17072 port.cc:153] oneDNN custom "
            "operations are on. You may see slightly different numerical results.\n"
            "2026-12-02 10:00:00.123456: I tensorflow/core/platform/cpu_feature_guard.cc:210] "
            "This TensorFlow binary is optimized to use available CPU instructions\n"
            "Fontconfig error: No writable cache directories\n"
            "/usr/lib/python3/joblib/_multiprocessing_helpers.py:44: UserWarning: [Errno 13] "
            "Permission denied.  joblib will operate in serial mode\n  warnings.warn(\n")


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False,
          points: float = 0) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "solution": solution, "grade": grade,
                         "points": points, "locked": not solution}}


def _stream(name: str, text: str):
    return nbformat.v4.new_output("stream", name=name, text=text)


def _small_case():
    """A graded notebook: a passing test sent through the guard, a failing hidden test."""
    visible = 'check_close(f(1.0), 2.0, "f(1.0)")\nprint("f: visible tests passed")'
    hidden = ("# Hidden tests: other inputs.\n### BEGIN HIDDEN TESTS\n"
              "check_close(f(SECRET_INPUT_42), 84.0, 'f(other)')\n### END HIDDEN TESTS")
    cells = [
        nbformat.v4.new_markdown_cell("## 1. Double\n\nReturn $y = 2x$ for <b>every</b> x.\n\n"
                                      "$$\\sigma(z) = \\frac{1}{1 + e^{-z}}$$"),
        nbformat.v4.new_code_cell("def f(x):\n    return 2 * x", metadata=_meta(
            "f", solution=True)),
        nbformat.v4.new_code_cell(guard.test_cell_source(visible + "\n" + hidden, "import numpy"),
                                  metadata=_meta("test_f", grade=True, points=1)),
        nbformat.v4.new_code_cell(hidden, metadata=_meta("test_f__more", grade=True,
                                                          points=2)),
        nbformat.v4.new_markdown_cell("<h1>mine</h1> $a_j > 0$ <script>alert(1)</script>",
                                      metadata=_meta("proof", solution=True, grade=True,
                                                     points=2)),
    ]
    cells[2].outputs = [_stream("stdout", "f: visible tests passed\n"),
                        _stream("stderr", TF_NOISE)]
    cells[3].outputs = [_stream("stderr", TF_NOISE + "RuntimeWarning: overflow in exp\n"),
                        nbformat.v4.new_output("error", ename="CheckFailure",
                                               evalue="f(other): expected 84.0, got 83.0",
                                               traceback=["\x1b[31mtrace quoting SECRET_INPUT_42"])]
    notebook = nbformat.v4.new_notebook(cells=cells)
    result = SubmissionGrade("mia", "99_demo", [
        CellGrade("test_f", "f", 1.0, 1.0, "passed"),
        CellGrade("test_f__more", "f", 0.0, 2.0, "failed", "CheckFailure: f(other): expected "
                  "84.0, got 83.0"),
        CellGrade("proof", "proof", None, 2.0, "manual", "graded by the instructor", True)])
    return notebook, result


def test_page_is_html_not_escaped_markup():
    page = render_page(*_small_case())
    assert "<h1>Feedback: 99_demo</h1>" in page and '<table class="summary">' in page
    assert "&lt;h1" not in page.split("<main>")[1].split("Written answer")[0]
    assert page.count('<section class="exercise"') == 2  # f and the written answer


def test_wrapper_unwrapped_visible_code_kept_hidden_code_never_shown():
    page = render_page(*_small_case())
    assert "__dlcourse_test__" not in page
    assert "check_close(f(1.0), 2.0" in page  # the visible part of a test with hidden tests
    assert "SECRET_INPUT_42" not in page and "BEGIN HIDDEN TESTS" not in page
    assert "f(other): expected 84.0, got 83.0" in page  # the hidden test's message
    assert "hidden tests: run by the grader" in page


def test_noise_dropped_and_warnings_only_beside_a_failed_test():
    page = render_page(*_small_case())
    for noise in ("absl", "oneDNN", "Fontconfig", "joblib", "cpu_feature_guard"):
        assert noise not in page, noise
    passed_block = page.split("test_f</code>")[1].split("test_f__more")[0]
    assert 'class="message"' not in passed_block and 'class="warn"' not in passed_block
    assert "f: visible tests passed" in passed_block  # its output, shown plainly
    failed_block = page.split("test_f__more</code>")[1]
    assert "RuntimeWarning: overflow in exp" in failed_block


def test_marks_are_words_and_formulas_rendered_offline():
    page = render_page(*_small_case())
    assert "✅" not in page and "❌" not in page
    assert re.search(r'<span class="badge pass">passed</span>', page)
    assert re.search(r'<span class="badge fail">failed</span>', page)
    assert 'alt="\\sigma(z) = \\frac{1}{1 + e^{-z}}"' in page  # drawn, the TeX as alt text
    assert "data:image/svg+xml;base64," in page and "<script" not in page
    assert "http://" not in page and "https://" not in page  # nothing to fetch


def test_written_answer_shown_escaped_with_its_status():
    page = render_page(*_small_case())
    written = page.split('id="ex-proof"')[1]
    assert "&lt;h1&gt;mine&lt;/h1&gt;" in written and "&lt;script&gt;" in written
    assert '<span class="badge manual">written</span>' in written


def test_written_answer_graded_by_the_teacher_shows_score_and_comment():
    notebook, result = _small_case()
    result.cells[2].score, result.cells[2].message = 1.5, "Good, but say why a_j < 1 & > 0."
    page = render_page(notebook, result)
    assert "1.5 / 2" in page and "Your teacher gave 1.5 / 2 points" in page
    assert "Good, but say why a_j &lt; 1 &amp; &gt; 0." in page  # the comment, escaped
    assert "2.5 / 5" in page  # 1 + 0 + 1.5: the graded answer counts on both sides


def test_noise_filter_keeps_real_messages():
    assert clean_stream(TF_NOISE + "my own warning\n") == "my own warning"
    code, hidden = visible_test_code("x = 1\n### BEGIN HIDDEN TESTS\ny = 2\n### END HIDDEN TESTS")
    assert code == "x = 1" and hidden


def test_huge_markdown_of_nested_divs_renders_fast():
    notebook, result = _small_case()
    notebook.cells[4].source = "<div>" * 40_000 + "$x$ " * 5_000  # 200 KB
    began = time.monotonic()
    page = render_page(notebook, result)
    assert time.monotonic() - began < 5.0
    assert "more characters not shown" in page and len(page) < 2_000_000


# --- a mixed student, graded by the pipeline, seen in a browser ---------------------------

MIXED_TIMEOUT = 20.0  # the endless loop costs this; TensorFlow cells need less under load


@pytest.fixture(scope="module")
def mixed_feedback(tmp_path_factory):
    """06_softmax of a student with passed, failed and timed-out tests and a written answer."""
    folder = tmp_path_factory.mktemp("mixed")
    notebook = nbformat.read(ROOT / "sample_class" / "submissions" / "reference" / "06_softmax"
                             / "06_softmax.ipynb", as_version=4)
    for cell in notebook.cells:
        gid = C.grade_id(cell)
        if gid == "softmax":
            cell.source = ("def softmax(z, axis=-1):\n    z = np.asarray(z, dtype=float)\n"
                           "    return np.exp(z) / np.exp(z).sum()")
        elif gid == "softmax_temperature":
            cell.source = "def softmax_temperature(z, c):\n    while True:\n        pass"
        elif gid == "proof_monotonicity":
            cell.source = ("By the quotient rule $\\frac{\\partial a_j}{\\partial z_k} = "
                           "a_j(\\delta_{jk} - a_k)$, so\n\n$$a_j(1 - a_j) > 0$$\n\n"
                           "**and** the others are negative.")
        elif gid == "proof_nonlocality":
            cell.source = "YOUR ANSWER HERE"
    path = folder / "06_softmax.ipynb"
    nbformat.write(notebook, path)
    page = folder / "feedback.html"
    result = grade_notebook(path, "06_softmax", "mia", ROOT,
                            Limits(cell_timeout=MIXED_TIMEOUT), page)
    return result, page


@pytest.mark.grading
def test_mixed_student_page_in_a_browser(mixed_feedback, browser):  # noqa: F811
    from selenium.webdriver.common.by import By

    result, page = mixed_feedback
    statuses = {c.grade_id: c.status for c in result.cells}
    assert statuses["test_softmax"] == "failed" and statuses["test_softmax_jacobian"] == "passed"
    assert statuses["test_softmax_temperature"] == "timeout"
    assert statuses["proof_monotonicity"] == "manual"

    browser.get(page.as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Feedback: 06_softmax"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.summary tbody tr")
    functions = list(dict.fromkeys(c.function for c in result.cells))
    assert [r.find_element(By.TAG_NAME, "code").text for r in rows] == functions
    sections = browser.find_elements(By.CSS_SELECTOR, "section.exercise")
    assert len(sections) == len(functions)
    summary = {r.find_element(By.TAG_NAME, "code").text:
               r.find_elements(By.TAG_NAME, "td")[2].text for r in rows}
    assert summary["softmax"] == "failed" and summary["softmax_temperature"] == "timed out"
    assert summary["softmax_jacobian"] == "passed" and summary["proof_monotonicity"] == "written"
    assert summary["proof_nonlocality"] == "not answered"

    text = browser.find_element(By.TAG_NAME, "body").text
    assert "<h1" not in text and "&lt;" not in text and "**and**" not in text
    assert "__dlcourse_test__" not in text and "absl" not in text
    source, _ = load_source(ROOT, "06_softmax")
    visible = {line.strip() for cell in source.cells if cell.cell_type == "code"
               for line in C.strip_hidden_tests(cell.source, None).splitlines()}
    hidden_lines = [line.strip() for cell in source.cells if C.HIDDEN_BEGIN in cell.source
                    for line in cell.source.split(C.HIDDEN_BEGIN)[1].split(C.HIDDEN_END)[0]
                    .splitlines() if len(line.strip()) > 25 and line.strip() not in visible]
    assert len(hidden_lines) > 10
    for line in hidden_lines:
        assert line not in text, f"hidden test code shown: {line!r}"
    for block in browser.find_elements(By.CSS_SELECTOR, ".test.pass"):
        assert not block.find_elements(By.CSS_SELECTOR, "pre.message, pre.warn")
    timed_out = browser.find_element(By.CSS_SELECTOR, "#ex-softmax_temperature .test.time")
    assert "was stopped" in timed_out.text
    formulas = browser.find_elements(By.CSS_SELECTOR, "#ex-proof_monotonicity img.math")
    assert formulas and all(browser.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", f) for f in formulas)
    screenshot(browser, "feedback_mixed_student")
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true);"
                           "document.getElementById('ex-proof_monotonicity').scrollIntoView()")
    screenshot(browser, "feedback_mixed_student_written")
