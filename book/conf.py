"""Sphinx configuration of the course site. Build it with ``make site``.

``python -m autograder.site`` stages the sources into ``book/_build/src`` and runs Sphinx
with this folder as its configuration directory (``-c book``); see ``autograder/site.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("DLCOURSE_ROOT", HERE.parent))
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(ROOT))

from autograder.colab import _branch  # noqa: E402  (the branch the Colab badges use)
from autograder.course import repository_url  # noqa: E402
from autograder.site import BUILD_DIR, environment_fingerprint, execution_environment  # noqa: E402,E501

# The kernels inherit this process's environment (part of the execution cache's key).
os.environ.update(execution_environment())
os.environ.pop("MPLBACKEND", None)

project = "dlcourse"
author = "the dlcourse authors"
copyright = "the dlcourse authors, MIT licence"
html_title = "Deep learning with Keras"

extensions = ["myst_nb", "offline_mathjax", "execution_report", "quiet_tensorflow"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header"]  # lectures may skip a heading level

# Execution: cached by code; a lecture that fails shows its error and fails the build's
# report (autograder/site.py), the other lectures still build.
nb_execution_mode = "cache"
nb_execution_cache_path = str(ROOT / BUILD_DIR / ".jupyter_cache" /
                              environment_fingerprint(ROOT))
nb_execution_in_temp = True
nb_execution_timeout = 600
nb_execution_allow_errors = False
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_merge_streams = True
# Widget outputs (progress bars) would load their JavaScript from a CDN: the site shows
# their text form instead, so that every page works offline.
nb_ipywidgets_js = {}

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": repository_url(ROOT),
    "repository_branch": _branch(ROOT),
    "path_to_docs": "course",  # lectures are staged at the top: <docname>.ipynb
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
