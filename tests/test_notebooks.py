"""Every lecture notebook runs top to bottom, offline, within its time budget.

Solution notebooks are run top to bottom by tests/test_grading_proof.py (the solution
itself is graded there, and every one of its cells must run cleanly).
"""

from __future__ import annotations

import os
import time

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import MODULES, lecture_path
from autograder.determinism import GRADING_ENVIRONMENT
from tests.conftest import ROOT

# The issues' budgets on a 2-core CPU; the hard limit here is generous so that a loaded
# CI machine does not fail a notebook that is merely slow. Times are printed (-s or -rA).
BUDGET_S = {m: 60 if int(m[:2]) <= 6 else 90 for m in MODULES}


@pytest.mark.notebooks
@pytest.mark.parametrize("module", MODULES)
def test_lecture_runs_top_to_bottom(module, tmp_path, monkeypatch):
    path = lecture_path(ROOT, module)
    assert path.is_file(), f"{path} is missing"
    notebook = nbformat.read(path, as_version=4)
    for name, value in GRADING_ENVIRONMENT.items():
        if name != "MPLBACKEND":  # keep the inline backend: plots are part of a lecture
            monkeypatch.setenv(name, value)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    began = time.monotonic()
    client.execute()
    seconds = time.monotonic() - began
    print(f"{module}: {seconds:.1f} s (budget {BUDGET_S[module]} s)")
    errors = [c for c in notebook.cells if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.outputs)]
    assert not errors
    images = sum("image/png" in o.get("data", {}) for c in notebook.cells
                 if c.cell_type == "code" for o in c.outputs)
    assert images >= 1, f"{module}'s lecture shows no plot"
