"""The set-up cell at the top of every notebook, and the README's "Open in Colab" badges.

Both are written from one setting, ``[tool.dlcourse] repository`` in ``pyproject.toml``,
by ``dlcourse build``; ``tests/test_build.py`` fails when a notebook or the README is out
of step with it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from autograder.course import lecture_path, repository_url

SETUP_TAG = "colab-setup"
BADGES_BEGIN = "<!-- colab-badges:begin (written by `dlcourse build`) -->"
BADGES_END = "<!-- colab-badges:end -->"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"

_SETUP_TEMPLATE = '''\
# Set-up for Google Colab and fresh environments: installs the course package when it is
# missing, and does nothing otherwise. Written by `dlcourse build` from pyproject.toml.
import importlib.util, os, subprocess, sys
if importlib.util.find_spec("autograder") is None:
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", "--branch", "{branch}",
                    "{repository}", "dlcourse"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "./dlcourse"], check=True)
    os.environ["DLCOURSE_ROOT"] = os.path.abspath("dlcourse")
    importlib.invalidate_caches()'''


def _branch(root: Path) -> str:
    import tomllib

    try:
        return tomllib.loads((root / "pyproject.toml").read_text())["tool"]["dlcourse"]["branch"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "main"


def setup_cell_source(root: Path) -> str:
    """The source of the ``colab-setup`` cell for this repository.

    Args:
        root: The course repository.

    Returns:
        Python code that installs the course package when it is missing.
    """
    return _SETUP_TEMPLATE.format(repository=repository_url(root), branch=_branch(root))


def sync_setup_cell(path: Path, root: Path) -> bool:
    """Rewrites the ``colab-setup`` cell of a notebook if it differs.

    Args:
        path: A notebook whose first tagged cell is the set-up cell.
        root: The course repository.

    Returns:
        True if the file was changed.
    """
    notebook = nbformat.read(path, as_version=4)
    wanted = setup_cell_source(root)
    for cell in notebook.cells:
        if SETUP_TAG in cell.get("metadata", {}).get("tags", []):
            if cell.source == wanted:
                return False
            cell.source = wanted
            nbformat.write(notebook, path)
            return True
    return False


def colab_url(root: Path, relative: str) -> str:
    """The Colab address that opens ``relative`` (a path in the repository).

    Args:
        root: The course repository.
        relative: A notebook path relative to the repository root.

    Returns:
        ``https://colab.research.google.com/github/OWNER/REPO/blob/BRANCH/PATH``.
    """
    repo = re.sub(r"^https?://github\.com/", "", repository_url(root))
    return f"https://colab.research.google.com/github/{repo}/blob/{_branch(root)}/{relative}"


def badge_table(root: Path, modules: list[str]) -> str:
    """The README's table of modules with a Colab badge for each notebook.

    Args:
        root: The course repository.
        modules: Module names in course order.

    Returns:
        Markdown between the badge markers (markers included).
    """
    rows = ["| module | lecture | exercise |", "|---|---|---|"]
    for module in modules:
        cells = []
        for relative in (f"course/{module}.ipynb", f"exercises/{module}/{module}.ipynb"):
            exists = (root / relative).is_file() or (relative.startswith("course/")
                                                      and lecture_path(root, module).is_file())
            cells.append(f"[![Open In Colab]({COLAB_BADGE})]({colab_url(root, relative)})"
                         if exists else "–")
        rows.append(f"| `{module}` | " + " | ".join(cells) + " |")
    return "\n".join([BADGES_BEGIN, *rows, BADGES_END])


def sync_readme(root: Path, modules: list[str]) -> bool:
    """Rewrites the badge table in README.md between its markers, if it differs.

    Args:
        root: The course repository.
        modules: Module names in course order.

    Returns:
        True if README.md was changed.
    """
    readme = root / "README.md"
    if not readme.is_file():
        return False
    text = readme.read_text()
    start, end = text.find(BADGES_BEGIN), text.find(BADGES_END)
    if start < 0 or end < 0:
        return False
    new = text[:start] + badge_table(root, modules) + text[end + len(BADGES_END):]
    if new == text:
        return False
    readme.write_text(new)
    return True
