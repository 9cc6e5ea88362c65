"""One term, end to end: release, students fill notebooks, collect from Moodle and Canvas,
grade, hand-grade the written answers in formgrader (headless Chromium), export to Canvas,
Moodle and a wide CSV, the class report, and similar submissions.

The class (tests/term_class.py): ada (careful, proofs written), hal and ivy (their own
code), and two planted near-copies, fay (of ada) and gus (of hal). Seven notebooks in
modules 01_neuron and 06_softmax are graded.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from autograder.course import find_course_root
from autograder.submissions import make_submission
from tests.browser import browser, screenshot  # noqa: F401 - the fixture
from tests.term_class import ROSTER, answers, canvas_name, moodle_name, zip_download

ROOT = find_course_root(Path(__file__))
pytestmark = pytest.mark.grading

ADA_SCORES = {"proof_monotonicity": "2", "proof_nonlocality": "1.5", "proof_inversion": "2"}
ADA_COMMENT = "Right idea; say why the sum S is the same for every j."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _formgrader(course: Path):
    """A Jupyter server with nbgrader's formgrader on ``course``; returns (process, url)."""
    port, token = _free_port(), "term-test"
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                  os.environ.get("PATH", "")])}
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={port}",
               "--ip=127.0.0.1", f"--IdentityProvider.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (course / "server.log").open("w")
    process = subprocess.Popen(command, cwd=course, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/formgrader/api/assignments?token={token}", timeout=2)
            return process, url, token
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.5)
    process.kill()
    raise AssertionError("formgrader did not start:\n" + (course / "server.log").read_text())


def _hand_grade_in_formgrader(driver, url: str, token: str, submission_id: str) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{url}/login")  # the login cookie lets formgrader's own API calls through
    driver.find_element("id", "password_input").send_keys(token, Keys.ENTER)
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)
    driver.get(f"{url}/formgrader/submissions/{submission_id}/")
    WebDriverWait(driver, 60).until(
        lambda d: d.find_elements("id", "proof_monotonicity")
        and d.execute_script("return document.readyState") == "complete")
    for grade_id, score in ADA_SCORES.items():
        box = driver.find_element("id", grade_id)
        driver.execute_script("arguments[0].scrollIntoView()", box)
        box.clear()
        box.send_keys(score, Keys.TAB)
    comment = driver.find_element("id", "proof_nonlocality-comment")
    driver.execute_script("arguments[0].scrollIntoView()", comment)
    comment.send_keys(ADA_COMMENT, Keys.TAB)  # leaving the comment saves it
    screenshot(driver, "term_formgrader")


def _wait_for_gradebook(db_url: str, timeout: float = 30) -> None:
    from nbgrader.api import Gradebook

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Gradebook(db_url) as gb:
            grades = {g: gb.find_grade(g, "06_softmax", "06_softmax", "ada").manual_score
                      for g in ADA_SCORES}
            comment = gb.find_comment("proof_nonlocality", "06_softmax", "06_softmax",
                                      "ada").manual_comment
        if all(v is not None for v in grades.values()) and comment == ADA_COMMENT:
            return
        time.sleep(0.5)
    raise AssertionError(f"formgrader did not save the scores: {grades}, comment {comment!r}")


