"""The course site, built once per test process, for the tests that read or open it.

``tests/test_site.py`` and the lecture test of ``tests/test_notebooks.py`` share one build
(the lectures execute there, and only there, in a test run). Their tests carry
``xdist_group("site")`` so that under ``pytest -n auto --dist loadgroup`` they all land on
one worker, which builds the site once.
"""

from __future__ import annotations

import functools

from autograder.site import SiteBuild, build_site
from tests.conftest import ROOT


@functools.cache
def built_site() -> SiteBuild:
    """Builds the site (cached lectures are not run again) and returns the result.

    Raises:
        RuntimeError: If Sphinx could not build the site at all.
    """
    site = build_site(ROOT)
    if not (site.html / "index.html").is_file():
        raise RuntimeError(f"the site did not build (sphinx exited {site.returncode}):\n"
                           f"{site.log[-4000:]}")
    return site
