"""Shared fixtures: the repository, its modules, and the variants of graded answers."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from autograder.course import available_modules

ROOT = Path(__file__).resolve().parents[1]
MODULES = available_modules(ROOT)


def variants_of(module: str):
    """The ``tests/variants/mNN_name.py`` module of ``module``, or None."""
    try:
        return importlib.import_module(f"tests.variants.m{module}")
    except ModuleNotFoundError:
        return None


@pytest.fixture(scope="session")
def root() -> Path:
    """The course repository."""
    return ROOT


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Names each ``xdist_group`` in the test's id on an xdist worker, as xdist means to.

    ``--dist loadgroup`` keeps a group on one worker by the ``@group`` suffix that
    pytest-xdist's worker adds to the ids, but pytest 9 keeps an item's id in ``_id`` and
    xdist 3.8 still writes ``_nodeid``, which nothing reads: every test became a group of
    its own, so the course site was built and the hostile and demo batches graded on both
    workers. Setting the id here restores the grouping (the ids end in ``@group``).
    """
    if not hasattr(config, "workerinput"):
        return
    try:  # pytest >= 9 keeps the id as a NodeId; xdist 3.8 still sets the old ``_nodeid``
        from _pytest.nodeid import coerce_node_id
    except ImportError:
        coerce_node_id = None
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if not names or item.nodeid.endswith(suffix):
            continue
        if coerce_node_id is not None:
            item._id = coerce_node_id(item.nodeid + suffix)  # noqa: SLF001
        else:
            item._nodeid = item.nodeid + suffix  # noqa: SLF001 - what xdist itself sets
