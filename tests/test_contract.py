"""The graded names and signatures follow the course contract, ../shared/CURRICULUM.md."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from autograder.course import MODULES, solution_path
from autograder.grading.cells import grade_id, is_answer, is_manual
from tests.conftest import ROOT

CONTRACT = ROOT.parent / "shared" / "CURRICULUM.md"


def contract_entries(new: bool = False) -> dict[str, dict[str, str | None]]:
    """``{module: {name: parameter list or None for a class}}`` read from the contract.

    Args:
        new: If False, the rows of every function; if True, only the rows marked *(new)*
            (functions the contract announces before the course has them).
    """
    entries: dict[str, dict[str, str | None]] = {}
    module = None
    for line in CONTRACT.read_text().splitlines():
        heading = re.match(r"^## (\d\d_\w+)", line)
        if heading:
            module = heading.group(1)
            entries[module] = {}
            continue
        if module and (line.startswith("| `") or line.startswith("| *(new)* `")):
            first = line.split("|")[1]
            if new and "*(new)*" not in first:
                continue
            for name, params in re.findall(r"`(\w+)\(([^`]*)\)`", first):
                is_class = params.startswith("keras.")
                entries[module][name] = None if is_class else params
    return entries


def solution_signatures(module: str) -> dict[str, str | None]:
    """``{grade_id: parameter list as written}`` of a solution's code answer cells."""
    notebook = nbformat.read(solution_path(ROOT, module), as_version=4)
    found: dict[str, str | None] = {}
    for cell in notebook.cells:
        if not (is_answer(cell) and not is_manual(cell) and cell.cell_type == "code"):
            continue
        gid = grade_id(cell)
        tree = ast.parse(cell.source)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == gid:
                found[gid] = ast.unparse(node.args)
            elif isinstance(node, ast.ClassDef) and node.name == gid:
                found[gid] = None
        found.setdefault(gid, "<no definition with this name in its cell>")
    return found


def normalise(params: str) -> str:
    """The parameter list as ``ast.unparse`` writes it (``1e-5`` becomes ``1e-05``)."""
    try:
        return ast.unparse(ast.parse(f"def f({params}): pass").body[0].args)
    except SyntaxError:
        return params


@pytest.mark.skipif(not CONTRACT.is_file(), reason="../shared/CURRICULUM.md is not beside "
                    "this checkout (it is in CI and in the course's workspace)")
@pytest.mark.parametrize("module", MODULES)
def test_solution_matches_contract(module):
    contract = contract_entries()[module]
    if not solution_path(ROOT, module).is_file():
        pytest.fail(f"solutions/{module}/{module}.ipynb is missing")
    solution = solution_signatures(module)
    # A row marked *(new)* may wait for the issue that adds it: it is left out only while the
    # solution does not define the name at all; once defined it is checked like any other row.
    waiting = set(contract_entries(new=True)[module]) - set(solution)
    contract = {name: params for name, params in contract.items() if name not in waiting}
    assert set(solution) == set(contract), (
        f"graded names differ from the contract: missing {set(contract) - set(solution)}, "
        f"extra {set(solution) - set(contract)}")
    for name, params in contract.items():
        if params is not None:
            assert normalise(solution[name]) == normalise(params), (
                f"{name}: contract says ({params}), the solution has ({solution[name]})")


@pytest.mark.skipif(not CONTRACT.is_file(), reason="../shared/CURRICULUM.md is not beside "
                    "this checkout (it is in CI and in the course's workspace)")
def test_new_rows_are_read_with_their_signatures():
    """A *(new)* row is part of the contract, with its parameters, not dropped by the reader."""
    everything = contract_entries()
    for module, names in contract_entries(new=True).items():
        for name, params in names.items():
            assert everything[module].get(name, "<missing>") == params, (module, name)
