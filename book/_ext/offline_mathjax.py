"""Serves MathJax 3 from the site itself, so formulas typeset with the network closed.

The MathJax files come from the ``sphinx-mathjax-offline`` package (a PyPI copy of
MathJax 3). Only what the CHTML output needs is copied: ``tex-chtml.js``, its fonts, the
TeX extensions it may load on demand, and the menu/accessibility components.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

PACKAGE = "sphinx-mathjax-offline"  # the distribution's import name has dashes
PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml", "ui", "a11y", "adaptors",
         "sre")


def mathjax_source() -> Path:
    """The folder of MathJax's files inside the installed package.

    Raises:
        ExtensionError: If the package is not installed.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.origin:
        raise ExtensionError(
            f"the course site serves MathJax itself and needs the '{PACKAGE}' package "
            f"(pip install -e '.[site]'); it is not installed")
    return Path(spec.origin).parent / "static" / "mathjax"


def _copy(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / "mathjax"
    for part in PARTS:
        origin, destination = source / part, target / part
        if origin.is_dir():
            shutil.copytree(origin, destination, dirs_exist_ok=True)
        else:
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, destination)


def setup(app):
    """Points Sphinx's MathJax at the local copy and copies it after each build."""
    mathjax_source()  # fail early, not after executing every lecture
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
