"""Every lecture notebook runs top to bottom, offline, within its time budget.

The lectures are executed in one place in a test run: the course site's build
(``autograder/site.py``, the same build ``make site`` runs), which executes each lecture
with MyST-NB and keeps the executed notebook in a cache keyed by the lecture's code
(under the git-ignored ``book/_build``). This test reads those executed notebooks and
their run times instead of executing the lectures a second time. In a fresh checkout,
as in CI, the cache is empty and every lecture runs; locally, a lecture runs again when
its code, the course's dataset code or a package version changed, and a lecture that
failed always runs again.

Solution notebooks are run top to bottom by tests/test_grading_proof.py (the solution
itself is graded there, and every one of its cells must run cleanly).
"""

from __future__ import annotations

import pytest

from autograder.course import MODULES, lecture_path
from tests.conftest import ROOT
from tests.sitebuild import built_site

# The issues' budgets on a 2-core CPU, printed next to each time. A lecture fails beyond
# twice its budget: tests share the CPU with the other pytest workers, so a time within
# the margin is load, not a slow lecture (a cached time is the one measured when it ran).
BUDGET_S = {m: 60 if int(m[:2]) <= 6 else 90 for m in MODULES}
LOAD_MARGIN = 2.0


@pytest.mark.notebooks
@pytest.mark.xdist_group("site")
@pytest.mark.parametrize("module", MODULES)
def test_lecture_runs_top_to_bottom(module):
    path = lecture_path(ROOT, module)
    assert path.is_file(), f"{path} is missing"
    site = built_site()
    data = site.execution.get(module)
    assert data is not None, f"the site build did not execute {module}:\n{site.log[-3000:]}"
    runtime = data["runtime"] or 0.0
    origin = "from the execution cache" if data["cached"] else "run in this build"
    print(f"{module}: {runtime:.1f} s (budget {BUDGET_S[module]} s, {origin})")
    assert data["succeeded"], (
        f"{module} failed with {data['error']}; traceback in "
        f"{site.html / 'reports' / (module + '.err.log')}")

    notebook = site.executed_notebook(module)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    errors = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"
              and any(o.get("output_type") == "error" for o in c.outputs)]
    assert not errors, f"{module}: cells {errors} show an error"
    images = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    assert images >= 1, f"{module}'s lecture shows no plot"
    assert runtime <= LOAD_MARGIN * BUDGET_S[module], (
        f"{module} took {runtime:.1f} s, over {LOAD_MARGIN:g} x its budget of "
        f"{BUDGET_S[module]} s")
