"""Where things are in the course repository, and the course's settings.

The layout is fixed (see ``../shared/CURRICULUM.md``): ``course/NN_name.ipynb``,
``solutions/NN_name/NN_name.ipynb`` and ``exercises/NN_name/NN_name.ipynb``. The settings
live in ``pyproject.toml`` under ``[tool.dlcourse]``.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from autograder.errors import DlcourseError

MODULES = (
    "01_neuron", "02_forward", "03_gradient_descent", "04_backprop", "05_sgd",
    "06_softmax", "07_keras", "08_training", "09_cnn", "10_rnn", "11_transformers",
    "12_autoencoders", "13_gans", "14_architectures",
)
MODULE_PATTERN = re.compile(r"^\d\d_[a-z0-9_]+$")
DEFAULT_REPOSITORY = "https://github.com/dlcourse/dlcourse"


class CourseNotFoundError(DlcourseError, FileNotFoundError):
    """The course repository (the folder holding ``solutions/``) could not be found."""


def find_course_root(start: str | os.PathLike[str] | None = None) -> Path:
    """Finds the course repository: ``$DLCOURSE_ROOT``, or a parent of ``start`` or cwd.

    Args:
        start: A path inside the repository (a notebook, say); defaults to the cwd.

    Returns:
        The folder that holds ``solutions/`` and ``nbgrader_config.py``.

    Raises:
        CourseNotFoundError: If no such folder is found.
    """
    candidates = []
    if os.environ.get("DLCOURSE_ROOT"):
        candidates.append(Path(os.environ["DLCOURSE_ROOT"]))
    here = Path(start or Path.cwd()).resolve()
    candidates += [here, *here.parents]
    candidates.append(Path(__file__).resolve().parents[1])  # an editable install
    for folder in candidates:
        if (folder / "solutions").is_dir() and (folder / "nbgrader_config.py").is_file():
            return folder
    raise CourseNotFoundError(
        f"Could not find the course repository (a folder with solutions/ and "
        f"nbgrader_config.py) above {here}. Run from inside the repository, or set "
        f"DLCOURSE_ROOT to its path.")


def available_modules(root: Path) -> list[str]:
    """The modules that have a solution notebook, in course order.

    Args:
        root: The course repository.

    Returns:
        Module names such as ``"01_neuron"``.
    """
    return sorted(p.parent.name for p in (root / "solutions").glob("*/*.ipynb")
                  if p.stem == p.parent.name and MODULE_PATTERN.match(p.stem))


def solution_path(root: Path, module: str) -> Path:
    """The instructor source notebook of ``module``."""
    return root / "solutions" / module / f"{module}.ipynb"


def exercise_path(root: Path, module: str) -> Path:
    """The generated student notebook of ``module``."""
    return root / "exercises" / module / f"{module}.ipynb"


def lecture_path(root: Path, module: str) -> Path:
    """The lecture notebook of ``module``."""
    return root / "course" / f"{module}.ipynb"


def repository_url(root: Path) -> str:
    """The public repository URL that Colab links and set-up cells use.

    Args:
        root: The course repository.

    Returns:
        ``[tool.dlcourse] repository`` from ``pyproject.toml``, or the default.
    """
    try:
        settings = tomllib.loads((root / "pyproject.toml").read_text())
        return settings["tool"]["dlcourse"]["repository"].rstrip("/")
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return DEFAULT_REPOSITORY
