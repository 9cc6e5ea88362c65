"""`dlcourse release`: the student edition holds no solution, hidden test or model answer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from autograder.course import available_modules, find_course_root
from autograder.submissions import make_submission
from autograder.term.release import ReleaseError, find_leaks, release, secret_lines
from tests.variants import m01_neuron as V01

ROOT = find_course_root(Path(__file__))
URL = "https://github.com/prof/dl-fall-2026"


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "dl-fall-2026"
    assert main(["release", str(out), "--repository", URL]) == 0
    return out


def test_edition_holds_no_line_of_any_solution_hidden_test_or_model_answer(edition):
    secrets = secret_lines(ROOT)
    assert len(secrets) > 500  # every module's solution regions, hidden tests, proofs
    assert find_leaks(ROOT, edition, min_length=1) == []
    assert not (edition / "solutions").exists() and not (edition / "tests").exists()
    for path in edition.rglob("*"):
        if path.is_file() and path.suffix in (".ipynb", ".md"):  # the package names the markers
            text = path.read_text()
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, path


def test_leak_check_catches_a_planted_solution_line(edition, tmp_path):
    line = next(s for s, where in secret_lines(ROOT).items()
                if where.startswith("06_softmax/proof") and len(s) > 30)
    copy = tmp_path / "leaky"
    (copy / "course").mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(line)])
    nbformat.write(notebook, copy / "course" / "extra.ipynb")
    leaks = find_leaks(ROOT, copy, min_length=1)
    assert len(leaks) == 1 and "06_softmax/proof" in leaks[0]


def test_edition_has_every_notebook_pointing_at_the_class_repository(edition):
    modules = available_modules(ROOT)
    for module in modules:
        for path in (edition / "exercises" / module / f"{module}.ipynb",
                     edition / "course" / f"{module}.ipynb"):
            notebook = nbformat.read(path, as_version=4)
            nbformat.validate(notebook)  # opens as a notebook
            setup = next(c for c in notebook.cells if "colab-setup" in c.metadata.get("tags", []))
            assert URL in setup.source, path
    readme = (edition / "README.md").read_text()
    assert readme.count("colab.research.google.com/github/prof/dl-fall-2026/blob/main/") == \
        2 * len(modules)
    assert "hidden tests" in readme.lower() and "solutions" not in readme


def _check(edition: Path, notebook: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(edition)}
    env.pop("DLCOURSE_ROOT", None)
    return subprocess.run([sys.executable, "-m", "autograder.cli", "check", str(notebook)],
                          cwd=edition, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.grading
def test_self_check_in_the_edition_runs_visible_tests_and_says_hidden_ones_run_later(edition):
    untouched = _check(edition, edition / "exercises/01_neuron/01_neuron.ipynb")
    assert untouched.returncode == 1, untouched.stderr
    assert "Visible tests: " in untouched.stdout and "NotImplementedError" in untouched.stdout
    assert "Hidden tests" in untouched.stdout and "run when your notebook is graded" in \
        untouched.stdout
    done = edition / "exercises/01_neuron/mine.ipynb"
    nbformat.write(make_submission(edition, "01_neuron", dict(V01.CORRECT)), done)
    passed = _check(edition, done)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Visible tests: 18 / 18" in passed.stdout


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="not empty"):
        release(ROOT, out, URL)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    with pytest.raises(ReleaseError, match="http"):
        release(ROOT, tmp_path / "new", "git@github.com:prof/x.git")
