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