def test_a_whole_term(tmp_path, browser):  # noqa: F811
    began = time.monotonic()
    timings = {}

    # 1. release: the student edition the class works from
    edition = tmp_path / "edition"
    assert main(["release", str(edition), "--repository", "https://github.com/prof/dl"]) == 0

    # 2. students fill the released notebooks; 3. the LMS downloads
    nbs = {(s, m): nbformat.writes(make_submission(edition, m, code)).encode()
           for s, modules in answers().items() for m, code in modules.items()}
    moodle = zip_download({
        moodle_name("ada", 3101, "06_softmax.ipynb"): nbs[("ada", "06_softmax")],
        moodle_name("fay", 3102, "softmax-final.ipynb"): nbs[("fay", "06_softmax")],
    }, tmp_path / "moodle-06_softmax.zip")
    canvas = tmp_path / "canvas-01_neuron"
    canvas.mkdir()
    for i, student in enumerate(("ada", "fay", "hal", "ivy", "gus")):
        (canvas / canvas_name(student, 7000 + i, "01_neuron.ipynb", late=student == "gus")
         ).write_bytes(nbs[(student, "01_neuron")])
    subs = tmp_path / "submissions"
    assert main(["collect", str(moodle), str(subs), "--roster", str(ROSTER),
                 "--module", "06_softmax"]) == 0
    assert main(["collect", str(canvas), str(subs), "--roster", str(ROSTER),
                 "--module", "01_neuron"]) == 0
    assert sorted(str(p.relative_to(subs)) for p in subs.rglob("*.ipynb")) == sorted(
        f"{s}/{m}/{m}.ipynb" for s, m in nbs)
    timings["release+collect"] = time.monotonic() - began

    # 4. grade
    results = tmp_path / "results"
    t = time.monotonic()
    assert main(["grade", str(subs), "--out", str(results), "--workers", "2", "--quiet"]) == 0
    timings["grade"] = time.monotonic() - t
    with (results / "grades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["score"] for r in rows if r["status"] == "manual"} == {""}

    # 5. hand-grade the written answers: ada's in formgrader, fay's from a CSV
    course = tmp_path / "nbgrader"
    t = time.monotonic()
    assert main(["gradebook", str(results), "--course", str(course), "--roster",
                 str(ROSTER)]) == 0
    from nbgrader.api import Gradebook

    db_url = f"sqlite:///{course.resolve() / 'gradebook.db'}"
    with Gradebook(db_url) as gb:
        submission_id = gb.find_submission_notebook("06_softmax", "06_softmax", "ada").id
        assert gb.find_grade("test_softmax", "06_softmax", "06_softmax", "ada").auto_score == 2
    process, url, token = _formgrader(course)
    try:
        _hand_grade_in_formgrader(browser, url, token, submission_id)
        _wait_for_gradebook(db_url)
    finally:
        process.terminate()
        process.wait(timeout=30)
    timings["formgrader"] = time.monotonic() - t
    fay = tmp_path / "fay-proofs.csv"
    fay.write_text("student_id,assignment,grade_id,score,comment\n"
                   "fay,06_softmax,proof_monotonicity,0.5,Only the claim; no derivation.\n"
                   "fay,06_softmax,proof_nonlocality,0,Not answered.\n"
                   "fay,06_softmax,proof_inversion,0,Not answered.\n")
    assert main(["manual", str(results), "--from-gradebook", str(course), "--csv", str(fay)]) == 0
    with (results / "grades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    ada = {r["grade_id"]: r for r in rows if r["student_id"] == "ada"
           and r["assignment"] == "06_softmax"}
    assert {g: ada[g]["score"] for g in ADA_SCORES} == ADA_SCORES
    assert ada["proof_nonlocality"]["message"] == ADA_COMMENT
    assert not [r for r in rows if r["status"] == "manual" and r["score"] == ""]
    assert ADA_COMMENT.split(";")[0] in (results / "feedback/ada/06_softmax.html").read_text()
    # filling the gradebook again (after a regrade, say) keeps what formgrader holds
    assert main(["gradebook", str(results), "--course", str(course)]) == 0
    from autograder.term.manual import from_gradebook

    kept = {(s.grade_id, s.score, s.comment) for s in from_gradebook(db_url)}
    assert ("proof_nonlocality", 1.5, ADA_COMMENT) in kept and len(kept) == 3

    # 6. export
    for fmt in ("canvas", "moodle", "wide"):
        assert main(["export", str(results), "--format", fmt, "--roster", str(ROSTER)]) == 0
    with (results / "export-wide.csv").open() as handle:
        wide = {r["student_id"]: r for r in csv.DictReader(handle)}
    assert set(wide) == {"ada", "fay", "gus", "hal", "ivy"}
    assert wide["ada"]["06_softmax"] == "27.5" and wide["ada"]["total"] == "45.5"
    assert wide["hal"]["06_softmax"] == "" and wide["hal"]["01_neuron"] != ""
    with (results / "export-canvas.csv").open() as handle:
        canvas_rows = list(csv.reader(handle))
    assert canvas_rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert ["Lovelace, Ada", "501", "S001", "alovelace", "", wide["ada"]["01_neuron"],
            "27.5"] in canvas_rows
    with (results / "export-moodle.csv").open() as handle:
        moodle_rows = {r["ID number"]: r for r in csv.DictReader(handle)}
    assert set(moodle_rows) == set(wide)
    assert moodle_rows["ada"]["First name"] == "Ada" and moodle_rows["ada"]["Last name"] == "Lovelace"
    assert moodle_rows["ada"]["Email address"] == "ada@uni.example"
    assert moodle_rows["ada"]["06_softmax"] == "27.5" and moodle_rows["hal"]["06_softmax"] == ""

    # 7. report, opened as the instructor would
    assert main(["report", str(results)]) == 0
    browser.get((results / "report.html").as_uri())
    assert browser.find_element("tag name", "h1").text == "Class report"
    assert len(browser.find_elements("css selector", "img")) == 2

    # 8. similar submissions: the two planted near-copies on top, honest students not flagged
    similar = tmp_path / "similar"
    t = time.monotonic()
    assert main(["similar", str(subs), "--out", str(similar)]) == 0
    timings["similar"] = time.monotonic() - t
    browser.get((similar / "index.html").as_uri())
    ranked = [row.find_elements("tag name", "td") for row in
              browser.find_elements("css selector", "tbody tr")]
    flagged = [r[1].text for r in ranked if r[4].text == "yes"]
    assert flagged == ["ada / fay", "gus / hal"] or flagged == ["gus / hal", "ada / fay"]
    assert [r[1].text for r in ranked[:2]] == flagged
    browser.find_element("link text", "ada / fay").click()
    assert browser.find_elements("css selector", "mark"), "the copied code is highlighted"
    screenshot(browser, "term_similar_pair")

    timings["total"] = time.monotonic() - began
    print("term timings (s): " + json.dumps({k: round(v, 1) for k, v in timings.items()}))
