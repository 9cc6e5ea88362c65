"""exercises/ is exactly what nbgrader generates from solutions/; generated parts in sync."""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder.build import build
from autograder.colab import SETUP_TAG, badge_table, setup_cell_source
from autograder.course import MODULES, available_modules, exercise_path, lecture_path
from autograder.grading.cells import HIDDEN_BEGIN
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    release = tmp_path_factory.mktemp("release")
    build(ROOT, release=release, sync=False)
    return release


@pytest.mark.parametrize("module", available_modules(ROOT))
def test_committed_exercise_equals_fresh_build(module, fresh_build):
    committed = exercise_path(ROOT, module)
    assert committed.is_file(), f"{committed} is missing: run `dlcourse build {module}`"
    fresh = fresh_build / module / f"{module}.ipynb"
    assert json.loads(committed.read_text()) == json.loads(fresh.read_text()), (
        f"exercises/{module} differs from a fresh build: run `dlcourse build {module}`")
    files = {p.name for p in committed.parent.iterdir()}
    assert files == {p.name for p in fresh.parent.iterdir()}


@pytest.mark.parametrize("module", available_modules(ROOT))
def test_exercise_hides_solutions_and_hidden_tests(module):
    text = exercise_path(ROOT, module).read_text()
    assert "BEGIN SOLUTION" not in text and HIDDEN_BEGIN not in text
    notebook = nbformat.read(exercise_path(ROOT, module), as_version=4)
    assert "solutions/" in notebook.metadata["dlcourse"]["generated"]
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


def _notebooks():
    for module in available_modules(ROOT):
        yield ROOT / "solutions" / module / f"{module}.ipynb"
        yield exercise_path(ROOT, module)
    yield from sorted((ROOT / "course").glob("*.ipynb"))


@pytest.mark.parametrize("path", list(_notebooks()), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_starts_with_current_setup_cell_and_has_no_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert SETUP_TAG in first.metadata.get("tags", []), f"{path.name}: first cell must be the set-up cell"
    assert first.source == setup_cell_source(ROOT), f"{path.name}: run `dlcourse build` to refresh it"
    assert notebook.metadata.get("kernelspec", {}).get("name") == "python3"
    with_outputs = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and c.outputs]
    assert not with_outputs, f"{path.name}: cells {with_outputs} hold outputs; clear them"


def test_every_module_has_its_three_notebooks():
    missing = [str(p.relative_to(ROOT)) for m in MODULES
               for p in (lecture_path(ROOT, m), ROOT / "solutions" / m / f"{m}.ipynb",
                         exercise_path(ROOT, m)) if not p.is_file()]
    assert not missing, f"missing notebooks: {missing}"


def test_readme_badges_are_current():
    readme = (ROOT / "README.md").read_text()
    modules = [m for m in MODULES if m in available_modules(ROOT) or lecture_path(ROOT, m).is_file()]
    assert badge_table(ROOT, modules) in readme, "README's Colab table is stale: run `dlcourse build`"
